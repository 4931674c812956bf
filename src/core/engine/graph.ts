// The dependency graph: instance vertices, the service -> instances index and the reverse
// (dependents) index, plus the cycle check run when edges are inserted (smf-spec §3.1, §3.7).
//
// Invariants:
// - Edges of a vertex are exactly the entities of its accepted groups (plus its delegated
//   restarter); the reverse index always mirrors them (setEdges removes the old ones first).
// - A vertex whose insertion would close a cycle through non-exclude_all edges gets no forward
//   edges at all (edgeGroups = []), so the graph of non-exclude_all edges stays acyclic.
// - Traversals use explicit stacks/queues, never recursion (5,000+ vertices).

import { parseDependencyGroups, serviceOf, type DependencyGroup } from './dependencies.js';
import type { InstanceConfig, InstanceState, MethodName, NextState, ReasonCode, RerrClass } from './types.js';

export type ConfigError =
  | { aux: 'invalid_dependency'; message: string }
  | { aux: 'invalid_restarter'; message: string }
  | { aux: 'dependency_cycle'; message: string; cycle: string[] };

/** What the restarter is doing right now (next_state != none). */
export interface Transition {
  id: number;
  method: MethodName;
  /** state committed when the method succeeds */
  target: InstanceState;
  /** reason recorded on success (undefined = leave aux unchanged) */
  aux?: ReasonCode;
  /** RERR class reported to the graph when the transition ends */
  rerr: RerrClass;
  /** true once the method really was handed to the runner (false: immediate) */
  running: boolean;
  auxFmri?: string;
  /** stop transitions: drop the vertex when done (remove) */
  thenRemove?: boolean;
  /** stop transitions issued by STOP_RESET / restart / admin disable: clear the rate ring */
  resetRing?: boolean;
}

export type RestarterCommand =
  | { type: 'ENABLE' } | { type: 'DISABLE'; admin: boolean } | { type: 'START' }
  | { type: 'STOP'; rerr: RerrClass; reset: boolean; aux: ReasonCode }
  | { type: 'RESTART' } | { type: 'REFRESH' } | { type: 'MAINT_OFF' }
  | { type: 'MAINT_ON'; aux: ReasonCode; auxFmri?: string; immediate: boolean }
  | { type: 'DEGRADED'; immediate: boolean } | { type: 'RESTORE' } | { type: 'REMOVE' };

export interface Vertex {
  fmri: string;
  service: string;
  config: InstanceConfig;
  /** accepted groups (empty while configError is set) */
  groups: DependencyGroup[];
  configError?: ConfigError;
  /** canonical delegated restarter (absent for the master restarter) */
  restarter?: string;
  state: InstanceState;
  nextState: NextState;
  aux: ReasonCode;
  enabled: boolean | undefined;
  transition: Transition | null;
  queue: RestarterCommand[];
  faultCount: number;
  /** start times (ms) of the last starts, newest last, at most 5 */
  ring: number[];
  /** primary contract (or wait-model child) is alive */
  contractAlive: boolean;
  /** contract model: a primary contract is still held but has no process (it emptied: ct_ev_exit; the start in it
   *  failed; the instance stopped going offline). A stop then still runs the stop method (smf-spec §2.7; §5.1
   *  skips it only without a primary contract); disabled and maintenance abandon it. */
  contractEmptied: boolean;
  /** marked by an admin-disable / milestone walk: stop and do not restart (§3.5.5) */
  toOffline: boolean;
  /** reason for the next successful start */
  startAux: ReasonCode;
  /** wait model: last child exit was non-zero (throttle check on next start) */
  childFailed: boolean;
  /** wait model: start delayed until this time by the 1 s throttle */
  throttledUntil?: number;
  /** contract event that arrived during a transition, applied when it ends */
  pendingContractEvent?: 'empty' | 'core' | 'signal' | 'hwerr';
  /** set while a remove is in progress */
  removing: boolean;
  /** stored start-method wait status description for svcs -x */
  lastStartFailure?: { exitCode?: number; signal?: string; coreDumped?: boolean };
}

export class Graph {
  readonly vertices = new Map<string, Vertex>();
  private readonly byService = new Map<string, Set<string>>();
  /** entity FMRI (instance or service) -> dependent instance FMRIs (all groupings) */
  private readonly dependentsIdx = new Map<string, Set<string>>();
  /** same, only through non-exclude_all groups and restarter edges (cycle-relevant edges) */
  private readonly strongIdx = new Map<string, Set<string>>();
  private readonly edgeTargets = new Map<string, { all: string[]; strong: string[] }>();

  get(fmri: string): Vertex | undefined { return this.vertices.get(fmri); }

  instancesOf(serviceFmri: string): Iterable<string> {
    return this.byService.get(serviceFmri) ?? [];
  }

  add(v: Vertex): void {
    this.vertices.set(v.fmri, v);
    let s = this.byService.get(v.service);
    if (!s) this.byService.set(v.service, (s = new Set()));
    s.add(v.fmri);
  }

  delete(fmri: string): void {
    const v = this.vertices.get(fmri);
    if (!v) return;
    this.setEdges(v, []);
    this.vertices.delete(fmri);
    const s = this.byService.get(v.service);
    s?.delete(fmri);
    if (s && s.size === 0) this.byService.delete(v.service);
  }

