// Primary groups created ahead of the start (CgroupContracts.prepare, perf): the start uses the
// prepared directory (same name, no "~1"), a populated leftover is never taken over, and close()
// removes prepared groups nobody used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CgroupContracts, createProcessAdapters, type ProcessAdapters } from '../../src/adapters/process/index.js';
import { cgroupUnavailable, removeCgroupParent, request, tempRoot, uniqueCgroupParent, waitFor } from '../fixtures/programs/helpers.js';

const skip = cgroupUnavailable();
const parent = uniqueCgroupParent();
let root: { dir: string; cleanup: () => void };
let ad: ProcessAdapters;

before(() => {
  if (skip) return;
  root = tempRoot();
  ad = createProcessAdapters({ contracts: 'cgroup', cgroupParent: parent });
});
after(async () => {
  if (skip) return;
  ad.contracts.close();
  await removeCgroupParent(parent);
  root.cleanup();
});

test('prepare() makes the primary groups ahead; the start runs in them; close() removes unused ones', { skip: skip ?? false }, async () => {
  const cg = ad.contracts as unknown as CgroupContracts;
  const used = 'svc:/test/prepared:default';
  const unused = 'svc:/test/prepared-unused:default';
  cg.prepare([used, unused, used]);
  const dirOf = (f: string) => path.join(cg.parentDir, f.replace(/^svc:\//, '').replace(/\//g, '%2F'));
  await waitFor(() => fs.existsSync(dirOf(used)) && fs.existsSync(dirOf(unused)), 10000, 'prepared groups');
  const log = path.join(root.dir, 'var/svc/log/prep.log');
  const o = await ad.runner.run(request({ fmri: used, exec: 'sleep 30 &', logPath: log }));
  assert.equal(o.exitCode, 0);
  assert.equal(ad.contracts.kind(used), `cgroup v2 ${dirOf(used)}`, 'the prepared directory is the primary group');
  assert.equal(ad.contracts.contractId(used), fs.statSync(dirOf(used)).ino);
  assert.equal(ad.contracts.isEmpty(used), false);
  ad.contracts.kill(used, 9);
  await waitFor(() => ad.contracts.isEmpty(used), 10000, 'killed');
  ad.contracts.abandon(used);
  ad.contracts.close();
  assert.equal(fs.existsSync(dirOf(unused)), false, 'unused prepared group removed at close');
  ad = createProcessAdapters({ contracts: 'cgroup', cgroupParent: parent });
});

test('prepare() never hands a populated leftover to a new start', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/prepared-leftover:default';
  const log = path.join(root.dir, 'var/svc/log/left.log');
  const first = await ad.runner.run(request({ fmri, exec: 'sleep 30 &', logPath: log }));
  assert.equal(first.exitCode, 0);
  const oldDir = ad.contracts.kind(fmri);
  ad.contracts.abandon(fmri); // populated: stays as an abandoned group
  const cg = ad.contracts as unknown as CgroupContracts;
  cg.prepare([fmri]);
  await new Promise((r) => setTimeout(r, 100));
  const second = await ad.runner.run(request({ fmri, exec: 'sleep 30 &', logPath: log }));
  assert.equal(second.exitCode, 0);
  assert.notEqual(ad.contracts.kind(fmri), oldDir, 'a fresh group, not the abandoned one');
  fs.writeFileSync(path.join(oldDir.slice('cgroup v2 '.length), 'cgroup.kill'), '1');
  ad.contracts.kill(fmri, 9);
  await waitFor(() => ad.contracts.isEmpty(fmri), 10000, 'killed');
});
