// Snapshot sharing (schema v3 `levels_of`) and set-based import writes, on real SQLite files:
// snapshots with the same content share one copy of the pgs, a shared copy is handed over
// (never lost) when its owner is retaken or deleted, and every view reads the same as if each
// snapshot held its own copy.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Repository, ROOT_VIEWER, snapshotLevelView, snapshotView, VIEW_DIRECT } from '../../src/repository/index.js';
import { bigBundle, bundle, dependent, general, pg, poolImport, prop } from '../fixtures/repository/bundles.js';
import { must, assertHealthy } from '../helpers/repository.js';

let dir: string;
let repo: Repository;
const I = 'svc:/site/pool-import:default';
const S = 'svc:/site/pool-import';

const val = (fmri: string, pgName: string, p: string, snap: string) =>
  must(repo.getProperty(fmri, pgName, p, { view: snapshotView(snap), viewer: ROOT_VIEWER })).values;
/** rows of pgs held by the instance's snapshots, and how many snapshots hold their own copy */
function copies(): { snapshots: number; owners: number } {
  const r = repo.db.prepare(`SELECT count(*) AS n, count(DISTINCT coalesce(levels_of, id)) AS owners FROM snapshots`).get() as { n: number; owners: number };
  return { snapshots: r.n, owners: r.owners };
}
const healthy = () => assertHealthy(repo);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-repo-snap-'));
  repo = Repository.openOrThrow(path.join(dir, 'repository.db'));
});
afterEach(() => {
  repo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a new instance: initial, last-import and running are one copy', () => {
  must(repo.importBundle(bundle(poolImport('tank')), { manifestPath: '/m/pool.xml' }));
  assert.deepEqual(must(repo.listSnapshots(I)).map((s) => s.name), ['initial', 'last-import', 'running']);
  assert.deepEqual(copies(), { snapshots: 3, owners: 1 });
  for (const snap of ['initial', 'last-import', 'running']) {
    assert.deepEqual(val(I, 'config', 'pool', snap), ['tank']);
    assert.deepEqual(val(I, 'general', 'enabled', snap), ['true']);
  }
  healthy();
});

test('retaking a shared snapshot hands its pgs over: the others keep the old content', () => {
  must(repo.importBundle(bundle(poolImport('tank'))));
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['changed']));
  must(repo.refresh(I)); // running retaken; initial owned the shared copy
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['changed']);
  assert.deepEqual(val(I, 'config', 'pool', 'initial'), ['tank']);
  assert.deepEqual(val(I, 'config', 'pool', 'last-import'), ['tank']);
  // start := running shares running's copy (no rows copied)
  const before = (repo.db.prepare('SELECT count(*) AS n FROM pgs').get() as { n: number }).n;
  must(repo.copySnapshot(I, 'running', 'start'));
  assert.equal((repo.db.prepare('SELECT count(*) AS n FROM pgs').get() as { n: number }).n, before);
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['again']));
  must(repo.refresh(I));
  assert.deepEqual(val(I, 'config', 'pool', 'start'), ['changed'], 'start keeps what running was');
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['again']);
  healthy();
});

test('copySnapshot running -> start: a first start shares running in one row; later starts replace start; errors name what is missing', () => {
  must(repo.importBundle(bundle(poolImport('tank'))));
  const pgRows = () => (repo.db.prepare('SELECT count(*) AS n FROM pgs').get() as { n: number }).n;
  const before = pgRows();
  must(repo.copySnapshot(I, 'running', 'start')); // no `start` yet: the one-statement path
  assert.deepEqual(copies(), { snapshots: 4, owners: 1 });
  assert.equal(pgRows(), before);
  assert.deepEqual(val(I, 'config', 'pool', 'start'), ['tank']);
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['changed']));
  must(repo.refresh(I));
  must(repo.copySnapshot(I, 'running', 'start')); // `start` exists: replaced, sharing the new running
  assert.deepEqual(val(I, 'config', 'pool', 'start'), ['changed']);
  assert.deepEqual(val(I, 'config', 'pool', 'initial'), ['tank']);
  assert.deepEqual(must(repo.listSnapshots(I)).map((s) => s.name).sort(), ['initial', 'last-import', 'running', 'start']);
  must(repo.addInstance(`${S}:bare`)); // no running snapshot
  const bare = repo.copySnapshot(`${S}:bare`, 'running', 'start');
  assert.ok(!bare.ok && bare.code === 'not-found' && /No such snapshot "running"/.test(bare.message), JSON.stringify(bare));
  assert.deepEqual(must(repo.listSnapshots(`${S}:bare`)), []);
  const gone = repo.copySnapshot(`${S}:gone`, 'running', 'start');
  assert.ok(!gone.ok && gone.code === 'not-found' && /does not exist/.test(gone.message), JSON.stringify(gone));
  healthy();
});

