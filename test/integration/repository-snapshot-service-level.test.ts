// Snapshots sharing their service's current pgs as their service level (schema v4
// `service_live`, copy on write in Store), on real SQLite files: a new instance of a new service
// is imported without a copy of the service's pgs; the first change to any persistent pg of the
// service gives every sharing snapshot its own copy first, so no snapshot ever changes; every
// reader (per-instance views, the restarter's bulk read, the typed bulk read, pg versions) sees
// the same as with a copy; and the schema refuses an in-place change that skipped the copy.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Repository, ROOT_VIEWER, snapshotView, VIEW_EFFECTIVE } from '../../src/repository/index.js';
import { bundle, general, pg, poolImport, prop } from '../fixtures/repository/bundles.js';
import type { ServiceData } from '../../src/core/model.js';
import { must, assertHealthy } from '../helpers/repository.js';

let dir: string;
let repo: Repository;
const I = 'svc:/site/pool-import:default';
const S = 'svc:/site/pool-import';

const val = (fmri: string, pgName: string, p: string, snap: string) =>
  must(repo.getProperty(fmri, pgName, p, { view: snapshotView(snap), viewer: ROOT_VIEWER })).values;
const pgNames = (fmri: string, snap: string) => must(repo.listPgs(fmri, { view: snapshotView(snap), viewer: ROOT_VIEWER })).map((g) => g.name);
/** snapshots sharing their service's pgs, and service-level pgs held by snapshots */
function sharing(): { live: number; copiedServicePgs: number } {
  const live = (repo.db.prepare('SELECT count(*) AS n FROM snapshots WHERE service_live = 1').get() as { n: number }).n;
  const copied = (repo.db.prepare("SELECT count(*) AS n FROM pgs WHERE snapshot_id IS NOT NULL AND level = 'service'").get() as { n: number }).n;
  return { live, copiedServicePgs: copied };
}
const healthy = () => assertHealthy(repo);
/** the restarter's bulk read and the typed bulk read agree with the per-instance effective view */
function readersAgree(): void {
  const all = repo.listInstances();
  const bulk = repo.readInstanceViews(all);
  const deps = repo.effectivePgsOfType('dependency');
  for (const f of all) {
    const effective = must(repo.listPgs(f, { view: VIEW_EFFECTIVE, viewer: ROOT_VIEWER }));
    assert.deepStrictEqual(bulk.get(f)!.effective, effective, `${f}: bulk read`);
    const typed = effective.filter((g) => g.type === 'dependency');
    assert.deepStrictEqual(deps.get(f) ?? [], typed, `${f}: typed read`);
  }
}

function twoInstances(): ServiceData {
  const s = poolImport('tank');
  return { ...s, instances: [{ name: 'default', pgs: [general(true)] }, { name: 'b', pgs: [general(false)] }] };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-repo-svclevel-'));
  repo = Repository.openOrThrow(path.join(dir, 'repository.db'));
});
afterEach(() => {
  repo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a new instance of a new service shares the service pgs: no copy, same views', () => {
  must(repo.importBundle(bundle(poolImport('tank')), { manifestPath: '/m/pool.xml' }));
  assert.deepEqual(sharing(), { live: 1, copiedServicePgs: 0 });
  for (const snap of ['initial', 'last-import', 'running']) {
    assert.deepEqual(pgNames(I, snap), ['general', 'fs-local', 'start', 'stop', 'config', 'manifestfiles'], snap);
    assert.deepEqual(val(I, 'config', 'pool', snap), ['tank']);
  }
  readersAgree();
  healthy();
});

