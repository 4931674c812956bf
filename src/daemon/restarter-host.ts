// Executes the engine's commands against the real world: methods through the MethodRunner (after
// token expansion against the running snapshot), contracts through the ContractManager, state
// commits through the batched StateWriter, log lines through InstanceLogs, timers through the
// Clock. Every asynchronous result is posted back to the GraphHost as an event.
import type { EngineCommand, EngineEvent, MethodOutcome as EngineOutcome } from '../core/engine/types.js';
import type { MethodOutcome, MethodRunRequest } from '../ports/process.js';
import type { CommandExecutor } from './graph-host.js';
import { classifyExec } from '../core/method/exec.js';
import { methodConfiguration } from './compact-config.js';
import { prepareMethod } from './method-request.js';
import type { Clock, DaemonRepository, ProcessPorts } from './ports.js';
import { timeValue, type StateWriter } from './state-writer.js';
import type { StartSnapshotBatch } from './write-batch.js';

type RunMethod = Extract<EngineCommand, { kind: 'runMethod' }>;

export interface RestarterHostOptions {
  repo: DaemonRepository;
  procs: ProcessPorts;
  states: StateWriter;
  clock: Clock;
  post: (ev: EngineEvent) => void;
  log: (msg: string) => void;
  globalEnvironment: () => readonly string[];
  /** queue for the `start` snapshots (taken in batches); without it each is taken at once */
  startSnapshots?: StartSnapshotBatch;
}

/** How often a stop waits for the contract to become empty (also woken by contract events). */
const EMPTY_POLL_MS = 50;

export class RestarterHost implements CommandExecutor {
  private readonly timers = new Map<string, { cancel(): void }>();
  /** waitForEmpty waiters by fmri, fed by one contract-event subscription (created on first use) */
  private emptyWaiters: Map<string, Set<() => void>> | undefined;
  private readonly lastEffective = new Map<string, import('../core/model.js').PropertyGroup[]>();
  /** repository data version each lastEffective entry was read at (see configurationFor) */
  private readonly readAt = new Map<string, number>();
  private readonly dataVersion: () => number | undefined;
  private readonly freshDataVersion: () => number | undefined;
  /** method runs in progress, by fmri (for shutdown: wait for quiescence) */
  readonly running = new Map<string, number>();
  /** the daemon is exiting: no method starts any more (see close) */
  private closed = false;

  constructor(private readonly o: RestarterHostOptions) {
    // PRAGMA data_version of the SQLite repository behind RepositoryAdapter, when there is one.
    const inner = (o.repo as { repo?: { dataVersion?: () => number } }).repo;
    // Read once per turn of the event loop (a PRAGMA per method start was 2% of a 5,000-service
    // boot): a commit by another process during this turn counts as landing in the next one.
    let turnVersion: number | undefined;
    this.freshDataVersion = inner && typeof inner.dataVersion === 'function' ? () => inner.dataVersion!() : () => undefined;
    this.dataVersion = () => {
      if (turnVersion === undefined) {
        turnVersion = this.freshDataVersion();
        if (turnVersion !== undefined) setImmediate(() => { turnVersion = undefined; });
      }
      return turnVersion;
    };
  }

