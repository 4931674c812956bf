// The process-group fallback (no usable cgroup v2, e.g. non-root): the contract is the method's
// session/process group; emptiness is polled with kill(-pgid, 0).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createProcessAdapters, PgroupContracts, type ProcessAdapters } from '../../src/adapters/process/index.js';
import type { ContractEvent } from '../../src/ports/process.js';
import { alive, prog, readPid, request, tempRoot, waitFor } from '../fixtures/programs/helpers.js';

let root: { dir: string; cleanup: () => void };
let ad: ProcessAdapters;
const events: ContractEvent[] = [];
const stray: number[] = [];

before(() => {
  root = tempRoot();
  ad = createProcessAdapters({ contracts: 'pgroup', pgroupPollMs: 20 });
  ad.contracts.onEvent((e) => events.push(e));
});
after(() => {
  ad.contracts.close();
  for (const pid of stray) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  root.cleanup();
});

const log = () => path.join(root.dir, 'var/svc/log/pg.log');
const file = (n: string) => path.join(root.dir, n);

test('the daemon stays in the method\'s process group; empty event when it exits', async () => {
  const fmri = 'svc:/test/pg:default';
  const h = ad.runner.start(request({ fmri, exec: `${prog('daemon.sh')} ${file('p.pid')}`, logPath: log() }));
  const o = await h.outcome;
  assert.equal(o.exitCode, 0);
  assert.equal(o.contractEmpty, false);
  assert.equal(ad.contracts.mechanism, 'pgroup');
  assert.equal(ad.contracts.contractId(fmri), h.pid, 'contract id = pgid = pid of the start method');
  assert.equal(ad.contracts.kind(fmri), `process group ${h.pid}`);
  const pid = readPid(file('p.pid'));
  stray.push(pid);
  assert.deepEqual(ad.contracts.members(fmri), [pid]);
  process.kill(pid, 'SIGTERM');
  await waitFor(() => events.some((e) => e.fmri === fmri), 10000, 'empty event');
  assert.deepEqual(events.map((e) => [e.fmri, e.kind, e.contractId]), [[fmri, 'empty', h.pid]]);
});

test('plain commands are exec\'d without a shell; shell syntax still works', async () => {
  const o = await ad.runner.run(request({ fmri: 'svc:/test/pgexit:default', exec: `${prog('exit.sh')} 3`, logPath: log() }));
  assert.equal(o.exitCode, 3);
  const s = await ad.runner.run(request({ fmri: 'svc:/test/pgexit:default', exec: `${prog('exit.sh')} 4 && echo never`, logPath: log() }));
  assert.equal(s.exitCode, 4);
  assert.doesNotMatch(fs.readFileSync(log(), 'utf8'), /never/);
  // a bare name is looked up in the method's PATH, not the daemon's; not found = 127 as from sh
  const found = await ad.runner.run(request({ fmri: 'svc:/test/pgexit:default', exec: 'true', env: { PATH: '/usr/bin:/bin' }, logPath: log() }));
  assert.equal(found.exitCode, 0);
  const notFound = await ad.runner.run(request({ fmri: 'svc:/test/pgexit:default', exec: 'true', env: { PATH: '/nonexistent' }, logPath: log() }));
  assert.deepEqual([notFound.exitCode, notFound.spawnError], [127, undefined]);
});

test('timeout SIGKILLs the method process group', async () => {
  const fmri = 'svc:/test/pgtimeout:default';
  const o = await ad.runner.run(request({ fmri, exec: `${prog('stubborn.sh')} ${file('s.pid')}`, timeoutMs: 200, logPath: log() }));
  assert.equal(o.timedOut, true);
  assert.equal(o.signal, 'SIGKILL');
  await waitFor(() => ad.contracts.isEmpty(fmri));
});

test(':kill + waitForEmpty, and adoption of a live process group by a new manager', async () => {
  const fmri = 'svc:/test/pgkill:default';
  const h = ad.runner.start(request({ fmri, exec: `${prog('daemon.sh')} ${file('k.pid')}`, logPath: log() }));
  await h.outcome;
  const pid = readPid(file('k.pid'));
  stray.push(pid);
  const other = new PgroupContracts({ pollMs: 20 });
  try {
    assert.equal(other.adopt(fmri, h.pid!), true);
    assert.deepEqual(other.members(fmri), [pid]);
    assert.equal(other.adopt('svc:/test/dead:default', 999999), false);
  } finally {
    other.close();
  }
  const stop = await ad.runner.run(request({ fmri, method: 'stop', exec: ':kill', waitForEmpty: true, timeoutMs: 5000, logPath: log() }));
  assert.deepEqual([stop.exitCode, stop.timedOut], [0, false]);
  assert.equal(alive(pid), false);
});
