// The daemon's event loop with a scripted engine, recording process ports and a fake clock, over a
// real repository file: command execution order, batched state writes flushed before a reply,
// timers through the clock, and isolation of internal errors (the instance goes to maintenance,
// the daemon keeps serving).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { EngineCommand, EngineEvent } from '../../src/core/engine/types.js';
import type { Caller } from '../../src/core/protocol/index.js';
import type { ContractManager, InstanceLogs, MethodHandle, MethodRunRequest, MethodRunner } from '../../src/ports/process.js';
import { Repository } from '../../src/repository/repository.js';
import { ROOT_VIEWER, type RestarterStateUpdate } from '../../src/repository/types.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { RepositoryAdapter } from '../../src/daemon/repo-adapter.js';
import type { Clock } from '../../src/daemon/ports.js';

const A = 'svc:/site/a:default';
const B = 'svc:/site/b:default';
const ROOT: Caller = { uid: 0, gid: 0, pid: 1, auths: [] };

class FakeClock implements Clock {
  t = 1_000_000;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => { timer.live = false; } };
  }
  advance(ms: number): void {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.live && x.at <= this.t)) { timer.live = false; timer.fn(); }
  }
}

/** An engine that answers each event with scripted commands and records what it saw. */
class ScriptedEngine {
  seen: EngineEvent[] = [];
  script: (ev: EngineEvent) => EngineCommand[] = () => [];
  step(ev: EngineEvent): EngineCommand[] { this.seen.push(ev); return this.script(ev); }
}

function fakeProcs(root: string) {
  const started: MethodRunRequest[] = [];
  const runner: MethodRunner = {
    start(req): MethodHandle {
      if (req.exec.includes('explode')) throw new Error('runner bug');
      started.push(req);
      return { pid: 4242, contractId: null, outcome: Promise.resolve({ exitCode: 0, timedOut: false, durationMs: 1, stderrTail: '', pid: 4242 }) };
    },
    run(req) { return this.start(req).outcome; },
  };
  const contracts: ContractManager = {
    mechanism: 'pgroup', kind: () => 'none', has: () => false, contractId: () => null, isEmpty: () => true, members: () => [],
    kill: () => 0, abandon() {}, adopt: () => false, onEvent: () => () => {}, close() {},
  };
  const logged: string[] = [];
  const logs: InstanceLogs = { pathFor: (f) => path.join(root, 'var/svc/log', f.replace('svc:/', '').replaceAll('/', '-') + '.log'), append: (f, t) => { logged.push(`${f}: ${t}`); } };
  return { procs: { runner, contracts, logs }, started, logged };
}