test('deleting the snapshot that holds a shared copy, and deleting the instance', () => {
  must(repo.importBundle(bundle(poolImport('tank'))));
  must(repo.deleteSnapshot(I, 'initial'));
  assert.deepEqual(must(repo.listSnapshots(I)).map((s) => s.name), ['last-import', 'running']);
  assert.deepEqual(val(I, 'config', 'pool', 'last-import'), ['tank']);
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['tank']);
  assert.deepEqual(copies(), { snapshots: 2, owners: 1 });
  must(repo.copySnapshot(I, 'running', 'last-import')); // copy onto a snapshot sharing the same copy
  assert.deepEqual(val(I, 'config', 'pool', 'last-import'), ['tank']);
  must(repo.deleteEntity(I));
  assert.equal((repo.db.prepare('SELECT count(*) AS n FROM snapshots').get() as { n: number }).n, 0);
  assert.equal((repo.db.prepare('SELECT count(*) AS n FROM pgs WHERE snapshot_id IS NOT NULL').get() as { n: number }).n, 0);
  healthy();
});

test('revert to a shared snapshot, and re-import of an unchanged manifest keeps last-import', () => {
  const b = bundle(poolImport('tank'));
  must(repo.importBundle(b, { manifestPath: '/m/pool.xml' }));
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['admin']));
  must(repo.revert(I, 'initial'));
  assert.deepEqual(must(repo.getProperty(S, 'config', 'pool', { view: VIEW_DIRECT })).values, ['tank']);
  const li = () => repo.db.prepare(`SELECT coalesce(levels_of, id) AS l FROM snapshots WHERE name = 'last-import'`).get();
  const before = li();
  const r = must(repo.importBundle(b, { manifestPath: '/m/pool.xml' }));
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(li(), before, 'an unchanged manifest (manifestfiles aside) does not rewrite last-import');
  healthy();
});

test('instances touched by a dependent get a running snapshot of their own', () => {
  must(repo.importBundle(bundle({ name: 'network/smb/server', pgs: [], instances: [{ name: 'default', pgs: [general(true)] }] })));
  const b = bundle(poolImport(), { name: 'site/fresh', pgs: [pg('cfg', 'application', prop('a', 'count', '1'))], instances: [{ name: 'default', pgs: [general(true)] }] });
  b.dependents = [dependent(S, 'pool-import_smb', 'svc:/network/smb/server', 'require_all', 'restart')];
  must(repo.importBundle(b));
  // the declarer's dependents pg was written after initial: running differs from initial
  assert.deepEqual(val(I, 'dependents', 'pool-import_smb', 'running'), ['svc:/network/smb/server']);
  assert.deepEqual(val('svc:/network/smb/server:default', 'pool-import_smb', 'entities', 'running'), [S]);
  const own = repo.db.prepare(`SELECT s.levels_of FROM snapshots s JOIN instances i ON i.id = s.instance_id JOIN services v ON v.id = i.service_id
    WHERE v.name = ? AND s.name = 'running'`);
  assert.equal((own.get('site/pool-import') as { levels_of: number | null }).levels_of, null);
  assert.notEqual((own.get('site/fresh') as { levels_of: number | null }).levels_of, null, 'an untouched new instance shares initial');
  healthy();
});

test('set-based import of many services reads back exactly, in order', () => {
  const big = bigBundle('t', 300, 12);
  const r = must(repo.importBundle(big));
  assert.equal(r.created.length, 300);
  for (const s of [0, 137, 299]) {
    const fmri = `svc:/bulk/svc${s}:default`;
    for (const view of [VIEW_DIRECT, snapshotView('running')]) {
      const pgs = must(repo.listPgs(`svc:/bulk/svc${s}`, { view: VIEW_DIRECT, viewer: ROOT_VIEWER }));
      assert.deepEqual(pgs.map((g) => g.name), ['config']);
      const cfg = must(repo.getPg(view.kind === 'snapshot' ? fmri : `svc:/bulk/svc${s}`, 'config', { view, viewer: ROOT_VIEWER }));
      assert.deepEqual(cfg.properties.map((p) => p.name), Array.from({ length: 12 }, (_, p) => `p${p}`));
      assert.deepEqual(cfg.properties[5]!.values, [`t-${s}-5-${'x'.repeat(5)}`]);
    }
  }
  // ids assigned at flush never collide with rows written meanwhile: a second import works
  must(repo.importBundle(bigBundle('u', 310, 3)));
  assert.deepEqual(must(repo.getProperty('svc:/bulk/svc305', 'config', 'p2', { view: VIEW_DIRECT })).values, ['u-305-2-xx']);
  healthy();
});

