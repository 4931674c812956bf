// The per-instance restarter (smf-spec §2.4-§2.8, §4.7, §4.8, §5): a FIFO of restarter commands,
// one method at a time, enter-handlers per command, and the method-outcome handling.
//
// Invariants:
// - Commands are only taken from the queue while the instance is not in transition; a command
//   that arrives meanwhile waits (maintenance requests jump the queue).
// - Every state change is committed (commitState) before the graph hears of it (host.changed).
// - The fault counter is only reset by a successful method or a clean wait-child exit.

import type { Graph, RestarterCommand, Transition, Vertex } from './graph.js';
import { contractEvent } from './process-events.js';
import {
  FAULT_THRESHOLD, INFINITE_TIMEOUT_SERVICES, childFailingTooQuickly, classifyOutcome, pushStart,
  restartingTooQuickly, timeoutMs, CHILD_THROTTLE_MS,
} from './policy.js';
import {
  RERR_FAULT, RERR_NONE, RERR_REFRESH, RERR_RESTART, type EngineCommand,
  type InstanceState, type MethodName, type MethodOutcome, type NextState, type ReasonCode, type RerrClass,
} from './types.js';

export interface RestarterHost {
  now(): number;
  emit(cmd: EngineCommand): void;
  newTransitionId(): number;
  /** the graph's view of a committed state change that ended (or skipped) a transition */
  changed(v: Vertex, prev: InstanceState, rerr: RerrClass): void;
  /** re-read dependencies after clear; returns the configuration error aux if still broken */
  recheckConfig(v: Vertex): ReasonCode | undefined;
  /** may the instance leave uninitialized (delegated restarter online or none)? */
  mayInitialize(v: Vertex): boolean;
  removeVertex(v: Vertex): void;
  degradedExtension: boolean;
}

export const MAX_QUEUED = 100;
/** administrative commands (dropped when the queue is full); graph commands never are */
const ADMIN_COMMANDS: ReadonlySet<RestarterCommand['type']> = new Set(['RESTART', 'REFRESH', 'MAINT_OFF', 'DEGRADED', 'RESTORE']);

export function isRunning(s: InstanceState): boolean { return s === 'online' || s === 'degraded'; }

export class Restarter {
  constructor(private readonly host: RestarterHost, private readonly graph: Graph) {}

  enqueue(v: Vertex, cmd: RestarterCommand, front = false): void {
    if (v.queue.length >= MAX_QUEUED && ADMIN_COMMANDS.has(cmd.type)) {
      this.host.emit({ kind: 'errorLog', fmri: v.fmri, text: `Too many queued events; dropped ${cmd.type}.` });
      return;
    }
    if (front) v.queue.unshift(cmd); else v.queue.push(cmd);
  }

  /** Runs queued commands until the instance enters a transition or the queue is empty. */
  process(v: Vertex): void {
    let ran = false;
    while (!v.transition && v.queue.length && this.graph.get(v.fmri) === v) { ran = true; this.handle(v, v.queue.shift()!); }
    // an emptied array keeps the backing store its pushes grew (~150 bytes); every vertex keeps
    // its queue, and at 5,000 instances those stores were 0.7 MB of live heap
    if (ran && v.queue.length === 0) v.queue = [];
  }

  private commit(v: Vertex, state: InstanceState, next: NextState, aux?: ReasonCode, auxFmri?: string): void {
    if (v.throttledUntil !== undefined && state !== 'offline') {
      v.throttledUntil = undefined;
      this.host.emit({ kind: 'cancelTimer', fmri: v.fmri, id: 'throttle' });
    }
    v.state = state;
    v.nextState = next;
    if (aux !== undefined) v.aux = aux;
    this.host.emit({ kind: 'commitState', fmri: v.fmri, state, nextState: next, auxState: aux, auxFmri, at: this.host.now() });
  }

  /** Commit a settled state and tell the graph (also used by process-events.ts). */
  settle(v: Vertex, state: InstanceState, aux: ReasonCode | undefined, rerr: RerrClass, auxFmri?: string): void {
    const prev = v.state;
    // disabled and maintenance abandon the primary contract (smf-spec §5.1): its id leaves restarter/contract
    // (mark -I maintenance leaves its processes running, untracked); a refresh method failing for good keeps
    // the daemon associated (§2.6: the next clear abandons it)
    if ((state === 'disabled' || state === 'maintenance') && v.transition?.method !== 'refresh') this.abandon(v);
    v.transition = null;
    this.commit(v, state, 'none', aux, auxFmri);
    this.host.changed(v, prev, rerr);
  }

  log(v: Vertex, text: string): void { this.host.emit({ kind: 'log', fmri: v.fmri, text }); }