describe('svc.startd event loop (scripted engine)', () => {
  let root = '';
  let daemon: Daemon;
  let engine: ScriptedEngine;
  let clock: FakeClock;
  let batches: Map<string, RestarterStateUpdate>[];
  let procs: ReturnType<typeof fakeProcs>;
  let adapter: RepositoryAdapter;
  const daemonLog: string[] = [];

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-daemon-component-'));
    const repo = Repository.openOrThrow(path.join(root, 'etc/svc/repository.db'));
    for (const f of [A, B]) {
      const svc = f.slice(0, f.lastIndexOf(':'));
      assert.ok(repo.addService(svc).ok);
      assert.ok(repo.addInstance(f).ok);
      assert.ok(repo.addPg(f, 'general', 'framework').ok);
      assert.ok(repo.setProperty(f, 'general', 'enabled', 'boolean', ['true']).ok);
      assert.ok(repo.addPg(f, 'start', 'method').ok);
      assert.ok(repo.setProperty(f, 'start', 'exec', 'astring', [f === A ? '/bin/echo %{config/word}' : '/bin/explode']).ok);
      assert.ok(repo.setProperty(f, 'start', 'timeout_seconds', 'count', ['10']).ok);
      assert.ok(repo.addPg(f, 'config', 'application').ok);
      assert.ok(repo.setProperty(f, 'config', 'word', 'astring', ['hello world']).ok);
    }
    adapter = new RepositoryAdapter(repo);
    batches = [];
    const write = adapter.writeRestarterStates.bind(adapter);
    adapter.writeRestarterStates = (b) => { batches.push(new Map(b)); write(b); };
    engine = new ScriptedEngine();
    clock = new FakeClock();
    procs = fakeProcs(root);
    daemon = new Daemon({
      root, runDir: path.join(root, 'run/tsmf'), socketPath: path.join(root, 'run/tsmf/control.sock'), engine, repo: adapter,
      procs: procs.procs, clock, boot: { bootId: 'b1', newBoot: true }, log: (m) => daemonLog.push(m),
    });
    await daemon.start();
  });

  afterEach(async () => {
    await daemon.stop('test over');
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('start-up configures every instance; commits are batched and flushed before the reply', async () => {
    const configure = engine.seen[0];
    assert.equal(configure?.kind, 'configure');
    assert.deepEqual(configure.kind === 'configure' && configure.instances.map((i) => [i.fmri, i.enabled]), [[A, true], [B, true]]);
    engine.script = (ev) => ev.kind === 'admin' ? [
      { kind: 'commitState', fmri: A, state: 'offline', nextState: 'none', auxState: 'enable_request', at: 1 },
      { kind: 'commitState', fmri: A, state: 'offline', nextState: 'online', at: 2 },
      { kind: 'commitState', fmri: B, state: 'disabled', nextState: 'none', at: 3 },
    ] : [];
    batches.length = 0;
    const r = await daemon.handle({ type: 'admin', id: 1, action: 'restart', fmris: [A] }, ROOT);
    assert.ok(!('error' in r));
    assert.equal(batches.length, 1, 'one repository write for the whole step');
    assert.deepEqual(batches[0]!.get(A), { state: 'offline', next_state: 'online', auxiliary_state: 'enable_request', state_timestamp: '0.002000000', contract: null });
    const repo = Repository.openOrThrow(path.join(root, 'etc/svc/repository.db'), { readonly: true });
    try {
      const next = repo.getProperty(A, 'restarter', 'next_state', { viewer: ROOT_VIEWER });
      assert.deepEqual(next.ok && next.value.values, ['online'], 'written before the reply');
    } finally { repo.close(); }
  });

  test('start snapshots committed on their own go without fsync, like the state batches they usually join', async () => {
    const inner = adapter.repo;
    assert.ok(inner.takeSnapshot(A, 'running').ok);
    // outermost transactions only: relaxed (synchronous = NORMAL) or full
    const kinds: string[] = [];
    const relaxed = inner.relaxedTransaction.bind(inner);
    inner.relaxedTransaction = <T>(fn: () => T): T => { if (!inner.db.inTransaction) kinds.push('relaxed'); return relaxed(fn); };
    const full = inner.transaction.bind(inner);
    inner.transaction = <T>(fn: () => T): T => { if (!inner.db.inTransaction && kinds.at(-1) !== 'relaxed') kinds.push('full'); return full(fn); };
    daemon.startSnapshots.add(A);
    clock.advance(10);
    assert.deepEqual(kinds, ['relaxed'], 'one transaction, committed without fsync');
    const snaps = inner.listSnapshots(A);
    assert.deepEqual(snaps.ok && snaps.value.map((x) => x.name).filter((n) => n === 'start'), ['start']);
  });

  test('runMethod: tokens expanded against the configuration, completion fed back with the transition id', async () => {
    engine.script = (ev) => ev.kind === 'admin'
      ? [{ kind: 'runMethod', fmri: A, method: 'start', transitionId: 7, model: 'contract', exec: '/bin/echo %{config/word}', timeoutMs: 10_000, waitForEmpty: false }]
      : [];
    await daemon.handle({ type: 'admin', id: 1, action: 'restart', fmris: [A] }, ROOT);
    assert.equal(procs.started.length, 1);
    assert.equal(procs.started[0]!.exec, "/bin/echo hello\\ world");
    assert.equal(procs.started[0]!.env.SMF_FMRI, A);
    await daemon.graph.idle();
    await new Promise((r) => setImmediate(r));
    const done = engine.seen.find((e) => e.kind === 'methodCompleted');
    assert.deepEqual(done, { kind: 'methodCompleted', fmri: A, method: 'start', transitionId: 7, outcome: { timedOut: false, exitCode: 0, contractEmpty: true } });
  });

  test('a bad token is a method failure (config), never a crash', async () => {
    engine.script = (ev) => ev.kind === 'admin'
      ? [{ kind: 'runMethod', fmri: A, method: 'start', transitionId: 8, model: 'contract', exec: '/bin/echo %{config/missing}', timeoutMs: null, waitForEmpty: false }]
      : [];
    await daemon.handle({ type: 'admin', id: 1, action: 'restart', fmris: [A] }, ROOT);
    await new Promise((r) => setImmediate(r));
    const done = engine.seen.find((e) => e.kind === 'methodCompleted');
    assert.ok(done && done.kind === 'methodCompleted');
    assert.equal(done.outcome.spawnError, 'config');
    assert.ok(procs.logged.some((l) => l.includes('config/missing')), procs.logged.join('\n'));
    assert.equal(procs.started.length, 0);
  });

  test('timers fire through the clock as timerFired events; cancelled ones never fire', async () => {
    engine.script = (ev) => ev.kind === 'admin' ? [
      { kind: 'setTimer', fmri: A, id: 'ring', atMs: clock.now() + 5000 },
      { kind: 'setTimer', fmri: A, id: 'gone', atMs: clock.now() + 1000 },
      { kind: 'cancelTimer', fmri: A, id: 'gone' },
    ] : [];
    await daemon.handle({ type: 'admin', id: 1, action: 'restart', fmris: [A] }, ROOT);
    clock.advance(4999);
    assert.equal(engine.seen.filter((e) => e.kind === 'timerFired').length, 0);
    clock.advance(1);
    assert.deepEqual(engine.seen.filter((e) => e.kind === 'timerFired'), [{ kind: 'timerFired', fmri: A, id: 'ring' }]);
  });

  test('an internal error for one instance puts it into maintenance; the daemon and the other instances carry on', async () => {
    engine.script = (ev) => ev.kind === 'admin' && ev.fmri === B && ev.action.type === 'restart'
      ? [{ kind: 'runMethod', fmri: B, method: 'start', transitionId: 9, model: 'contract', exec: '/bin/explode', timeoutMs: null, waitForEmpty: false }]
      : [];
    const r = await daemon.handle({ type: 'admin', id: 1, action: 'restart', fmris: [B] }, ROOT);
    assert.ok(!('error' in r));
    const maint = engine.seen.filter((e) => e.kind === 'admin' && e.fmri === B && e.action.type === 'maintOnImmediate');
    assert.equal(maint.length, 1);
    assert.ok(daemonLog.some((l) => l.includes('internal error for svc:/site/b:default')), daemonLog.join('\n'));
    engine.script = () => { throw new Error('engine bug'); };
    await daemon.handle({ type: 'admin', id: 2, action: 'restart', fmris: [A] }, ROOT);
    engine.script = () => [];
    const st = await daemon.handle({ type: 'status', id: 3, fmris: [A] }, ROOT);
    assert.ok(!('error' in st) && st.kind === 'status');
  });
});