test('one snaplevel of a snapshot, uncomposed (svccfg selectsnap)', () => {
  must(repo.importBundle(bundle(poolImport('tank')), { manifestPath: '/m/pool.xml' }));
  const names = (level: 'instance' | 'service') => must(repo.listPgs(I, { view: snapshotLevelView('running', level), viewer: ROOT_VIEWER })).map((g) => g.name);
  assert.deepEqual(names('instance'), ['general']);
  assert.deepEqual(names('service'), ['fs-local', 'start', 'stop', 'config', 'manifestfiles']);
  assert.deepEqual(must(repo.listPgs(I, { view: snapshotView('running'), viewer: ROOT_VIEWER })).map((g) => g.name),
    ['general', 'fs-local', 'start', 'stop', 'config', 'manifestfiles']);
  assert.equal(repo.getPg(I, 'config', { view: snapshotLevelView('running', 'instance') }).ok, false);
  assert.equal(repo.listPgs(I, { view: snapshotLevelView('nope', 'instance') }).ok, false);
});

test('migration 3 opens a version-2 file with snapshots unchanged (each owns its pgs)', async () => {
  const { MIGRATIONS } = await import('../../src/repository/schema.js');
  repo.close();
  const file = path.join(dir, 'v2.db');
  const v2 = new (repo.db.constructor as new (f: string) => typeof repo.db)(file);
  v2.exec(MIGRATIONS[0]!); v2.exec(MIGRATIONS[1]!);
  v2.exec(`INSERT INTO services VALUES (1, 'site/old'); INSERT INTO instances VALUES (1, 1, 'default');
    INSERT INTO snapshots(id, instance_id, name, taken_at) VALUES (1, 1, 'running', 5), (2, 1, 'initial', 4);
    INSERT INTO pgs(id, snapshot_id, level, seq, name, type) VALUES (1, 1, 'service', 1, 'cfg', 'application'), (2, 2, 'service', 1, 'cfg', 'application');
    INSERT INTO props VALUES (1, 1, 1, 'v', 'astring'), (2, 2, 1, 'v', 'astring');
    INSERT INTO vals VALUES (1, 0, 'now'), (2, 0, 'then');
    PRAGMA user_version = 2;`);
  v2.close();
  repo = Repository.openOrThrow(file);
  assert.equal(repo.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.deepEqual(val('svc:/site/old:default', 'cfg', 'v', 'running'), ['now']);
  assert.deepEqual(val('svc:/site/old:default', 'cfg', 'v', 'initial'), ['then']);
  must(repo.copySnapshot('svc:/site/old:default', 'running', 'start'));
  must(repo.deleteSnapshot('svc:/site/old:default', 'running'));
  assert.deepEqual(val('svc:/site/old:default', 'cfg', 'v', 'start'), ['now']);
  healthy();
});

test('re-import: previous shares running when that is current; running kept only if nothing was written', () => {
  const snapRow = (name: string) => repo.db.prepare(`SELECT id, levels_of AS l, taken_at AS t FROM snapshots WHERE name = ?`).get(name) as { id: number; l: number | null; t: number };
  must(repo.importBundle(bundle(poolImport('tank')), { manifestPath: '/m/pool.xml', now: 100 }));
  must(repo.refresh(I)); // running gets its own copy
  const running = snapRow('running');
  // 1. unchanged manifest, running == current: no copies at all
  must(repo.importBundle(bundle(poolImport('tank')), { manifestPath: '/m/pool.xml', now: 200 }));
  assert.equal(snapRow('running').id, running.id, 'running kept');
  assert.equal(snapRow('running').t, 200, 'its time moves');
  assert.equal(snapRow('previous').l, running.id, 'previous shares running');
  // 2. an admin change not yet refreshed: previous is a copy of the current configuration
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['admin']));
  must(repo.importBundle(bundle(poolImport('tank')), { manifestPath: '/m/pool.xml', now: 300 }));
  assert.equal(snapRow('previous').l, null);
  assert.deepEqual(val(I, 'config', 'pool', 'previous'), ['admin']);
  assert.deepEqual(val(I, 'config', 'pool', 'running'), ['admin'], 'customised value kept and running retaken');
  // 3. a manifest change reaches running
  must(repo.importBundle(bundle(poolImport('tank', { extra: [prop('new', 'count', '7')] })), { manifestPath: '/m/pool.xml', now: 400 }));
  assert.deepEqual(val(I, 'config', 'new', 'running'), ['7']);
  assert.deepEqual(val(I, 'config', 'pool', 'previous'), ['admin']);
  assert.equal(repo.getProperty(I, 'config', 'new', { view: snapshotView('previous') }).ok, false);
  healthy();
});