  execute(cmd: EngineCommand): void {
    switch (cmd.kind) {
      case 'runMethod': return this.runMethod(cmd);
      case 'killContract': {
        const n = this.o.procs.contracts.kill(cmd.fmri, cmd.signal);
        this.o.log(`${cmd.fmri}: sent ${cmd.signal} to ${n} process(es)`);
        return;
      }
      case 'abandonContract':
        this.o.procs.contracts.abandon(cmd.fmri);
        this.o.states.update(cmd.fmri, { contract: null });
        return;
      case 'commitState': {
        const u: Parameters<StateWriter['update']>[1] = {
          state: cmd.state, next_state: cmd.nextState, state_timestamp: timeValue(cmd.at),
        };
        if (cmd.auxState !== undefined) u.auxiliary_state = cmd.auxState;
        if (cmd.auxFmri !== undefined) u.auxiliary_fmri = cmd.auxFmri;
        if (cmd.nextState === 'none' && !this.o.procs.contracts.has(cmd.fmri)) u.contract = null;
        this.o.states.update(cmd.fmri, u);
        return;
      }
      case 'log':
        this.o.procs.logs.append(cmd.fmri, cmd.text);
        return;
      case 'errorLog':
        this.o.log(`${cmd.fmri}: ${cmd.text}`);
        return;
      case 'setTimer': {
        const key = `${cmd.fmri}\0${cmd.id}`;
        this.timers.get(key)?.cancel();
        this.timers.set(key, this.o.clock.setTimeout(() => {
          this.timers.delete(key);
          this.o.post({ kind: 'timerFired', fmri: cmd.fmri, id: cmd.id });
        }, cmd.atMs - this.o.clock.now()));
        return;
      }
      case 'cancelTimer': {
        const key = `${cmd.fmri}\0${cmd.id}`;
        this.timers.get(key)?.cancel();
        this.timers.delete(key);
        return;
      }
      case 'setTemporaryEnabled': {
        const r = this.o.repo.setTemporaryEnabled(cmd.fmri, cmd.value);
        if (!r.ok) this.o.log(`${cmd.fmri}: cannot write general_ovr/enabled: ${r.message}`);
        return;
      }
      case 'removed':
        this.lastEffective.delete(cmd.fmri);
        this.readAt.delete(cmd.fmri);
        for (const [key, t] of this.timers) if (key.startsWith(cmd.fmri + '\0')) { t.cancel(); this.timers.delete(key); }
        return;
      default: {
        const never: never = cmd;
        throw new Error(`unknown engine command ${JSON.stringify(never)}`);
      }
    }
  }

  private complete(cmd: RunMethod, outcome: EngineOutcome): void {
    this.o.post({ kind: 'methodCompleted', fmri: cmd.fmri, method: cmd.method, transitionId: cmd.transitionId, outcome });
  }

  /**
   * Records the configuration an instance was configured with (see runMethod). `version` is
   * repositoryVersion() taken before that read: the instance's first method then reuses it
   * instead of reading again; without it the next method re-reads.
   */
  remember(fmri: string, effective: import('../core/model.js').PropertyGroup[], version?: number): void {
    this.lastEffective.set(fmri, methodConfiguration(effective));
    if (version === undefined) this.readAt.delete(fmri); else this.readAt.set(fmri, version);
  }

  /** PRAGMA data_version of the repository (undefined without SQLite): take it before a read for remember(). */
  repositoryVersion(opts: { fresh?: boolean } = {}): number | undefined {
    return opts.fresh ? this.freshDataVersion() : this.dataVersion();
  }

  /**
   * The effective configuration a method runs with. Re-read from the repository unless nothing was
   * committed by another connection since it was last read (PRAGMA data_version; the daemon's own
   * writes - restarter states, snapshots of starts, refreshes it re-reads itself - do not change
   * running-snapshot properties): at 5,000 instances the per-method full read was 2-3 s of CPU.
   * A deleted instance is stopped with the configuration it last had.
   */
  private configurationFor(fmri: string): import('../core/model.js').PropertyGroup[] {
    const v = this.dataVersion();
    const cached = this.lastEffective.get(fmri);
    if (cached && v !== undefined && this.readAt.get(fmri) === v) return cached;
    const view = this.o.repo.readInstance(fmri);
    if (!view) return cached ?? [];
    // v was taken before the read: a commit landing during it makes the next method read again
    const kept = methodConfiguration(view.effective);
    this.lastEffective.set(fmri, kept);
    if (v === undefined) this.readAt.delete(fmri); else this.readAt.set(fmri, v);
    return kept;
  }

