// The configuration svc.startd keeps per instance for later methods (src/daemon/compact-config.ts):
// only the pgs a method run can read, and a method prepared from them is the same as one prepared
// from the whole effective configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactPgs, methodConfiguration, methodPgs } from '../../src/daemon/compact-config.js';
import { prepareMethod } from '../../src/daemon/method-request.js';
import type { PropertyGroup } from '../../src/core/model.js';

const pg = (name: string, type: string, props: Record<string, string[]>): PropertyGroup => ({
  name, type, flags: 0, properties: Object.entries(props).map(([n, values]) => ({ name: n, type: 'astring', values })),
});

const PGS: PropertyGroup[] = [
  pg('general', 'framework', { enabled: ['true'], entity_stability: ['Unstable'] }),
  pg('dep_a', 'dependency', { grouping: ['require_all'], entities: ['svc:/a:default'], restart_on: ['none'], type: ['service'] }),
  pg('start', 'method', { exec: ['/bin/app --port %{config/port} --name %{name} %{svc:/other:default/:properties/x/y} %m'], timeout_seconds: ['60'], user: ['daemon'] }),
  pg('stop', 'method', { exec: [':kill'], timeout_seconds: ['60'] }),
  pg('method_context', 'framework', { working_directory: ['/var/tmp'], environment: ['A=1'] }),
  pg('config', 'application', { port: ['8080'], unused: ['x'] }),
  pg('application', 'application', { name: ['web 1'] }),
  pg('x', 'application', { y: ['not read here'] }),
  pg('startd', 'framework', { duration: ['contract'] }),
  pg('manifestfiles', 'framework', { a: ['/m.xml'] }),
];

test('methodPgs keeps the method pgs, method_context and the pgs named by exec tokens', () => {
  assert.deepEqual(methodPgs(PGS).map((p) => p.name), ['start', 'stop', 'method_context', 'config', 'application']);
  // a refresh method's tokens count too; a pg of another entity's token does not
  const withRefresh = [...PGS, pg('refresh', 'method', { exec: ['/bin/reload %{startd/duration}'] })];
  assert.deepEqual(methodPgs(withRefresh).map((p) => p.name), ['start', 'stop', 'method_context', 'config', 'application', 'startd', 'refresh']);
});

test('methodPgs keeps everything when an exec string does not tokenize', () => {
  const bad = PGS.map((p) => (p.name === 'stop' ? pg('stop', 'method', { exec: ['/bin/x %{unterminated'] }) : p));
  assert.equal(methodPgs(bad).length, bad.length);
});

test('a method prepared from the kept configuration equals one prepared from the whole one', () => {
  const kept = methodConfiguration(PGS);
  assert.notStrictEqual(kept[0], PGS.find((p) => p.name === 'start'), 'a copy');
  for (const method of ['start', 'stop'] as const) {
    const exec = PGS.find((p) => p.name === method)!.properties[0]!.values[0]!;
    const cmd = { kind: 'runMethod' as const, fmri: 'svc:/site/web:default', method, exec, model: 'contract' as const, timeoutMs: 60_000, transitionId: 1, waitForEmpty: false };
    const other = (f: string) => (f === 'svc:/other:default' ? [pg('x', 'application', { y: ['other'] })] : undefined);
    const input = { cmd, otherEntity: other, logPath: '/dev/null', globalEnvironment: [], log: () => {} };
    const full = prepareMethod({ ...input, pgs: PGS });
    const fromKept = prepareMethod({ ...input, pgs: kept });
    assert.ok(full.ok);
    assert.deepStrictEqual(fromKept, full, method);
  }
});

test('identical short properties are one shared frozen object across copies; long ones are copied', () => {
  const dep = (entity: string): PropertyGroup[] => [{ name: 'net', type: 'dependency', flags: 0, properties: [
    { name: 'grouping', type: 'astring', values: ['require_all'] },
    { name: 'entities', type: 'fmri', values: [entity] },
    { name: 'config', type: 'astring', values: ['x'.repeat(300)] },
  ] }];
  const a = compactPgs(dep('svc:/a'));
  const b = compactPgs(dep('svc:/b'));
  assert.deepEqual(a, dep('svc:/a'), 'equal in content');
  assert.equal(a[0]!.properties[0], b[0]!.properties[0], 'grouping shared');
  assert.ok(Object.isFrozen(a[0]!.properties[0]) && Object.isFrozen(a[0]!.properties[0]!.values));
  assert.notEqual(a[0]!.properties[1], b[0]!.properties[1], 'different entities: different objects');
  assert.notEqual(a[0]!.properties[2], compactPgs(dep('svc:/a'))[0]!.properties[2], 'a long value is not pooled');
});
