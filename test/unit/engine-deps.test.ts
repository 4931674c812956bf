// cases.md A2, F, G, H and smf-spec §3: dependency evaluation, files, cycles, propagation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim, svc, dependencyPg } from '../../src/core/engine/sim.js';
import { parseDependencyGroups, parseFileUri, parseSvcFmri } from '../../src/core/engine/dependencies.js';

test('FMRI and file URI parsing for entities', () => {
  const ok = (s: string) => { const r = parseSvcFmri(s); return r.ok ? r.canonical : `ERR ${r.message}`; };
  assert.equal(ok('svc://localhost/a/b:c'), 'svc:/a/b:c');
  assert.equal(ok('svc:///a/b'), 'svc:/a/b');
  assert.equal(ok('/a/b:c'), 'svc:/a/b:c');
  assert.equal(ok('svc:/SUNW,foo/bar'), 'svc:/SUNW,foo/bar');
  assert.match(ok('svc:/a/b:c/:properties/pg'), /property group/);
  assert.match(ok('svc:/a/1b'), /^ERR/);
  assert.equal(parseFileUri('file://localhost/etc/zfs/noimport-pool'), '/etc/zfs/noimport-pool');
  assert.equal(parseFileUri('file:///etc/x'), '/etc/x');
  assert.equal(parseFileUri('file://otherhost/etc/x'), '/etc/x');
});

test('dependency pg validation names the pg and property', () => {
  const bad = [
    [dependencyPg('d', 'require_some', 'none', 'service', ['svc:/a']), 'grouping'],
    [dependencyPg('d', 'require_all', 'sometimes', 'service', ['svc:/a']), 'restart_on'],
    [dependencyPg('d', 'require_all', 'none', 'thing', ['svc:/a']), 'type'],
    [dependencyPg('d', 'require_all', 'none', 'service', ['file:///etc/x']), 'entities'],
    [dependencyPg('d', 'require_all', 'none', 'path', ['svc:/a']), 'entities'],
    [dependencyPg('d', 'require_all', 'none', 'service', ['svc:/a:b/:properties/x']), 'entities'],
  ] as const;
  for (const [pg, prop] of bad) {
    const r = parseDependencyGroups([pg]);
    assert.equal(r.ok, false);
    if (!r.ok) { assert.equal(r.pg, 'd'); assert.equal(r.property, prop); }
  }
  const empty = parseDependencyGroups([{ name: 'e', type: 'dependency', flags: 0, properties: [] }]);
  assert.deepEqual(empty, { ok: true, groups: [] });
});

test('invalid dependency => maintenance invalid_dependency', () => {
  const s = new Sim();
  s.load({ a: { deps: [{ grouping: 'require_most', restartOn: 'none', entities: ['b'] }] } });
  assert.equal(s.st('a'), 'maintenance');
  assert.equal(s.aux('a'), 'invalid_dependency');
  s.admin('a', { type: 'disable', temporary: false });
  assert.equal(s.st('a'), 'disabled');
  s.admin('a', { type: 'enable', temporary: false });
  assert.equal(s.st('a'), 'maintenance');
  assert.equal(s.aux('a'), 'invalid_dependency');
});

test('F1: require_all on a disabled instance waits; enabling it starts both', () => {
  const s = new Sim();
  s.load({ x: { enabled: false }, d: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['x'] }] } });
  assert.equal(s.st('d'), 'offline');
  s.admin('x', { type: 'enable', temporary: false });
  assert.equal(s.st('x'), 'online');
  assert.equal(s.st('d'), 'online');
});

test('F2: an absent dependency keeps d offline; importing it later starts d without a refresh', () => {
  const s = new Sim();
  s.load({ d: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['ghost'] }] } });
  assert.equal(s.st('d'), 'offline');
  s.load({ ghost: {} });
  assert.equal(s.st('ghost'), 'online');
  assert.equal(s.st('d'), 'online');
});

test('service entities behave as require_any over the instances; no instances => unsatisfiable', () => {
  const s = new Sim();
  s.load({
    d: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/multi'] }] },
    'svc:/site/multi:one': { enabled: false },
  });
  assert.equal(s.st('d'), 'offline');
  s.load({ 'svc:/site/multi:two': {} });
  assert.equal(s.st('d'), 'online');
});