  private runMethod(cmd: RunMethod): void {
    // A deleted instance is stopped with the configuration it last had.
    const logs = this.o.procs.logs;
    const prepared = prepareMethod({
      cmd, pgs: this.configurationFor(cmd.fmri), otherEntity: (f) => this.o.repo.readEffective(f),
      logPath: logs.pathFor(cmd.fmri), globalEnvironment: this.o.globalEnvironment(),
      log: (text) => logs.append(cmd.fmri, text),
    });
    if (!prepared.ok) {
      logs.append(cmd.fmri, prepared.message);
      this.o.states.update(cmd.fmri, { logfile: logs.pathFor(cmd.fmri) });
      queueMicrotask(() => this.complete(cmd, { timedOut: false, spawnError: 'config' }));
      return;
    }
    // Our lines (`Executing start method ...`) are written on the thread pool: the method, whose
    // output goes to the same file, is spawned once they are in it. Built-ins (:true, :kill) write
    // nothing there and run at once (a stop of thousands must not queue behind their log lines).
    const cls = classifyExec(prepared.req.exec);
    const builtin = cls.ok && cls.value.kind !== 'command';
    const written = builtin || this.o.procs.runner.ordersAfterLog?.(prepared.req) ? null : logs.whenWritten?.(prepared.req.logPath);
    if (!written) { this.spawn(cmd, prepared.req); return; }
    this.running.set(cmd.fmri, (this.running.get(cmd.fmri) ?? 0) + 1);
    void written.then(() => {
      this.finished(cmd.fmri);
      if (this.closed) return;
      try {
        this.spawn(cmd, prepared.req);
      } catch (e) {
        this.runnerBug(cmd, e, false);
      }
    });
  }

