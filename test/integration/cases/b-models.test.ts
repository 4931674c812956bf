// cases.md B1-B3: transient / contract service models as svcs shows them (CTID, -p processes).
import assert from 'node:assert/strict';
import { BEHAVIOUR } from './fixtures.js';
import { caseTest, fmri, importSpec, ok, ownLines } from './harness.js';
import { waitFor } from '../../helpers/daemon.js';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

caseTest('B1: a transient service stays online with CTID -, and leaves its children alone', async (c) => {
  await importSpec(c, { name: 'site/t1', model: 'transient', start: c.ws.method('t1', BEHAVIOUR.ok, { count: true }) });
  const pidFile = c.ws.file('run/t2.pid');
  await importSpec(c, { name: 'site/t2', model: 'transient', start: c.ws.method('t2', `sleep 1000 >/dev/null 2>&1 &\necho $! > '${pidFile}'\nexit 0`) });
  await c.h.waitState(fmri('t1'), 'online');
  await c.h.waitState(fmri('t2'), 'online');
  assert.equal(c.ws.starts('t1'), 1);
  const v = ownLines(await ok(c, 'svcs', ['-v', fmri('t1')]));
  assert.match(v[0]!, /^online         -             [ \d]\d:\d\d:\d\d      - svc:\/site\/t1:default$/);
  const child = Number((await import('node:fs')).readFileSync(pidFile, 'utf8'));
  assert.ok(alive(child), 'the background child of the transient start method is alive');
  await ok(c, 'svcadm', ['disable', fmri('t1'), fmri('t2')]);
  await c.h.waitState(fmri('t1'), 'disabled');
  await c.h.waitState(fmri('t2'), 'disabled');
  assert.ok(alive(child), 'disabling a transient service does not kill what its start method left behind');
  process.kill(child, 'SIGKILL');
});

caseTest('B2: a contract daemon killed from outside is restarted (new pid, new contract); svcs -p shows it', async (c) => {
  await importSpec(c, { name: 'site/c1', model: 'contract', start: c.ws.method('c1', 'exec sleep 100000 >/dev/null 2>&1 &\nexit 0', { count: true }) });
  await c.h.waitState(fmri('c1'), 'online');
  const ctid1 = (await ok(c, 'svcprop', ['-p', 'restarter/contract', fmri('c1')])).trim();
  assert.match(ctid1, /^\d+$/);
  const v = ownLines(await ok(c, 'svcs', ['-v', fmri('c1')]))[0]!;
  assert.equal(v.split(/\s+/)[3], ctid1, `CTID column shows restarter/contract:\n${v}`);
  const p = (await ok(c, 'svcs', ['-p', fmri('c1')])).trimEnd().split('\n');
  assert.equal(p.length, 3, p.join('\n'));
  const m = /^ {15}([ \d]\d:\d\d:\d\d) {3}( {0,5}\d+) sleep$/.exec(p[2]!);
  assert.ok(m, `process line format:\n${p[2]}`);
  const pid = Number(m[2]);
  const json = JSON.parse(await ok(c, 'svcs', ['-p', '--json', fmri('c1')]));
  assert.deepEqual(json[0].processes.map((x: { pid: number }) => x.pid), [pid]);
  process.kill(pid, 'SIGKILL');
  await waitFor('c1 to be restarted', () => (c.ws.starts('c1') === 2 ? true : undefined));
  await c.h.waitState(fmri('c1'), 'online');
  await waitFor('the killed process to leave the listing', async () => {
    const pids = (await ok(c, 'svcs', ['-Hp', fmri('c1')])).trimEnd().split('\n').slice(1).map((x) => Number(x.trim().split(/\s+/)[1]));
    return pids.length === 1 && pids[0] !== pid ? true : undefined;
  }, { describe: async () => ok(c, 'svcs', ['-p', fmri('c1')]) });
});

caseTest('B3: contract start that leaves nothing behind: restarting too quickly after 4 starts; clear allows 4 more', async (c) => {
  await importSpec(c, { name: 'site/c2', model: 'contract', start: c.ws.method('c2', BEHAVIOUR.ok, { count: true }) });
  await c.h.waitState(fmri('c2'), 'maintenance');
  assert.equal(c.ws.starts('c2'), 4);
  assert.equal((await ok(c, 'svcprop', ['-p', 'restarter/auxiliary_state', fmri('c2')])).trim(), 'restarting_too_quickly');
  assert.equal((await ok(c, 'svcs', ['-x', fmri('c2')])).split('\n')[2], 'Reason: Restarting too quickly.');
  await ok(c, 'svcadm', ['clear', fmri('c2')]);
  await waitFor('4 more starts', () => (c.ws.starts('c2') === 8 ? true : undefined));
  await c.h.waitState(fmri('c2'), 'maintenance');
  assert.equal(c.ws.starts('c2'), 8);
});
