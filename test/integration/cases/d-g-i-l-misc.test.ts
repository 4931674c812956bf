// cases.md D1/D3 (timeouts), G5 (refresh semantics), I1 (method tokens) and L1 (composition,
// snapshots, re-import), checked through svcs, svcprop and the instance logs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { waitFor } from '../../helpers/daemon.js';
import { BEHAVIOUR } from './fixtures.js';
import { caseTest, fmri, importSpec, ok } from './harness.js';

const logOf = async (c: Parameters<Parameters<typeof caseTest>[1]>[0], name: string) =>
  fs.readFileSync((await ok(c, 'svcs', ['-L', fmri(name)])).trim(), 'utf8');

caseTest('D1/D3: a start timeout kills and retries; timeout 0 and -1 never kill', async (c) => {
  await importSpec(c, { name: 'site/t3', model: 'contract', startTimeout: 1, start: c.ws.method('t3', BEHAVIOUR.sleep(30), { count: true }) });
  await importSpec(c, { name: 'site/t4', model: 'transient', startTimeout: 0, start: c.ws.method('t4', BEHAVIOUR.sleep(3)) });
  await importSpec(c, { name: 'site/t5', model: 'transient', startTimeout: -1, start: c.ws.method('t5', BEHAVIOUR.sleep(3)) });
  await c.h.waitState(fmri('t4'), 'offline', { next: 'online' });
  assert.match((await ok(c, 'svcs', [fmri('t4')])).split('\n')[1]!, /^offline\* /);
  await c.h.waitState(fmri('t4'), 'online');
  await c.h.waitState(fmri('t5'), 'online');
  assert.equal((await ok(c, 'svcprop', ['-p', 'start/timeout_seconds', fmri('t5')])).trim(), '18446744073709551615');
  await c.h.waitState(fmri('t3'), 'maintenance', { timeoutMs: 30000 });
  assert.equal(c.ws.starts('t3'), 3);
  assert.equal((await ok(c, 'svcs', ['-x', fmri('t3')])).split('\n')[2], 'Reason: Start method failed repeatedly, last died on Killed (9).');
  assert.match(await logOf(c, 't3'), /Method or service exit timed out\./);
});

caseTest('G5: refresh runs the refresh method, restarts only restart_on=refresh dependents; a failing refresh ends in maintenance', async (c) => {
  const refreshes = c.ws.file('run/a.refreshes');
  const refresh = c.ws.script('a-refresh', `echo refresh >> '${refreshes}'\nexit 0`);
  await importSpec(c, { name: 'site/a', model: 'contract', refresh, start: c.ws.method('a', BEHAVIOUR.daemon, { count: true }) });
  for (const [n, r] of [['d1', 'refresh'], ['d2', 'restart']] as const) {
    await importSpec(c, { name: `site/${n}`, model: 'contract', start: c.ws.method(n, BEHAVIOUR.daemon, { count: true }),
      deps: [{ grouping: 'require_all', restartOn: r, entities: ['svc:/site/a:default'] }] });
  }
  for (const n of ['a', 'd1', 'd2']) await c.h.waitState(fmri(n), 'online');
  await ok(c, 'svcadm', ['refresh', fmri('a')]);
  await waitFor('d1 restarted', () => (c.ws.starts('d1') === 2 ? true : undefined));
  await c.h.waitState(fmri('d1'), 'online');
  assert.equal(fs.readFileSync(refreshes, 'utf8'), 'refresh\n');
  assert.deepEqual([c.ws.starts('a'), c.ws.starts('d2')], [1, 1]);

  const failing = c.ws.script('a-refresh-bad', `echo refresh >> '${refreshes}'\nexit 1`);
  await ok(c, 'svccfg', ['-s', 'site/a', 'setprop', 'refresh/exec', '=', 'astring:', failing]);
  await ok(c, 'svcadm', ['refresh', fmri('a')]);
  await c.h.waitState(fmri('a'), 'maintenance');
  assert.equal((await ok(c, 'svcprop', ['-p', 'restarter/auxiliary_state', fmri('a')])).trim(), 'fault_threshold_reached');
  assert.equal(fs.readFileSync(refreshes, 'utf8').split('\n').filter(Boolean).length, 4);
  await c.h.waitState(fmri('d1'), 'offline');
  await c.h.waitState(fmri('d2'), 'offline');
  assert.equal((await ok(c, 'svcs', ['-x', fmri('a')])).split('\n')[2], 'Reason: Method failed repeatedly.');
});

