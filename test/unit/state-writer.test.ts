// StateWriter (src/daemon/state-writer.ts): restarter-state updates merged per instance (later
// fields win, key order kept), one write per batch after the delay, and a flushed batch never
// changed by later updates. Fake clock: nothing waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StateWriter } from '../../src/daemon/state-writer.js';
import type { RestarterStateUpdate } from '../../src/repository/types.js';

function fakeClock() {
  const timers: { fn: () => void; at: number; cancelled: boolean }[] = [];
  let t = 0;
  return {
    now: () => t,
    setTimeout(fn: () => void, ms: number) { const e = { fn, at: t + ms, cancelled: false }; timers.push(e); return { cancel: () => { e.cancelled = true; } }; },
    advance(ms: number) { t += ms; for (const e of timers.splice(0)) if (!e.cancelled) { if (e.at <= t) e.fn(); else timers.push(e); } },
  };
}

test('updates merge per instance, are written once after the delay, and a written batch stays as written', () => {
  const clock = fakeClock();
  const batches: Map<string, RestarterStateUpdate>[] = [];
  const w = new StateWriter((b) => batches.push(b as Map<string, RestarterStateUpdate>), clock, (e) => assert.fail(String(e)), 5);
  const first: RestarterStateUpdate = { state: 'offline', next_state: 'online' };
  w.update('svc:/a:x', first);
  w.update('svc:/b:x', { state: 'offline' });
  w.update('svc:/a:x', { next_state: null, start_pid: 42 });
  w.update('svc:/a:x', { state: 'online' });
  assert.deepEqual(first, { state: 'offline', next_state: 'online' }, "the caller's object is not merged into");
  assert.deepEqual(w.peek('svc:/a:x'), { state: 'online', next_state: null, start_pid: 42 });
  clock.advance(4);
  assert.equal(batches.length, 0, 'nothing before the delay');
  clock.advance(1);
  assert.equal(batches.length, 1);
  const written = batches[0]!;
  assert.deepEqual([...written.keys()], ['svc:/a:x', 'svc:/b:x'], 'instances in first-update order');
  assert.deepEqual(Object.keys(written.get('svc:/a:x')!), ['state', 'next_state', 'start_pid'], 'key order of the first update kept');
  w.update('svc:/a:x', { state: 'maintenance' });
  assert.equal(written.get('svc:/a:x')!.state, 'online', 'a later update never changes a written batch');
  w.flush();
  assert.equal(batches.length, 2);
  assert.deepEqual(batches[1], new Map([['svc:/a:x', { state: 'maintenance' }]]));
  assert.equal(w.peek('svc:/a:x'), undefined);
});
