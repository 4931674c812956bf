// Administrative operations and queue semantics (smf-spec §2.4, §2.6 ring clearing, §2.8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim, svc } from '../../src/core/engine/sim.js';

test('svcadm restart clears the rate ring: many quick restarts never hit restarting_too_quickly', () => {
  const s = new Sim();
  s.load({ c: { model: 'contract', start: 'daemon' } });
  for (let i = 0; i < 8; i++) s.admin('c', { type: 'restart' });
  assert.equal(s.st('c'), 'online');
  assert.equal(s.starts('c'), 9);
  assert.equal(s.aux('c'), 'restart_request');
});

test('STOP_RESET (RESTART class) from a dependency clears the ring; plain STOP (FAULT class) does not', () => {
  for (const [kind, want, starts] of [['empty', 'online', 7], ['signal', 'maintenance', 4]] as const) {
    const s = new Sim();
    s.load({
      a: { model: 'contract', start: 'daemon', startd: { criticalFailureCount: 5, criticalFailurePeriod: 0 } },
      r: { model: 'contract', start: 'daemon', deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['a'] }] },
    });
    for (let i = 0; i < 6; i++) s.contract('a', kind);
    assert.equal(s.st('a'), 'online');
    assert.equal(s.st('r'), want, kind);
    assert.equal(s.starts('r'), starts, kind);
  }
});

test('a command arriving during a transition waits: disable while the start method runs', () => {
  const s = new Sim();
  s.load({ a: { start: 'hang' } });
  assert.equal(s.st('a'), 'offline*');
  s.admin('a', { type: 'disable', temporary: true });
  assert.equal(s.st('a'), 'offline*');
  s.finish(svc('a'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.equal(s.st('a'), 'disabled');
  assert.equal(s.runs('a', 'stop'), 1);
});

test('stale methodCompleted (wrong transition id) is ignored', () => {
  const s = new Sim();
  s.load({ a: { start: 'hang' } });
  s.step({ kind: 'methodCompleted', fmri: svc('a'), method: 'start', transitionId: 999, outcome: { exitCode: 0, timedOut: false } });
  assert.equal(s.st('a'), 'offline*');
});

test('mark maintenance of an offline instance is immediate; clear re-enables', () => {
  const s = new Sim();
  s.load({ x: { enabled: false }, d: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['x'] }] } });
  s.admin('d', { type: 'maintOn', aux: 'service_request', auxFmri: svc('x') });
  assert.equal(s.st('d'), 'maintenance');
  const c = s.commands.find((k) => k.kind === 'commitState' && k.fmri === svc('d') && k.state === 'maintenance');
  assert.ok(c && c.kind === 'commitState' && c.auxFmri === svc('x') && c.auxState === 'service_request');
  s.admin('d', { type: 'clear' });
  assert.equal(s.st('d'), 'offline');
  assert.equal(s.aux('d'), 'clear_request');
});

test('more than 100 queued commands: the rest is dropped with an error log', () => {
  const s = new Sim();
  s.load({ a: { refresh: 'hang' } });
  s.step({ kind: 'refresh', config: s.configs.get(svc('a'))! });
  assert.equal(s.st('a'), 'online*');
  for (let i = 0; i < 105; i++) s.step({ kind: 'admin', fmri: svc('a'), action: { type: 'restart' } });
  assert.equal(s.engine.instance(svc('a'))?.queue.length, 100);
  assert.equal(s.commands.filter((c) => c.kind === 'errorLog' && c.fmri === svc('a')).length, 5);
});

test('an empty-contract event during the start method is applied once the instance is online', () => {
  const s = new Sim();
  s.load({ c: { model: 'contract', start: 'hang' } });
  s.contract('c', 'empty');
  assert.equal(s.st('c'), 'offline*');
  s.behaviours.get(svc('c'))!.start = 'daemon';
  s.finish(svc('c'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.ok(s.logs('c').includes('Stopping because all processes in service exited.'));
  assert.equal(s.st('c'), 'online');
  assert.equal(s.starts('c'), 1);
});

test('import adding a dependency to a running instance does not stop it (A2.1 variant)', () => {
  const s = new Sim();
  s.load({ smb: { model: 'contract', start: 'daemon' }, pool: { enabled: false } });
  s.step({ kind: 'configure', instances: [s.config('smb', { model: 'contract', start: 'daemon', deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['pool'] }] })] });
  s.settle();
  assert.equal(s.st('smb'), 'online');
  s.admin('smb', { type: 'restart' });
  assert.equal(s.st('smb'), 'offline');
});

test('enable without general/enabled later: configure with enabled defined initialises the instance', () => {
  const s = new Sim();
  s.load({ u: { enabled: undefined } });
  assert.equal(s.engine.instance(svc('u'))?.state, 'uninitialized');
  s.step({ kind: 'configure', instances: [s.config('u', { enabled: true })] });
  s.settle();
  assert.equal(s.st('u'), 'online');
});

test('wait-model throttle timer: no start before the timer fires', () => {
  const s = new Sim();
  s.load({ w: { model: 'child', start: 'daemon' } });
  for (let i = 0; i < 5; i++) { s.step({ kind: 'childExited', fmri: svc('w'), exitCode: 2 }); s.settle(); }
  assert.equal(s.st('w'), 'offline');
  const timer = s.commands.find((c) => c.kind === 'setTimer');
  assert.ok(timer && timer.kind === 'setTimer' && timer.atMs === 1000 && timer.id === 'throttle');
  s.advance(999);
  assert.equal(s.st('w'), 'offline');
  assert.equal(s.commands.some((c) => c.kind === 'cancelTimer'), false);
  s.advance(1);
  assert.equal(s.st('w'), 'online');
  assert.equal(s.engine.instance(svc('w'))?.faultCount, 0); // the spawn (method success) resets it
});

test('a refresh removing the start method while it is being retried completes the transition', () => {
  const s = new Sim();
  s.load({ a: { start: 'hang' } });
  s.step({ kind: 'refresh', config: s.config('a', { start: null }) });
  s.finish(svc('a'), { exitCode: 1, timedOut: false });
  s.settle();
  assert.equal(s.st('a'), 'online');
});

test('A1: restart of an instance whose start method is running is ignored, not deferred', () => {
  const s = new Sim();
  s.load({ checker: { start: 'hang' } });
  s.admin('checker', { type: 'restart' });
  s.finish(svc('checker'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.equal(s.st('checker'), 'online');
  assert.equal(s.runs('checker', 'stop'), 0);
});

test('disabling a throttled wait-model instance cancels its throttle timer', () => {
  const s = new Sim();
  s.load({ w: { model: 'child', start: 'daemon' } });
  for (let i = 0; i < 5; i++) { s.step({ kind: 'childExited', fmri: svc('w'), exitCode: 2 }); s.settle(); }
  s.admin('w', { type: 'disable', temporary: false });
  assert.ok(s.commands.some((c) => c.kind === 'cancelTimer' && c.fmri === svc('w') && c.id === 'throttle'));
  s.advance(1000);
  assert.equal(s.st('w'), 'disabled');
});