  private handle(v: Vertex, cmd: RestarterCommand): void {
    // an instance delegated to another restarter that has not taken it over is not ours: it stays
    // uninitialized whatever is asked of it (smf-spec §3.8); only its removal is handled
    if (v.restarter && v.state === 'uninitialized' && cmd.type !== 'REMOVE') return;
    const running = isRunning(v.state);
    switch (cmd.type) {
      case 'ENABLE':
        if ((v.state === 'uninitialized' || v.state === 'disabled') && v.enabled === true && this.host.mayInitialize(v)) {
          if (v.configError) return this.settle(v, 'maintenance', v.configError.aux, RERR_NONE);
          const aux = v.startAux === 'clear_request' ? 'clear_request' : 'enable_request';
          this.log(v, 'Enabled.');
          this.settle(v, 'offline', aux, RERR_NONE);
        }
        return;
      case 'DISABLE':
        if (cmd.admin) v.ring = [];
        if (running) return this.beginStop(v, 'disabled', 'disable_request', RERR_RESTART, 'Stopping because service disabled.', cmd.admin);
        if (v.state === 'disabled') return;
        if (v.state === 'maintenance') {
          this.abandon(v);
          this.commit(v, 'uninitialized', 'none', 'disable_request');
        }
        this.log(v, 'Disabled.');
        return this.settle(v, 'disabled', 'disable_request', RERR_NONE);
      case 'START':
        if (v.state === 'offline' && v.enabled === true && !v.toOffline && !v.removing) this.attemptStart(v, true);
        return;
      case 'STOP':
        if (!running) return;
        return this.beginStop(v, v.enabled === true ? 'offline' : 'disabled', cmd.aux, cmd.rerr, stopText(cmd.aux), cmd.reset);
      case 'RESTART':
        if (!running) return;
        v.startAux = 'restart_request';
        return this.beginStop(v, 'offline', 'restart_request', RERR_RESTART, 'Stopping because of a restart request.', true);
      case 'REFRESH':
        // illumos refresh_instance: the line in any state, the refresh method only for a running instance
        this.log(v, 'Rereading configuration.');
        if (running) this.beginMethod(v, 'refresh', { id: 0, method: 'refresh', target: v.state, rerr: RERR_REFRESH, running: false });
        return;
      case 'MAINT_ON': {
        // illumos maintain_instance logs this first, whatever the state (also when already in maintenance)
        const why = `Stopping for maintenance due to ${cmd.aux}.`;
        if (v.state === 'maintenance') return this.log(v, why);
        if (cmd.immediate || !running) {
          this.log(v, why);
          this.abandon(v);
          return this.settle(v, 'maintenance', cmd.aux, running ? RERR_RESTART : RERR_NONE, cmd.auxFmri);
        }
        return this.beginStop(v, 'maintenance', cmd.aux, RERR_RESTART, why, false, cmd.auxFmri);
      }
      case 'MAINT_OFF': return this.clear(v);
      case 'DEGRADED':
        if (!this.host.degradedExtension) {
          this.host.emit({ kind: 'errorLog', fmri: v.fmri, text: 'Degraded request unimplemented; ignored.' });
          return;
        }
        if (v.state === 'online') this.settle(v, 'degraded', 'administrative_request', RERR_NONE);
        return;
      case 'RESTORE':
        if (this.host.degradedExtension && v.state === 'degraded') this.settle(v, 'online', 'administrative_request', RERR_NONE);
        return;
      case 'REMOVE':
        if (running) return this.beginStop(v, 'disabled', 'disable_request', RERR_RESTART, 'Stopping because service removed.', true, undefined, true);
        this.abandon(v);
        return this.host.removeVertex(v);
    }
  }

  private clear(v: Vertex): void {
    if (v.state === 'degraded' && this.host.degradedExtension) return this.settle(v, 'online', 'clear_request', RERR_NONE);
    if (v.state !== 'maintenance') return;
    this.abandon(v);
    v.ring = [];
    v.startAux = 'clear_request';
    this.log(v, 'Leaving maintenance because clear requested.');
    const broken = this.host.recheckConfig(v);
    this.commit(v, 'uninitialized', 'none', 'clear_request');
    if (broken) return this.settle(v, 'maintenance', broken, RERR_NONE);
    this.host.changed(v, 'maintenance', RERR_NONE);
    if (v.enabled === true) this.enqueue(v, { type: 'ENABLE' }, true);
    else if (v.enabled === false) this.enqueue(v, { type: 'DISABLE', admin: false }, true);
  }

  abandon(v: Vertex): void {
    const held = v.contractAlive || v.contractEmptied;
    v.contractAlive = false;
    v.contractEmptied = false;
    if (held) this.host.emit({ kind: 'abandonContract', fmri: v.fmri });
  }

