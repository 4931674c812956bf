// cases.md J1 (temporary enable across restarter restart and reboot) and K1 (svcs output formats
// against a live daemon: -a ordering, -H, -o/-s/-S, -o sta,nsta, -v).
import assert from 'node:assert/strict';
import { BEHAVIOUR } from './fixtures.js';
import { caseTest, fmri, importSpec, ok, ownLines, svcsLines } from './harness.js';

caseTest('J1: enable -t survives a restarter restart (process re-adopted) but not a reboot', async (c) => {
  await importSpec(c, { name: 'site/tmp1', model: 'contract', enabled: false, start: c.ws.method('tmp1', BEHAVIOUR.daemon, { count: true }) });
  await c.h.waitState(fmri('tmp1'), 'disabled');
  await ok(c, 'svcadm', ['enable', '-t', fmri('tmp1')]);
  await c.h.waitState(fmri('tmp1'), 'online');
  const l = (await ok(c, 'svcs', ['-l', fmri('tmp1')])).split('\n');
  assert.ok(l.includes('enabled      true (temporary)'), l.join('\n'));
  const before = (await ok(c, 'svcs', ['-Hp', fmri('tmp1')])).split('\n')[1];
  assert.ok(before, 'svcs -p shows the daemon process');

  await c.h.restartDaemon();
  await c.h.waitState(fmri('tmp1'), 'online');
  assert.equal((await ok(c, 'svcs', ['-Hp', fmri('tmp1')])).split('\n')[1], before, 'same process after a restarter restart');
  assert.equal(c.ws.starts('tmp1'), 1);

  await c.h.reboot();
  await c.h.waitState(fmri('tmp1'), 'disabled');
  assert.equal(c.ws.starts('tmp1'), 1);
  assert.deepEqual(svcsLines(await ok(c, 'svcs', ['-a'])).map((x) => [x[0], x[2]]), [['disabled', fmri('tmp1')]]);
  assert.ok(!(await ok(c, 'svcs', ['-x'])).includes(fmri('tmp1')), 'svcs -x does not list a merely disabled instance');
});

caseTest('K1: listing formats, sort orders and column selection on live states', async (c) => {
  await importSpec(c, { name: 'site/z1', model: 'transient', start: c.ws.method('z1', BEHAVIOUR.ok) });
  await importSpec(c, { name: 'site/z2', model: 'transient', start: c.ws.method('z2', BEHAVIOUR.exit(95)) });
  await importSpec(c, { name: 'site/z3', model: 'transient', enabled: false, start: c.ws.method('z3', BEHAVIOUR.ok) });
  await importSpec(c, {
    name: 'site/z4', model: 'transient', start: c.ws.method('z4', BEHAVIOUR.ok),
    deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/z3:default'] }],
  });
  await c.h.waitState(fmri('z1'), 'online');
  await c.h.waitState(fmri('z2'), 'maintenance');
  await c.h.waitState(fmri('z3'), 'disabled');
  await c.h.waitState(fmri('z4'), 'offline');

  const def = await ok(c, 'svcs', []);
  assert.equal(def.split('\n')[0], 'STATE          STIME    FMRI');
  assert.deepEqual(svcsLines(def).map((x) => x[0]), ['online', 'offline', 'maintenance'], 'z3 is not enabled: not listed');
  assert.match(ownLines(def)[0]!, /^online         [ \d]\d:\d\d:\d\d svc:\/site\/z1:default$/);
  assert.deepEqual(svcsLines(await ok(c, 'svcs', ['-a'])).map((x) => x[0]), ['disabled', 'online', 'offline', 'maintenance']);
  const h = await ok(c, 'svcs', ['-H']);
  assert.ok(!h.startsWith('STATE'));
  assert.deepEqual(ownLines(h), ownLines(def));

  const o = (await ok(c, 'svcs', ['-a', '-o', 'fmri,state', '-s', 'fmri'])).trimEnd().split('\n');
  assert.equal(o[0], `${'FMRI'.padEnd(51)}STATE`);
  const own = o.filter((x) => x.startsWith('svc:/site/'));
  assert.deepEqual(own, [
    `${fmri('z1').padEnd(51)}online`, `${fmri('z2').padEnd(51)}maintenance`,
    `${fmri('z3').padEnd(51)}disabled`, `${fmri('z4').padEnd(51)}offline`,
  ]);
  const S = (await ok(c, 'svcs', ['-a', '-H', '-o', 'state,fmri', '-S', 'state'])).trimEnd().split('\n')
    .filter((x) => x.includes('svc:/site/')).map((x) => x.split(/\s+/)[0]);
  assert.deepEqual(S, ['maintenance', 'offline', 'online', 'disabled']);
  assert.equal(await ok(c, 'svcs', ['-o', 'sta,nsta', fmri('z1')]), 'STA  NSTA\nON   -\n');
  const v = (await ok(c, 'svcs', ['-v', fmri('z4')])).split('\n');
  assert.equal(v[0], 'STATE          NSTATE        STIME    CTID   FMRI');
  assert.match(v[1]!, /^offline        -             [ \d]\d:\d\d:\d\d      - svc:\/site\/z4:default$/);
  const bad = await c.h.run('svcs', ['-o', 'bogus']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^svcs: Unrecognized column "bogus"\./);
  const none = await c.h.run('svcs', ['no-such-service']);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, "svcs: Pattern 'no-such-service' doesn't match any instances\n");
  const json = JSON.parse(await ok(c, 'svcs', ['--json', fmri('z2')]));
  assert.equal(json[0].state, 'maintenance');
  assert.equal(json[0].auxiliary_state, 'method_failed');
});
