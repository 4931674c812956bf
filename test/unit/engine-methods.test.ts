// cases.md B, C, D and smf-spec §2.6 / §4.7 / §4.8 / §5: method outcomes, models, rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim, svc } from '../../src/core/engine/sim.js';
import { classifyOutcome, restartingTooQuickly, timeoutMs } from '../../src/core/engine/policy.js';
import { DEFAULT_STARTD } from '../../src/core/engine/types.js';

test('classifyOutcome table (§2.6, §4.7)', () => {
  const rows: [number | string, string][] = [
    [0, 'success'], [94, 'success'], [102, 'success'], [95, 'maintenance'], [96, 'maintenance'], [99, 'maintenance'],
    [100, 'maintenance'], [101, 'tempDisable'], [1, 'retry'], [97, 'retry'], [98, 'retry'], [255, 'retry'], ['SIGKILL', 'retry'],
  ];
  for (const [x, want] of rows) {
    const o = typeof x === 'number' ? { exitCode: x, timedOut: false } : { signal: x, timedOut: false };
    assert.equal(classifyOutcome('start', o, DEFAULT_STARTD).kind, want, `exit ${x}`);
  }
  assert.equal(classifyOutcome('start', { signal: 'SIGKILL', timedOut: true }, DEFAULT_STARTD).kind, 'retry');
  assert.equal(classifyOutcome('start', { signal: 'SIGKILL', timedOut: true }, { ...DEFAULT_STARTD, timeoutRetry: false }).kind, 'maintenance');
  // a stop method killed by its own timeout is retried; one that returned 0 while the contract did not empty is not
  assert.equal(classifyOutcome('stop', { signal: 'SIGKILL', timedOut: true }, DEFAULT_STARTD).kind, 'retry');
  assert.equal(classifyOutcome('stop', { signal: 'SIGKILL', timedOut: true }, { ...DEFAULT_STARTD, timeoutRetry: false }).kind, 'maintenance');
  assert.equal(classifyOutcome('stop', { exitCode: 0, timedOut: true }, DEFAULT_STARTD).kind, 'maintenance');
  assert.equal(classifyOutcome('start', { timedOut: false, spawnError: 'config' }, DEFAULT_STARTD).kind, 'maintenance');
});

test('timeouts: 0, negative, 2^64-1 and huge are infinite', () => {
  assert.equal(timeoutMs({ exec: 'x', timeoutSeconds: 0 }), null);
  assert.equal(timeoutMs({ exec: 'x', timeoutSeconds: -1 }), null);
  assert.equal(timeoutMs({ exec: 'x', timeoutSeconds: 18446744073709551615n }), null);
  assert.equal(timeoutMs({ exec: 'x', timeoutSeconds: 2 ** 53 }), null);
  assert.equal(timeoutMs({ exec: 'x', timeoutSeconds: 60 }), 60_000);
  assert.equal(timeoutMs({ exec: 'x', timeoutSeconds: 60n }), 60_000);
});

test('rate ring: 5 starts within 40 minutes are too quick; critical_failure_* override', () => {
  const m = 60_000;
  assert.equal(restartingTooQuickly([0, 1, 2, 3], DEFAULT_STARTD), false);
  assert.equal(restartingTooQuickly([0, 10 * m, 20 * m, 30 * m, 39 * m], DEFAULT_STARTD), true);
  assert.equal(restartingTooQuickly([0, 10 * m, 20 * m, 30 * m, 40 * m], DEFAULT_STARTD), false);
  const o = { ...DEFAULT_STARTD, criticalFailureCount: 2, criticalFailurePeriod: 10 };
  assert.equal(restartingTooQuickly([0, 9_000], o), true);
  assert.equal(restartingTooQuickly([0, 11_000], o), false);
  assert.equal(restartingTooQuickly([0, 9_000], { ...DEFAULT_STARTD, criticalFailureCount: 2 }), false);
});

test('C1: generic failure runs 3 times inside one transition, then fault_threshold_reached', () => {
  const s = new Sim();
  s.load({ e1: { start: { exit: 1 } } });
  assert.equal(s.starts('e1'), 3);
  assert.equal(s.st('e1'), 'maintenance');
  assert.equal(s.aux('e1'), 'fault_threshold_reached');
  const commits = s.commands.filter((c) => c.kind === 'commitState' && c.fmri === svc('e1')).map((c) => c.kind === 'commitState' && `${c.state}/${c.nextState}`);
  assert.deepEqual(commits, ['offline/none', 'offline/online', 'maintenance/none']);
});