test('A2: exclude_all on files, no file watching, refresh re-evaluates, disable walks dependents first', () => {
  const s = new Sim();
  const blockFiles = ['file://localhost/etc/zfs/noimport-pool', 'file://localhost/etc/zfs/.autolock.pool'];
  s.load({
    'svc:/system/filesystem/local:default': {},
    'svc:/network/smb/server:default': { model: 'contract', start: 'daemon', enabled: false, deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['svc:/site/pool-import'] }] },
    'svc:/system/zones:default': { enabled: false, deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['svc:/site/pool-import'] }] },
  });
  s.load({
    'pool-import': { deps: [
      { grouping: 'require_all', restartOn: 'none', entities: ['svc:/system/filesystem/local'] },
      { grouping: 'exclude_all', restartOn: 'none', type: 'path', entities: blockFiles },
    ] },
  });
  const smb = 'svc:/network/smb/server:default';
  const zones = 'svc:/system/zones:default';
  s.admin(smb, { type: 'enable', temporary: false });
  s.admin(zones, { type: 'enable', temporary: false });
  assert.deepEqual([s.st('pool-import'), s.st(smb), s.st(zones)], ['online', 'online', 'online']);
  // A2.2 + A2.3
  s.files.add('/etc/zfs/noimport-pool');
  assert.equal(s.st('pool-import'), 'online');
  const before = s.methodRuns.length;
  s.admin('pool-import', { type: 'restart' });
  assert.deepEqual(s.methodRuns.slice(before).map((m) => `${m.fmri} ${m.method}`), [
    `${svc('pool-import')} stop`, `${smb} stop`, `${zones} stop`,
  ]);
  assert.deepEqual([s.st('pool-import'), s.st(smb), s.st(zones)], ['offline', 'offline', 'offline']);
  assert.equal(s.engine.potentialSatisfiable(svc('pool-import')), false);
  // A2.4
  s.files.delete('/etc/zfs/noimport-pool');
  s.settle();
  assert.equal(s.st('pool-import'), 'offline');
  s.step({ kind: 'refresh', config: s.configs.get(svc('pool-import'))! });
  s.settle();
  assert.deepEqual([s.st('pool-import'), s.st(smb), s.st(zones)], ['online', 'online', 'online']);
  assert.equal(s.starts(smb), 2);
  // A2.5
  s.files.add('/etc/zfs/.autolock.pool');
  const mark = s.methodRuns.length;
  s.admin('pool-import', { type: 'disable', temporary: false });
  const stops = s.methodRuns.slice(mark).map((m) => m.fmri);
  assert.equal(stops[stops.length - 1], svc('pool-import'));
  assert.deepEqual(new Set(stops.slice(0, -1)), new Set([smb, zones]));
  assert.deepEqual([s.st('pool-import'), s.st(smb), s.st(zones)], ['disabled', 'offline', 'offline']);
  s.admin('pool-import', { type: 'enable', temporary: false });
  assert.equal(s.st('pool-import'), 'offline');
  s.files.delete('/etc/zfs/.autolock.pool');
  s.step({ kind: 'refresh', config: s.configs.get(svc('pool-import'))! });
  s.settle();
  assert.deepEqual([s.st('pool-import'), s.st(smb), s.st(zones)], ['online', 'online', 'online']);
  // A2.6
  s.admin('svc:/system/filesystem/local:default', { type: 'disable', temporary: false });
  assert.deepEqual([s.st('pool-import'), s.st(smb)], ['online', 'online']);
  s.admin('pool-import', { type: 'restart' });
  assert.deepEqual([s.st('pool-import'), s.st(smb), s.st(zones)], ['offline', 'offline', 'offline']);
});

test('exclude_all quirk: an excluded instance leaving disabled stops a running dependent regardless of restart_on', () => {
  const s = new Sim();
  s.load({ x: { enabled: false, start: 'hang' }, d: { deps: [{ grouping: 'exclude_all', restartOn: 'none', entities: ['x'] }] } });
  assert.equal(s.st('d'), 'online');
  s.admin('x', { type: 'enable', temporary: false });
  assert.equal(s.st('x'), 'offline*');
  assert.equal(s.st('d'), 'offline');
  s.admin('x', { type: 'disable', temporary: false });
  s.finish(svc('x'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.equal(s.st('x'), 'disabled');
  assert.equal(s.st('d'), 'online');
});

test('§3.5.3: A optional_all-> B require_all-> C; C to maintenance => A starts', () => {
  const s = new Sim();
  s.load({
    c: { start: 'hang' },
    b: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['c'] }] },
    a: { deps: [{ grouping: 'optional_all', restartOn: 'none', entities: ['b'] }] },
  });
  assert.equal(s.st('a'), 'offline');
  s.finish(svc('c'), { exitCode: 95, timedOut: false });
  s.settle();
  assert.equal(s.st('c'), 'maintenance');
  assert.equal(s.st('b'), 'offline');
  assert.equal(s.st('a'), 'online');
});

