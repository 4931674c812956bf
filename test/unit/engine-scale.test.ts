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
