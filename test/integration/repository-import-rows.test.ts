// Import of many new services at once (src/repository/import-rows.ts: rows written through
// fixed multi-row INSERT buffers, ids assigned ahead, foreign keys deferred to COMMIT), mixed
// with services that already exist: the result must equal importing the same services one
// bundle at a time (every view of every entity and snapshot), with every reference intact.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Repository, ROOT_VIEWER, VIEW_DIRECT, snapshotLevelView } from '../../src/repository/index.js';
import { PG_FLAG_NONPERSISTENT, type PropertyGroup, type ServiceData } from '../../src/core/model.js';
import { bundle, general, pg, prop } from '../fixtures/repository/bundles.js';
import { must } from '../helpers/repository.js';

const dirs: string[] = [];
const repos: Repository[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function open(): Repository {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-import-rows-'));
  dirs.push(dir);
  const r = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'), { now: () => 1700000000 });
  repos.push(r);
  return r;
}

/** Service i: enough pgs, properties and values that a bundle of them overflows every buffer. */
function service(i: number, version: string): ServiceData {
  const pgs: PropertyGroup[] = [];
  for (let d = 0; d < 3; d++) {
    pgs.push(pg(`dep${d}`, 'dependency', prop('grouping', 'astring', 'require_all'), prop('restart_on', 'astring', 'none'),
      prop('type', 'astring', 'service'), prop('entities', 'fmri', `svc:/site/s${i}-${d}:default`, `svc:/site/t${d}:default`)));
  }
  pgs.push(pg('start', 'method', prop('exec', 'astring', `/bin/s${i} ${version}`), prop('timeout_seconds', 'count', '60'), prop('type', 'astring', 'method')));
  pgs.push(pg('config', 'application', prop('blob', 'opaque', `0a${(i % 256).toString(16).padStart(2, '0')}ff`), prop('many', 'astring', ...Array.from({ length: 7 }, (_, k) => `v${k}-${version}`)), prop('none', 'astring')));
  pgs.push({ name: 'scratch', type: 'application', flags: PG_FLAG_NONPERSISTENT, properties: [prop('x', 'astring', 'gone')] });
  const instances = [{ name: 'default', pgs: [general(true), pg('inst', 'application', prop('i', 'integer', String(-i)))] }];
  if (i % 5 === 0) instances.push({ name: 'second', pgs: [general(false)] });
  return { name: `site/s${i}`, pgs, instances };
}

/** Everything a client can see of an entity: its pgs directly, and both levels of each snapshot. */
function view(repo: Repository): unknown {
  const out: Record<string, unknown> = {};
  for (const s of repo.listServices()) out[`svc:/${s}`] = must(repo.listPgs(`svc:/${s}`, { view: VIEW_DIRECT, viewer: ROOT_VIEWER }));
  for (const i of repo.listInstances()) {
    out[i] = must(repo.listPgs(i, { view: VIEW_DIRECT, viewer: ROOT_VIEWER }));
    for (const snap of must(repo.listSnapshots(i))) {
      for (const level of ['instance', 'service'] as const) {
        out[`${i}@${snap.name}/${level}`] = must(repo.listPgs(i, { view: snapshotLevelView(snap.name, level), viewer: ROOT_VIEWER }));
      }
    }
  }
  return out;
}

test('import rows: new services mixed with existing ones equal one-by-one imports, references intact', () => {
  const N = 240;
  const existing = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === 1);
  const all = Array.from({ length: N }, (_, i) => service(i, i % 3 === 1 ? 'v2' : 'v1'));

  const big = open();
  must(big.importBundle(bundle(...existing.map((i) => service(i, 'v1')))));
  const rep = must(big.importBundle(bundle(...all), { manifestPath: '/m/all.xml' }));
  assert.equal(rep.created.length, all.reduce((n, s) => n + s.instances.length, 0) - existing.reduce((n, i) => n + all[i]!.instances.length, 0));
  assert.deepEqual(big.db.prepare('PRAGMA foreign_key_check').all(), []);
  assert.equal(big.db.pragma('integrity_check', { simple: true }), 'ok');
  assert.equal((big.db.prepare("SELECT count(*) AS n FROM pgs WHERE name = 'scratch'").get() as { n: number }).n, 0, 'NONPERSISTENT pgs are not written');

  // what a new service delivered is there as delivered, in its current pgs and its snapshots
  const plain = (pgs: readonly PropertyGroup[]) => pgs.filter((g) => g.name !== 'manifestfiles' && !(g.flags & PG_FLAG_NONPERSISTENT))
    .map((g) => ({ name: g.name, type: g.type, flags: g.flags, properties: g.properties.map((p) => ({ name: p.name, type: p.type, values: [...p.values] })) }));
  for (const [i, s] of all.entries()) {
    if (existing.includes(i)) continue;
    assert.deepEqual(plain(must(big.listPgs(`svc:/${s.name}`, { view: VIEW_DIRECT, viewer: ROOT_VIEWER }))), plain(s.pgs), s.name);
    for (const inst of s.instances) {
      const fmri = `svc:/${s.name}:${inst.name}`;
      assert.deepEqual(plain(must(big.listPgs(fmri, { view: VIEW_DIRECT, viewer: ROOT_VIEWER }))), plain(inst.pgs), fmri);
      for (const snap of ['initial', 'last-import', 'running']) {
        assert.deepEqual(plain(must(big.listPgs(fmri, { view: snapshotLevelView(snap, 'instance'), viewer: ROOT_VIEWER }))), plain(inst.pgs), `${fmri}@${snap}`);
        assert.deepEqual(plain(must(big.listPgs(fmri, { view: snapshotLevelView(snap, 'service'), viewer: ROOT_VIEWER }))), plain(s.pgs), `${fmri}@${snap}`);
      }
    }
  }

  const small = open();
  must(small.importBundle(bundle(...existing.map((i) => service(i, 'v1')))));
  for (const s of all) must(small.importBundle(bundle(s), { manifestPath: '/m/all.xml' }));
  assert.deepEqual(view(big), view(small));

  // a second import into the same file starts from the ids written by the first one
  const more = Array.from({ length: 60 }, (_, i) => service(N + i, 'v1'));
  must(big.importBundle(bundle(...more)));
  for (const s of more) must(small.importBundle(bundle(s)));
  assert.deepEqual(big.db.prepare('PRAGMA foreign_key_check').all(), []);
  assert.deepEqual(view(big), view(small));
});
