// Queries for the CLIs (svcs -x / -l / -d / -D, svcadm enable -s / -r) and milestones (§2.10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim, svc } from '../../src/core/engine/sim.js';

test('A1: svcs -x data: checker is the root cause (start method running), clientzone impacted with Path', () => {
  const s = new Sim();
  s.load({
    serverzone: {},
    checker: { start: 'hang', deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['serverzone'] }] },
    clientzone: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['checker'] }] },
  });
  const roots = s.engine.rootCauses();
  assert.deepEqual(roots.map((r) => r.fmri), [svc('checker')]);
  assert.deepEqual(roots[0].reason, { kind: 'start_method_running' });
  assert.deepEqual(roots[0].impacted, [{ fmri: svc('clientzone'), path: [svc('clientzone'), svc('checker')] }]);
  const c = s.engine.explain(svc('clientzone'))!;
  assert.deepEqual(c.reason, { kind: 'dependency_not_running', dependency: svc('checker'), summary: 'starting' });
  assert.deepEqual(c.impacted, []);
  assert.deepEqual(s.engine.explain(svc('serverzone'))!.reason, { kind: 'running' });
});

test('A1b: fault_threshold_reached dependency summary; F1 disabled / temporarily disabled', () => {
  const s = new Sim();
  s.load({
    checker: { start: 'timeout' },
    clientzone: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['checker'] }] },
    x: { enabled: false },
    d: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['x'] }] },
  });
  assert.deepEqual(s.engine.explain(svc('clientzone'))!.reason, { kind: 'dependency_not_running', dependency: svc('checker'), summary: 'method_failed_repeatedly' });
  const ch = s.engine.explain(svc('checker'))!;
  assert.equal(ch.reason.kind, 'maintenance');
  assert.deepEqual(ch.reason.kind === 'maintenance' && ch.reason.lastStartFailure, { exitCode: undefined, signal: 'SIGKILL', coreDumped: undefined });
  assert.deepEqual(s.engine.explain(svc('d'))!.reason, { kind: 'dependency_not_running', dependency: svc('x'), summary: 'disabled' });
  const roots = s.engine.rootCauses().map((r) => r.fmri);
  assert.deepEqual(new Set(roots), new Set([svc('checker'), svc('x')]));
  s.admin('x', { type: 'enable', temporary: false });
  s.admin('x', { type: 'disable', temporary: true });
  assert.deepEqual(s.engine.explain(svc('x'))!.reason, { kind: 'disabled', temporary: true });
  assert.equal(s.st('d'), 'offline');
  assert.deepEqual(s.engine.explain(svc('d'))!.reason, { kind: 'dependency_not_running', dependency: svc('x'), summary: 'temporarily_disabled' });
});

test('F2 / A2.3: absent dependency and present exclude file are both "absent" reasons; svcs -l lines', () => {
  const s = new Sim();
  s.files.add('/etc/zfs/noimport-pool');
  s.load({
    d: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['ghost'] }] },
    p: { deps: [{ grouping: 'exclude_all', restartOn: 'none', type: 'path', entities: ['file://localhost/etc/zfs/noimport-pool', 'file://localhost/etc/zfs/.autolock.pool'] }] },
    smb: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['svc:/site/p'] }] },
  });
  assert.deepEqual(s.engine.explain(svc('d'))!.reason, { kind: 'dependency_absent', entity: svc('ghost') });
  assert.deepEqual(s.engine.explain(svc('p'))!.reason, { kind: 'dependency_absent', entity: 'file://localhost/etc/zfs/noimport-pool' });
  assert.deepEqual(s.engine.explain(svc('smb'))!.reason, { kind: 'dependency_not_running', dependency: svc('p'), summary: 'missing_dependencies' });
  assert.deepEqual(s.engine.rootCauses().map((r) => [r.fmri, r.impacted.length]), [[svc('p'), 1], [svc('d'), 0]]);
  assert.deepEqual(s.engine.dependencyStatus(svc('p')), [{
    grouping: 'exclude_all', restartOn: 'none',
    entities: [{ name: 'file://localhost/etc/zfs/noimport-pool', status: 'online' }, { name: 'file://localhost/etc/zfs/.autolock.pool', status: 'absent' }],
  }]);
  assert.equal(s.engine.potentialSatisfiable(svc('p')), false);
  assert.equal(s.engine.potentialSatisfiable(svc('smb')), false);
  assert.equal(s.engine.potentialSatisfiable(svc('d')), false);
});

