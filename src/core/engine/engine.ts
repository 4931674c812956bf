// The restarter engine's step function: step(event, nowMs) -> commands. Owns the graph, the
// per-instance restarters and three explicit work queues (restarter queues, the transitive
// satisfiability walk, dependency evaluations), drained until quiescent after every event.
//
// Invariants:
// - Pure: time comes in as nowMs, files through the fileExists port, everything else as events;
//   the returned commands are executed by the daemon in order.
// - Drain order per round: all restarter queues, then one satisfiability walk over all seeds of
//   the round (shared visited set => linear), then all evaluations; repeat until empty.
// - The evaluation memo is dropped on every committed state, enabled or configuration change.

import { readConfig, sameDeps } from './config.js';
import { Evaluator } from './evaluate.js';
import { Graph, newVertex, type RestarterCommand, type Vertex } from './graph.js';
import { Restarter, isRunning, type RestarterHost } from './instance.js';
import { Queries, type DependencyLine, type Explanation } from './explain.js';
import { enableClosure, type EnableClosure } from './milestone.js';
import { Admin } from './admin.js';
import { childExited, contractEvent } from './process-events.js';
import { onStateChange, propagateSatisfiability, type PropagationOps } from './propagate.js';
import {
  MASTER_RESTARTER, type EngineCommand, type EngineEvent, type EngineOptions,
  type EnginePorts, type InstanceConfig, type InstanceState, type ReasonCode, type RerrClass, type RestoredInstance,
} from './types.js';
import { Walks } from './walks.js';

export class Engine {
  readonly graph = new Graph();
  readonly evaluator: Evaluator;
  private readonly restarter: Restarter;
  private readonly walks: Walks;
  private readonly ops: PropagationOps;
  private readonly master: string;
  private out: EngineCommand[] = [];
  private nowMs = 0;
  private lastTransitionId = 0;
  private readonly dirty = new Set<string>();
  private readonly evalQueue = new Set<string>();
  private satSeeds: string[] = [];
  private readonly queries: Queries;
  private readonly adminOps: Admin;

  constructor(readonly ports: EnginePorts, readonly options: EngineOptions = {}) {
    this.master = options.masterRestarter ?? MASTER_RESTARTER;
    this.evaluator = new Evaluator(this.graph, (p) => ports.fileExists(p));
    const host: RestarterHost = {
      now: () => this.nowMs,
      emit: (c) => this.emit(c),
      newTransitionId: () => ++this.lastTransitionId,
      changed: (v, prev, rerr) => this.changed(v, prev, rerr),
      recheckConfig: (v) => this.applyConfig(v, v.config, true),
      mayInitialize: (v) => !v.restarter,
      removeVertex: (v) => this.removeVertex(v),
      degradedExtension: options.degradedExtension === true,
    };
    this.restarter = new Restarter(host, this.graph);
    this.ops = {
      graph: this.graph,
      send: (v, cmd, front) => this.send(v, cmd, front),
      queueEval: (f) => this.evalQueue.add(f),
      seedSatisfiability: (f) => this.satSeeds.push(f),
    };
    this.walks = new Walks(this.ops);
    this.adminOps = new Admin({
      graph: this.graph, walks: this.walks, master: this.master, emit: (c) => this.emit(c),
      send: (v, cmd, front) => this.send(v, cmd, front), queueEval: (f) => this.evalQueue.add(f),
      seedSatisfiability: (f) => this.satSeeds.push(f), invalidate: () => this.evaluator.invalidate(),
    });
    this.queries = new Queries(this.graph, this.evaluator, (p) => ports.fileExists(p), this.master);
  }

  get milestone(): string { return this.adminOps.milestone; }

  step(event: EngineEvent, nowMs: number): EngineCommand[] {
    this.nowMs = nowMs;
    this.out = [];
    this.evaluator.invalidate(); // files may have changed since the last step
    this.handle(event);
    this.drain();
    return this.out;
  }

  private handle(e: EngineEvent): void {
    switch (e.kind) {
      case 'configure': return this.configure(e.instances, e.restored ?? [], e.milestone);
      case 'refresh': return this.refresh(e.config);
      case 'remove': {
        const v = this.graph.get(e.fmri);
        if (!v || v.removing) return;
        v.removing = true;
        this.walks.cancelDisable(v.fmri);
        return this.send(v, { type: 'REMOVE' });
      }
      case 'admin': return this.adminOps.action(e.fmri, e.action);
      case 'milestone': return this.adminOps.setMilestone(e.target);
      case 'methodCompleted': return this.withVertex(e.fmri, (v) => this.restarter.methodCompleted(v, e.transitionId, e.outcome));
      case 'contractEvent': return this.withVertex(e.fmri, (v) => contractEvent(this.restarter, v, e.contractEvent));
      case 'childExited': return this.withVertex(e.fmri, (v) => childExited(this.restarter, v, e.exitCode, e.signal));
      case 'timerFired':
        return this.withVertex(e.fmri, (v) => {
          if (e.id === 'throttle' && v.throttledUntil !== undefined) { v.throttledUntil = 0; this.evalQueue.add(v.fmri); }
        });
      case 'restore': return this.withVertex(e.restored.fmri, (v) => this.restore(v, e.restored));
    }
  }

