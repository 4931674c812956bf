// A pure, deterministic simulator around Engine for tests and benchmarks: it plays the daemon's
// part (executes runMethod commands by scripted behaviours, keeps timers, files and committed
// states) with a fake clock. No I/O; usable from unit tests, component tests and bench/.
//
// Invariants:
// - Methods complete only when settle()/advance() runs them; a 'hang' behaviour never completes.
// - Each start-method execution is counted (starts()), like the `count` prefix of cases.md.

import { Engine } from './engine.js';
import type { PropertyGroup } from '../model.js';
import {
  DEFAULT_STARTD, type EngineCommand, type EngineEvent, type InstanceConfig, type InstanceState,
  type MethodName, type MethodOutcome, type NextState, type ReasonCode, type ServiceModel, type StartdConfig,
} from './types.js';

/** What a scripted method does when run. 'daemon' = exit 0 leaving processes (contract model). */
/** 'linger': a stop method that exits 0 while the contract does not empty by the deadline (§4.8) */
export type Behaviour = 'ok' | 'daemon' | 'hang' | 'timeout' | 'linger' | { exit: number } | { signal: string } | 'configError';

export interface SimInstanceSpec {
  enabled?: boolean | undefined;
  model?: ServiceModel;
  start?: Behaviour | null;
  stop?: Behaviour | null;
  refresh?: Behaviour | null;
  deps?: { name?: string; grouping: string; restartOn: string; type?: 'service' | 'path'; entities: string[] }[];
  startd?: Partial<StartdConfig>;
  restarter?: string;
  /** exec strings instead of /m/METHOD (built-ins such as :kill or :true) */
  execs?: Partial<Record<'start' | 'stop' | 'refresh', string>>;
}

export function svc(name: string): string { return name.startsWith('svc:/') ? name : `svc:/site/${name}:default`; }

export function dependencyPg(name: string, grouping: string, restartOn: string, type: string, entities: string[]): PropertyGroup {
  return {
    name, type: 'dependency', flags: 0,
    properties: [
      { name: 'grouping', type: 'astring', values: [grouping] },
      { name: 'restart_on', type: 'astring', values: [restartOn] },
      { name: 'type', type: 'astring', values: [type] },
      { name: 'entities', type: 'fmri', values: entities },
    ],
  };
}

export class Sim {
  readonly engine: Engine;
  readonly files = new Set<string>();
  now = 0;
  readonly behaviours = new Map<string, Partial<Record<MethodName, Behaviour | null>>>();
  readonly commands: EngineCommand[] = [];
  readonly state = new Map<string, { state: InstanceState; next: NextState; aux?: ReasonCode }>();
  readonly startCount = new Map<string, number>();
  readonly methodRuns: { fmri: string; method: MethodName }[] = [];
  readonly tempEnabled = new Map<string, boolean | null>();
  private pending: Extract<EngineCommand, { kind: 'runMethod' }>[] = [];
  private timers = new Map<string, number>();
  readonly configs = new Map<string, InstanceConfig>();

  constructor(opts: { degradedExtension?: boolean } = {}) {
    this.engine = new Engine({ fileExists: (p) => this.files.has(p) }, opts);
  }

  config(name: string, spec: SimInstanceSpec): InstanceConfig {
    const fmri = svc(name);
    const exec = (b: Behaviour | null | undefined, m: 'start' | 'stop' | 'refresh') => (b === null ? undefined : { exec: spec.execs?.[m] ?? `/m/${m}`, timeoutSeconds: 60 });
    this.behaviours.set(fmri, { start: spec.start ?? 'ok', stop: spec.stop ?? 'ok', refresh: spec.refresh ?? 'ok' });
    const model = spec.model ?? 'transient';
    const c: InstanceConfig = {
      fmri, enabled: 'enabled' in spec ? spec.enabled : true, persistentEnabled: 'enabled' in spec ? spec.enabled : true,
      restarter: spec.restarter,
      dependencyPgs: (spec.deps ?? []).map((d, i) => dependencyPg(d.name ?? `dep${i}`, d.grouping, d.restartOn, d.type ?? 'service', d.entities.map((e) => (e.startsWith('file:') || e.startsWith('svc:') ? e : svc(e))))),
      methods: { start: exec(spec.start, 'start'), stop: exec(spec.stop, 'stop'), refresh: spec.refresh === undefined ? undefined : exec(spec.refresh, 'refresh') },
      startd: { ...DEFAULT_STARTD, duration: model, ...spec.startd },
    };
    this.configs.set(fmri, c);
    return c;
  }

  step(e: EngineEvent): EngineCommand[] {
    const cmds = this.engine.step(e, this.now);
    for (const c of cmds) this.apply(c);
    return cmds;
  }

  private apply(c: EngineCommand): void {
    this.commands.push(c);
    switch (c.kind) {
      case 'commitState': {
        const prev = this.state.get(c.fmri);
        this.state.set(c.fmri, { state: c.state, next: c.nextState, aux: c.auxState ?? prev?.aux });
        return;
      }
      case 'runMethod':
        this.pending.push(c);
        return;
      case 'setTimer': this.timers.set(`${c.fmri}\0${c.id}`, c.atMs); return;
      case 'cancelTimer': this.timers.delete(`${c.fmri}\0${c.id}`); return;
      case 'setTemporaryEnabled': this.tempEnabled.set(c.fmri, c.value); return;
      default: return;
    }
  }