for (const [code, starts, aux] of [[95, 1, 'method_failed'], [96, 1, 'method_failed'], [99, 1, 'method_failed'], [100, 1, 'method_failed'], [97, 3, 'fault_threshold_reached'], [98, 3, 'fault_threshold_reached']] as const) {
  test(`C2: exit ${code} => ${starts} execution(s), maintenance ${aux}`, () => {
    const s = new Sim();
    s.load({ e: { start: { exit: code } } });
    assert.equal(s.starts('e'), starts);
    assert.equal(s.st('e'), 'maintenance');
    assert.equal(s.aux('e'), aux);
  });
}

test('C2: exit 94 on a contract service => online, contract abandoned, contract events ignored', () => {
  const s = new Sim();
  s.load({ c6: { model: 'contract', start: { exit: 94 } } });
  assert.equal(s.st('c6'), 'online');
  assert.ok(s.commands.some((c) => c.kind === 'abandonContract' && c.fmri === svc('c6')));
  s.contract('c6', 'empty');
  assert.equal(s.st('c6'), 'online');
  assert.equal(s.starts('c6'), 1);
});

test('exit 101 temporarily disables the instance', () => {
  const s = new Sim();
  s.load({ t: { start: { exit: 101 } } });
  assert.equal(s.st('t'), 'disabled');
  assert.equal(s.tempEnabled.get(svc('t')), false);
});

test('the fault counter is not reset by clear: a cleared broken service fails after one attempt', () => {
  const s = new Sim();
  s.load({ e: { start: { exit: 1 } } });
  assert.equal(s.starts('e'), 3);
  s.admin('e', { type: 'clear' });
  assert.equal(s.starts('e'), 4);
  assert.equal(s.aux('e'), 'fault_threshold_reached');
  s.behaviours.get(svc('e'))!.start = 'ok';
  s.admin('e', { type: 'clear' });
  assert.equal(s.st('e'), 'online');
  assert.equal(s.aux('e'), 'clear_request');
  assert.ok(s.logs('e').includes('Leaving maintenance because clear requested.'));
});

test('B3: contract start leaving nothing => restart loop until restarting_too_quickly on the 5th start; clear resets the ring', () => {
  const s = new Sim();
  s.load({ c2: { model: 'contract', start: 'ok' } });
  assert.equal(s.starts('c2'), 4);
  assert.equal(s.st('c2'), 'maintenance');
  assert.equal(s.aux('c2'), 'restarting_too_quickly');
  assert.ok(s.logs('c2').includes('Stopping because all processes in service exited.'));
  s.admin('c2', { type: 'clear' });
  assert.equal(s.starts('c2'), 8);
  assert.equal(s.aux('c2'), 'restarting_too_quickly');
});

test('B3 with the clock: starts 40 minutes apart never hit the rate limit', () => {
  const s = new Sim();
  s.load({ c: { model: 'contract', start: 'daemon' } });
  for (let i = 0; i < 6; i++) { s.now += 41 * 60_000; s.contract('c', 'empty'); }
  assert.equal(s.st('c'), 'online');
  assert.equal(s.starts('c'), 7);
});

test('B2: external signal => FAULT stop, restarted; ignore_error=signal ignores it', () => {
  const s = new Sim();
  s.load({ c1: { model: 'contract', start: 'daemon' }, c3: { model: 'contract', start: 'daemon', startd: { ignoreError: { core: false, signal: true } } } });
  s.contract('c1', 'signal');
  s.contract('c3', 'signal');
  assert.equal(s.st('c1'), 'online');
  assert.equal(s.starts('c1'), 2);
  assert.equal(s.starts('c3'), 1);
  assert.ok(s.commands.some((c) => c.kind === 'commitState' && c.fmri === svc('c1') && c.auxState === 'ct_ev_signal'));
});

test('start restart_on=any_fault: the service stays online when all processes exit', () => {
  const s = new Sim();
  s.load({ c: { model: 'contract', start: 'daemon', startd: { restartOn: 'any_fault' } } });
  s.contract('c', 'empty');
  assert.equal(s.st('c'), 'online');
  assert.equal(s.starts('c'), 1);
});

test('D1: start timeout retried 3 times; timeout_retry=false => method_failed at once; stop timeouts', () => {
  const s = new Sim();
  s.load({
    t3: { model: 'contract', start: 'timeout' },
    t5: { model: 'contract', start: 'timeout', startd: { timeoutRetry: false } },
    t6: { model: 'contract', start: 'daemon', stop: 'linger' },
    t7: { model: 'contract', start: 'daemon', stop: 'timeout' },
  });
  assert.equal(s.starts('t3'), 3);
  assert.equal(s.aux('t3'), 'fault_threshold_reached');
  assert.ok(s.logs('t3').some((l) => l.startsWith('Method or service exit timed out.')));
  assert.equal(s.starts('t5'), 1);
  assert.equal(s.aux('t5'), 'method_failed');
  s.admin('t6', { type: 'disable', temporary: false });
  assert.equal(s.st('t6'), 'maintenance');
  assert.equal(s.aux('t6'), 'method_failed');
  assert.equal(s.runs('t6', 'stop'), 1);
  // the stop method itself killed by its timeout: died by a signal, run 3 times
  s.admin('t7', { type: 'disable', temporary: false });
  assert.equal(s.st('t7'), 'maintenance');
  assert.equal(s.aux('t7'), 'fault_threshold_reached');
  assert.equal(s.runs('t7', 'stop'), 3);
});

