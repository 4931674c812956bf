import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatValue } from '../../src/core/svccfg/format.js';
import { MemoryConfigStore } from '../../src/core/svccfg/memory-store.js';
import { resolveEntity } from '../../src/core/svccfg/resolve.js';
import { checkServices } from '../../src/core/svccfg/template-check.js';

function catalog() {
  const s = new MemoryConfigStore();
  s.addService('site/pool-import'); s.addInstance('site/pool-import', 'default');
  s.addService('site/mount-main-pool'); s.addInstance('site/mount-main-pool', 'pool');
  s.addService('network/smtp'); s.addInstance('network/smtp', 'sendmail');
  s.addService('network/empty');
  return s;
}

test('exact FMRIs: a service selects itself, an instance the instance', () => {
  const c = catalog();
  assert.deepEqual(resolveEntity('network/smtp', c), { ok: true, entity: { service: 'network/smtp' }, how: 'exact' });
  assert.deepEqual(resolveEntity('svc:/network/smtp:sendmail', c), { ok: true, entity: { service: 'network/smtp', instance: 'sendmail' }, how: 'exact' });
  assert.deepEqual(resolveEntity('svc://localhost/network/empty', c), { ok: true, entity: { service: 'network/empty' }, how: 'exact' });
});

test('abbreviations and globs match instance FMRIs, anchored (§1.4)', () => {
  const c = catalog();
  for (const op of ['sendmail', ':sendmail', 'smtp', 'smtp:sendmail']) {
    const r = resolveEntity(op, c);
    assert.ok(r.ok && r.entity.instance === 'sendmail' && r.how === 'partial', op);
  }
  for (const op of ['mail', 'network', 'network/smt', 'main-pool', 'pool']) assert.equal(resolveEntity(op, c).ok, false, op);
  const g = resolveEntity('*pool-import*', c);
  assert.ok(g.ok && g.how === 'glob' && g.entity.service === 'site/pool-import');
  const many = resolveEntity('site/*', c);
  assert.ok(!many.ok && /matches multiple instances or services:\n\tsvc:\/site\/pool-import:default\n\tsvc:\/site\/mount-main-pool:pool/.test(many.error));
  const none = resolveEntity('nothing', c);
  assert.ok(!none.ok && none.error === "Pattern 'nothing' doesn't match any instances or services");
});

test('listprop quoting: only string types, several values, empty, blanks/tab/newline/quote/parens', () => {
  assert.equal(formatValue('astring', 'plain', false), 'plain');
  assert.equal(formatValue('astring', 'plain', true), '"plain"');
  assert.equal(formatValue('astring', 'a\\b', false), 'a\\b');
  assert.equal(formatValue('astring', 'a "b"', false), '"a \\"b\\""');
  assert.equal(formatValue('ustring', 'x(y)', false), '"x(y)"');
  assert.equal(formatValue('count', '7', true), '7');
  assert.equal(formatValue('astring', '', false), '""');
});

test('template check of lowered data: required pg/prop and types, delegate patterns ignored', () => {
  const pat = (name: string, props: [string, string][], type = 'template_prop_pattern') => ({
    name, type, flags: 0, properties: props.map(([n, v]) => ({ name: n, type: n === 'required' ? 'boolean' as const : 'astring' as const, values: [v] })),
  });
  const templates = [
    pat('tm_pgpatnt_config', [['name', 'config'], ['type', 'application'], ['target', 'this'], ['required', 'true']], 'template_pg_pattern'),
    pat('tm_proppat_nt_config_pool', [['pg_pattern', 'tm_pgpatnt_config'], ['name', 'pool'], ['type', 'astring'], ['required', 'true']]),
    pat('tm_pgpatnt_inetd', [['name', 'inetd'], ['target', 'delegate'], ['required', 'true']], 'template_pg_pattern'),
  ];
  const svc = (instPgs: { name: string; type: string; flags: number; properties: { name: string; type: 'astring' | 'count'; values: string[] }[] }[]) =>
    [{ name: 'site/x', pgs: templates, instances: [{ name: 'default', pgs: instPgs }] }];
  assert.deepEqual(checkServices(svc([])), ['svc:/site/x:default: required property group "config" is missing (template tm_pgpatnt_config); add it with "addpg config application".']);
  const missingProp = checkServices(svc([{ name: 'config', type: 'application', flags: 0, properties: [] }]));
  assert.equal(missingProp.length, 1);
  assert.match(missingProp[0]!, /required property "config\/pool" is missing/);
  const wrong = checkServices(svc([{ name: 'config', type: 'application', flags: 0, properties: [{ name: 'pool', type: 'count', values: ['1'] }] }]));
  assert.match(wrong[0]!, /"config\/pool" has type count, but its template .* requires astring/);
  assert.deepEqual(checkServices(svc([{ name: 'config', type: 'application', flags: 0, properties: [{ name: 'pool', type: 'astring', values: ['tank'] }] }])), []);
});

test('a catalog that lists all entities at once is asked once, never per service', () => {
  let calls = 0;
  const cat = {
    listServices: () => { throw new Error('not per service'); },
    listInstances: () => { throw new Error('not per service'); },
    allEntities: () => { calls++; return ['svc:/site/a', 'svc:/site/a:default', 'svc:/site/b', 'svc:/site/b:one', 'svc:/site/b:two']; },
  };
  const r = resolveEntity('b:two', cat);
  assert.deepEqual(r, { ok: true, entity: { service: 'site/b', instance: 'two' }, how: 'partial' });
  assert.equal(calls, 1);
  assert.equal(resolveEntity('svc:/site/a', cat).ok, true);
});