test('H1: the instance closing a cycle goes to maintenance dependency_cycle; clear while still cyclic returns there', () => {
  const s = new Sim();
  s.load({ a: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['b'] }] } });
  s.load({ b: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['a'] }] } });
  assert.equal(s.st('b'), 'maintenance');
  assert.equal(s.aux('b'), 'dependency_cycle');
  assert.equal(s.st('a'), 'offline');
  const err = s.commands.find((c) => c.kind === 'errorLog' && c.fmri === svc('b'));
  assert.ok(err && err.kind === 'errorLog' && err.text.includes(svc('a')));
  assert.deepEqual(s.engine.instance(svc('b'))?.configError?.aux, 'dependency_cycle');
  s.admin('b', { type: 'clear' });
  assert.equal(s.st('b'), 'maintenance');
  assert.equal(s.aux('b'), 'dependency_cycle');
  s.step({ kind: 'refresh', config: s.config('b', {}) });
  s.admin('b', { type: 'clear' });
  assert.equal(s.st('b'), 'online');
  assert.equal(s.st('a'), 'online');
});

test('H1: a refresh closing a 3-node cycle stops the closer first; exclude_all never forms cycles', () => {
  const s = new Sim();
  s.load({
    a: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['b'] }] },
    b: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['c'] }] },
    c: {},
    x: { deps: [{ grouping: 'exclude_all', restartOn: 'none', entities: ['y'] }] },
    y: { enabled: false, deps: [{ grouping: 'exclude_all', restartOn: 'none', entities: ['x'] }] },
  });
  s.step({ kind: 'refresh', config: s.config('c', { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['a'] }] }) });
  s.settle();
  assert.equal(s.st('c'), 'maintenance');
  assert.equal(s.aux('c'), 'dependency_cycle');
  assert.equal(s.runs('c', 'stop'), 1);
  assert.deepEqual([s.st('a'), s.st('b')], ['online', 'online']);
  assert.equal(s.engine.instance(svc('x'))?.configError, undefined);
  assert.equal(s.engine.instance(svc('y'))?.configError, undefined);
});

test('G1: restart of a non-running instance is a no-op; enable keeps maintenance; disable clears it', () => {
  const s = new Sim();
  s.load({ x: { enabled: false }, m: { start: { exit: 95 } } });
  s.admin('x', { type: 'restart' });
  assert.equal(s.st('x'), 'disabled');
  s.admin('m', { type: 'enable', temporary: false });
  assert.equal(s.st('m'), 'maintenance');
  assert.equal(s.starts('m'), 1);
  s.admin('m', { type: 'disable', temporary: false });
  assert.equal(s.st('m'), 'disabled');
  assert.equal(s.aux('m'), 'disable_request');
});

test('mark maintenance: stop first; -I abandons processes without a stop method; degraded ignored (strict)', () => {
  const s = new Sim();
  s.load({ a: { model: 'contract', start: 'daemon' }, b: { model: 'contract', start: 'daemon' } });
  s.admin('a', { type: 'maintOn', aux: 'administrative_request' });
  assert.equal(s.st('a'), 'maintenance');
  assert.equal(s.aux('a'), 'administrative_request');
  assert.equal(s.runs('a', 'stop'), 1);
  s.admin('b', { type: 'maintOnImmediate', aux: 'service_request', auxFmri: svc('a') });
  assert.equal(s.st('b'), 'maintenance');
  assert.equal(s.runs('b', 'stop'), 0);
  assert.ok(s.commands.some((c) => c.kind === 'abandonContract' && c.fmri === svc('b')));
  const t = new Sim();
  t.load({ a: {} });
  t.admin('a', { type: 'degraded' });
  assert.equal(t.st('a'), 'online');
  const x = new Sim({ degradedExtension: true });
  x.load({ a: {} });
  x.admin('a', { type: 'degraded' });
  assert.equal(x.st('a'), 'degraded');
  x.admin('a', { type: 'clear' });
  assert.equal(x.st('a'), 'online');
});