test('ct_ev_exit: the stop method runs against the emptied contract; disabled and maintenance abandon the contract', () => {
  const s = new Sim();
  s.load({ c: { model: 'contract', start: 'daemon' }, d: { model: 'contract', start: 'daemon' }, f: { model: 'contract', start: { exit: 1 } } });
  s.contract('c', 'empty');
  assert.equal(s.runs('c', 'stop'), 1, 'a stop never skips the method while a primary contract is held (smf-spec §2.7, §5.1)');
  assert.equal(s.st('c'), 'online');
  assert.equal(s.starts('c'), 2);
  // online -> offline keeps the contract (restart); disable abandons it
  const abandons = (f: string) => s.commands.filter((c) => c.kind === 'abandonContract' && c.fmri === svc(f)).length;
  assert.equal(abandons('c'), 0);
  s.admin('c', { type: 'disable', temporary: false });
  assert.equal(s.st('c'), 'disabled');
  assert.equal(abandons('c'), 1);
  // maintenance: after mark (the stop ran) and after a start that failed three times
  s.admin('d', { type: 'maintOn', aux: 'administrative_request' });
  assert.equal(s.st('d'), 'maintenance');
  assert.equal(abandons('d'), 1);
  assert.equal(s.st('f'), 'maintenance');
  assert.equal(abandons('f'), 1);
});

test('a transient stop method is always run; a contract stop is skipped when no contract exists', () => {
  const s = new Sim();
  s.load({ t: {}, c: { model: 'contract', start: { exit: 94 } } });
  s.admin('t', { type: 'disable', temporary: false });
  s.admin('c', { type: 'disable', temporary: false });
  assert.equal(s.runs('t', 'stop'), 1);
  assert.equal(s.runs('c', 'stop'), 0);
  assert.equal(s.st('c'), 'disabled');
});

test(':kill on a transient service (runner reports spawnError config) => maintenance', () => {
  const s = new Sim();
  s.load({ t: { stop: 'configError' } });
  s.admin('t', { type: 'disable', temporary: false });
  assert.equal(s.st('t'), 'maintenance');
  assert.equal(s.aux('t'), 'method_failed');
});

test('wait model: online immediately, exits restart it; non-zero exits throttle 1 s; 96 => maintenance', () => {
  const s = new Sim();
  s.load({ w: { model: 'child', start: 'daemon' } });
  assert.equal(s.st('w'), 'online');
  const run = s.commands.find((c) => c.kind === 'runMethod' && c.fmri === svc('w'));
  assert.ok(run && run.kind === 'runMethod' && run.timeoutMs === null);
  for (let i = 0; i < 4; i++) { s.step({ kind: 'childExited', fmri: svc('w'), exitCode: 1 }); s.settle(); }
  assert.equal(s.starts('w'), 5);
  assert.equal(s.st('w'), 'online');
  s.step({ kind: 'childExited', fmri: svc('w'), exitCode: 1 });
  s.settle();
  assert.equal(s.st('w'), 'offline');
  assert.ok(s.logs('w').includes('Failing too quickly, throttling.'));
  s.advance(1000);
  assert.equal(s.st('w'), 'online');
  assert.equal(s.starts('w'), 6);
  for (let i = 0; i < 10; i++) { s.step({ kind: 'childExited', fmri: svc('w'), exitCode: 0 }); s.settle(); }
  assert.equal(s.st('w'), 'online');
  assert.equal(s.starts('w'), 16);
  s.step({ kind: 'childExited', fmri: svc('w'), exitCode: 96 });
  s.settle();
  assert.equal(s.st('w'), 'maintenance');
  assert.equal(s.aux('w'), 'method_failed');
});

