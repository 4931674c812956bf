// Three-valued dependency evaluation (smf-spec §3.2, §3.3): 1 satisfied, 0 may still become
// satisfied, -1 unsatisfiable without administrator action. One small function per grouping.
//
// Invariants:
// - "Can this offline instance still come up?" recurses into its own dependencies; the recursion
//   is done with an explicit stack and memoised per Evaluator (the engine drops the memo whenever
//   a state / enabled flag / configuration changes).
// - The start decision (isSatisfied) only needs "== 1": require_* groups never recurse there;
//   only optional_all does (an offline entity that can never come up counts as satisfied).
// - Files are stat()ed through the fileExists port at evaluation time only (§3.4).
// - The "potential" mode is svcadm enable -s's question (§2.9; illumos svcadm synch.c): can the
//   instance ever come up without administrator action? It differs from the graph's start
//   decision in three places: an instance that is not enabled counts as disabled whatever its
//   state (one without general/enabled stays uninitialized for ever), an enabled uninitialized one
//   as offline (it recurses), and an enabled excluded instance not in maintenance blocks for good
//   (online it blocks; offline it comes up and blocks, or never does and the dependent waits for
//   ever); an instance whose restarter is not running cannot come up.

import type { DependencyGroup, Entity } from './dependencies.js';
import type { Graph, Vertex } from './graph.js';
import { isRunning } from './instance.js';
import type { Tri } from './types.js';

/** A delegated restarter is running: it is a known instance in a running state. */
export function restarterRunning(graph: Graph, restarter: string): boolean {
  const r = graph.get(restarter);
  return !!r && isRunning(r.state);
}

/** undefined = "not known yet" (needs the satisfiability of a vertex on the stack). */
type Maybe = Tri | undefined;

export class Evaluator {
  private memo = new Map<string, Tri>();
  /** vertices expanded by satisfiability() and waiting for their children */
  private onPath = new Set<string>();
  private missing: string[] | null = null;

  constructor(
    private readonly graph: Graph, private readonly fileExists: (path: string) => boolean,
    /** svcadm enable -s's potential analysis (see the head comment) instead of the start decision */
    private readonly potential = false,
  ) {}

  invalidate(): void { if (this.memo.size) this.memo = new Map(); this.onPath.clear(); }

  /** The start decision: every group is 1 (an instance without groups is satisfied). */
  isSatisfied(v: Vertex): boolean {
    if (v.configError) return false;
    for (const g of v.groups) if (this.group(g, false) !== 1) return false;
    return true;
  }

  /** Exact value of every group of v (for svcs -x / enable -s). */
  groupValues(v: Vertex): Tri[] {
    return v.groups.map((g) => this.group(g, true) ?? 0);
  }

  groupValue(g: DependencyGroup): Tri { return this.group(g, true) ?? 0; }

