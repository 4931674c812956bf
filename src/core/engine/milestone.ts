// Milestone subgraphs (smf-spec §2.10) and the `svcadm enable -r` closure (§2.9): pure
// traversals over the dependency groups (the subgraph breadth first with an explicit queue, the
// closure depth first as illumos svcadm walks it).
//
// Invariants:
// - Milestone subgraph = target + everything reachable through require_all / require_any /
//   optional_all edges (optional_all only into instances enabled ignoring overrides);
//   exclude_all edges are never followed. The delegated restarter is followed too.

import type { DependencyGroup } from './dependencies.js';
import { declaredGroups, type Graph } from './graph.js';

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
  /** instances to enable, in the order the walk reaches them (the operand first) */
  enable: string[];
  /** require_any groups with more than one candidate: not followed */
  requiresOneOf: { fmri: string; candidates: string[] }[];
  /** a dependency naming a service with several instances */
  multipleInstances: { fmri: string; service: string }[];
  /** the operand, when the walk came back to an instance it was still inside (a dependency cycle) */
  cycles: string[];
  /** entities naming no instance (absent instance or service) */
  absent: { fmri: string; kind: 'instance' | 'service' }[];
  /** everything above in the order the walk met it (what svcadm prints, as illumos does, as it goes) */
  events: ClosureEvent[];
}

export type ClosureEvent =
  | { kind: 'enable'; fmri: string }
  | { kind: 'requiresOneOf'; fmri: string; candidates: string[] }
  | { kind: 'multipleInstances'; fmri: string; service: string }
  | { kind: 'absent'; fmri: string; entity: 'instance' | 'service' }
  | { kind: 'cycle'; fmri: string };

/**
 * `svcadm enable -r` (illumos svcadm enable_fmri_rec): a depth-first walk from the operand
 * through its delegated restarter and the entities of its require_all / require_any service
 * dependencies, as declared (a group the graph refused for closing a cycle is followed too).
 * Each instance is enabled before its dependencies are walked. Reaching an instance that is
 * still being walked is a cycle: the walk stops there and the operand is reported; what was
 * reached before stays enabled. A require_any group whose entities name more than one existing
 * instance is listed instead of followed; absent entities are reported (illumos get_inst_mult).
 */
export function enableClosure(graph: Graph, fmri: string): EnableClosure {
  const res: EnableClosure = { enable: [], requiresOneOf: [], multipleInstances: [], cycles: [], absent: [], events: [] };
  if (!graph.get(fmri)) return res;
  /** false while the walk is inside the instance, true once done */
  const visited = new Map<string, boolean>();
  /** the instances the walk is inside, each with what it still has to follow (an explicit stack) */
  const stack: { fmri: string; steps: Step[]; i: number }[] = [];
  /** enters one instance; false = it is on the stack already (a cycle) */
  const enter = (f: string): boolean => {
    const seen = visited.get(f);
    if (seen !== undefined) return seen;
    const v = graph.get(f);
    if (!v) return true;
    visited.set(f, false);
    res.enable.push(f);
    res.events.push({ kind: 'enable', fmri: f });
    const steps: Step[] = [];
    if (v.restarter) {
      const restarters = graph.expand(v.restarter);
      steps.push(...(restarters.length ? restarters : [{ absent: v.restarter, kind: 'instance' as const }]));
    }
    for (const g of declaredGroups(v)) if (g.type === 'service' && (g.grouping === 'require_all' || g.grouping === 'require_any')) steps.push(g);
    stack.push({ fmri: f, steps, i: 0 });
    return true;
  };
  enter(fmri);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.i >= top.steps.length) {
      visited.set(top.fmri, true);
      stack.pop();
      continue;
    }
    const step = top.steps[top.i++];
    if (typeof step === 'string') {
      if (!enter(step)) { res.cycles.push(fmri); res.events.push({ kind: 'cycle', fmri }); break; }
    } else if ('multipleOf' in step) {
      res.multipleInstances.push({ fmri: top.fmri, service: step.multipleOf });
      res.events.push({ kind: 'multipleInstances', fmri: top.fmri, service: step.multipleOf });
    } else if ('absent' in step) {
      res.absent.push({ fmri: step.absent, kind: step.kind });
      res.events.push({ kind: 'absent', fmri: step.absent, entity: step.kind });
    } else {
      // a group is looked at when the walk gets to it (after the groups before it were walked)
      top.steps.splice(top.i, 0, ...groupSteps(graph, top.fmri, step, res));
    }
  }
  return res;
}

/** An instance to enter, a group to look at, or an entity to report (several instances, none). */
type Step = string | DependencyGroup | { multipleOf: string } | { absent: string; kind: 'instance' | 'service' };

/** What a require group leads to, in order; a require_any naming several instances is listed instead (res). */
function groupSteps(graph: Graph, fmri: string, g: DependencyGroup, res: EnableClosure): Step[] {
  const ents = g.entities.flatMap((e) => (e.kind === 'file' ? [] : [e]));
  if (g.grouping === 'require_any' && ents.reduce((n, e) => n + graph.expand(e.fmri).length, 0) > 1) {
    // svcadm prints the group's entities as stored (an absent one, a service), as illumos does
    res.requiresOneOf.push({ fmri, candidates: ents.map((e) => e.fmri) });
    res.events.push({ kind: 'requiresOneOf', fmri, candidates: ents.map((e) => e.fmri) });
    return [];
  }
  const out: Step[] = [];
  for (const e of ents) {
    const insts = graph.expand(e.fmri);
    if (e.kind === 'service' && insts.length > 1) out.push({ multipleOf: e.fmri });
    else if (insts.length === 0) out.push({ absent: e.fmri, kind: e.kind === 'service' ? 'service' : 'instance' });
    else out.push(...insts);
  }
  return out;
}
