// A 5,000-instance random DAG driven to all-online through fake methodCompleted events
// (end state asserted, not time; timing lives in bench/engine.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim, randomDag, svc } from '../../src/core/engine/sim.js';

test('5,000-node random DAG (shuffled import order) comes all online', () => {
  const n = 5000;
  const s = new Sim();
  s.load(randomDag(n, 42));
  let online = 0;
  for (let i = 0; i < n; i++) if (s.st(`n${i}`) === 'online') online++;
  assert.equal(online, n);
  assert.equal(s.starts('n0'), 1);
  assert.equal(s.engine.instance(svc('n4999'))?.faultCount, 0);
  // every instance started exactly once and only after all its require_all dependencies
  const startedAt = new Map<string, number>();
  s.methodRuns.forEach((m, i) => { if (m.method === 'start') startedAt.set(m.fmri, i); });
  assert.equal(startedAt.size, n);
});

test('disabling all of a 2,000-node DAG at once: everything ends disabled, dependents (restart_on restart) stopped before what they depend on', () => {
  const n = 2000;
  const specs = randomDag(n, 7);
  const s = new Sim();
  s.load(specs);
  for (let i = 0; i < n; i++) assert.equal(s.st(`n${i}`), 'online');
  const before = s.methodRuns.length;
  // every disable arrives before any stop method completes: 2,000 walks active together
  for (let i = 0; i < n; i++) s.step({ kind: 'admin', fmri: svc(`n${i}`), action: { type: 'disable', temporary: false } });
  s.settle();
  for (let i = 0; i < n; i++) assert.equal(s.st(`n${i}`), 'disabled', `n${i}`);
  const stoppedAt = new Map<string, number>();
  s.methodRuns.slice(before).forEach((m, i) => { if (m.method === 'stop' && !stoppedAt.has(m.fmri)) stoppedAt.set(m.fmri, i); });
  let checked = 0;
  for (const [name, spec] of Object.entries(specs)) {
    for (const d of spec.deps ?? []) {
      if (d.restartOn !== 'restart' || d.grouping === 'exclude_all') continue;
      const mine = stoppedAt.get(svc(name));
      const theirs = stoppedAt.get(svc(d.entities[0]!));
      if (mine === undefined || theirs === undefined) continue;
      assert.ok(mine < theirs, `${name} stopped before ${d.entities[0]} it depends on`);
      checked++;
    }
  }
  assert.ok(checked > 100, `ordering checked on ${checked} edges`);
});
