// The daemon's single event loop around the pure engine: every input (repository change, admin
// request, method completion, contract event, timer) becomes an EngineEvent posted to one FIFO
// mailbox; each event is stepped through the engine and the resulting commands are executed in
// order by the CommandExecutor before the next event is taken. Asynchronous results (method
// outcomes, contract events, timers) come back as new events, so independent services run in
// parallel while the engine itself is only ever entered from here.
//
// A throw from the engine or from executing one instance's command is an internal error for that
// instance: it is logged and the instance is put into maintenance; the daemon keeps running.
// Once closed (the daemon is exiting), events are dropped: nothing acts on a closed repository,
// and what was in flight is reconciled by the next daemon from the states it finds.
import type { EngineCommand, EngineEvent } from '../core/engine/types.js';
import type { Clock, EngineLike } from './ports.js';

export interface CommandExecutor {
  execute(cmd: EngineCommand): void;
}

function eventFmri(ev: EngineEvent): string | undefined {
  switch (ev.kind) {
    case 'configure': case 'milestone': return undefined;
    case 'refresh': return ev.config.fmri;
    case 'restore': return ev.restored.fmri;
    default: return ev.fmri;
  }
}

export class GraphHost {
  private readonly queue: EngineEvent[] = [];
  private draining = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** instances already forced into maintenance because of an internal error (no loops) */
  private readonly faulted = new Set<string>();
  private closed = false;

  constructor(
    private readonly engine: EngineLike,
    private readonly clock: Clock,
    private readonly log: (msg: string) => void,
    private executor?: CommandExecutor,
  ) {}

  setExecutor(executor: CommandExecutor): void {
    this.executor = executor;
  }

  post(ev: EngineEvent): void {
    if (this.closed) return;
    this.queue.push(ev);
    if (!this.draining) this.drain();
  }

  /** Resolves once the mailbox is empty (commands executed; their async work may still run). */
  idle(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking events (those queued are dropped); idle() resolves. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (!this.draining) for (const w of this.idleWaiters.splice(0)) w();
  }

  private drain(): void {
    this.draining = true;
    try {
      for (let ev = this.queue.shift(); ev && !this.closed; ev = this.queue.shift()) this.process(ev);
    } finally {
      this.draining = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private process(ev: EngineEvent): void {
    let cmds: EngineCommand[];
    try {
      cmds = this.engine.step(ev, this.clock.now());
    } catch (e) {
      this.internalError(eventFmri(ev), `engine failed on ${ev.kind}`, e);
      return;
    }
    for (const cmd of cmds) {
      try {
        this.executor?.execute(cmd);
      } catch (e) {
        this.internalError(cmd.fmri, `executing ${cmd.kind}`, e);
      }
    }
  }

  private internalError(fmri: string | undefined, what: string, e: unknown): void {
    this.log(`internal error${fmri ? ` for ${fmri}` : ''}: ${what}: ${(e as Error)?.stack ?? String(e)}`);
    if (!fmri || this.faulted.has(fmri)) return;
    this.faulted.add(fmri);
    this.queue.push({ kind: 'admin', fmri, action: { type: 'maintOnImmediate', aux: 'service_request', auxFmri: 'svc:/system/svc/restarter:default' } });
  }

  /** An instance that recovered (cleared by the administrator) may be faulted again later. */
  forgetFault(fmri: string): void {
    this.faulted.delete(fmri);
  }
}
