// Milestone subgraphs (smf-spec §2.10) and the `svcadm enable -r` closure (§2.9): pure
// traversals over the dependency groups, breadth first with explicit queues.
//
// Invariants:
// - Milestone subgraph = target + everything reachable through require_all / require_any /
//   optional_all edges (optional_all only into instances enabled ignoring overrides);
//   exclude_all edges are never followed. The delegated restarter is followed too.

import type { Graph } from './graph.js';

export function milestoneSubgraph(graph: Graph, target: string): Set<string> {
  const out = new Set<string>();
  if (!graph.get(target)) return out;
  out.add(target);
  const queue = [target];
  for (let i = 0; i < queue.length; i++) {
    const v = graph.get(queue[i]);
    if (!v) continue;
    const next: string[] = [];
    for (const g of v.groups) {
      if (g.grouping === 'exclude_all') continue;
      for (const e of g.entities) {
        if (e.kind === 'file') continue;
        for (const f of graph.expand(e.fmri)) {
          if (g.grouping === 'optional_all' && graph.get(f)?.config.persistentEnabled !== true) continue;
          next.push(f);
        }
      }
    }
    if (v.restarter) next.push(...graph.expand(v.restarter));
    for (const f of next) if (!out.has(f)) { out.add(f); queue.push(f); }
  }
  return out;
}

export interface EnableClosure {
  /** instances to enable, in discovery order (the operand first) */
  enable: string[];
  /** require_any groups with more than one candidate: not followed */
  requiresOneOf: { fmri: string; candidates: string[] }[];
  /** a dependency naming a service with several instances */
  multipleInstances: { fmri: string; service: string }[];
  /** instances whose dependencies (through the closure) form a cycle */
  cycles: string[];
}

/** `svcadm enable -r`: restarter + require_all / require_any service dependencies, recursively. */
export function enableClosure(graph: Graph, fmri: string): EnableClosure {
  const res: EnableClosure = { enable: [], requiresOneOf: [], multipleInstances: [], cycles: [] };
  if (!graph.get(fmri)) return res;
  const seen = new Set([fmri]);
  const queue = [fmri];
  for (let i = 0; i < queue.length; i++) {
    const v = graph.get(queue[i]);
    if (!v) continue;
    res.enable.push(v.fmri);
    if (v.configError?.aux === 'dependency_cycle') res.cycles.push(v.fmri);
    const next: string[] = [];
    if (v.restarter) next.push(...graph.expand(v.restarter));
    for (const g of v.groups) {
      if (g.type !== 'service' || (g.grouping !== 'require_all' && g.grouping !== 'require_any')) continue;
      const ents = g.entities.flatMap((e) => (e.kind === 'file' ? [] : [e]));
      // svcadm counts and prints the group's entities as stored (an absent one, a service), as illumos does
      if (g.grouping === 'require_any' && ents.length > 1) {
        res.requiresOneOf.push({ fmri: v.fmri, candidates: ents.map((e) => e.fmri) });
        continue;
      }
      for (const e of ents) {
        const insts = graph.expand(e.fmri);
        if (e.kind === 'service' && insts.length > 1) { res.multipleInstances.push({ fmri: v.fmri, service: e.fmri }); continue; }
        next.push(...insts);
      }
    }
    for (const f of next) if (!seen.has(f)) { seen.add(f); queue.push(f); }
  }
  return res;
}
