// cases.md E1-E3: grouping x restart_on x event matrix (final state of d, starts(d)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim, svc } from '../../src/core/engine/sim.js';

type Ev = 'err' | 'exit' | 'restart' | 'refresh' | 'disable';
const EVENTS: Ev[] = ['err', 'exit', 'restart', 'refresh', 'disable'];

function run(grouping: string, restartOn: string, ev: Ev): { d: string; startsD: number; s: Sim } {
  const s = new Sim();
  s.load({
    a: { model: 'contract', start: 'daemon', refresh: 'ok' },
    d: { model: 'contract', start: 'daemon', deps: [{ grouping, restartOn, entities: ['a'] }] },
  });
  assert.equal(s.st('a'), 'online');
  assert.equal(s.st('d'), 'online');
  switch (ev) {
    case 'err': s.contract('a', 'signal'); break;
    case 'exit': s.contract('a', 'empty'); break;
    case 'restart': s.admin('a', { type: 'restart' }); break;
    case 'refresh': s.step({ kind: 'refresh', config: s.configs.get(svc('a'))! }); s.settle(); break;
    case 'disable': s.admin('a', { type: 'disable', temporary: false }); break;
  }
  const startsA = s.starts('a');
  if (ev === 'disable') assert.equal(s.st('a'), 'disabled');
  else {
    assert.equal(s.st('a'), 'online');
    assert.equal(startsA, ev === 'refresh' ? 1 : 2);
  }
  return { d: s.st('d'), startsD: s.starts('d'), s };
}

const E1: Record<string, string[]> = {
  none: ['online 1', 'online 1', 'online 1', 'online 1', 'online 1'],
  error: ['online 2', 'online 1', 'online 1', 'online 1', 'online 1'],
  restart: ['online 2', 'online 2', 'online 2', 'online 1', 'offline 1'],
  refresh: ['online 2', 'online 2', 'online 2', 'online 2', 'offline 1'],
};
const E3: Record<string, string[]> = {
  none: ['online 1', 'online 1', 'online 1', 'online 1', 'online 1'],
  error: ['online 2', 'online 1', 'online 1', 'online 1', 'online 1'],
  restart: ['online 2', 'online 2', 'online 2', 'online 1', 'online 2'],
  refresh: ['online 2', 'online 2', 'online 2', 'online 2', 'online 2'],
};

for (const [grouping, table] of [['require_all', E1], ['require_any', E1], ['optional_all', E3]] as const) {
  for (const [restartOn, row] of Object.entries(table)) {
    EVENTS.forEach((ev, i) => {
      test(`${grouping}/${restartOn} on ev-${ev}: d ends ${row[i]}`, () => {
        const r = run(grouping, restartOn, ev);
        assert.equal(`${r.d} ${r.startsD}`, row[i]);
      });
    });
  }
}

test('admin disable stops restart_on=restart dependents before the stop method of the disabled instance', () => {
  const { s } = run('require_all', 'restart', 'disable');
  const stops = s.methodRuns.filter((m) => m.method === 'stop').map((m) => m.fmri);
  assert.deepEqual(stops, [svc('d'), svc('a')]);
});

test('restart does not stop dependents first: the stop of a runs while d is still online', () => {
  const { s } = run('require_all', 'restart', 'restart');
  const stops = s.methodRuns.filter((m) => m.method === 'stop').map((m) => m.fmri);
  assert.deepEqual(stops, [svc('a'), svc('d')]);
});

test('while a restarts (offline, able to come up), a stopped optional_all dependent waits', () => {
  const s = new Sim();
  s.load({
    a: { model: 'contract', start: 'daemon' },
    d: { model: 'contract', start: 'daemon', deps: [{ grouping: 'optional_all', restartOn: 'error', entities: ['a'] }] },
  });
  s.behaviours.get(svc('a'))!.start = 'hang';
  s.contract('a', 'core');
  assert.equal(s.st('a'), 'offline*');
  assert.equal(s.st('d'), 'offline');
  s.finish(svc('a'), { exitCode: 0, timedOut: false });
  s.settle();
  assert.equal(s.st('d'), 'online');
  assert.equal(s.aux('a'), 'dependencies_satisfied');
});