  /** One start attempt (first or retry): throttle / rate limit, then the method. */
  private attemptStart(v: Vertex, first: boolean): void {
    const now = this.host.now();
    const model = v.config.startd.duration;
    if (model === 'child') {
      if (v.throttledUntil !== undefined && now < v.throttledUntil) return;
      if (v.throttledUntil === undefined && v.childFailed && childFailingTooQuickly(v.ring)) {
        v.throttledUntil = now + CHILD_THROTTLE_MS;
        this.log(v, 'Failing too quickly, throttling.');
        this.host.emit({ kind: 'setTimer', fmri: v.fmri, id: 'throttle', atMs: v.throttledUntil });
        return;
      }
      v.throttledUntil = undefined;
      v.childFailed = false;
      v.ring = pushStart(v.ring, now);
    } else {
      v.ring = pushStart(v.ring, now);
      if (restartingTooQuickly(v.ring, v.config.startd)) {
        this.log(v, 'Restarting too quickly, changing state to maintenance.');
        return this.settle(v, 'maintenance', 'restarting_too_quickly', RERR_FAULT);
      }
    }
    if (first) {
      this.beginMethod(v, 'start', { id: 0, method: 'start', target: 'online', aux: v.startAux, rerr: RERR_NONE, running: false });
    } else {
      this.runMethod(v, v.transition!);
    }
  }

  private beginStop(
    v: Vertex, target: InstanceState, aux: ReasonCode, rerr: RerrClass, text: string, resetRing: boolean,
    auxFmri?: string, thenRemove?: boolean,
  ): void {
    this.log(v, text);
    this.beginMethod(v, 'stop', { id: 0, method: 'stop', target, aux, rerr, running: false, resetRing, auxFmri, thenRemove });
  }

  /** Enter a transition: commit (state, target) and run (or skip) the method. */
  private beginMethod(v: Vertex, method: MethodName, t: Transition): void {
    const spec = v.config.methods[method];
    const model = v.config.startd.duration;
    // a stop of a live contract/child must still wait for the contract to empty, even for :true
    const waitsForEmpty = method === 'stop' && model !== 'transient' && v.contractAlive;
    // without a primary contract (never started, abandoned by exit 94, wait child gone) a stop skips the method
    const skip = !spec || (spec.exec === ':true' && !waitsForEmpty) ||
      (method === 'stop' && model !== 'transient' && !v.contractAlive && !v.contractEmptied);
    v.transition = t;
    this.commit(v, v.state, t.target);
    if (skip) {
      if (spec?.exec === ':true' && !(method === 'stop' && model !== 'transient' && !v.contractAlive && !v.contractEmptied)) {
        this.log(v, `Executing ${method} method (null).`);
      }
      if (!spec) {
        this.log(v, method === 'refresh' ? 'Method "refresh" is not present.  Treating as :true.'
          : `Method "${method}" is not present.`);
        if (waitsForEmpty) this.abandon(v);
      }
      return this.completed(v, { exitCode: 0, timedOut: false });
    }
    this.runMethod(v, t);
  }

  private runMethod(v: Vertex, t: Transition): void {
    const spec = v.config.methods[t.method];
    const waitsForEmpty = t.method === 'stop' && v.config.startd.duration !== 'transient' && v.contractAlive;
    if (!spec || (spec.exec === ':true' && !waitsForEmpty)) {
      // the method disappeared with a refresh while retrying: nothing left to run
      t.running = false;
      return this.completed(v, { exitCode: 0, timedOut: false });
    }
    t.id = this.host.newTransitionId();
    t.running = true;
    const model = v.config.startd.duration;
    // illumos method_run's wording for the built-ins: (null) for :true, (:kill) whatever the signal
    this.log(v, spec.exec === ':true' ? `Executing ${t.method} method (null).`
      : spec.exec.startsWith(':kill') ? `Executing ${t.method} method (:kill).` : `Executing ${t.method} method ("${spec.exec}").`);
    this.host.emit({
      kind: 'runMethod', fmri: v.fmri, method: t.method, transitionId: t.id, model, exec: spec.exec,
      timeoutMs: (model === 'child' && t.method === 'start') || INFINITE_TIMEOUT_SERVICES.has(v.service) ? null : timeoutMs(spec),
      waitForEmpty: t.method === 'stop' && model !== 'transient' && v.contractAlive,
    });
  }

