// The analysis behind `svcs -x` (smf-spec §7.1), the algorithm of illumos svcs explain.c over the
// stored rows: for every instance its causes (the instances an administrator has to act on, each
// with the direct dependency it was found through), its missing dependencies, and for causes the
// dependents that are not running because of them (impact).
//
// Invariants:
// - An instance that is not offline-and-waiting is its own (only) cause: running, uninitialized,
//   maintenance, disabled, offline with a method running. Maintenance, enabled-but-disabled and
//   offline-in-transition instances are root causes by themselves; the others become root causes
//   only when a waiting dependent finds them (a disabled dependency, a running excluded instance,
//   an uninitialized one).
// - An offline instance that waits collects the causes of every dependency that keeps it waiting,
//   group by group as explain.c does (require_all: each not running; require_any: all of them
//   when none runs; optional_all: enabled ones neither running nor in maintenance; exclude_all:
//   running ones), plus absent entities and unsatisfied files. With no cause, missing
//   dependencies make it a root cause; else its restarter is examined.
// - Pure: a function of the rows, file states and whether the master restarter answers.
import { parseEntity } from './entity.js';
import type { FileState } from './long.js';
import { effectiveEnabled, type InstanceRow, MASTER_RESTARTER, restarterOf } from './row.js';
import { isRunningState } from './states.js';
import { storedGraph, type StoredInstance } from './stored-graph.js';

/** Why the restarter of an offline instance explains nothing (explain.c restarter_bad). */
export type RestarterProblem = 'none' | 'invalid' | 'absent';

export interface ExplainInput {
  /** every instance; dependency groups are only consulted for offline instances */
  rows: readonly InstanceRow[];
  fileState(path: string): FileState;
  /** whether the master restarter (the daemon) is running */
  masterRunning: boolean;
}

export interface Cause {
  fmri: string;
  /** the explained instance, the dependencies it was found through, the cause */
  path: string[];
}

export interface Analysis {
  row(fmri: string): InstanceRow | undefined;
  /** entities of unsatisfied dependencies that are absent (files and instances), in group order */
  missing(fmri: string): string[];
  /** the causes other than the instance itself, each with its Path */
  causes(fmri: string): Cause[];
  /** the instance is its own cause (nothing else explains it) */
  selfCause(fmri: string): boolean;
  /** an offline instance explained by nothing: what is wrong with its restarter, if anything */
  restarterProblem(fmri: string): RestarterProblem;
  /** svcs -x's summary of an instance named as a cause ("is disabled.", "is running.", ...) */
  summary(fmri: string): string;
  /** the instance's restarter: running (the master restarter: the daemon answers), stopped, or not a known instance */
  restarterState(fmri: string): 'running' | 'stopped' | RestarterProblem;
  /** dependents that are not running because of this instance, sorted */
  impacted(fmri: string): string[];
  /** root causes to list when svcs -x has no operands, most impact first */
  rootCauses(): string[];
  /** "potential" satisfiability (svcadm enable -s exit 4): false when no dependency group can
   *  ever be satisfied without administrator action */
  canComeUp(fmri: string): boolean;
}

interface Node {
  row: InstanceRow;
  /** cause fmri -> the direct dependency it came through (undefined: the node itself) */
  causes?: Map<string, string | undefined>;
  missing: string[];
  restarterProblem: RestarterProblem;
  /** dependents that took causes from this node */
  impactDependents: Set<string>;
  impact?: Set<string>;
  active: boolean;
}