test('excluded running instance is a root cause with the excluded dependents as impact', () => {
  const s = new Sim();
  s.load({ x: {}, d: { deps: [{ grouping: 'exclude_all', restartOn: 'none', entities: ['x'] }] } });
  assert.equal(s.st('d'), 'offline');
  assert.deepEqual(s.engine.explain(svc('d'))!.reason, { kind: 'excluded_running', dependency: svc('x') });
  assert.deepEqual(s.engine.rootCauses().map((r) => r.fmri), [svc('x')]);
});

test('H1: explain of the cycle closer and its dependent', () => {
  const s = new Sim();
  s.load({ a: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['b'] }] } });
  s.load({ b: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['a'] }] } });
  assert.deepEqual(s.engine.explain(svc('a'))!.reason, { kind: 'dependency_not_running', dependency: svc('b'), summary: 'dependency_cycle' });
  assert.deepEqual(s.engine.dependencies(svc('b')), [svc('a')]);
  const b = s.engine.explain(svc('b'))!.reason;
  assert.deepEqual(b.kind === 'maintenance' && b.cycle, [svc('b'), svc('a'), svc('b')]);
});

test('svcs -d / -D: service-type non-exclude groups, service entities expanded, files skipped', () => {
  const s = new Sim();
  s.load({
    'svc:/system/filesystem/local:default': {},
    'pool-import': { deps: [
      { grouping: 'require_all', restartOn: 'none', entities: ['svc:/system/filesystem/local'] },
      { grouping: 'exclude_all', restartOn: 'none', type: 'path', entities: ['file:///etc/x'] },
    ] },
    smb: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['svc:/site/pool-import'] }] },
    zones: { deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['svc:/site/pool-import'] }] },
    ex: { deps: [{ grouping: 'exclude_all', restartOn: 'none', entities: ['pool-import'] }] },
  });
  assert.deepEqual(s.engine.dependencies(svc('pool-import')), ['svc:/system/filesystem/local:default']);
  assert.deepEqual(new Set(s.engine.dependents(svc('pool-import'))), new Set([svc('smb'), svc('zones')]));
});

test('G7: enable -r closure follows require_* service deps; require_any with alternatives is reported', () => {
  const s = new Sim();
  s.load({
    d: { enabled: false, deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['a'] }] },
    a: { enabled: false, deps: [
      { grouping: 'require_any', restartOn: 'none', entities: ['b', 'c'] },
      { grouping: 'optional_all', restartOn: 'none', entities: ['o'] },
    ] },
    b: { enabled: false }, c: { enabled: false }, o: { enabled: false },
  });
  const r = s.engine.enableClosure(svc('d'));
  assert.deepEqual(r.enable, [svc('d'), svc('a')]);
  assert.deepEqual(r.requiresOneOf, [{ fmri: svc('a'), candidates: [svc('b'), svc('c')] }]);
});

test('enable -r: a require_any group is listed when its entities name several instances, and then as stored', () => {
  const s = new Sim();
  s.load({
    a: { enabled: false, deps: [{ grouping: 'require_any', restartOn: 'none', entities: ['b', 'svc:/site/absent:default', 'svc:/site/m'] }] },
    b: { enabled: false },
    c: { enabled: false, deps: [{ grouping: 'require_any', restartOn: 'none', entities: ['b', 'svc:/site/absent:default', 'svc:/site/two'] }] },
    'svc:/site/two:one': { enabled: false }, 'svc:/site/two:other': { enabled: false },
  });
  // illumos multiple_instances(): absent entities do not count; one existing instance is followed
  const a = s.engine.enableClosure(svc('a'));
  assert.deepEqual(a.requiresOneOf, []);
  assert.deepEqual(a.enable, [svc('a'), svc('b')]);
  const c = s.engine.enableClosure(svc('c'));
  assert.deepEqual(c.requiresOneOf, [{ fmri: svc('c'), candidates: [svc('b'), 'svc:/site/absent:default', 'svc:/site/two'] }]);
  assert.deepEqual(c.enable, [svc('c')]);
});