  private withVertex(fmri: string, f: (v: Vertex) => void): void {
    const v = this.graph.get(fmri);
    if (!v) return;
    f(v);
    this.dirty.add(fmri);
  }

  private emit(c: EngineCommand): void {
    if (c.kind === 'commitState') this.evaluator.invalidate();
    this.out.push(c);
  }

  private send(v: Vertex, cmd: RestarterCommand, front = false): void {
    this.restarter.enqueue(v, cmd, front);
    this.dirty.add(v.fmri);
  }

  private changed(v: Vertex, prev: InstanceState, rerr: RerrClass): void {
    this.evaluator.invalidate();
    this.dirty.add(v.fmri);
    onStateChange(this.ops, v, prev, rerr);
    if (this.walks.active) this.walks.advance(v.fmri);
  }

  private drain(): void {
    for (;;) {
      if (this.dirty.size) {
        const batch = [...this.dirty];
        this.dirty.clear();
        for (const f of batch) {
          const v = this.graph.get(f);
          if (v) this.restarter.process(v);
        }
        continue;
      }
      if (this.satSeeds.length) {
        const seeds = this.satSeeds;
        this.satSeeds = [];
        propagateSatisfiability(this.ops, seeds, new Set(seeds));
        continue;
      }
      if (this.evalQueue.size) {
        const batch = [...this.evalQueue];
        this.evalQueue.clear();
        for (const f of batch) this.evaluate(f);
        continue;
      }
      return;
    }
  }

  /** Start an offline, enabled instance whose dependencies are all satisfied. */
  private evaluate(fmri: string): void {
    const v = this.graph.get(fmri);
    if (!v || v.state !== 'offline' || v.enabled !== true || v.transition || v.toOffline || v.removing) return;
    if (v.throttledUntil !== undefined && v.throttledUntil > this.nowMs) return;
    if (v.queue.some((c) => c.type === 'START')) return;
    if (this.evaluator.isSatisfied(v)) this.send(v, { type: 'START' });
  }

  /** (Re)reads restarter + dependency groups; returns the config error aux if broken. */
  private applyConfig(v: Vertex, config: InstanceConfig, force: boolean): ReasonCode | undefined {
    const old = v.config;
    v.config = config;
    if (!force && !v.configError && sameDeps(old, config)) return undefined;
    const r = readConfig(this.graph, v, config, this.master);
    const err = r.error;
    v.restarter = r.restarter;
    if (err?.aux === 'dependency_cycle') {
      this.emit({ kind: 'errorLog', fmri: v.fmri, text: `Transitioning ${v.fmri} to maintenance because it completes a dependency cycle (see svcs -xv for details):\n  ${err.cycle.join('\n  ')}` });
    } else if (err) {
      this.emit({ kind: 'errorLog', fmri: v.fmri, text: `${v.fmri}: ${err.message}` });
    }
    v.configError = err;
    this.graph.setEdges(v, r.groups);
    this.evaluator.invalidate();
    return err?.aux;
  }

  private configure(instances: InstanceConfig[], restored: RestoredInstance[], milestone?: string): void {
    const fresh: Vertex[] = [];
    for (const c of instances) {
      const v = this.graph.get(c.fmri);
      if (!v) {
        const nv = newVertex(c);
        this.graph.add(nv);
        this.applyConfig(nv, c, true);
        fresh.push(nv);
      } else {
        this.reconfigure(v, c, false);
      }
    }
    // the milestone in force before anything is enabled: instances outside it are temporarily disabled as they
    // initialize (initialize -> outsideMilestone), never started and stopped again
    if (milestone !== undefined) this.adminOps.presetMilestone(milestone);
    const byFmri = new Map(restored.map((r) => [r.fmri, r]));
    for (const v of fresh) {
      const r = byFmri.get(v.fmri);
      if (r) this.restore(v, r);
      else this.initialize(v);
    }
  }