  private spawn(cmd: RunMethod, req: MethodRunRequest): void {
    const startedAt = this.o.clock.now();
    // restarter/logfile appears once a method ran (svcs -x shows "See:" only then).
    const u: Parameters<StateWriter['update']>[1] = { logfile: req.logPath };
    if (cmd.method === 'start') u.start_method_timestamp = timeValue(startedAt);
    const handle = this.o.procs.runner.start(req);
    this.running.set(cmd.fmri, (this.running.get(cmd.fmri) ?? 0) + 1);
    // A method outside the primary contract (stop, refresh, a transient start) runs in a contract of its
    // own: restarter/transient_contract while it runs (svcs -p lists its processes), removed when it ends.
    const inTransientContract = handle.contractId !== null && !(cmd.method === 'start' && cmd.model !== 'transient');
    if (cmd.method === 'start') {
      if (handle.pid !== null) u.start_pid = handle.pid;
      if (handle.contractId !== null && !inTransientContract) u.contract = handle.contractId;
    }
    if (inTransientContract) u.transient_contract = handle.contractId;
    this.o.states.update(cmd.fmri, u); // one merge, same key order as the writes it replaces
    if (cmd.model === 'child' && cmd.method === 'start' && handle.pid !== null) {
      // Wait model: the start method *is* the service; it is online as soon as it runs.
      this.startSucceeded(cmd.fmri);
      queueMicrotask(() => this.complete(cmd, { timedOut: false, exitCode: 0 }));
      void handle.outcome.then((o) => {
        this.finished(cmd.fmri);
        this.o.post({ kind: 'childExited', fmri: cmd.fmri, ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}), ...(o.signal ? { signal: o.signal } : {}) });
      }, (e: unknown) => this.runnerBug(cmd, e));
      return;
    }
    void handle.outcome.then(async (o) => {
      if (cmd.method === 'start' && o.waitStatus !== undefined) this.o.states.update(cmd.fmri, { start_method_waitstatus: o.waitStatus });
      // spawned through the helper: the pid is known only now
      if (cmd.method === 'start' && handle.pid === null && o.pid !== undefined) this.o.states.update(cmd.fmri, { start_pid: o.pid });
      if (inTransientContract) this.o.states.update(cmd.fmri, { transient_contract: null });
      let outcome = toEngineOutcome(o);
      if (cmd.method === 'start' && succeeded(o)) this.startSucceeded(cmd.fmri);
      if (cmd.waitForEmpty && succeeded(o)) outcome = await this.waitForEmpty(cmd, startedAt, outcome);
      if (cmd.method === 'start' && cmd.model === 'contract') {
        // as the runner saw it when the method exited, else read now
        outcome.contractEmpty = o.contractEmpty ?? this.o.procs.contracts.isEmpty(cmd.fmri);
        // The primary contract's id (what adopt() matches after a restarter restart).
        const cid = this.o.procs.contracts.contractId(cmd.fmri);
        if (cid !== null) this.o.states.update(cmd.fmri, { contract: cid });
      }
      this.finished(cmd.fmri);
      this.complete(cmd, outcome);
    }, (e: unknown) => this.runnerBug(cmd, e));
  }

  /** illumos libscf_snapshots_poststart: the `start` snapshot records the configuration that started. */
  private startSucceeded(fmri: string): void {
    if (this.o.startSnapshots) { this.o.startSnapshots.add(fmri); return; }
    const r = this.o.repo.takeStartSnapshots(fmri);
    if (!r.ok) this.o.log(`${fmri}: cannot take the start snapshot: ${r.message}`);
  }

  private finished(fmri: string): void {
    const n = (this.running.get(fmri) ?? 1) - 1;
    if (n <= 0) this.running.delete(fmri); else this.running.set(fmri, n);
  }

  private runnerBug(cmd: RunMethod, e: unknown, counted = true): void {
    if (counted) this.finished(cmd.fmri);
    this.o.log(`internal error running ${cmd.method} of ${cmd.fmri}: ${(e as Error)?.stack ?? String(e)}`);
    this.complete(cmd, { timedOut: false, spawnError: 'config' });
  }

  /** After a successful stop: the contract must empty within the remaining timeout, else SIGKILL + timedOut. */
  private waitForEmpty(cmd: RunMethod, startedAt: number, outcome: EngineOutcome): Promise<EngineOutcome> {
    const contracts = this.o.procs.contracts;
    const deadline = cmd.timeoutMs === null ? Infinity : startedAt + cmd.timeoutMs;
    return new Promise((resolve) => {
      const check = () => {
        if (contracts.isEmpty(cmd.fmri)) { unsubscribe(); resolve(outcome); return; }
        if (this.o.clock.now() >= deadline) {
          unsubscribe();
          const contractId = contracts.contractId(cmd.fmri);
          contracts.kill(cmd.fmri, 'SIGKILL');
          resolve({ ...outcome, timedOut: true, ...(contractId !== null ? { contractId } : {}) });
          return;
        }
        timer = this.o.clock.setTimeout(check, Math.min(EMPTY_POLL_MS, deadline - this.o.clock.now()));
      };
      let timer: { cancel(): void } | undefined;
      const off = this.onEmpty(cmd.fmri, () => { timer?.cancel(); check(); });
      const unsubscribe = () => { off(); timer?.cancel(); };
      check();
    });
  }

  /**
   * Calls fn on each 'empty' contract event of fmri until the returned function is called. One
   * subscription to the contract manager serves every waiter (a stop of 5,000 instances used to
   * add 5,000 listeners, each called for every event).
   */
  private onEmpty(fmri: string, fn: () => void): () => void {
    if (!this.emptyWaiters) {
      const waiters = new Map<string, Set<() => void>>();
      this.emptyWaiters = waiters;
      this.o.procs.contracts.onEvent((ev) => {
        if (ev.kind !== 'empty') return;
        const set = waiters.get(ev.fmri);
        if (set) for (const w of [...set]) w();
      });
    }
    const waiters = this.emptyWaiters;
    let set = waiters.get(fmri);
    if (!set) waiters.set(fmri, set = new Set());
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && waiters.get(fmri) === set) waiters.delete(fmri);
    };
  }

  cancelAllTimers(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /**
   * The daemon is exiting: a method waiting for its log lines is not spawned any more (the
   * GraphHost, closed too, sends no new commands). Its instance stays mid-transition in the
   * repository, which the next daemon reconciles.
   */
  close(): void {
    this.closed = true;
    this.cancelAllTimers();
  }
}

function succeeded(o: MethodOutcome): boolean {
  return !o.spawnError && !o.timedOut && !o.signal && (o.exitCode === 0 || o.exitCode === 94);
}

function toEngineOutcome(o: MethodOutcome): EngineOutcome {
  const out: EngineOutcome = { timedOut: o.timedOut };
  if (o.exitCode !== undefined) out.exitCode = o.exitCode;
  if (o.signal !== undefined) out.signal = o.signal;
  if (o.coreDumped !== undefined) out.coreDumped = o.coreDumped;
  if (o.spawnError !== undefined) out.spawnError = o.spawnError;
  if (o.contractId !== undefined) out.contractId = o.contractId;
  return out;
}
