// cases.md C1/C2: retries of generic failures, one-try exit codes, svcs -x texts; G1 (enable does
// not clear maintenance, disable does, clear of a non-maintenance instance is an error).
import assert from 'node:assert/strict';
import { BEHAVIOUR } from './fixtures.js';
import { caseTest, fmri, importSpec, ok, svcsLines } from './harness.js';

caseTest('C1/C2: exit 1/97/98 run 3 times, 95/96/99/100 once, then maintenance with the exact -x reason', async (c) => {
  const codes = [1, 95, 96, 97, 98, 99, 100];
  for (const n of codes) {
    await importSpec(c, { name: `site/e${n}`, model: 'transient', start: c.ws.method(`e${n}`, BEHAVIOUR.exit(n), { count: true }) });
  }
  for (const n of codes) await c.h.waitState(fmri(`e${n}`), 'maintenance');
  const expected: Record<number, [number, string, string]> = {
    1: [3, 'fault_threshold_reached', 'Start method failed repeatedly, last exited with status 1.'],
    95: [1, 'method_failed', 'Start method exited with $SMF_EXIT_ERR_FATAL.'],
    96: [1, 'method_failed', 'Start method exited with $SMF_EXIT_ERR_CONFIG.'],
    97: [3, 'fault_threshold_reached', 'Start method failed repeatedly, last exited with status 97.'],
    98: [3, 'fault_threshold_reached', 'Start method failed repeatedly, last exited with status 98.'],
    99: [1, 'method_failed', 'Start method exited with status 99.'],
    100: [1, 'method_failed', 'Start method exited with status 100.'],
  };
  for (const n of codes) {
    const [starts, aux, reason] = expected[n]!;
    assert.equal(c.ws.starts(`e${n}`), starts, `starts(e${n})`);
    assert.equal((await ok(c, 'svcprop', ['-p', 'restarter/auxiliary_state', fmri(`e${n}`)])).trim(), aux, `aux of e${n}`);
    const x = (await ok(c, 'svcs', ['-x', fmri(`e${n}`)])).trimEnd().split('\n');
    assert.equal(x[0], `${fmri(`e${n}`)} (?)`);
    assert.match(x[1]!, /^ State: maintenance since /);
    assert.equal(x[2], `Reason: ${reason}`);
    assert.match(x[3]!, new RegExp(`^   See: \\S*site-e${n}:default\\.log$`));
    assert.equal(x[4], 'Impact: This service is not running.');
  }
  const listing = svcsLines(await ok(c, 'svcs', []));
  assert.deepEqual(listing.map((l) => l[0]), codes.map(() => 'maintenance'), 'svcs shows maintenance without *');
  const roots = (await ok(c, 'svcs', ['-x'])).split('\n').filter((l) => l.startsWith('svc:/site/'));
  assert.equal(roots.length, codes.length, 'svcs -x lists every maintenance instance');
});

caseTest('G1: restart of a disabled instance is a no-op; enable keeps maintenance, disable clears it; clear needs maintenance', async (c) => {
  await importSpec(c, { name: 'site/x', model: 'transient', enabled: false, start: c.ws.method('x', BEHAVIOUR.ok, { count: true }) });
  await importSpec(c, { name: 'site/m', model: 'transient', start: c.ws.method('m', BEHAVIOUR.exit(95), { count: true }) });
  await c.h.waitState(fmri('x'), 'disabled');
  await ok(c, 'svcadm', ['restart', 'site/x']);
  await c.h.waitState(fmri('m'), 'maintenance');
  assert.deepEqual(await c.h.state(fmri('x')), { state: 'disabled', next: 'none' });
  assert.equal(c.ws.starts('x'), 0);

  await ok(c, 'svcadm', ['enable', 'site/m']);
  await new Promise((r) => setTimeout(r, 1000)); // give a (wrong) start a chance to happen
  assert.deepEqual(await c.h.state(fmri('m')), { state: 'maintenance', next: 'none' });
  assert.equal(c.ws.starts('m'), 1);

  await ok(c, 'svcadm', ['disable', 'site/m']);
  await c.h.waitState(fmri('m'), 'disabled');
  assert.equal((await ok(c, 'svcprop', ['-p', 'restarter/auxiliary_state', fmri('m')])).trim(), 'disable_request');
  const r = await c.h.run('svcadm', ['clear', 'site/m']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'svcadm: Instance "svc:/site/m:default" is not in a maintenance or degraded state.\n');
});
