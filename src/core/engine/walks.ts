// Ordered shutdown walks: the administrative-disable walk (smf-spec §3.5.5: running transitive
// dependents through restart/refresh non-exclude groups are stopped leaves first, then the
// instance is disabled) and the milestone walk (§2.10: everything outside the milestone's
// subgraph is disabled leaves first).
//
// Invariants:
// - A marked vertex (toOffline) is never started while its walk is active.
// - A vertex is stopped only once none of its running dependents is still marked/pending.

import { restartOnThreshold } from './dependencies.js';
import type { Graph, RestarterCommand, Vertex } from './graph.js';
import { isRunning } from './instance.js';
import { groupsNaming } from './propagate.js';
import { RERR_RESTART } from './types.js';

export interface WalkOps {
  readonly graph: Graph;
  send(v: Vertex, cmd: RestarterCommand): void;
  queueEval(fmri: string): void;
}

interface DisableWalk { root: string; marked: Set<string>; sent: Set<string>; disableSent: boolean }

export class Walks {
  private readonly disables = new Map<string, DisableWalk>();
  /** fmri -> the disable walks it is the root or a marked vertex of (what a change of it can
   *  affect); a walk leaves it (forget) before release() looks at it */
  private readonly members = new Map<string, Set<DisableWalk>>();
  /** milestone: instances still to be disabled */
  private milestonePending = new Set<string>();
  /** every instance the current milestone change brings down (pending or already sent) */
  private milestoneOutside = new Set<string>();

  constructor(private readonly ops: WalkOps) {}

  get active(): boolean { return this.disables.size > 0 || this.milestonePending.size > 0; }

  /** Admin disable of a running instance: mark dependents, stop leaves first. */
  startDisable(x: Vertex): void {
    this.cancelDisable(x.fmri);
    const marked = new Set<string>();
    const queue = [x];
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i];
      for (const df of this.ops.graph.directDependents(u.fmri)) {
        const d = this.ops.graph.get(df);
        if (!d || marked.has(df) || df === x.fmri || !isRunning(d.state)) continue;
        const via = groupsNaming(d, u).some((g) => g.grouping !== 'exclude_all' && restartOnThreshold(g.restartOn) >= RERR_RESTART);
        if (!via) continue;
        marked.add(df);
        d.toOffline = true;
        queue.push(d);
      }
    }
    const walk: DisableWalk = { root: x.fmri, marked, sent: new Set(), disableSent: false };
    this.disables.set(x.fmri, walk);
    for (const f of [x.fmri, ...marked]) {
      let set = this.members.get(f);
      if (!set) this.members.set(f, (set = new Set()));
      set.add(walk);
    }
    this.advance();
  }

  private forget(w: DisableWalk): void {
    if (this.disables.get(w.root) === w) this.disables.delete(w.root);
    for (const f of [w.root, ...w.marked]) {
      const set = this.members.get(f);
      if (!set) continue;
      set.delete(w);
      if (set.size === 0) this.members.delete(f);
    }
  }

  cancelDisable(root: string): void {
    const w = this.disables.get(root);
    if (!w) return;
    this.forget(w);
    this.release(w);
  }

  private release(w: DisableWalk): void {
    for (const f of w.marked) {
      const d = this.ops.graph.get(f);
      if (d && ![...(this.members.get(f) ?? [])].some((o) => o.marked.has(f))) {
        d.toOffline = false;
        this.ops.queueEval(f);
      }
    }
  }

  /** Milestone: disable all of `fmris`, leaves first. */
  startMilestone(fmris: string[]): void {
    this.milestonePending = new Set(fmris);
    this.milestoneOutside = new Set(fmris);
    this.advance();
  }

  /**
   * Re-examine the walks; called after each state change while a walk is active. With `changed`,
   * only the disable walks that vertex belongs to (as root or marked): nothing else of a walk
   * depends on it (stopping thousands of instances at once re-examined every walk per change).
   */
  advance(changed?: string): void {
    const walks = changed === undefined ? [...this.disables.values()] : [...(this.members.get(changed) ?? [])];
    for (const w of walks) if (this.disables.get(w.root) === w) this.advanceDisable(w);
    if (this.milestonePending.size) this.advanceMilestone();
  }

  private advanceDisable(w: DisableWalk): void {
    const root = this.ops.graph.get(w.root);
    if (!root) { this.forget(w); this.release(w); return; }
    if (w.disableSent) {
      if (root.state === 'disabled' || root.state === 'maintenance' || (!root.transition && !isRunning(root.state))) {
        this.forget(w);
        this.release(w);
      }
      return;
    }
    let allDown = true;
    for (const f of w.marked) {
      const d = this.ops.graph.get(f);
      if (!d) continue;
      if (isRunning(d.state) || d.transition) allDown = false;
      if (!isRunning(d.state) || d.transition || w.sent.has(f)) continue;
      const blocked = this.ops.graph.directDependents(f).some((g) => {
        const gv = this.ops.graph.get(g);
        return !!gv && w.marked.has(g) && (isRunning(gv.state) || !!gv.transition);
      });
      if (blocked) continue;
      w.sent.add(f);
      this.ops.send(d, { type: 'STOP', rerr: RERR_RESTART, reset: true, aux: 'dependency_activity' });
    }
    if (allDown) {
      w.disableSent = true;
      this.ops.send(root, { type: 'DISABLE', admin: true });
    }
  }

  private advanceMilestone(): void {
    for (const f of [...this.milestonePending]) {
      const v = this.ops.graph.get(f);
      if (!v) { this.milestonePending.delete(f); continue; }
      if (v.transition) continue;
      if (isRunning(v.state)) {
        // leaves first: wait while a dependent being brought down by this milestone still runs (or stops),
        // whether or not its DISABLE was sent already
        const blocked = this.ops.graph.directDependents(f).some((g) => {
          const gv = this.ops.graph.get(g);
          return !!gv && this.milestoneOutside.has(g) && (isRunning(gv.state) || !!gv.transition);
        });
        if (blocked) continue;
      }
      this.milestonePending.delete(f);
      this.ops.send(v, { type: 'DISABLE', admin: true });
    }
  }
}
