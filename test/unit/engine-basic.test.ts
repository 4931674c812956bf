import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim, svc } from '../../src/core/engine/sim.js';

test('an enabled transient instance without dependencies goes online through offline*', () => {
  const s = new Sim();
  s.load({ a: {} });
  assert.equal(s.st('a'), 'online');
  const commits = s.commands.flatMap((c) => (c.kind === 'commitState' ? [`${c.state}/${c.nextState}/${c.auxState ?? '-'}`] : []));
  assert.deepEqual(commits, ['offline/none/enable_request', 'offline/online/-', 'online/none/dependencies_satisfied']);
  assert.deepEqual(s.logs('a'), ['Enabled.', 'Executing start method ("/m/start").', 'Method "start" exited with status 0.']);
});

test('disabled and general/enabled-less instances', () => {
  const s = new Sim();
  s.load({ a: { enabled: false }, b: { enabled: undefined } });
  assert.equal(s.st('a'), 'disabled');
  assert.equal(s.aux('a'), 'disable_request');
  assert.equal(s.state.get(svc('b')), undefined);
  assert.equal(s.engine.instance(svc('b'))?.state, 'uninitialized');
});

test('dependencies start in order; a hanging start keeps dependents offline', () => {
  const s = new Sim();
  s.load({
    server: {},
    checker: { start: 'hang', deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['server'] }] },
    client: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['checker'] }] },
  });
  assert.equal(s.st('server'), 'online');
  assert.equal(s.st('checker'), 'offline*');
  assert.equal(s.st('client'), 'offline');
  s.finish(svc('checker'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.equal(s.st('checker'), 'online');
  assert.equal(s.st('client'), 'online');
});

test('missing start/stop methods are immediate success; :true runs nothing', () => {
  const s = new Sim();
  s.load({ a: { start: null, stop: null } });
  assert.equal(s.st('a'), 'online');
  assert.equal(s.runs('a', 'start'), 0);
  s.admin('a', { type: 'disable', temporary: false });
  assert.equal(s.st('a'), 'disabled');
});

test('built-in methods are logged in illumos method_run wording: (null) for :true, (:kill) for any :kill', () => {
  const s = new Sim();
  s.load({
    k: { model: 'contract', start: 'daemon', execs: { stop: ':kill -HUP' } },
    t: { execs: { stop: ':true' } },
  });
  s.admin('k', { type: 'disable', temporary: false });
  s.admin('t', { type: 'disable', temporary: false });
  assert.equal(s.st('k'), 'disabled');
  assert.equal(s.st('t'), 'disabled');
  assert.ok(s.logs('k').includes('Executing stop method (:kill).'), s.logs('k').join('\n'));
  assert.equal(s.logs('t').at(-1), 'Executing stop method (null).', s.logs('t').join('\n'));
});

test('illumos restarter lines: maintenance requests always log their reason, a refresh rereads in any state', () => {
  const s = new Sim();
  s.load({ off: { enabled: false }, on: {} });
  s.admin('off', { type: 'maintOn', aux: 'administrative_request' });
  assert.equal(s.st('off'), 'maintenance');
  assert.equal(s.logs('off').at(-1), 'Stopping for maintenance due to administrative_request.');
  s.admin('off', { type: 'maintOn', aux: 'administrative_request' });
  assert.equal(s.logs('off').filter((l) => l.startsWith('Stopping for maintenance')).length, 2, 'already in maintenance: the line only');
  s.step({ kind: 'refresh', config: s.configs.get(svc('on'))! });
  s.settle();
  assert.ok(s.logs('on').includes('Rereading configuration.'));
  s.admin('on', { type: 'disable', temporary: false });
  s.step({ kind: 'refresh', config: s.config('on', { enabled: false }) });
  s.settle();
  assert.equal(s.logs('on').at(-1), 'Rereading configuration.', 'disabled: the line, no refresh method');
});
