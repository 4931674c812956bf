// cases.md A1 / A1b: zone sequencing serverzone -> checker (probe loop, timeout 0) -> clientzone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BEHAVIOUR } from './fixtures.js';
import { caseTest, fmri, importSpec, ok, ownLines, svcsLines, type CaseContext } from './harness.js';

async function setup(c: CaseContext, checkerTimeout: number): Promise<string> {
  const probe = c.ws.file('run/server-ready');
  await importSpec(c, { name: 'site/serverzone', model: 'transient', start: c.ws.method('serverzone', BEHAVIOUR.sleep(2)) });
  await importSpec(c, {
    name: 'site/checker', model: 'transient', startTimeout: checkerTimeout,
    start: c.ws.method('checker', BEHAVIOUR.loopUntil(probe), { count: true }),
    deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/serverzone:default'] }],
  });
  await importSpec(c, {
    name: 'site/clientzone', model: 'transient', start: c.ws.method('clientzone', BEHAVIOUR.ok),
    deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['svc:/site/checker:default'] }],
  });
  return probe;
}

caseTest('A1: checker offline* while the probe fails, clientzone offline, then all online', async (c) => {
  const probe = await setup(c, 0);
  await c.h.waitState(fmri('serverzone'), 'online');
  await c.h.waitState(fmri('checker'), 'offline', { next: 'online' });
  assert.deepEqual(await c.h.state(fmri('clientzone')), { state: 'offline', next: 'none' });

  const listing = await ok(c, 'svcs', []);
  assert.equal(listing.split('\n')[0], 'STATE          STIME    FMRI');
  assert.deepEqual(svcsLines(listing).map((l) => [l[0], l[2]]), [
    ['online', fmri('serverzone')], ['offline', fmri('clientzone')], ['offline*', fmri('checker')],
  ]);
  for (const line of ownLines(listing)) assert.match(line, /^\S+\s+[ \d]\d:\d\d:\d\d svc:\//);
  assert.match(listing, /\noffline\*       [ \d]\d:\d\d:\d\d svc:\/site\/checker:default\n/);

  const x = (await ok(c, 'svcs', ['-x'])).trimEnd().split('\n');
  assert.equal(x[0], 'svc:/site/checker:default (?)');
  assert.match(x[1]!, /^ State: offline since \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
  assert.equal(x[2], 'Reason: Start method is running.');
  assert.match(x[3]!, /^ {3}See: \S*site-checker:default\.log$/);
  assert.equal(x[4], 'Impact: 1 dependent service is not running.  (Use -v for list.)');
  assert.equal(x.length, 5, `svcs -x lists only the checker:\n${x.join('\n')}`);

  const xv = (await ok(c, 'svcs', ['-xv'])).trimEnd().split('\n');
  assert.deepEqual(xv.slice(-2), ['Impact: 1 dependent service is not running:', '        svc:/site/clientzone:default']);

  const xc = (await ok(c, 'svcs', ['-x', 'clientzone'])).trimEnd().split('\n');
  assert.equal(xc[2], 'Reason: Service svc:/site/checker:default is starting.');
  assert.equal(xc.at(-1), 'Impact: This service is not running.');
  assert.ok(!xc.some((l) => l.includes('See:')), `no log See: line for an instance that never ran a method (restarter/logfile unset):\n${xc.join('\n')}`);

  await ok(c, 'svcadm', ['restart', 'checker']);
  assert.deepEqual(await c.h.state(fmri('checker')), { state: 'offline', next: 'online' });

  fs.writeFileSync(probe, '');
  await c.h.waitState(fmri('checker'), 'online');
  await c.h.waitState(fmri('clientzone'), 'online');
  assert.deepEqual(svcsLines(await ok(c, 'svcs', [])).map((l) => l[0]), ['online', 'online', 'online']);
  assert.equal(await ok(c, 'svcs', ['-x']), '');
  assert.equal(c.ws.starts('checker'), 1, 'the restart of a non-running instance is dropped');
});

caseTest('A1b: a checker start timeout kills it 3 times, then maintenance; clientzone reason wraps', async (c) => {
  await setup(c, 1);
  await c.h.waitState(fmri('checker'), 'maintenance', { timeoutMs: 30000 });
  assert.equal(c.ws.starts('checker'), 3);
  assert.equal((await ok(c, 'svcprop', ['-p', 'restarter/auxiliary_state', 'checker'])).trim(), 'fault_threshold_reached');
  assert.deepEqual(await c.h.state(fmri('clientzone')), { state: 'offline', next: 'none' });
  const xc = (await ok(c, 'svcs', ['-x', 'clientzone'])).split('\n');
  assert.deepEqual(xc.slice(2, 4), ['Reason: Service svc:/site/checker:default', '        is not running because a method failed repeatedly.']);
  const xk = (await ok(c, 'svcs', ['-x', 'svc:/site/checker:default'])).split('\n');
  assert.equal(xk[2], 'Reason: Start method failed repeatedly, last died on Killed (9).');
});