  /** Complete runnable methods (FIFO) until none is left but hanging ones; bounded. */
  settle(limit = 1_000_000): void {
    for (let n = 0; n < limit; n++) {
      const i = this.pending.findIndex((p) => this.behaviourOf(p) !== 'hang');
      if (i < 0) return;
      const p = this.pending.splice(i, 1)[0];
      this.complete(p);
    }
    throw new Error('Sim.settle: no quiescence');
  }

  get pendingCount(): number { return this.pending.length; }

  /** Complete the i-th pending method by its behaviour (random interleavings in tests). */
  completeAt(i: number): void {
    const p = this.pending.splice(i, 1)[0];
    if (this.behaviourOf(p) === 'hang') { this.pending.push(p); return; }
    this.complete(p);
  }

  /** Complete the pending method of fmri with an explicit outcome. */
  finish(fmri: string, outcome: MethodOutcome): void {
    const i = this.pending.findIndex((p) => p.fmri === fmri);
    if (i < 0) throw new Error(`no pending method for ${fmri}`);
    const p = this.pending.splice(i, 1)[0];
    this.step({ kind: 'methodCompleted', fmri, method: p.method, transitionId: p.transitionId, outcome });
  }

  pendingMethod(fmri: string): MethodName | undefined { return this.pending.find((p) => p.fmri === svc(fmri))?.method; }

  private behaviourOf(p: { fmri: string; method: MethodName }): Behaviour {
    return this.behaviours.get(p.fmri)?.[p.method] ?? 'ok';
  }

  private complete(p: Extract<EngineCommand, { kind: 'runMethod' }>): void {
    this.methodRuns.push({ fmri: p.fmri, method: p.method });
    if (p.method === 'start') this.startCount.set(p.fmri, (this.startCount.get(p.fmri) ?? 0) + 1);
    const b = this.behaviourOf(p);
    let o: MethodOutcome;
    if (b === 'ok') o = { exitCode: 0, timedOut: false, contractEmpty: p.model === 'contract' };
    else if (b === 'daemon') o = { exitCode: 0, timedOut: false };
    else if (b === 'timeout') o = { signal: 'SIGKILL', timedOut: true };
    else if (b === 'linger') o = { exitCode: 0, timedOut: true };
    else if (b === 'configError') o = { timedOut: false, spawnError: 'config' };
    else if (b === 'hang') throw new Error('unreachable');
    else if ('exit' in b) o = { exitCode: b.exit, timedOut: false };
    else o = { signal: b.signal, timedOut: false };
    this.step({ kind: 'methodCompleted', fmri: p.fmri, method: p.method, transitionId: p.transitionId, outcome: o });
  }

  /** Advance the fake clock, firing due timers, then settle. */
  advance(ms: number): void {
    this.now += ms;
    for (const [k, at] of [...this.timers]) {
      if (at <= this.now) {
        this.timers.delete(k);
        const [fmri, id] = k.split('\0');
        this.step({ kind: 'timerFired', fmri, id });
      }
    }
    this.settle();
  }

  st(name: string): string {
    const s = this.state.get(svc(name));
    if (!s) return 'unknown';
    return s.next === 'none' ? s.state : `${s.state}*`;
  }
  aux(name: string): ReasonCode | undefined { return this.state.get(svc(name))?.aux; }
  starts(name: string): number { return this.startCount.get(svc(name)) ?? 0; }
  logs(name: string): string[] {
    return this.commands.flatMap((c) => (c.kind === 'log' && c.fmri === svc(name) ? [c.text] : []));
  }
  runs(name: string, method: MethodName): number {
    return this.methodRuns.filter((r) => r.fmri === svc(name) && r.method === method).length;
  }

  /** Import (configure) instances and settle. */
  load(specs: Record<string, SimInstanceSpec>): void {
    this.step({ kind: 'configure', instances: Object.entries(specs).map(([n, s]) => this.config(n, s)), initial: true });
    this.settle();
  }

  admin(name: string, action: Extract<EngineEvent, { kind: 'admin' }>['action']): void {
    this.step({ kind: 'admin', fmri: svc(name), action });
    this.settle();
  }

  contract(name: string, kind: 'empty' | 'core' | 'signal' | 'hwerr'): void {
    this.step({ kind: 'contractEvent', fmri: svc(name), contractEvent: kind });
    this.settle();
  }
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomDag(n: number, seed: number): Record<string, SimInstanceSpec> {
  const r = rng(seed);
  const groupings = ['require_all', 'require_all', 'require_any', 'optional_all'];
  const specs: Record<string, SimInstanceSpec> = {};
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  for (const i of order) {
    const deps: SimInstanceSpec['deps'] = [];
    const k = i === 0 ? 0 : Math.floor(r() * 4);
    for (let d = 0; d < k; d++) {
      const target = Math.floor(r() * i);
      deps.push({ name: `d${d}`, grouping: groupings[Math.floor(r() * groupings.length)], restartOn: r() < 0.5 ? 'none' : 'restart', entities: [`n${target}`] });
    }
    specs[`n${i}`] = { model: r() < 0.5 ? 'contract' : 'transient', start: 'daemon', deps };
  }
  return specs;
}