  /**
   * Exact satisfiability of an instance's dependencies (iterative, memoised). A depth-first
   * walk with an explicit stack: a vertex whose value needs unknown children is "expanded"
   * (onPath) and its children are pushed on top; a child that is itself expanded is an ancestor,
   * i.e. a cycle, and counts 0. Children pushed twice are simply popped once memoised.
   */
  satisfiability(fmri: string): Tri {
    const known = this.memo.get(fmri);
    if (known !== undefined) return known;
    const stack = [fmri];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (this.memo.has(top)) { stack.pop(); continue; }
      const saved = this.missing;
      const missing: string[] = [];
      this.missing = missing;
      const val = this.combine(top);
      this.missing = saved;
      if (val !== undefined && (missing.length === 0 || val === -1)) {
        this.memo.set(top, val);
        this.onPath.delete(top);
        stack.pop();
      } else {
        this.onPath.add(top);
        for (const m of missing) stack.push(m);
      }
    }
    return this.memo.get(fmri) ?? 0;
  }

  private combine(fmri: string): Maybe {
    const v = this.graph.get(fmri);
    if (!v) return -1;
    if (v.configError) return -1;
    if (this.potential && !this.restarterMayRun(v)) return -1;
    let unknown = false;
    let zero = false;
    for (const g of v.groups) {
      const r = this.group(g, true);
      if (r === -1) return -1;
      if (r === undefined) unknown = true;
      else if (r === 0) zero = true;
    }
    return unknown ? undefined : zero ? 0 : 1;
  }

  /** potential mode: the instance's delegated restarter, if any, is running (as Queries checks the operand's) */
  private restarterMayRun(v: Vertex): boolean {
    return !v.restarter || restarterRunning(this.graph, v.restarter);
  }

  /** sat value of an offline/enabling instance, or undefined if it must be computed first. */
  private canComeUp(v: Vertex, exact: boolean): Maybe {
    // a start method is already running: it will come up (or fail) on its own
    if (!exact || v.nextState === 'online') return 0;
    const known = this.memo.get(v.fmri);
    if (known !== undefined) return known === -1 ? -1 : 0;
    if (this.onPath.has(v.fmri)) return 0; // an ancestor: cycle guard
    if (this.missing) { this.missing.push(v.fmri); return undefined; }
    return this.satisfiability(v.fmri) === -1 ? -1 : 0;
  }

  private group(g: DependencyGroup, exact: boolean): Maybe {
    switch (g.grouping) {
      case 'require_all': return this.requireAll(g.entities, exact);
      case 'require_any': return this.requireAny(g.entities, exact);
      case 'optional_all': return this.optionalAll(g.entities);
      case 'exclude_all': return this.excludeAll(g.entities);
    }
  }

  private requireAll(entities: Entity[], exact: boolean): Maybe {
    let unknown = false;
    let zero = false;
    for (const e of entities) {
      const r = this.requireEntity(e, exact);
      if (r === -1) return -1;
      if (r === undefined) unknown = true;
      else if (r === 0) { zero = true; if (!exact) return 0; }
    }
    return unknown ? undefined : zero ? 0 : 1;
  }

  private requireAny(entities: Entity[], exact: boolean): Maybe {
    if (entities.length === 0) return 1;
    let unknown = false;
    let zero = false;
    for (const e of entities) {
      const r = this.requireEntity(e, exact);
      if (r === 1) return 1;
      if (r === undefined) unknown = true;
      else if (r === 0) zero = true;
    }
    return unknown ? undefined : zero ? 0 : -1;
  }

  /** Value of one entity for require_all / require_any (§3.2 table). */
  requireEntity(e: Entity, exact: boolean): Maybe {
    if (e.kind === 'file') return this.fileExists(e.path) ? 1 : -1;
    if (e.kind === 'service') {
      const insts = [...this.graph.instancesOf(e.fmri)];
      if (insts.length === 0) return -1;
      let unknown = false;
      let zero = false;
      for (const f of insts) {
        const r = this.requireInstance(f, exact);
        if (r === 1) return 1;
        if (r === undefined) unknown = true;
        else if (r === 0) zero = true;
      }
      return unknown ? undefined : zero ? 0 : -1;
    }
    return this.requireInstance(e.fmri, exact);
  }

  private requireInstance(fmri: string, exact: boolean): Maybe {
    const v = this.graph.get(fmri);
    if (!v) return -1;
    switch (v.state) {
      case 'online': case 'degraded':
        if (v.enabled === false) return -1;
        return v.toOffline || isGoingDown(v) ? 0 : 1;
      case 'legacy_run': return 1;
      case 'offline':
        if (v.enabled === false || v.configError) return -1;
        return this.canComeUp(v, exact);
      case 'disabled':
        if (v.enabled !== true || v.configError) return -1;
        return this.canComeUp(v, exact);
      case 'maintenance': return -1;
      case 'uninitialized':
        if (!this.potential) return 0;
        if (v.enabled !== true || v.configError) return -1;
        return this.canComeUp(v, exact);
    }
  }

  private optionalAll(entities: Entity[]): Maybe {
    let unknown = false;
    let zero = false;
    for (const e of entities) {
      let r: Maybe;
      if (e.kind === 'file') r = this.fileExists(e.path) ? 1 : -1;
      else if (e.kind === 'service') {
        r = 1;
        for (const f of this.graph.instancesOf(e.fmri)) {
          const x = this.optionalInstance(f);
          if (x === -1 || (x === undefined && r !== -1) || (x === 0 && r === 1)) r = x;
        }
      } else r = this.optionalInstance(e.fmri);
      if (r === -1) return -1;
      if (r === undefined) unknown = true;
      else if (r === 0) zero = true;
    }
    return unknown ? undefined : zero ? 0 : 1;
  }

  /** optional_all view of an instance: unqualified or hopeless entities count as satisfied. */
  private optionalInstance(fmri: string): Maybe {
    const v = this.graph.get(fmri);
    if (!v) return 1;
    // potential mode counts an uninitialized instance as offline
    const state = v.state === 'uninitialized' && this.potential ? 'offline' : v.state;
    switch (state) {
      case 'online': case 'degraded': case 'legacy_run': case 'maintenance': return 1;
      case 'uninitialized': return 0;
      case 'offline': case 'disabled': {
        if (v.enabled !== true || v.configError) return 1;
        const r = this.canComeUp(v, true);
        return r === undefined ? undefined : r === -1 ? 1 : 0;
      }
    }
  }

  private excludeAll(entities: Entity[]): Tri {
    for (const e of entities) {
      if (e.kind === 'file') { if (this.fileExists(e.path)) return -1; continue; }
      const insts = e.kind === 'service' ? this.graph.instancesOf(e.fmri) : [e.fmri];
      for (const f of insts) {
        const r = this.excludeInstance(f);
        if (r !== undefined) return r;
      }
    }
    return 1;
  }

  /** undefined = ignored (disabled, maintenance, absent). */
  excludeInstance(fmri: string): Tri | undefined {
    const v = this.graph.get(fmri);
    if (!v) return undefined;
    switch (v.state) {
      case 'online': case 'degraded': case 'legacy_run': return v.enabled === false ? 0 : -1;
      case 'offline': case 'uninitialized':
        if (!this.potential) return 0;
        return v.enabled === true ? -1 : undefined;
      case 'disabled': case 'maintenance': return undefined;
    }
  }
}

/** A running instance that is being stopped, or has a stop waiting in its queue. */
export function isGoingDown(v: Vertex): boolean {
  if (v.transition) return v.transition.method === 'stop';
  for (const c of v.queue) {
    if (c.type === 'STOP' || c.type === 'RESTART' || c.type === 'DISABLE' || c.type === 'REMOVE' || (c.type === 'MAINT_ON')) return true;
  }
  return false;
}
