// Administrative actions on the graph side (smf-spec §2.5, §2.8, §2.10): effective-enabled
// changes (enable/disable walk), restart / clear / mark requests turned into restarter commands,
// and milestone changes.
//
// Invariants:
// - The daemon has already written the repository; here only the engine's view changes.
// - Disabling a running instance always goes through the admin-disable walk (§3.5.5).

import type { Graph, RestarterCommand, Vertex } from './graph.js';
import { isRunning } from './instance.js';
import { milestoneSubgraph } from './milestone.js';
import { RERR_FAULT, type AdminAction, type EngineCommand } from './types.js';
import type { Walks } from './walks.js';

export interface AdminOps {
  readonly graph: Graph;
  readonly walks: Walks;
  readonly master: string;
  emit(c: EngineCommand): void;
  send(v: Vertex, cmd: RestarterCommand, front?: boolean): void;
  queueEval(fmri: string): void;
  seedSatisfiability(fmri: string): void;
  invalidate(): void;
}

export class Admin {
  milestone = 'all';

  constructor(private readonly ops: AdminOps) {}

  /** A new effective enabled value (undefined = keep uninitialized). */
  setEnabled(v: Vertex, enabled: boolean | undefined): void {
    const ops = this.ops;
    if (enabled === undefined || v.enabled === enabled) {
      if (enabled === true && (v.state === 'disabled' || v.state === 'uninitialized')) ops.send(v, { type: 'ENABLE' });
      return;
    }
    v.enabled = enabled;
    ops.invalidate();
    if (enabled) {
      ops.walks.cancelDisable(v.fmri);
      if (v.state === 'uninitialized' || v.state === 'disabled') ops.send(v, { type: 'ENABLE' });
      else if (v.state === 'offline') ops.queueEval(v.fmri);
      for (const d of ops.graph.directDependents(v.fmri)) ops.queueEval(d);
    } else {
      if (isRunning(v.state)) ops.walks.startDisable(v);
      else ops.send(v, { type: 'DISABLE', admin: true });
      ops.seedSatisfiability(v.fmri);
    }
  }

  action(fmri: string, a: AdminAction): void {
    const ops = this.ops;
    const v = ops.graph.get(fmri);
    if (!v || v.removing) return;
    switch (a.type) {
      case 'enable': case 'disable': {
        const value = a.type === 'enable';
        if (!a.temporary) v.config = { ...v.config, persistentEnabled: value };
        v.config = { ...v.config, enabled: value };
        return this.setEnabled(v, value);
      }
      case 'restart':
        // not running now (also offline* with a start method running): silently ignored (A1)
        if (!isRunning(v.state)) return;
        if (a.dump && v.contractAlive) {
          // restart -d (smf-spec §2.8): SIGABRT makes every process dump core, a FAULT (ct_ev_core) that stops the
          // instance with the usual failure handling. Linux reports no core event for processes the restarter
          // did not fork, so the stop is sent here rather than awaited.
          ops.emit({ kind: 'killContract', fmri: v.fmri, signal: 'SIGABRT' });
          return ops.send(v, { type: 'STOP', rerr: RERR_FAULT, reset: false, aux: 'ct_ev_core' });
        }
        return ops.send(v, { type: 'RESTART' });
      case 'clear': return ops.send(v, { type: 'MAINT_OFF' });
      case 'maintOn': case 'maintOnImmediate':
        return ops.send(v, { type: 'MAINT_ON', aux: a.aux, auxFmri: a.auxFmri, immediate: a.type === 'maintOnImmediate' }, true);
      case 'degraded': case 'degradeImmediate':
        return ops.send(v, { type: 'DEGRADED', immediate: a.type === 'degradeImmediate' });
      case 'restore': return ops.send(v, { type: 'RESTORE' });
    }
  }

  /** svcadm milestone: keep the target's subgraph, temporarily disable the rest leaves first. */
  setMilestone(target: string): void {
    const ops = this.ops;
    if (!this.presetMilestone(target)) return;
    const sub = target === 'all' ? undefined : target === 'none' ? new Set<string>() : milestoneSubgraph(ops.graph, target);
    const toDisable: string[] = [];
    for (const v of ops.graph.vertices.values()) {
      // the restarter itself is in every milestone ("none": only the restarter keeps running, §2.10)
      if (!sub || sub.has(v.fmri) || v.fmri === ops.master) {
        ops.emit({ kind: 'setTemporaryEnabled', fmri: v.fmri, value: null });
        v.config = { ...v.config, enabled: v.config.persistentEnabled };
        this.setEnabled(v, v.config.persistentEnabled);
      } else {
        ops.emit({ kind: 'setTemporaryEnabled', fmri: v.fmri, value: false });
        v.config = { ...v.config, enabled: false };
        v.enabled = false;
        ops.walks.cancelDisable(v.fmri);
        toDisable.push(v.fmri);
      }
    }
    ops.invalidate();
    if (toDisable.length) ops.walks.startMilestone(toDisable);
  }

  /**
   * Makes `target` the milestone without bringing anything down (the restarter's start, where nothing runs yet;
   * setMilestone walks afterwards). An unknown target is logged and ignored: false.
   */
  presetMilestone(target: string): boolean {
    if (target !== 'all' && target !== 'none' && !this.ops.graph.get(target)) {
      this.ops.emit({ kind: 'errorLog', fmri: target, text: `milestone ${target} is not a known instance; ignored` });
      return false;
    }
    this.milestone = target;
    return true;
  }

  /** Is a newly configured instance outside the current milestone? */
  outsideMilestone(fmri: string): boolean {
    return this.milestone !== 'all' && fmri !== this.ops.master && !milestoneSubgraph(this.ops.graph, this.milestone).has(fmri);
  }
}