test('§3.5.1: require_any A,B restart_on=restart: A restarting bounces D twice', () => {
  const s = new Sim();
  s.load({ a: {}, b: {}, d: { deps: [{ grouping: 'require_any', restartOn: 'restart', entities: ['a', 'b'] }] } });
  s.behaviours.get(svc('a'))!.start = 'hang';
  s.admin('a', { type: 'restart' });
  assert.equal(s.st('a'), 'offline*');
  assert.equal(s.st('d'), 'online');
  assert.equal(s.starts('d'), 2);
  s.finish(svc('a'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.equal(s.st('d'), 'online');
  assert.equal(s.starts('d'), 3);
});

test('remove: a running instance is stopped, then absent for its dependents', () => {
  const s = new Sim();
  s.load({ a: {}, d: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['a'] }] }, o: { deps: [{ grouping: 'optional_all', restartOn: 'none', entities: ['a'] }] } });
  s.step({ kind: 'remove', fmri: svc('a') });
  s.settle();
  assert.ok(s.commands.some((c) => c.kind === 'removed' && c.fmri === svc('a')));
  assert.equal(s.engine.instance(svc('a')), undefined);
  assert.equal(s.st('d'), 'offline');
  assert.equal(s.st('o'), 'online');
});

test('delegated restarter: instances stay uninitialized; invalid restarter => maintenance', () => {
  const s = new Sim();
  s.load({ i: { restarter: 'svc:/network/inetd:default' }, j: { restarter: 'not an fmri' }, k: { restarter: 'svc:/system/svc/restarter:default' } });
  assert.equal(s.engine.instance(svc('i'))?.state, 'uninitialized');
  assert.equal(s.aux('j'), 'invalid_restarter');
  assert.equal(s.st('k'), 'online');
});

test('restore after a restarter restart: in-flight transitions forced to next_state none and re-evaluated', () => {
  const s = new Sim();
  s.step({
    kind: 'configure', initial: true,
    instances: [s.config('a', {}), s.config('b', { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['a'] }] })],
    restored: [
      { fmri: svc('a'), state: 'online', nextState: 'none', contractAlive: true },
      { fmri: svc('b'), state: 'offline', nextState: 'online', contractAlive: false },
    ],
  });
  s.settle();
  assert.equal(s.starts('a'), 0);
  assert.equal(s.st('a'), 'unknown');
  assert.equal(s.st('b'), 'online');
  assert.equal(s.starts('b'), 1);
});

test('H1 variant: closing a cycle by refresh with restart_on=restart takes the chain offline', () => {
  const s = new Sim();
  s.load({
    a: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['b'] }] },
    b: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['c'] }] },
    c: {},
  });
  s.step({ kind: 'refresh', config: s.config('c', { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['a'] }] }) });
  s.settle();
  assert.deepEqual([s.st('a'), s.st('b'), s.st('c')], ['offline', 'offline', 'maintenance']);
  assert.deepEqual(s.engine.explain(svc('b'))!.reason, { kind: 'dependency_not_running', dependency: svc('c'), summary: 'dependency_cycle' });
  assert.deepEqual(s.engine.rootCauses().map((r) => [r.fmri, r.impacted.map((i) => i.fmri)]), [[svc('c'), [svc('b'), svc('a')]]]);
  const a = s.engine.rootCauses()[0].impacted[1];
  assert.deepEqual(a.path, [svc('a'), svc('b'), svc('c')]);
});

test('a dependency with a stop pending in its queue does not satisfy a dependent evaluated in the same step', () => {
  const s = new Sim();
  s.load({
    x: {},
    a: { deps: [{ grouping: 'exclude_all', restartOn: 'none', entities: ['x'] }] },
    d: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['a'] }] },
  });
  s.admin('x', { type: 'disable', temporary: true });
  s.admin('d', { type: 'disable', temporary: true });
  assert.deepEqual([s.st('x'), s.st('a'), s.st('d')], ['disabled', 'online', 'disabled']);
  s.step({ kind: 'milestone', target: 'all' }); // re-enables x and d in one step
  s.settle();
  assert.deepEqual([s.st('x'), s.st('a'), s.st('d')], ['online', 'offline', 'offline']);
  assert.equal(s.starts("d"), 1); // only the initial start
});