export function analyse(input: ExplainInput): Analysis {
  const nodes = new Map<string, Node>();
  const byService = new Map<string, string[]>();
  for (const r of input.rows) {
    nodes.set(r.fmri, { row: r, missing: [], restarterProblem: 'none', impactDependents: new Set(), active: false });
    const list = byService.get(`svc:/${r.service}`) ?? [];
    list.push(r.fmri);
    byService.set(`svc:/${r.service}`, list);
  }
  const rootSet = new Set<string>();
  const running = (f: string) => isRunningState(nodes.get(f)!.row.state);

  /** explain.c add_causes: dst takes src's causes (through src) and src records dst as impacted. */
  const addCauses = (dst: Node, src: Node): void => {
    determine(src);
    if (src.active || !src.causes) return; // src is on the walk's stack: a cycle, nothing to take
    src.impactDependents.add(dst.row.fmri);
    for (const c of src.causes.keys()) {
      if (!dst.causes!.has(c)) dst.causes!.set(c, src.row.fmri);
      rootSet.add(c);
    }
  };

  /** The instances an svc: entity names; undefined when it names nothing (absent). */
  const resolve = (text: string): { instance?: string; instances: string[] } | undefined | 'invalid' => {
    const e = parseEntity(text);
    if (e.kind === 'invalid' || e.kind === 'file') return 'invalid';
    if (e.kind === 'instance') return nodes.has(e.fmri) ? { instance: e.fmri, instances: [e.fmri] } : undefined;
    const insts = byService.get(e.fmri);
    return insts ? { instances: insts } : undefined;
  };

  /** The instance's restarter: the master restarter, a known instance, or why its name names none. */
  const restarterInstanceOf = (r: InstanceRow): typeof MASTER_RESTARTER | 'absent' | 'invalid' | { instance: string } => {
    const rf = restarterOf(r);
    if (rf === MASTER_RESTARTER) return MASTER_RESTARTER;
    const rs = resolve(rf);
    if (rs === undefined) return 'absent';
    if (rs === 'invalid' || !rs.instance) return 'invalid';
    return { instance: rs.instance };
  };

  function determine(n: Node): void {
    if (n.active || n.causes) return;
    n.causes = new Map();
    const r = n.row;
    const self = () => n.causes!.set(r.fmri, undefined);
    const state = r.state ?? 'uninitialized';
    if (isRunningState(state) || state === 'uninitialized') { self(); return; }
    if (state === 'maintenance') { self(); rootSet.add(r.fmri); return; }
    if (state === 'disabled') { self(); if (effectiveEnabled(r)) rootSet.add(r.fmri); return; }
    if (state !== 'offline' || (r.nextState && r.nextState !== 'none')) { self(); rootSet.add(r.fmri); return; }
    n.active = true;
    for (const g of r.dependencies) {
      if (g.type === 'path') files(n, g.grouping, g.entities);
      else if (g.type === 'service') services(n, g.grouping, g.entities);
    }
    if (n.causes.size === 0) {
      if (n.missing.length > 0) { self(); rootSet.add(r.fmri); }
      else {
        const ri = restarterInstanceOf(r);
        if (typeof ri === 'object' && !running(ri.instance)) addCauses(n, nodes.get(ri.instance)!);
        else {
          if (ri === 'absent' || ri === 'invalid') n.restarterProblem = ri;
          self();
          rootSet.add(r.fmri);
        }
      }
    }
    n.active = false;
  }

  function services(n: Node, grouping: string | undefined, entities: readonly string[]): void {
    const add = (f: string) => addCauses(n, nodes.get(f)!);
    switch (grouping) {
      case 'require_all':
        for (const text of entities) {
          const t = resolve(text);
          if (t === 'invalid') continue;
          if (!t) { n.missing.push(text); continue; }
          if (t.instance) { if (!running(t.instance)) add(t.instance); continue; }
          if (!t.instances.some(running)) t.instances.forEach(add);
        }
        return;
      case 'require_any': {
        const resolved = entities.map((text) => [text, resolve(text)] as const);
        if (resolved.some(([, t]) => t && t !== 'invalid' && t.instances.some(running))) return;
        for (const [text, t] of resolved) {
          if (t === 'invalid') continue;
          if (!t) { n.missing.push(text); continue; }
          t.instances.filter((f) => !running(f)).forEach(add);
        }
        return;
      }
      case 'optional_all':
        for (const text of entities) {
          const t = resolve(text);
          if (!t || t === 'invalid') continue;
          for (const f of t.instances) {
            const row = nodes.get(f)!.row;
            if (effectiveEnabled(row) && !running(f) && row.state !== 'maintenance') add(f);
          }
        }
        return;
      case 'exclude_all':
        for (const text of entities) {
          const t = resolve(text);
          if (!t || t === 'invalid') continue;
          t.instances.filter(running).forEach(add);
        }
        return;
    }
  }

  function files(n: Node, grouping: string | undefined, entities: readonly string[]): void {
    const unsatisfied: string[] = [];
    let any = false;
    for (const text of entities) {
      const e = parseEntity(text);
      if (e.kind !== 'file') continue;
      const present = input.fileState(e.path) === 'present';
      if (grouping === 'exclude_all' ? present : !present) unsatisfied.push(text);
      else if (grouping === 'require_any') any = true;
    }
    if (grouping === 'require_any' && any) return;
    n.missing.push(...unsatisfied);
  }

  for (const n of nodes.values()) determine(n);

  const impactOf = (n: Node, stack = new Set<string>()): Set<string> => {
    if (n.impact) return n.impact;
    if (stack.has(n.row.fmri)) return new Set(); // a cycle through impact edges
    stack.add(n.row.fmri);
    const out = new Set<string>();
    for (const d of n.impactDependents) {
      out.add(d);
      for (const x of impactOf(nodes.get(d)!, stack)) out.add(x);
    }
    stack.delete(n.row.fmri);
    n.impact = out;
    return out;
  };

  /** explain.c's Path: each hop's cause entry names the next hop, down to the cause itself. */
  const pathTo = (from: Node, cause: string): string[] => {
    const out = [from.row.fmri];
    for (let hop = from.causes!.get(cause), guard = 0; hop !== undefined && guard < nodes.size; guard++) {
      out.push(hop);
      if (hop === cause) break;
      hop = nodes.get(hop)!.causes?.get(cause);
    }
    return out;
  };

  const summary = (f: string): string => {
    const n = nodes.get(f);
    if (!n) return 'is in an invalid state.';
    const r = n.row;
    if (isRunningState(r.state)) return 'is running.';
    switch (r.state ?? 'uninitialized') {
      case 'uninitialized': return 'is uninitialized.';
      case 'disabled': return temporary(r) ? 'is temporarily disabled.' : 'is disabled.';
      case 'offline':
        if (n.missing.length) return 'has missing dependencies.';
        return r.nextState === 'online' ? 'is starting.' : 'is offline.';
      case 'maintenance':
        switch (r.auxState) {
          case 'administrative_request': return 'was taken down for maintenace by an administrator.';
          case 'dependency_cycle': return 'completed a dependency cycle.';
          case 'fault_threshold_reached': return 'is not running because a method failed repeatedly.';
          case 'invalid_dependency': return 'has an invalid dependency.';
          case 'invalid_restarter': return 'has an invalid restarter.';
          case 'method_failed': return 'is not running because a method failed.';
          case 'none': return 'is not running for an unknown reason.';
          case 'restarting_too_quickly': return 'was restarting too quickly.';
          default: return 'requires maintenance.';
        }
      default: return 'is in an invalid state.';
    }
  };

  const restarterState = (f: string): 'running' | 'stopped' | RestarterProblem => {
    const ri = restarterInstanceOf(nodes.get(f)!.row);
    if (ri === MASTER_RESTARTER) return input.masterRunning ? 'running' : 'stopped';
    if (ri === 'absent' || ri === 'invalid') return ri;
    return running(ri.instance) ? 'running' : 'stopped';
  };

  const graph = storedGraph(input.rows.map(storedInstance), (p) => input.fileState(p) === 'present');
  const rootCauses = (): string[] => [...rootSet].filter((f) => nodes.has(f))
    .sort((a, b) => impactOf(nodes.get(b)!).size - impactOf(nodes.get(a)!).size || (a < b ? -1 : a > b ? 1 : 0));

  return {
    row: (f) => nodes.get(f)?.row,
    missing: (f) => nodes.get(f)?.missing ?? [],
    causes: (f) => {
      const n = nodes.get(f);
      if (!n?.causes) return [];
      return [...n.causes.keys()].filter((c) => c !== f).sort().map((c) => ({ fmri: c, path: pathTo(n, c) }));
    },
    selfCause: (f) => nodes.get(f)?.causes?.has(f) ?? false,
    restarterProblem: (f) => nodes.get(f)?.restarterProblem ?? 'none',
    summary,
    restarterState,
    impacted: (f) => { const n = nodes.get(f); return n ? [...impactOf(n)].sort() : []; },
    rootCauses,
    canComeUp: (f) => nodes.has(f) && graph.potentialSatisfiable(f),
  };
}

/**
 * Disabled "temporarily": disabled through general_ovr/enabled (smf-spec §7.1's -x table). explain.c
 * also requires the override to differ from general/enabled; the spec's cases (F1: `svcadm disable
 * -t` of an instance imported disabled) read it as the override alone, and so does svcs -x here.
 */
export function temporary(r: InstanceRow): boolean {
  return r.enabledOverride === false;
}

/** A listing row as the engine graph sees it (dependency groups back as dependency pgs). */
function storedInstance(r: InstanceRow): StoredInstance {
  const prop = (name: string, v: string | undefined) => (v === undefined ? [] : [{ name, type: 'astring' as const, values: [v] }]);
  return {
    fmri: r.fmri, state: r.state, nextState: r.nextState, auxState: r.auxState,
    enabled: r.enabledOverride ?? r.enabledPersistent, persistentEnabled: r.enabledPersistent, restarter: r.restarter,
    dependencyPgs: r.dependencies.map((g) => ({
      name: g.name, type: 'dependency', flags: 0, properties: [
        ...prop('grouping', g.grouping), ...prop('restart_on', g.restartOn), ...prop('type', g.type),
        { name: 'entities', type: 'fmri' as const, values: g.entities },
      ],
    })),
  };
}