test('milestone: a dependency outside the subgraph is stopped only once its dependents are down (leaves first)', () => {
  const s = new Sim();
  // the leaf first in the graph's order: a dependency examined after it must still wait for it
  s.load({
    c3: { model: 'contract', start: 'daemon', stop: 'hang', deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['c2'] }] },
    c2: { model: 'contract', start: 'daemon', deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['c1'] }] },
    c1: { model: 'contract', start: 'daemon' },
  });
  const stops = () => s.commands.filter((c) => c.kind === 'runMethod' && c.method === 'stop').map((c) => c.kind === 'runMethod' && c.fmri);
  s.step({ kind: 'milestone', target: 'none' });
  s.settle();
  assert.deepEqual(stops(), [svc('c3')], 'c2 and c1 wait while c3 is still stopping');
  s.finish(svc('c3'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.deepEqual(stops(), [svc('c3'), svc('c2'), svc('c1')]);
  assert.deepEqual([s.st('c1'), s.st('c2'), s.st('c3')], ['disabled', 'disabled', 'disabled']);
});

test('milestones: subgraph kept, the rest temporarily disabled leaves first; all restores', () => {
  const s = new Sim();
  s.load({
    base: {},
    'svc:/milestone/single-user:default': { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['base'] }] },
    app: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['base'] }] },
    web: { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['app'] }] },
    opt: { enabled: false },
  });
  const mark = s.methodRuns.length;
  s.step({ kind: 'milestone', target: 'svc:/milestone/single-user:default' });
  s.settle();
  assert.equal(s.st('base'), 'online');
  assert.equal(s.st('svc:/milestone/single-user:default'), 'online');
  assert.deepEqual([s.st('app'), s.st('web')], ['disabled', 'disabled']);
  assert.deepEqual(s.methodRuns.slice(mark).map((m) => m.fmri), [svc('web'), svc('app')]);
  assert.equal(s.tempEnabled.get(svc('app')), false);
  assert.equal(s.tempEnabled.get(svc('base')), null);
  s.step({ kind: 'milestone', target: 'none' });
  s.settle();
  assert.equal(s.st('base'), 'disabled');
  s.step({ kind: 'milestone', target: 'all' });
  s.settle();
  assert.deepEqual([s.st('base'), s.st('app'), s.st('web'), s.st('opt')], ['online', 'online', 'online', 'disabled']);
  assert.equal(s.tempEnabled.get(svc('web')), null);
});

test('the milestone in force at start-up (options/milestone) keeps instances outside it from ever starting', () => {
  const s = new Sim();
  s.step({
    kind: 'configure', initial: true, milestone: 'svc:/milestone/single-user:default',
    instances: [
      s.config('base', {}),
      s.config('svc:/milestone/single-user:default', { deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['base'] }] }),
      s.config('outside', { model: 'contract', start: 'daemon' }),
    ],
  });
  s.settle();
  assert.equal(s.st('base'), 'online');
  assert.equal(s.st('outside'), 'disabled');
  assert.equal(s.tempEnabled.get(svc('outside')), false);
  assert.equal(s.commands.filter((c) => c.kind === 'runMethod' && c.fmri === svc('outside')).length, 0, 'never started');
  // an instance imported later is outside too; going to `all` starts both
  s.step({ kind: 'configure', instances: [s.config('later', { model: 'contract', start: 'daemon' })] });
  s.settle();
  assert.equal(s.st('later'), 'disabled');
  s.step({ kind: 'milestone', target: 'all' });
  s.settle();
  assert.deepEqual([s.st('outside'), s.st('later')], ['online', 'online']);
});

test('the restarter itself is in every milestone: a boot milestone never disables it, and none keeps it', () => {
  const s = new Sim();
  const master = 'svc:/system/svc/restarter:default';
  s.step({ kind: 'configure', initial: true, milestone: 'none', instances: [s.config(master, {}), s.config('base', {})] });
  s.settle();
  assert.equal(s.st(master), 'online');
  assert.equal(s.tempEnabled.get(master), undefined, 'no override written for the restarter');
  assert.equal(s.st('base'), 'disabled');
  s.step({ kind: 'milestone', target: 'all' });
  s.settle();
  assert.deepEqual([s.st(master), s.st('base')], ['online', 'online']);
  s.step({ kind: 'milestone', target: 'none' });
  s.settle();
  assert.deepEqual([s.st(master), s.st('base')], ['online', 'disabled']);
});