  /** methodCompleted from the runner (already matched against the transition id). */
  methodCompleted(v: Vertex, transitionId: number, o: MethodOutcome): void {
    if (!v.transition || v.transition.id !== transitionId || !v.transition.running) return;
    const m = v.transition.method;
    if (o.timedOut) {
      // as illumos method_run: a method that exited before the deadline (its processes did not) has
      // its exit line first; one killed at the deadline has its signal line after the timeout line
      if (o.signal === undefined && o.exitCode !== undefined) this.log(v, `Method "${m}" exited with status ${o.exitCode}.`);
      this.log(v, `Method or service exit timed out. Killing contract${o.contractId !== undefined ? ` ${o.contractId}` : ''}.`);
      if (o.signal !== undefined) this.log(v, `Method "${m}" failed due to signal ${o.signal.replace(/^SIG/, '')}.`);
    } else if (o.spawnError) this.log(v, o.spawnError === 'missing' ? `Missing ${m} method.` : `Method "${m}" could not be run (configuration error).`);
    else if (o.signal !== undefined) this.log(v, `Method "${m}" failed due to signal ${o.signal.replace(/^SIG/, '')}.`);
    else this.log(v, `Method "${m}" exited with status ${o.exitCode ?? -1}.`);
    this.completed(v, o);
  }

  private completed(v: Vertex, o: MethodOutcome): void {
    const t = v.transition!;
    const cls = classifyOutcome(t.method, o, v.config.startd);
    const model = v.config.startd.duration;
    if (t.method === 'start' && cls.kind !== 'success') {
      v.lastStartFailure = { exitCode: o.exitCode, signal: o.signal, coreDumped: o.coreDumped };
      if (model !== 'transient' && t.running) this.host.emit({ kind: 'killContract', fmri: v.fmri, signal: 'SIGKILL' });
      v.contractAlive = false;
      // the failed start's primary contract stays held (for the next try) until maintenance abandons it
      if (model === 'contract' && t.running) v.contractEmptied = true;
    }
    switch (cls.kind) {
      case 'success': return this.succeeded(v, t, o, cls.abandonContract);
      case 'tempDisable':
        v.enabled = false;
        this.host.emit({ kind: 'setTemporaryEnabled', fmri: v.fmri, value: false });
        return this.settle(v, 'disabled', 'disable_request', RERR_NONE);
      case 'maintenance': return this.failed(v, t, 'method_failed');
      case 'retry':
        v.faultCount++;
        // a deleted instance is not retried: the queued REMOVE follows at once
        if (v.removing) return this.failed(v, t, 'method_failed');
        if (v.faultCount >= FAULT_THRESHOLD) return this.failed(v, t, 'fault_threshold_reached');
        if (t.method === 'start') return this.attemptStart(v, false);
        return this.runMethod(v, t);
    }
  }

  private failed(v: Vertex, t: Transition, aux: ReasonCode): void {
    const prev = v.state;
    if (t.method === 'stop') this.abandon(v);
    // refresh failure: the daemon keeps running and stays associated (contractAlive kept)
    this.settle(v, 'maintenance', aux, isRunning(prev) ? RERR_FAULT : RERR_NONE);
  }

  private succeeded(v: Vertex, t: Transition, o: MethodOutcome, abandonContract: boolean): void {
    v.faultCount = 0;
    const model = v.config.startd.duration;
    if (t.method === 'start') {
      v.lastStartFailure = undefined;
      if (model === 'transient' || abandonContract) {
        if (t.running) this.host.emit({ kind: 'abandonContract', fmri: v.fmri });
        v.contractAlive = false;
      } else {
        v.contractAlive = t.running;
      }
      v.contractEmptied = false;
      v.startAux = 'dependencies_satisfied';
      const pending = o.contractEmpty && v.contractAlive ? 'empty' : v.pendingContractEvent;
      v.pendingContractEvent = undefined;
      this.settle(v, 'online', t.aux, RERR_NONE);
      if (pending) contractEvent(this, v, pending);
      return;
    }
    if (t.method === 'refresh') {
      const pending = v.pendingContractEvent;
      v.pendingContractEvent = undefined;
      this.settle(v, t.target, undefined, RERR_REFRESH);
      if (pending) contractEvent(this, v, pending);
      return;
    }
    // stopped: the contract is empty but still held (kept going offline, abandoned by disabled/maintenance)
    v.contractEmptied = v.contractAlive || v.contractEmptied;
    v.contractAlive = false;
    v.pendingContractEvent = undefined;
    if (t.resetRing) v.ring = [];
    this.settle(v, t.target, t.aux, t.rerr, t.auxFmri);
    if (t.thenRemove) this.host.removeVertex(v);
  }
}

export function stopText(aux: ReasonCode): string {
  switch (aux) {
    case 'ct_ev_exit': return 'Stopping because all processes in service exited.';
    case 'ct_ev_core': return 'Stopping because process dumped core.';
    case 'ct_ev_signal': return 'Stopping because process received fatal signal from outside the service.';
    case 'ct_ev_hwerr': return 'Stopping because of a hardware error.';
    default: return 'Stopping because dependency activity requires stop.';
  }
}