caseTest('I1: method tokens are expanded with escaping; a bad token fails without running anything', async (c) => {
  await importSpec(c, { name: 'site/tok', model: 'transient', start: '/bin/echo %s %i %f %m %r %{config/list,} %%', pgs: { config: [['list', 'astring', ['a b', 'c']]] } });
  await importSpec(c, { name: 'site/tok2', model: 'transient', start: '/bin/echo %{config/list}', pgs: { config: [['list', 'astring', ['a b', 'c']]] } });
  await importSpec(c, { name: 'site/badtok', model: 'transient', start: '/bin/echo %{config/nope}' });
  await c.h.waitState(fmri('tok'), 'online');
  await c.h.waitState(fmri('tok2'), 'online');
  assert.match(await logOf(c, 'tok'), /\nsite\/tok default svc:\/site\/tok:default start svc\.startd a b,c %\n/);
  assert.match(await logOf(c, 'tok2'), /\na b c\n/);
  await c.h.waitState(fmri('badtok'), 'maintenance');
  assert.equal((await ok(c, 'svcprop', ['-p', 'restarter/auxiliary_state', fmri('badtok')])).trim(), 'method_failed');
  const log = await logOf(c, 'badtok');
  assert.match(log, /Could not expand method tokens/);
  assert.match(log, /property "config\/nope" not found/);
});


caseTest('L1: composition, snapshots and re-import keep admin customisations', async (c) => {
  const spec = { name: 'site/l1', model: 'transient' as const, start: c.ws.method('l1', BEHAVIOUR.ok), pgs: { config: [['a', 'integer', '1'], ['b', 'integer', '2'], ['pool', 'astring', 'main']] as [string, string, string][] } };
  await importSpec(c, spec);
  await c.h.waitState(fmri('l1'), 'online');
  await ok(c, 'svccfg', ['-s', fmri('l1'), 'addpg', 'config', 'application']);
  await ok(c, 'svccfg', ['-s', fmri('l1'), 'setprop', 'config/a', '=', 'integer:', '10']);
  await ok(c, 'svcadm', ['refresh', fmri('l1')]);
  const composed = await ok(c, 'svcprop', ['-p', 'config', fmri('l1')]);
  assert.match(composed, /^config\/a integer 10$/m);
  assert.match(composed, /^config\/b integer 2$/m);
  assert.equal(await ok(c, 'svcprop', ['-C', '-p', 'config', fmri('l1')]), 'config/a integer 10\n');
  const snaps = (await ok(c, 'svccfg', ['-s', fmri('l1'), 'listsnap'])).split('\n');
  for (const s of ['initial', 'last-import', 'running']) assert.ok(snaps.includes(s), `listsnap shows ${s}:\n${snaps.join('\n')}`);
  assert.ok(snaps.includes('start'), `listsnap shows start once the instance came online:\n${snaps.join('\n')}`);

  await ok(c, 'svccfg', ['-s', 'site/l1', 'setprop', 'config/pool', '=', 'astring:', 'tank']);
  assert.equal((await ok(c, 'svcprop', ['-p', 'config/pool', fmri('l1')])).trim(), 'main', 'running snapshot until refresh');
  await ok(c, 'svcadm', ['refresh', fmri('l1')]);
  assert.equal((await ok(c, 'svcprop', ['-p', 'config/pool', fmri('l1')])).trim(), 'tank');
  const fromStart = await c.h.run('svcprop', ['-s', 'start', '-p', 'config/pool', fmri('l1')]);
  assert.equal(fromStart.stdout.trim(), 'main', `the start snapshot keeps the value until the next start: ${fromStart.stderr}`);

  await ok(c, 'svcadm', ['disable', fmri('l1')]);
  await c.h.waitState(fmri('l1'), 'disabled');
  spec.pgs.config[2] = ['pool', 'astring', 'main2'];
  await importSpec(c, spec);
  assert.equal((await ok(c, 'svcprop', ['-c', '-p', 'config/pool', 'site/l1'])).trim(), 'tank', 'admin customisation kept');
  assert.equal((await ok(c, 'svcprop', ['-c', '-p', 'general/enabled', fmri('l1')])).trim(), 'false', 're-import never re-enables');
  await importSpec(c, { ...spec, overrides: ['config/pool'] });
  assert.equal((await ok(c, 'svcprop', ['-c', '-p', 'config/pool', 'site/l1'])).trim(), 'main2', 'override="true" wins');
});