test('refresh: method runs while online*, failure keeps the daemon and FAULT-stops dependents (G5)', () => {
  const s = new Sim();
  s.load({
    a: { model: 'contract', start: 'daemon', refresh: 'ok' },
    d1: { model: 'contract', start: 'daemon', deps: [{ grouping: 'require_all', restartOn: 'refresh', entities: ['a'] }] },
    d2: { model: 'contract', start: 'daemon', deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['a'] }] },
  });
  s.behaviours.get(svc('a'))!.refresh = 'hang';
  s.step({ kind: 'refresh', config: s.configs.get(svc('a'))! });
  s.settle();
  assert.equal(s.st('a'), 'online*');
  s.finish(svc('a'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.deepEqual([s.starts('a'), s.starts('d1'), s.starts('d2')], [1, 2, 1]);
  s.behaviours.get(svc('a'))!.refresh = { exit: 1 };
  s.step({ kind: 'refresh', config: s.configs.get(svc('a'))! });
  s.settle();
  assert.equal(s.runs('a', 'refresh'), 3); // + the hanging one completed by finish()
  assert.equal(s.st('a'), 'maintenance');
  assert.equal(s.aux('a'), 'fault_threshold_reached');
  assert.equal(s.engine.instance(svc('a'))?.contractAlive, true);
  assert.equal(s.st('d1'), 'offline');
  assert.equal(s.st('d2'), 'offline');
  s.behaviours.get(svc('a'))!.refresh = 'ok';
  s.admin('a', { type: 'clear' });
  assert.ok(s.commands.some((c) => c.kind === 'abandonContract' && c.fmri === svc('a')));
  assert.equal(s.st('a'), 'online');
  assert.equal(s.st('d1'), 'online');
});

test('contract stop ":true" still waits for the contract to empty; a missing stop method abandons it', () => {
  const s = new Sim();
  s.step({ kind: 'configure', instances: [
    { ...s.config('a', { model: 'contract', start: 'daemon' }), methods: { start: { exec: '/m/start', timeoutSeconds: 60 }, stop: { exec: ':true', timeoutSeconds: 5 } } },
    s.config('b', { model: 'contract', start: 'daemon', stop: null }),
  ] });
  s.settle();
  s.admin('a', { type: 'disable', temporary: false });
  const stop = s.commands.find((c) => c.kind === 'runMethod' && c.fmri === svc('a') && c.method === 'stop');
  assert.ok(stop && stop.kind === 'runMethod' && stop.exec === ':true' && stop.waitForEmpty && stop.timeoutMs === 5000);
  assert.equal(s.st('a'), 'disabled');
  s.admin('b', { type: 'disable', temporary: false });
  assert.equal(s.st('b'), 'disabled');
  assert.ok(s.commands.some((c) => c.kind === 'abandonContract' && c.fmri === svc('b')));
});

test('early-boot services always get infinite method timeouts (§4.8)', () => {
  const s = new Sim();
  s.load({ 'svc:/system/filesystem/local:default': { start: 'hang' }, x: { start: 'hang' } });
  const timeouts = s.commands.flatMap((c) => (c.kind === 'runMethod' ? [[c.fmri, c.timeoutMs]] : []));
  assert.deepEqual(timeouts, [['svc:/system/filesystem/local:default', null], [svc('x'), 60_000]]);
});

test('restart -d: SIGABRT to the contract, then a FAULT stop (ct_ev_core) that restart_on=error dependents follow', () => {
  const s = new Sim();
  s.load({
    b: { model: 'contract', start: 'daemon' },
    de: { model: 'contract', start: 'daemon', deps: [{ grouping: 'require_all', restartOn: 'error', entities: ['b'] }] },
  });
  s.admin('b', { type: 'restart', dump: true });
  assert.ok(s.commands.some((c) => c.kind === 'killContract' && c.fmri === svc('b') && c.signal === 'SIGABRT'));
  assert.ok(s.commands.some((c) => c.kind === 'commitState' && c.fmri === svc('b') && c.auxState === 'ct_ev_core'));
  assert.deepEqual([s.st('b'), s.starts('b'), s.st('de'), s.starts('de')], ['online', 2, 'online', 2]);
  // a plain restart is RESTART class: the restart_on=error dependent stays up
  s.admin('b', { type: 'restart' });
  assert.deepEqual([s.starts('b'), s.starts('de')], [3, 2]);
});

test('an instance deleted while its start method runs is not retried: removed once that run ends', () => {
  const s = new Sim();
  s.load({ h: { model: 'contract', start: 'hang' } });
  assert.equal(s.st('h'), 'offline*');
  s.step({ kind: 'remove', fmri: svc('h') });
  s.behaviours.get(svc('h'))!.start = { exit: 1 };
  s.finish(svc('h'), { exitCode: 1, timedOut: false });
  s.settle();
  const starts = s.commands.filter((c) => c.kind === 'runMethod' && c.fmri === svc('h') && c.method === 'start').length;
  assert.equal(starts, 1, 'no retry after the delete');
  assert.equal(s.engine.instance(svc('h')), undefined, 'removed from the graph');
});
