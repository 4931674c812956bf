// smf-spec §3.3 summary table: how each dependency condition counts per grouping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Evaluator } from '../../src/core/engine/evaluate.js';
import { Graph, newVertex } from '../../src/core/engine/graph.js';
import { DEFAULT_STARTD, type InstanceState, type Tri } from '../../src/core/engine/types.js';
import type { DependencyGroup, Entity } from '../../src/core/engine/dependencies.js';

function vertex(g: Graph, fmri: string, state: InstanceState, enabled: boolean | undefined, groups: DependencyGroup[] = []) {
  const v = newVertex({ fmri, enabled, persistentEnabled: enabled, dependencyPgs: [], methods: {}, startd: DEFAULT_STARTD });
  v.state = state;
  g.add(v);
  g.setEdges(v, groups);
  return v;
}

const group = (grouping: DependencyGroup['grouping'], entities: Entity[]): DependencyGroup =>
  ({ name: 'g', grouping, restartOn: 'none', type: entities[0]?.kind === 'file' ? 'path' : 'service', entities });

type Cond = [name: string, entity: Entity, setup: (g: Graph) => void];
const I = (f: string): Entity => ({ kind: 'instance', fmri: f });
const CONDS: Cond[] = [
  ['online', I('svc:/x:on'), (g) => vertex(g, 'svc:/x:on', 'online', true)],
  ['degraded', I('svc:/x:dg'), (g) => vertex(g, 'svc:/x:dg', 'degraded', true)],
  ['offline, can come up', I('svc:/x:off'), (g) => vertex(g, 'svc:/x:off', 'offline', true)],
  ['offline, can never come up', I('svc:/x:never'), (g) => vertex(g, 'svc:/x:never', 'offline', true, [group('require_all', [I('svc:/nothing:here')])])],
  ['uninitialized', I('svc:/x:un'), (g) => vertex(g, 'svc:/x:un', 'uninitialized', undefined)],
  ['disabled', I('svc:/x:dis'), (g) => vertex(g, 'svc:/x:dis', 'disabled', false)],
  ['maintenance', I('svc:/x:mnt'), (g) => vertex(g, 'svc:/x:mnt', 'maintenance', true)],
  ['absent instance', I('svc:/ghost:default'), () => undefined],
  ['service without instances', { kind: 'service', fmri: 'svc:/empty' }, () => undefined],
  ['file present', { kind: 'file', path: '/present', uri: 'file:///present' }, () => undefined],
  ['file absent', { kind: 'file', path: '/absent', uri: 'file:///absent' }, () => undefined],
];

// [require_all, require_any, optional_all, exclude_all]
const EXPECTED: Record<string, Tri[]> = {
  'online': [1, 1, 1, -1],
  'degraded': [1, 1, 1, -1],
  'offline, can come up': [0, 0, 0, 0],
  'offline, can never come up': [-1, -1, 1, 0],
  'uninitialized': [0, 0, 0, 0],
  'disabled': [-1, -1, 1, 1],
  'maintenance': [-1, -1, 1, 1],
  'absent instance': [-1, -1, 1, 1],
  'service without instances': [-1, -1, 1, 1],
  'file present': [1, 1, 1, -1],
  'file absent': [-1, -1, -1, 1],
};

for (const [name, entity, setup] of CONDS) {
  test(`§3.3 table: dependency ${name}`, () => {
    const g = new Graph();
    setup(g);
    const ev = new Evaluator(g, (p) => p === '/present');
    const got = (['require_all', 'require_any', 'optional_all', 'exclude_all'] as const).map((k) => ev.groupValue(group(k, [entity])));
    assert.deepEqual(got, EXPECTED[name]);
  });
}

test('online instance being disabled: require -1, exclude 0; marked for someone else\'s disable: 0', () => {
  const g = new Graph();
  vertex(g, 'svc:/x:a', 'online', false);
  const b = vertex(g, 'svc:/x:b', 'online', true);
  b.toOffline = true;
  const ev = new Evaluator(g, () => false);
  assert.equal(ev.groupValue(group('require_all', [I('svc:/x:a')])), -1);
  assert.equal(ev.groupValue(group('exclude_all', [I('svc:/x:a')])), 0);
  assert.equal(ev.groupValue(group('require_all', [I('svc:/x:b')])), 0);
});

test('empty groups are satisfied; require_any picks any satisfied entity; service = any instance', () => {
  const g = new Graph();
  vertex(g, 'svc:/s:one', 'disabled', false);
  vertex(g, 'svc:/s:two', 'online', true);
  const ev = new Evaluator(g, () => false);
  assert.equal(ev.groupValue(group('require_all', [])), 1);
  assert.equal(ev.groupValue(group('require_any', [])), 1);
  assert.equal(ev.groupValue(group('require_any', [I('svc:/s:one'), I('svc:/s:two')])), 1);
  assert.equal(ev.groupValue(group('require_all', [{ kind: 'service', fmri: 'svc:/s' }])), 1);
  assert.equal(ev.groupValue(group('exclude_all', [{ kind: 'service', fmri: 'svc:/s' }])), -1);
});

test('satisfiability recursion is iterative: a 20,000-long offline chain ending in an absent dependency is -1', () => {
  const g = new Graph();
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    vertex(g, `svc:/c:n${i}`, 'offline', true, [group('require_all', [I(i === n - 1 ? 'svc:/ghost:x' : `svc:/c:n${i + 1}`)])]);
  }
  const ev = new Evaluator(g, () => false);
  assert.equal(ev.satisfiability('svc:/c:n0'), -1);
  assert.equal(ev.groupValue(group('optional_all', [I('svc:/c:n0')])), 1);
});

test('satisfiability: a sibling waiting on the stack is not mistaken for a cycle', () => {
  const g = new Graph();
  vertex(g, 'svc:/p:p', 'offline', true, [group('require_all', [I('svc:/y:y'), I('svc:/x:x')])]);
  vertex(g, 'svc:/x:x', 'offline', true, [group('require_all', [I('svc:/y:y')])]);
  vertex(g, 'svc:/y:y', 'offline', true, [group('require_all', [I('svc:/ghost:g')])]);
  const ev = new Evaluator(g, () => false);
  assert.equal(ev.satisfiability('svc:/p:p'), -1);
  assert.equal(ev.satisfiability('svc:/x:x'), -1);
  assert.equal(ev.groupValue(group('optional_all', [I('svc:/x:x')])), 1);
});

test('satisfiability: a real cycle among offline instances counts as "may come up"', () => {
  const g = new Graph();
  vertex(g, 'svc:/a:a', 'offline', true, [group('require_all', [I('svc:/b:b')])]);
  vertex(g, 'svc:/b:b', 'offline', true, [group('require_all', [I('svc:/a:a')])]);
  const ev = new Evaluator(g, () => false);
  assert.equal(ev.satisfiability('svc:/a:a'), 0);
});