  /** Replaces the vertex's groups and the reverse index entries they imply. */
  setEdges(v: Vertex, groups: DependencyGroup[]): void {
    const old = this.edgeTargets.get(v.fmri);
    if (old) {
      for (const t of old.all) this.dependentsIdx.get(t)?.delete(v.fmri);
      for (const t of old.strong) this.strongIdx.get(t)?.delete(v.fmri);
    }
    v.groups = groups;
    const all = new Set<string>();
    const strong = new Set<string>();
    for (const g of groups) {
      for (const e of g.entities) {
        if (e.kind === 'file') continue;
        all.add(e.fmri);
        if (g.grouping !== 'exclude_all') strong.add(e.fmri);
      }
    }
    if (v.restarter) { all.add(v.restarter); strong.add(v.restarter); }
    for (const [idx, set] of [[this.dependentsIdx, all], [this.strongIdx, strong]] as const) {
      for (const t of set) {
        let s = idx.get(t);
        if (!s) idx.set(t, (s = new Set()));
        s.add(v.fmri);
      }
    }
    this.edgeTargets.set(v.fmri, { all: [...all], strong: [...strong] });
  }

  private static EMPTY: ReadonlySet<string> = new Set();

  /** Direct dependents of an instance: vertices naming it or its service. */
  directDependents(fmri: string, idx = this.dependentsIdx): string[] {
    const a = idx.get(fmri) ?? Graph.EMPTY;
    const b = idx.get(serviceOf(fmri)) ?? Graph.EMPTY;
    if (b.size === 0) return [...a];
    const out = new Set(a);
    for (const d of b) out.add(d);
    return [...out];
  }

  /** Instances an entity FMRI stands for (itself, or every instance of a service). */
  expand(entityFmri: string): string[] {
    const s = this.byService.get(entityFmri);
    if (s) return [...s];
    return this.vertices.has(entityFmri) ? [entityFmri] : [];
  }

  /** Forward edges used for cycles and milestones: non-exclude_all entities + restarter. */
  forwardTargets(v: Vertex, groups = v.groups): string[] {
    const out: string[] = [];
    for (const g of groups) {
      if (g.grouping === 'exclude_all') continue;
      for (const e of g.entities) if (e.kind !== 'file') out.push(...this.expand(e.fmri));
    }
    if (v.restarter) out.push(...this.expand(v.restarter));
    return out;
  }

  /**
   * Would giving `v` these groups (and restarter) close a cycle? Returns the cycle path
   * [v, ..., v] or undefined. Bidirectional: a forward search from the new targets (looking for
   * v) and a backward search from v over dependents (looking for a target) advance in lock
   * step; whichever side is exhausted first proves there is no cycle, so the cost is about
   * twice the smaller of the two closures.
   */
  findCycle(v: Vertex, groups: DependencyGroup[]): string[] | undefined {
    const starts = this.forwardTargets(v, groups);
    if (starts.length === 0) return undefined;
    const targets = new Set(starts);
    if (targets.has(v.fmri)) return [v.fmri, v.fmri];
    const fParent = new Map<string, string>();
    const fQueue: string[] = [];
    for (const t of starts) if (!fParent.has(t)) { fParent.set(t, v.fmri); fQueue.push(t); }
    const bParent = new Map<string, string>([[v.fmri, v.fmri]]);
    const bQueue = [v.fmri];
    let fi = 0;
    let bi = 0;
    while (fi < fQueue.length && bi < bQueue.length) {
      const u = this.vertices.get(fQueue[fi++]);
      if (u) {
        for (const t of this.forwardTargets(u)) {
          if (t === v.fmri) {
            const chain: string[] = [];
            for (let c: string | undefined = u.fmri; c && c !== v.fmri; c = fParent.get(c)) chain.push(c);
            return [v.fmri, ...chain.reverse(), v.fmri];
          }
          if (!fParent.has(t)) { fParent.set(t, u.fmri); fQueue.push(t); }
        }
      }
      const w = bQueue[bi++];
      for (const d of this.directDependents(w, this.strongIdx)) {
        if (bParent.has(d) || !this.vertices.has(d)) continue;
        bParent.set(d, w);
        if (targets.has(d)) {
          const chain: string[] = [];
          for (let c = d; c !== v.fmri; c = bParent.get(c)!) chain.push(c);
          return [v.fmri, ...chain, v.fmri];
        }
        bQueue.push(d);
      }
    }
    return undefined;
  }

  /** All transitive dependents (any grouping), breadth first, excluding the start. */
  transitiveDependents(fmri: string, through?: (dependent: Vertex) => boolean): string[] {
    const seen = new Set<string>([fmri]);
    const queue = [fmri];
    for (let i = 0; i < queue.length; i++) {
      for (const d of this.directDependents(queue[i])) {
        if (seen.has(d)) continue;
        seen.add(d);
        const dv = this.vertices.get(d);
        if (dv && (!through || through(dv))) queue.push(d);
      }
    }
    return [...seen].filter((f) => f !== fmri);
  }
}

export function newVertex(config: InstanceConfig): Vertex {
  return {
    fmri: config.fmri, service: serviceOf(config.fmri), config, groups: [], state: 'uninitialized',
    nextState: 'none', aux: 'none', enabled: config.enabled, transition: null, queue: [], faultCount: 0,
    ring: [], contractAlive: false, contractEmptied: false, toOffline: false, startAux: 'dependencies_satisfied',
    childFailed: false, removing: false,
  };
}

/** The vertex's groups as declared: one refused for closing a cycle keeps none in the graph (svcs -d, svcadm -r). */
export function declaredGroups(v: Vertex): DependencyGroup[] {
  if (v.groups.length || !v.configError) return v.groups;
  const p = parseDependencyGroups(v.config.dependencyPgs);
  return p.ok ? p.groups : [];
}