describe('svc.startd start-up', () => {
  test('a commit landing between the start-up reads and the socket listening is picked up (no lost svccfg import)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-daemon-startup-'));
    const dbPath = path.join(root, 'etc/svc/repository.db');
    const repo = Repository.openOrThrow(dbPath);
    const C = 'svc:/site/c:default';
    assert.ok(repo.addService('svc:/site/a').ok);
    assert.ok(repo.addInstance(A).ok);
    const adapter = new RepositoryAdapter(repo);
    const read = adapter.readInstances.bind(adapter);
    let committed = false;
    adapter.readInstances = (fmris) => {
      if (!committed) {
        committed = true; // "svccfg import" from another process, which finds no socket to notify yet
        const other = Repository.openOrThrow(dbPath);
        assert.ok(other.addService('svc:/site/c').ok);
        assert.ok(other.addInstance(C).ok);
        other.close();
      }
      return read(fmris);
    };
    const engine = new ScriptedEngine();
    const log: string[] = [];
    const daemon = new Daemon({
      root, runDir: path.join(root, 'run/tsmf'), socketPath: path.join(root, 'run/tsmf/control.sock'), engine, repo: adapter,
      procs: fakeProcs(root).procs, clock: new FakeClock(), boot: { bootId: 'b1', newBoot: true }, log: (m) => log.push(m),
    });
    try {
      await daemon.start();
      assert.ok(committed);
      const configured = engine.seen.flatMap((e) => (e.kind === 'configure' ? e.instances.map((i) => i.fmri) : []));
      assert.ok(configured.includes(C), `configured: ${configured.join(' ')}`);
      assert.ok(log.some((l) => /changed while starting/.test(l)));
    } finally {
      await daemon.stop('test over');
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('svc.startd admin requests naming many instances', () => {
  test('their engine events go in slices of 256: the next once fewer than 256 methods run; every instance gets its event', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-daemon-paced-'));
    const repo = Repository.openOrThrow(path.join(root, 'etc/svc/repository.db'));
    const n = 600;
    const fmri = (i: number) => `svc:/site/many${i}:default`;
    repo.transaction(() => {
      for (let i = 0; i < n; i++) {
        assert.ok(repo.addService(`svc:/site/many${i}`).ok);
        assert.ok(repo.addInstance(fmri(i)).ok);
      }
    });
    const engine = new ScriptedEngine();
    // every admin event starts a method that runs until released
    engine.script = (ev) => ev.kind === 'admin'
      ? [{ kind: 'runMethod', fmri: ev.fmri, method: 'stop', transitionId: 1, model: 'contract', exec: '/bin/true', timeoutMs: null, waitForEmpty: false }]
      : [];
    const release: (() => void)[] = [];
    const procs = fakeProcs(root).procs;
    procs.runner = {
      start() {
        let done!: () => void;
        const outcome = new Promise<import('../../src/ports/process.js').MethodOutcome>((r) => { done = () => r({ exitCode: 0, timedOut: false, durationMs: 1, stderrTail: '' }); });
        release.push(done);
        return { pid: 1, contractId: null, outcome };
      },
      run(req) { return this.start(req).outcome; },
    };
    const daemon = new Daemon({
      root, runDir: path.join(root, 'run/tsmf'), socketPath: path.join(root, 'run/tsmf/control.sock'), engine, repo: new RepositoryAdapter(repo),
      procs, clock: new FakeClock(), boot: { bootId: 'b1', newBoot: true }, log: () => undefined,
    });
    const admins = () => engine.seen.filter((e) => e.kind === 'admin').length;
    try {
      await daemon.start();
      const reply = daemon.handle({ type: 'admin', id: 1, action: 'disable', fmris: Array.from({ length: n }, (_, i) => fmri(i)) }, ROOT);
      for (let k = 0; k < 50 && admins() < 256; k++) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(admins(), 256, 'the first slice only, while its 256 methods run');
      for (const r of release.splice(0)) r();
      for (let k = 0; k < 200 && admins() < 512; k++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(admins(), 512, 'the second slice once they finished');
      for (const r of release.splice(0)) r();
      const res = await reply;
      assert.ok(!('error' in res) && res.kind === 'admin' && res.results.length === n && res.results.every((x) => x.ok));
      assert.deepEqual(engine.seen.filter((e) => e.kind === 'admin').map((e) => e.fmri), Array.from({ length: n }, (_, i) => fmri(i)));
      for (const r of release.splice(0)) r();
    } finally {
      for (const r of release.splice(0)) r();
      await daemon.stop('test over');
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