test('changing a service property copies the shared level first: snapshots keep the old value until refresh', () => {
  must(repo.importBundle(bundle(twoInstances())));
  assert.equal(sharing().live, 2);
  // snapshot id : instance-level generation : service-level generation (then the current ones)
  const snapPart = () => repo.pgVersion(I, 'config', snapshotView('running'))!.split(':').slice(0, 3).join(':');
  const version = snapPart();
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['changed']));
  assert.deepEqual(sharing(), { live: 0, copiedServicePgs: 2 * 4 });
  for (const inst of [I, 'svc:/site/pool-import:b']) {
    for (const snap of ['initial', 'last-import', 'running']) assert.deepEqual(val(inst, 'config', 'pool', snap), ['tank'], `${inst} ${snap}`);
  }
  assert.equal(snapPart(), version, 'the snapshot did not change');
  assert.deepEqual(must(repo.getProperty(I, 'config', 'pool', { view: VIEW_EFFECTIVE, viewer: ROOT_VIEWER })).values, ['tank']);
  readersAgree();
  must(repo.refresh(I));
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['changed']);
  assert.deepEqual(val(I, 'config', 'pool', 'initial'), ['tank']);
  assert.deepEqual(val('svc:/site/pool-import:b', 'config', 'pool', 'running'), ['tank'], 'the other instance was not refreshed');
  readersAgree();
  healthy();
});

test('adding and deleting service pgs: running keeps what it had', () => {
  must(repo.importBundle(bundle(poolImport('tank'))));
  must(repo.addPg(S, 'extra', 'application'));
  assert.deepEqual(sharing(), { live: 0, copiedServicePgs: 4 });
  assert.ok(!pgNames(I, 'running').includes('extra'));
  must(repo.deletePg(S, 'config'));
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['tank']);
  readersAgree();
  must(repo.refresh(I));
  assert.ok(pgNames(I, 'running').includes('extra'));
  assert.ok(!pgNames(I, 'running').includes('config'));
  healthy();
});

test('a NONPERSISTENT service pg is never part of a snapshot and does not end the sharing', () => {
  must(repo.importBundle(bundle(poolImport('tank'))));
  must(repo.addPg(S, 'volatile', 'application', 1));
  must(repo.setProperty(S, 'volatile', 'x', 'astring', ['1']));
  assert.deepEqual(sharing(), { live: 1, copiedServicePgs: 0 });
  assert.ok(!pgNames(I, 'running').includes('volatile'));
  readersAgree();
  healthy();
});

test('deleting the snapshot that shares the service level hands the sharing to the next one', () => {
  must(repo.importBundle(bundle(poolImport('tank'))));
  must(repo.deleteSnapshot(I, 'initial')); // initial held the levels; last-import and running shared them
  assert.equal(sharing().live, 1);
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['tank']);
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['changed']));
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['tank']);
  assert.deepEqual(val(I, 'config', 'pool', 'last-import'), ['tank']);
  readersAgree();
  healthy();
});

test('re-import of a changed manifest and revert leave every snapshot as it was taken', () => {
  must(repo.importBundle(bundle(poolImport('tank'))));
  must(repo.importBundle(bundle(poolImport('other', { extra: [prop('mode', 'astring', 'fast')] }))));
  assert.deepEqual(val(I, 'config', 'pool', 'initial'), ['tank']);
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['other']);
  assert.deepEqual(must(repo.getProperty(S, 'config', 'pool')).values, ['other']);
  must(repo.revert(I, 'initial'));
  assert.deepEqual(must(repo.getProperty(S, 'config', 'pool')).values, ['tank']);
  assert.deepEqual(val(I, 'config', 'pool', 'initial'), ['tank']);
  readersAgree();
  healthy();
});

test('the schema refuses an in-place change of a shared service pg (the copy was skipped)', () => {
  must(repo.importBundle(bundle(poolImport('tank'))));
  assert.throws(() => repo.db.prepare(`UPDATE pgs SET generation = generation + 1
    WHERE service_id IS NOT NULL AND name = 'config'`).run(), /shares its service level/);
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['tank']);
  // once copied, the same statement is fine
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['changed']));
  repo.db.prepare(`UPDATE pgs SET generation = generation + 1 WHERE service_id IS NOT NULL AND name = 'config'`).run();
  healthy();
});

test('a service with a pg of another type at instance level composes as before', () => {
  const s = poolImport('tank');
  must(repo.importBundle(bundle({ ...s, instances: [{ name: 'default', pgs: [general(true), pg('config', 'application', prop('pool', 'astring', 'inst'))] }] })));
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['inst']);
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['changed']));
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['inst']);
  readersAgree();
  healthy();
});