  private initialize(v: Vertex): void {
    v.enabled = v.config.enabled;
    if (v.configError) return this.send(v, { type: 'MAINT_ON', aux: v.configError.aux, immediate: false });
    if (v.enabled === true && this.adminOps.outsideMilestone(v.fmri)) {
      v.enabled = false;
      this.emit({ kind: 'setTemporaryEnabled', fmri: v.fmri, value: false });
    }
    if (v.enabled === true) this.send(v, { type: 'ENABLE' });
    else if (v.enabled === false) this.send(v, { type: 'DISABLE', admin: false });
  }

  /** Config change of a known instance (import / refresh): deps, restarter and enabled. */
  private reconfigure(v: Vertex, c: InstanceConfig, refresh: boolean): void {
    const hadErr = v.configError?.aux;
    const err = this.applyConfig(v, c, false);
    if (err && err !== hadErr && v.state !== 'maintenance') {
      this.send(v, { type: 'MAINT_ON', aux: err, immediate: false }, true);
      return;
    }
    if (c.enabled !== v.enabled) this.adminOps.setEnabled(v, c.enabled);
    if (v.state === 'offline' && v.enabled === true) this.evalQueue.add(v.fmri);
    if (v.state === 'uninitialized' && v.enabled !== undefined && !err) this.initialize(v);
    if (refresh && v.state !== 'uninitialized') this.send(v, { type: 'REFRESH' });
    if (!isRunning(v.state)) this.satSeeds.push(v.fmri);
  }

  private refresh(c: InstanceConfig): void {
    const v = this.graph.get(c.fmri);
    if (!v) return this.configure([c], []);
    this.reconfigure(v, c, true);
  }

  private restore(v: Vertex, r: RestoredInstance): void {
    v.enabled = v.config.enabled;
    v.state = r.state;
    v.aux = r.aux ?? v.aux;
    v.contractAlive = r.contractAlive;
    v.transition = null;
    v.queue = [];
    v.nextState = 'none';
    this.evaluator.invalidate();
    if (r.nextState !== 'none') this.emit({ kind: 'commitState', fmri: v.fmri, state: v.state, nextState: 'none', at: this.nowMs });
    if (v.configError && v.state !== 'maintenance') return this.send(v, { type: 'MAINT_ON', aux: v.configError.aux, immediate: false });
    switch (v.state) {
      case 'uninitialized': return this.initialize(v);
      case 'offline':
        if (v.enabled === true) this.evalQueue.add(v.fmri);
        else if (v.enabled === false) this.send(v, { type: 'DISABLE', admin: false });
        return;
      case 'disabled': if (v.enabled === true) this.send(v, { type: 'ENABLE' }); return;
      case 'online': case 'degraded':
        if (v.enabled === false) return this.walks.startDisable(v);
        if (r.contractLost && !r.contractAlive) this.missedExit(v);
        return;
      default: return;
    }
  }

  /** smf-spec §2.11: the processes of a running instance exited while no restarter watched; deliver
   *  the event that was missed (contract empty / child exit), which stops it with ct_ev_exit. */
  private missedExit(v: Vertex): void {
    const model = v.config.startd.duration;
    if (model === 'transient') return;
    v.contractAlive = true;
    if (model === 'contract') contractEvent(this.restarter, v, 'empty', true);
    else childExited(this.restarter, v, undefined, undefined);
    this.dirty.add(v.fmri);
  }

  private removeVertex(v: Vertex): void {
    const dependents = this.graph.directDependents(v.fmri);
    this.graph.delete(v.fmri);
    this.evaluator.invalidate();
    this.emit({ kind: 'removed', fmri: v.fmri });
    for (const d of dependents) { this.evalQueue.add(d); this.satSeeds.push(d); }
    if (this.walks.active) this.walks.advance();
  }

  // ---- pure queries for the CLIs (never change state) ----
  explain(fmri: string): Explanation | undefined { this.evaluator.invalidate(); return this.queries.explain(fmri); }
  rootCauses(): Explanation[] { this.evaluator.invalidate(); return this.queries.rootCauses(); }
  dependencyStatus(fmri: string): DependencyLine[] { return this.queries.dependencyStatus(fmri); }
  potentialSatisfiable(fmri: string): boolean { this.evaluator.invalidate(); return this.queries.potentialSatisfiable(fmri); }
  dependents(fmri: string): string[] { return this.queries.dependents(fmri); }
  dependencies(fmri: string): string[] { return this.queries.dependencies(fmri); }
  enableClosure(fmri: string): EnableClosure { return enableClosure(this.graph, fmri); }

  /** Read-only view of one instance's engine state (for the daemon and tests). */
  instance(fmri: string): Readonly<Vertex> | undefined { return this.graph.get(fmri); }
}
