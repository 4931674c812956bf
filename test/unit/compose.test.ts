// Composition of instance and service property groups (smf-spec §6.3), pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composePg, composePgs, composedProperty, overlayPgs } from '../../src/core/compose.js';
import type { PropertyGroup } from '../../src/core/model.js';

const pg = (name: string, props: Record<string, string>, type = 'application', flags = 0): PropertyGroup => ({
  name, type, flags, properties: Object.entries(props).map(([n, v]) => ({ name: n, type: 'integer', values: [v] })),
});

test('instance properties obscure service properties; service-only ones show through (cases L1)', () => {
  const out = composePgs([pg('config', { a: '10' })], [pg('config', { a: '1', b: '2' })]);
  assert.deepEqual(out.map((g) => g.name), ['config']);
  assert.deepEqual(out[0]!.properties.map((p) => [p.name, p.values[0]]), [['a', '10'], ['b', '2']]);
});

test('composed pg carries the instance pg type and flags', () => {
  const out = composePg(pg('x', {}, 'framework', 1), pg('x', { a: '1' }, 'application', 0));
  assert.equal(out.type, 'framework');
  assert.equal(out.flags, 1);
  assert.deepEqual(out.properties.map((p) => p.name), ['a']);
});

test('order: instance pgs first in their order, then service-only pgs', () => {
  const out = composePgs([pg('b', {}), pg('a', {})], [pg('c', {}), pg('a', {}), pg('d', {})]);
  assert.deepEqual(out.map((g) => g.name), ['b', 'a', 'c', 'd']);
});

test('inputs are not mutated', () => {
  const inst = [pg('config', { a: '10' })];
  const svc = [pg('config', { a: '1', b: '2' })];
  const before = JSON.stringify([inst, svc]);
  composePgs(inst, svc);
  assert.equal(JSON.stringify([inst, svc]), before);
});

test('one level only, and both absent throws (broken invariant)', () => {
  const s = pg('s', { a: '1' });
  assert.equal(composePg(undefined, s), s);
  assert.equal(composePg(s, undefined), s);
  assert.throws(() => composePg(undefined, undefined));
});

test('composedProperty looks in the instance pg first', () => {
  assert.equal(composedProperty(pg('c', { a: '10' }), pg('c', { a: '1', b: '2' }), 'a')?.values[0], '10');
  assert.equal(composedProperty(pg('c', { a: '10' }), pg('c', { a: '1', b: '2' }), 'b')?.values[0], '2');
  assert.equal(composedProperty(undefined, pg('c', { a: '1' }), 'z'), undefined);
});

test('overlayPgs replaces same-named pgs in place and appends new ones', () => {
  const out = overlayPgs([pg('general', { e: '0' }), pg('start', {})], [pg('restarter', { s: '1' }, 'framework', 1), pg('general', { e: '1' })]);
  assert.deepEqual(out.map((g) => g.name), ['general', 'start', 'restarter']);
  assert.equal(out[0]!.properties[0]!.values[0], '1');
});
