// Repository against real SQLite files in a temporary root: schema, views, snapshots, import
// semantics, dependents, NONPERSISTENT data, authorization, value fidelity.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Repository, SCHEMA_VERSION, VIEW_COMPOSED, VIEW_DIRECT, VIEW_EFFECTIVE, ROOT_VIEWER, snapshotView,
} from '../../src/repository/index.js';
import { bundle, dependent, general, pg, poolImport, prop } from '../fixtures/repository/bundles.js';
import { PG_FLAG_NONPERSISTENT, type PropertyType } from '../../src/core/model.js';
import { must } from '../helpers/repository.js';

let dir: string;
let repo: Repository;
const I = 'svc:/site/pool-import:default';
const S = 'svc:/site/pool-import';

const val = (fmri: string, pgName: string, p: string, view = VIEW_EFFECTIVE) => must(repo.getProperty(fmri, pgName, p, { view, viewer: ROOT_VIEWER })).values;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-repo-'));
  repo = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'));
});
afterEach(() => {
  repo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('schema: migrated, WAL, foreign keys, synchronous FULL, integrity ok', () => {
  assert.equal(repo.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(repo.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(repo.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(repo.db.pragma('synchronous', { simple: true }), 2);
  assert.equal(repo.db.pragma('integrity_check', { simple: true }), 'ok');
  // reopen: migrations are idempotent
  repo.close();
  repo = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'));
  assert.equal(repo.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
});

test('read-only open of a missing file is an error value, not an exception', () => {
  const r = Repository.open(path.join(dir, 'nope.db'), { readonly: true });
  assert.equal(r.ok, false);
});

test('import of a new instance takes initial, last-import and running; notifies it', () => {
  const rep = must(repo.importBundle(bundle(poolImport()), { manifestPath: '/var/svc/manifest/site/pool-import.xml' }));
  assert.deepEqual(rep.created, [I]);
  assert.deepEqual(rep.notify, [I]);
  assert.deepEqual(must(repo.listSnapshots(I)).map((s) => s.name), ['initial', 'last-import', 'running']);
  assert.deepEqual(val(I, 'start', 'exec'), ['/lib/svc/method/pool-import start']);
  assert.deepEqual(val(S, 'manifestfiles', 'var_svc_manifest_site_pool-import_xml', VIEW_DIRECT), ['/var/svc/manifest/site/pool-import.xml']);
  assert.deepEqual(repo.listInstances(), [I]);
});

test('composition and views (cases L1): effective = running snapshot, -c current, -C direct', () => {
  const svc = poolImport();
  svc.pgs.push(pg('cfg', 'application', prop('a', 'integer', '1'), prop('b', 'integer', '2')));
  svc.instances[0]!.pgs.push(pg('cfg', 'application', prop('a', 'integer', '10')));
  must(repo.importBundle(bundle(svc)));
  const eff = must(repo.getPg(I, 'cfg', { view: VIEW_EFFECTIVE }));
  assert.deepEqual(eff.properties.map((p) => `${p.name}=${p.values}`), ['a=10', 'b=2']);
  const direct = must(repo.getPg(I, 'cfg', { view: VIEW_DIRECT }));
  assert.deepEqual(direct.properties.map((p) => `${p.name}=${p.values}`), ['a=10']);

  // an edit is visible in the current view at once, in the effective view only after refresh
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['other']));
  assert.deepEqual(val(I, 'config', 'pool'), ['main']);
  assert.deepEqual(val(I, 'config', 'pool', VIEW_COMPOSED), ['other']);
  must(repo.copySnapshot(I, 'running', 'start'));
  assert.deepEqual(must(repo.refresh(I)), [I]);
  assert.deepEqual(val(I, 'config', 'pool'), ['other']);
  assert.deepEqual(val(I, 'config', 'pool', snapshotView('start')), ['main']);
  const noSnap = repo.getPg(I, 'config', { view: snapshotView('nope') });
  assert.equal(noSnap.ok || noSnap.code, 'not-found');
  // services have no snapshots; their effective view is direct
  assert.equal(repo.getPg(S, 'config', { view: snapshotView('running') }).ok, false);
  assert.deepEqual(val(S, 'config', 'pool'), ['other']);
});

test('effective view falls back to current composed without a running snapshot', () => {
  must(repo.addService('svc:/site/plain'));
  must(repo.addInstance('svc:/site/plain:default'));
  must(repo.addPg('svc:/site/plain', 'config', 'application'));
  must(repo.setProperty('svc:/site/plain', 'config', 'x', 'astring', ['1']));
  assert.deepEqual(val('svc:/site/plain:default', 'config', 'x'), ['1']);
});

test('re-import: unchanged values upgraded, admin changes kept, override forces, enabled never reset', () => {
  must(repo.importBundle(bundle(poolImport('main', { extra: [prop('other', 'astring', 'o1')] }))));
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['tank']));
  must(repo.setEnabled(I, false));
  const r1 = must(repo.importBundle(bundle(poolImport('main2', { extra: [prop('other', 'astring', 'o2')] }))));
  assert.deepEqual(val(S, 'config', 'pool', VIEW_DIRECT), ['tank']);
  assert.deepEqual(val(S, 'config', 'other', VIEW_DIRECT), ['o2']);
  assert.ok(r1.warnings.some((w) => w.includes('config/pool')), r1.warnings.join('\n'));
  assert.deepEqual(val(I, 'general', 'enabled', VIEW_DIRECT), ['false']);
  assert.ok(must(repo.listSnapshots(I)).some((s) => s.name === 'previous'));
  // the `previous` snapshot holds the config before the upgrade
  assert.deepEqual(val(I, 'config', 'other', snapshotView('previous')), ['o1']);

  const b = bundle(poolImport('main3'));
  b.overrides = [{ entity: S, pg: 'config', prop: 'pool' }];
  must(repo.importBundle(b));
  assert.deepEqual(val(S, 'config', 'pool', VIEW_DIRECT), ['main3']);
  // `other` dropped from the manifest and unchanged by the admin: removed
  assert.equal(repo.getProperty(S, 'config', 'other').ok, false);
  // import refreshed: running sees the upgrade
  assert.deepEqual(val(I, 'config', 'pool'), ['main3']);
  assert.deepEqual(val(I, 'general', 'enabled', VIEW_DIRECT), ['false']);
});

test('import over a service without any last-import: kept as a baseline when an instance has general/enabled, imported over otherwise', () => {
  // restored (svccfg restore: no last-import) with the administrator's values
  const restored = poolImport('tank', { enabled: false });
  must(repo.importBundle(bundle(restored), { noLastImport: true }));
  const withSecond = poolImport('main');
  withSecond.instances.push({ name: 'second', pgs: [general(true)] });
  const b = bundle(withSecond);
  b.dependents = [dependent(S, 'pool-import_smb', 'svc:/network/smb/server:default', 'require_all', 'restart')];
  const r = must(repo.importBundle(b));
  assert.deepEqual(val(S, 'config', 'pool', VIEW_DIRECT), ['tank']);
  assert.deepEqual(val(I, 'general', 'enabled', VIEW_DIRECT), ['false']);
  assert.ok(r.warnings.some((w) => w.startsWith(`${S}: no instance has a "last-import" snapshot`)), r.warnings.join('\n'));
  // the existing instance is not refreshed; the new one is created and started as usual
  assert.deepEqual(r.notify, [`${S}:second`]);
  assert.deepEqual(r.created, [`${S}:second`]);
  assert.deepEqual(val(`${S}:second`, 'general', 'enabled', VIEW_DIRECT), ['true']);
  // the declarer's <dependent> is not injected either (kept as it is, like its own pgs)
  assert.equal(repo.getPg('svc:/network/smb/server:default', 'pool-import_smb').ok, false);
  // the manifest became the baseline: its service level is what a later import upgrades from
  assert.deepEqual(val(I, 'config', 'pool', snapshotView('last-import')), ['main']);
  const r2 = must(repo.importBundle(bundle(poolImport('main2'))));
  assert.deepEqual(val(S, 'config', 'pool', VIEW_DIRECT), ['tank'], 'customised against the baseline: kept');
  assert.ok(r2.warnings.some((w) => w.includes('config/pool')), r2.warnings.join('\n'));
  assert.ok(!r2.warnings.some((w) => w.includes('last-import')), r2.warnings.join('\n'));
  // a customised pg the manifest deletes (delete="true") is deleted, without a "kept" warning
  must(repo.setProperty(S, 'config', 'extra', 'astring', ['mine']));
  const del = bundle(poolImport('main2'));
  del.services[0]!.pgs = del.services[0]!.pgs.filter((pg) => pg.name !== 'config');
  del.deletes = [{ entity: S, pg: 'config' }];
  const rd = must(repo.importBundle(del));
  assert.equal(repo.getPg(S, 'config').ok, false);
  assert.ok(!rd.warnings.some((w) => w.includes('"config" is no longer in the manifest')), rd.warnings.join('\n'));
  must(repo.importBundle(bundle(poolImport('main2'))));
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['tank']));
  // the same manifest again: it did not change config/pool since last-import, so no conflict to report
  const r2b = must(repo.importBundle(bundle(poolImport('main2'))));
  assert.deepEqual(val(S, 'config', 'pool', VIEW_DIRECT), ['tank']);
  assert.ok(!r2b.warnings.some((w) => w.includes('config/pool')), r2b.warnings.join('\n'));

  // created by hand without general/enabled (as svccfg add does): the manifest is imported over it
  must(repo.addService('svc:/site/hand'));
  must(repo.addInstance('svc:/site/hand:default'));
  must(repo.addPg('svc:/site/hand', 'config', 'application'));
  must(repo.setProperty('svc:/site/hand', 'config', 'pool', 'astring', ['old']));
  const hand = { ...poolImport('new'), name: 'site/hand' };
  const r3 = must(repo.importBundle(bundle(hand)));
  assert.deepEqual(val('svc:/site/hand', 'config', 'pool', VIEW_DIRECT), ['new']);
  assert.deepEqual(val('svc:/site/hand:default', 'general', 'enabled', VIEW_DIRECT), ['true']);
  assert.deepEqual(r3.notify, ['svc:/site/hand:default']);
});

test('a <dependent> dropped from the manifest leaves its target at the next import (unless the pg is no longer ours)', () => {
  const smb = { name: 'network/smb/server', pgs: [], instances: [{ name: 'default', pgs: [general(true)] }] };
  must(repo.importBundle(bundle(smb)));
  // as lower.ts delivers a <dependent>: the entry in the declarer's `dependents` pg and the injection
  const declaring = poolImport();
  declaring.pgs = [...declaring.pgs, { name: 'dependents', type: 'framework', flags: 0, properties: [{ name: 'pool-import_smb', type: 'fmri', values: ['svc:/network/smb/server:default'] }] }];
  const b = bundle(declaring);
  b.dependents = [dependent(S, 'pool-import_smb', 'svc:/network/smb/server:default', 'require_all', 'restart')];
  must(repo.importBundle(b));
  assert.ok(repo.getPg('svc:/network/smb/server:default', 'pool-import_smb').ok);
  const r = must(repo.importBundle(bundle(poolImport())));
  assert.equal(repo.getPg('svc:/network/smb/server:default', 'pool-import_smb').ok, false);
  assert.ok(r.notify.includes('svc:/network/smb/server:default'), r.notify.join(' '));
  // the running snapshot of the target no longer has it either (refreshed)
  assert.equal(repo.getPg('svc:/network/smb/server:default', 'pool-import_smb', { view: VIEW_EFFECTIVE, viewer: ROOT_VIEWER }).ok, false);
});

test('re-import sets general/enabled on an existing instance that has none (created as a dependent target)', () => {
  const smb = { name: 'network/smb/server', pgs: [], instances: [{ name: 'default', pgs: [general(true)] }] };
  const b = bundle(poolImport());
  b.dependents = [dependent(S, 'pool-import_smb', 'svc:/network/smb/server:default', 'require_all', 'restart')];
  must(repo.importBundle(b));
  assert.equal(repo.getPg('svc:/network/smb/server:default', 'general').ok, false);
  must(repo.importBundle(bundle(smb)));
  assert.deepEqual(val('svc:/network/smb/server:default', 'general', 'enabled', VIEW_DIRECT), ['true']);
  // the injected pg survives the target's own import
  assert.deepEqual(val('svc:/network/smb/server:default', 'pool-import_smb', 'external'), ['true']);
});

test('<dependent> injection (cases A2): pg on the target service, dependents pg, refresh, conflict, delete', () => {
  must(repo.importBundle(bundle({ name: 'network/smb/server', pgs: [], instances: [{ name: 'default', pgs: [general(true)] }] })));
  const b = bundle(poolImport());
  b.dependents = [
    dependent(S, 'pool-import_smb', 'svc:/network/smb/server', 'require_all', 'restart'),
    dependent(S, 'pool-import_zones', 'svc:/system/zones', 'require_all', 'restart'),
  ];
  const rep = must(repo.importBundle(b));
  assert.deepEqual(rep.notify.sort(), [I, 'svc:/network/smb/server:default'].sort());
  const smb = 'svc:/network/smb/server:default';
  assert.deepEqual(val(smb, 'pool-import_smb', 'entities'), [S]);
  assert.deepEqual(val(smb, 'pool-import_smb', 'grouping'), ['require_all']);
  assert.deepEqual(val(smb, 'pool-import_smb', 'type'), ['service']);
  assert.equal(repo.getPg(smb, 'pool-import_smb', { view: VIEW_DIRECT }).ok, false, 'the pg lives on the service');
  assert.equal(repo.entityKind('svc:/system/zones'), 'service', 'target created');
  assert.deepEqual(must(repo.getPg(I, 'dependents', { view: VIEW_EFFECTIVE })).properties.map((p) => `${p.name} ${p.type} ${p.values}`),
    ['pool-import_smb fmri svc:/network/smb/server', 'pool-import_zones fmri svc:/system/zones']);
  // re-import by the same declarer is fine
  must(repo.importBundle(b));
  // another declarer: conflict, whole import rolled back
  const other = bundle({ name: 'site/other', pgs: [], instances: [] });
  other.dependents = [dependent('svc:/site/other', 'pool-import_smb', 'svc:/network/smb/server', 'require_all', 'none')];
  const c = repo.importBundle(other);
  assert.equal(c.ok ? 'ok' : c.code, 'conflict');
  assert.equal(repo.entityKind('svc:/site/other'), undefined, 'rolled back');
  // deleting the declarer removes what it injected
  const del = must(repo.deleteEntity(S));
  assert.equal(del.removedDependencies.length, 2);
  assert.equal(repo.getPg('svc:/network/smb/server', 'pool-import_smb').ok, false);
});

test('NONPERSISTENT pgs: live in the effective view, never snapshotted, discarded at reboot', () => {
  must(repo.importBundle(bundle(poolImport())));
  must(repo.writeRestarterState(I, { state: 'online', next_state: 'none', state_timestamp: '1700000000.5', contract: 42 }));
  must(repo.setEnabled(I, false, { temporary: true }));
  must(repo.requestAction(I, 'restart', { value: 123 }));
  assert.deepEqual(val(I, 'restarter', 'state'), ['online']);
  assert.deepEqual(val(I, 'general_ovr', 'enabled'), ['false']);
  must(repo.refresh(I));
  must(repo.takeSnapshot(I, 'start'));
  assert.equal(repo.getPg(I, 'restarter', { view: snapshotView('start') }).ok, false);
  assert.deepEqual(val(I, 'restarter', 'contract'), ['42']);
  assert.equal(must(repo.clearAction(I, 'restart')), true);
  must(repo.requestAction(I, 'maint_on', { value: 7, tty: false, auxiliaryFmri: 'svc:/site/x:default' }));
  assert.deepEqual(must(repo.takeActions(I)), { maint_on: ['7'], auxiliary_tty: ['false'], auxiliary_fmri: ['svc:/site/x:default'] });
  assert.deepEqual(must(repo.takeActions(I)), {}, 'taken actions are gone');
  assert.equal(repo.noteBoot('boot-1').rebooted, false);
  assert.equal(repo.noteBoot('boot-1').rebooted, false);
  assert.deepEqual(val(I, 'restarter', 'state'), ['online'], 'same boot: kept');
  assert.equal(repo.noteBoot('boot-2').rebooted, true);
  assert.equal(repo.getPg(I, 'restarter', { view: VIEW_EFFECTIVE }).ok, false);
  assert.equal(repo.getPg(I, 'general_ovr').ok, false);
  assert.deepEqual(val(I, 'general', 'enabled'), ['true'], 'persistent data kept');
  assert.equal(repo.bootId(), 'boot-2');
});

test('restarter state: batch writes, null deletes, bad values rejected atomically', () => {
  must(repo.importBundle(bundle(poolImport())));
  const batch = Array.from({ length: 500 }, (_, i) => ({ fmri: I, state: { state: i % 2 ? 'online' : 'offline', start_pid: i } }));
  must(repo.writeRestarterStates(batch));
  assert.deepEqual(val(I, 'restarter', 'start_pid'), ['499']);
  must(repo.writeRestarterState(I, { start_pid: null }));
  assert.equal(repo.getProperty(I, 'restarter', 'start_pid', { view: VIEW_EFFECTIVE }).ok, false);
  const bad = repo.writeRestarterStates([{ fmri: I, state: { state: 'maintenance' } }, { fmri: I, state: { state_timestamp: 'yesterday' } }]);
  assert.equal(bad.ok ? 'ok' : bad.code, 'invalid');
  assert.deepEqual(val(I, 'restarter', 'state'), ['online'], 'first write of the failed batch rolled back');
  assert.equal(repo.db.pragma('synchronous', { simple: true }), 2, 'FULL restored after the batch');
});

test('restarter state: later writes through kept ids, which every change of the pg invalidates', () => {
  must(repo.importBundle(bundle(poolImport())));
  const gen = () => must(repo.getPg(I, 'restarter', { view: VIEW_EFFECTIVE })).generation;
  must(repo.writeRestarterState(I, { state: 'offline', next_state: 'none', state_timestamp: '1700000000.1' }));
  const g0 = gen();
  // fast path: replace, append, remove; one bump per write
  must(repo.writeRestarterState(I, { next_state: 'online', start_pid: 7 }));
  must(repo.writeRestarterState(I, { state: 'online', next_state: 'none', contract: 42, start_pid: null }));
  assert.equal(gen(), g0 + 2);
  assert.deepEqual(must(repo.getPg(I, 'restarter', { view: VIEW_EFFECTIVE })).properties.map((p) => [p.name, p.values]),
    [['state', ['online']], ['next_state', ['none']], ['state_timestamp', ['1700000000.100000000']], ['contract', ['42']]]);
  assert.deepEqual(must(repo.writeRestarterStates([])), undefined);

  // another connection rewrites the pg (same generation count as a kept write would expect next)
  const other = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'));
  must(other.deletePg(I, 'restarter'));
  must(other.addPg(I, 'restarter', 'framework', PG_FLAG_NONPERSISTENT));
  must(other.setProperty(I, 'restarter', 'state', 'astring', ['maintenance', 'extra']));
  other.close();
  must(repo.writeRestarterState(I, { state: 'degraded', contract: 43 }));
  assert.deepEqual(val(I, 'restarter', 'state'), ['degraded'], 'a two-valued property is replaced whole');
  assert.deepEqual(val(I, 'restarter', 'contract'), ['43']);
  // a restarter property of another type (an administrator's) is replaced or removed by the full path
  must(repo.setProperty(I, 'restarter', 'start_pid', 'astring', ['x', 'y']));
  must(repo.writeRestarterState(I, { start_pid: null }));
  assert.equal(repo.getProperty(I, 'restarter', 'start_pid', { view: VIEW_EFFECTIVE }).ok, false);

  // this connection deletes the pg: the kept ids no longer hold
  must(repo.deletePg(I, 'restarter'));
  must(repo.writeRestarterState(I, { state: 'online' }));
  assert.deepEqual(must(repo.getPg(I, 'restarter', { view: VIEW_EFFECTIVE })).properties.map((p) => p.name), ['state']);

  // a batch that fails after kept-id writes is rolled back whole, and the next write still lands
  const bad = repo.writeRestarterStates([{ fmri: I, state: { state: 'maintenance', start_pid: 9 } }, { fmri: 'svc:/site/none:default', state: { state: 'online' } }]);
  assert.equal(bad.ok, false);
  assert.deepEqual(val(I, 'restarter', 'state'), ['online']);
  assert.equal(repo.getProperty(I, 'restarter', 'start_pid', { view: VIEW_EFFECTIVE }).ok, false);
  // one bump by someone else brings the generation where the undone write had left it
  const third = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'));
  must(third.setProperty(I, 'restarter', 'logfile', 'astring', ['/x']));
  third.close();
  must(repo.writeRestarterState(I, { state: 'offline', start_pid: 10 }));
  assert.deepEqual(val(I, 'restarter', 'logfile'), ['/x']);
  assert.deepEqual(val(I, 'restarter', 'state'), ['offline']);
  assert.deepEqual(val(I, 'restarter', 'start_pid'), ['10']);
  // a bad value through the kept ids is reported like the first time
  const badValue = repo.writeRestarterState(I, { state_timestamp: 'yesterday' });
  assert.equal(badValue.ok ? 'ok' : badValue.code, 'invalid');
  // removing what the kept ids say is absent: nothing to do while the pg is as they saw it (no
  // bump), and a removal all the same when another connection added it meanwhile
  must(repo.writeRestarterState(I, { contract: null, transient_contract: null }));
  const g1 = gen();
  must(repo.writeRestarterState(I, { transient_contract: null }));
  assert.equal(gen(), g1, 'removing nothing changes nothing');
  const absent = () => repo.getProperty(I, 'restarter', 'transient_contract', { view: VIEW_EFFECTIVE }).ok === false;
  for (const upd of [{ transient_contract: null }, { state: 'online', transient_contract: null }] as const) {
    const fourth = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'));
    must(fourth.setProperty(I, 'restarter', 'transient_contract', 'count', ['5']));
    fourth.close();
    must(repo.writeRestarterState(I, upd));
    assert.ok(absent(), `${JSON.stringify(upd)}: the property another connection added is removed`);
  }
  assert.deepEqual(val(I, 'restarter', 'state'), ['online']);
  assert.equal(repo.db.pragma('integrity_check', { simple: true }), 'ok');
});

test('enable/disable: persistent drops the temporary override', () => {
  must(repo.importBundle(bundle(poolImport())));
  must(repo.setEnabled(I, false, { temporary: true }));
  must(repo.setEnabled(I, true));
  assert.equal(repo.getProperty(I, 'general_ovr', 'enabled').ok, false);
  assert.deepEqual(val(I, 'general', 'enabled', VIEW_COMPOSED), ['true']);
  assert.equal(repo.setEnabled(S, true).ok, false, 'services cannot be enabled');
});

test('property writes: typed, type mismatch, add/del values by glob, order preserved, bad values', () => {
  must(repo.addService('svc:/site/t'));
  must(repo.addPg('svc:/site/t', 'cfg', 'application'));
  for (const n of ['zeta', 'alpha', 'mid']) must(repo.setProperty('svc:/site/t', 'cfg', n, 'astring', [n]));
  must(repo.setProperty('svc:/site/t', 'cfg', 'alpha', 'astring', ['a2']));
  assert.deepEqual(must(repo.getPg('svc:/site/t', 'cfg')).properties.map((p) => p.name), ['zeta', 'alpha', 'mid']);
  const mm = repo.setProperty('svc:/site/t', 'cfg', 'zeta', 'count', ['1']);
  assert.equal(mm.ok ? 'ok' : mm.code, 'type-mismatch');
  const noType = repo.setProperty('svc:/site/t', 'cfg', 'new', undefined, ['1']);
  assert.equal(noType.ok, false);
  const bad = repo.setProperty('svc:/site/t', 'cfg', 'n', 'count', ['12abc']);
  assert.equal(bad.ok ? 'ok' : bad.code, 'invalid');
  assert.ok(!bad.ok && bad.message.includes('cfg/n'), 'the message names the property');
  // values are stored in canonical form (libscf scf_value_set_from_string)
  must(repo.setProperty('svc:/site/t', 'cfg', 'c', 'count', ['0x10']));
  must(repo.setProperty('svc:/site/t', 'cfg', 'w', 'count', ['-1']));
  must(repo.setProperty('svc:/site/t', 'cfg', 'b', 'boolean', ['t']));
  must(repo.setProperty('svc:/site/t', 'cfg', 'o', 'opaque', ['DEADbeef']));
  assert.deepEqual(['c', 'w', 'b', 'o'].map((n) => val('svc:/site/t', 'cfg', n, VIEW_DIRECT)[0]), ['16', '18446744073709551615', 'true', 'deadbeef']);
  assert.equal(repo.setProperty('svc:/site/t', 'nopg', 'n', 'count', ['1']).ok, false);
  for (const v of ['b1', 'a1', 'b2', 'c']) must(repo.addPropertyValue('svc:/site/t', 'cfg', 'list', 'astring', v));
  assert.equal(must(repo.deletePropertyValues('svc:/site/t', 'cfg', 'list', 'b*')), 2);
  assert.deepEqual(val('svc:/site/t', 'cfg', 'list', VIEW_DIRECT), ['a1', 'c']);
  must(repo.setProperty('svc:/site/t', 'cfg', 'empty', 'astring', []));
  assert.deepEqual(val('svc:/site/t', 'cfg', 'empty', VIEW_DIRECT), []);
  assert.equal(repo.addPg('svc:/site/t', 'cfg', 'application').ok, false);
  assert.equal(repo.addPg('svc:/site/t', '9bad', 'application').ok, false);
  must(repo.deleteProperty('svc:/site/t', 'cfg', 'mid'));
  must(repo.deletePg('svc:/site/t', 'cfg'));
  assert.deepEqual(must(repo.listPgs('svc:/site/t')), []);
});

test('generation bumps on every write of a pg; pgVersion changes', () => {
  must(repo.addService('svc:/site/g'));
  must(repo.addPg('svc:/site/g', 'cfg', 'application'));
  const g0 = must(repo.getPg('svc:/site/g', 'cfg')).generation;
  const v0 = repo.pgVersion('svc:/site/g', 'cfg');
  must(repo.setProperty('svc:/site/g', 'cfg', 'a', 'astring', ['1']));
  assert.equal(must(repo.getPg('svc:/site/g', 'cfg')).generation, g0 + 1);
  assert.notEqual(repo.pgVersion('svc:/site/g', 'cfg'), v0);
});

test('pgVersion per view: composed follows the service level, effective follows refresh', () => {
  must(repo.importBundle(bundle(poolImport())));
  const c0 = repo.pgVersion(I, 'config', VIEW_COMPOSED);
  const e0 = repo.pgVersion(I, 'config', VIEW_EFFECTIVE);
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['z']));
  assert.notEqual(repo.pgVersion(I, 'config', VIEW_COMPOSED), c0);
  const e1 = repo.pgVersion(I, 'config', VIEW_EFFECTIVE);
  must(repo.refresh(I));
  assert.notEqual(repo.pgVersion(I, 'config', VIEW_EFFECTIVE), e1);
  assert.equal(repo.pgVersion('svc:/site/none', 'config'), undefined);
  void e0;
});

test('revert copies a snapshot back and takes previous first', () => {
  must(repo.importBundle(bundle(poolImport())));
  must(repo.setProperty(S, 'config', 'pool', 'astring', ['edited']));
  must(repo.revert(I, 'initial'));
  assert.deepEqual(val(S, 'config', 'pool', VIEW_DIRECT), ['main']);
  assert.deepEqual(val(I, 'config', 'pool', snapshotView('previous')), ['edited']);
  must(repo.revert(I, 'previous'));
  assert.deepEqual(val(S, 'config', 'pool', VIEW_DIRECT), ['edited']);
});

test('applyProfile sets values on existing entities only and refreshes', () => {
  must(repo.importBundle(bundle(poolImport())));
  const rep = must(repo.applyProfile(bundle(
    { name: 'site/pool-import', pgs: [], instances: [{ name: 'default', pgs: [general(false)] }] },
    { name: 'site/absent', pgs: [], instances: [{ name: 'default', pgs: [general(true)] }] },
  )));
  assert.deepEqual(rep.notify, [I]);
  assert.deepEqual(rep.ignored, ['svc:/site/absent']);
  assert.deepEqual(val(I, 'general', 'enabled'), ['false']);
  assert.equal(repo.entityKind('svc:/site/absent'), undefined);
});

test('applyProfile: a value without a type on an instance takes the type of the property it composes over', () => {
  must(repo.importBundle(bundle(poolImport())));
  must(repo.addPg(S, 'tune', 'application'));
  must(repo.setProperty(S, 'tune', 'depth', 'integer', ['8']));
  // lower.ts guesses astring for an untyped propval; the service's integer wins, and the new instance pg gets its type
  must(repo.applyProfile(bundle({ name: 'site/pool-import', pgs: [], instances: [{ name: 'default', pgs: [pg('tune', '', prop('depth', 'astring', '42'))] }] })));
  const p = must(repo.getProperty(I, 'tune', 'depth', { view: VIEW_DIRECT, viewer: ROOT_VIEWER }));
  assert.deepEqual([p.type, p.values], ['integer', ['42']]);
  assert.equal(must(repo.getPg(I, 'tune', { view: VIEW_DIRECT })).type, 'application');
  // untyped (as lower.ts reports it) and not fitting the existing type: refused, nothing changed (illumos "illegal value")
  const bad = bundle({ name: 'site/pool-import', pgs: [pg('tune', '', prop('depth', 'astring', 'zz'))], instances: [] });
  bad.untyped = [{ entity: S, pg: 'tune', prop: 'depth' }];
  const r = repo.applyProfile(bad);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.message : '', /tune\/depth" is integer/);
  assert.deepEqual(must(repo.getProperty(S, 'tune', 'depth', { view: VIEW_DIRECT, viewer: ROOT_VIEWER })).values, ['8']);
  // a pg the profile deletes (delete="true") goes, and the instance is refreshed
  const del = bundle({ name: 'site/pool-import', pgs: [], instances: [] });
  del.deletes = [{ entity: S, pg: 'tune' }];
  const rd = must(repo.applyProfile(del));
  assert.equal(repo.getPg(S, 'tune').ok, false);
  assert.ok(rd.notify.includes(I));
});

test('read protection (§6.7): values withheld without authorization', () => {
  must(repo.addService('svc:/site/secret'));
  must(repo.addPg('svc:/site/secret', 'creds', 'application'));
  must(repo.setProperty('svc:/site/secret', 'creds', 'read_authorization', 'astring', ['site.secret.read']));
  must(repo.setProperty('svc:/site/secret', 'creds', 'password', 'astring', ['hunter2']));
  const anon = must(repo.getProperty('svc:/site/secret', 'creds', 'password'));
  assert.deepEqual(anon.values, []);
  assert.equal(anon.protected, true);
  assert.deepEqual(must(repo.getProperty('svc:/site/secret', 'creds', 'password', { viewer: ROOT_VIEWER })).values, ['hunter2']);
  assert.deepEqual(must(repo.getProperty('svc:/site/secret', 'creds', 'password', { viewer: { uid: 100, auths: new Set(['site.secret.read']) } })).values, ['hunter2']);
  assert.deepEqual(must(repo.getProperty('svc:/site/secret', 'creds', 'password', { viewer: { uid: 100, auths: new Set(['solaris.smf.modify']) } })).values, ['hunter2']);
  assert.deepEqual(must(repo.getProperty('svc:/site/secret', 'creds', 'password', { viewer: { uid: 100, auths: new Set(['other']) } })).values, []);
  // grants may end in a wildcard, as at the control socket
  assert.deepEqual(must(repo.getProperty('svc:/site/secret', 'creds', 'password', { viewer: { uid: 100, auths: new Set(['solaris.smf.*']) } })).values, ['hunter2']);
  assert.deepEqual(must(repo.getProperty('svc:/site/secret', 'creds', 'password', { viewer: { uid: 100, auths: new Set(['site.secret.*']) } })).values, ['hunter2']);
  // not protected: a framework pg with a read_authorization property
  must(repo.addPg('svc:/site/secret', 'fw', 'framework'));
  must(repo.setProperty('svc:/site/secret', 'fw', 'read_authorization', 'astring', ['x']));
  must(repo.setProperty('svc:/site/secret', 'fw', 'v', 'astring', ['visible']));
  assert.deepEqual(must(repo.getProperty('svc:/site/secret', 'fw', 'v')).values, ['visible']);
  must(repo.addPg('svc:/site/secret', 'general', 'framework'));
  must(repo.setProperty('svc:/site/secret', 'general', 'action_authorization', 'astring', ['site.secret.manage']));
  const auths = must(repo.authorizationsFor('svc:/site/secret'));
  assert.deepEqual(auths.action, ['site.secret.manage']);
  assert.deepEqual(auths.pgs.creds!.read, ['site.secret.read']);
});

test('values: 1 MiB opaque and 64 KiB astring byte for byte; opaque 2 KiB+1..8 KiB never truncated (CR 6694511)', () => {
  must(repo.addService('svc:/site/big'));
  must(repo.addPg('svc:/site/big', 'data', 'application'));
  const bytes = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) & 0xff;
  must(repo.setProperty('svc:/site/big', 'data', 'blob', 'opaque', [bytes.toString('hex')]));
  const text = Array.from({ length: 64 * 1024 }, (_, i) => String.fromCharCode(32 + (i % 95))).join('');
  must(repo.setProperty('svc:/site/big', 'data', 'text', 'astring', [text]));
  repo.close();
  repo = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'), { readonly: true });
  assert.ok(Buffer.from(val('svc:/site/big', 'data', 'blob', VIEW_DIRECT)[0]!, 'hex').equals(bytes));
  assert.equal(val('svc:/site/big', 'data', 'text', VIEW_DIRECT)[0], text);
  const stored = repo.db.prepare("SELECT typeof(value) AS t, length(value) AS n FROM vals v JOIN props p ON p.id = v.prop_id WHERE p.name = 'blob'").get() as { t: string; n: number };
  assert.deepEqual(stored, { t: 'blob', n: 1024 * 1024 }, 'opaque stored as bytes');
  repo.close();
  repo = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'));
  for (const n of [2047, 2048, 2049, 4095, 4096, 4097, 8191, 8192]) {
    const v = Buffer.alloc(n, 0).map((_, i) => (i * 31 + n) & 0xff);
    must(repo.setProperty('svc:/site/big', 'data', `o${n}`, 'opaque', [Buffer.from(v).toString('hex')]));
    const back = Buffer.from(val('svc:/site/big', 'data', `o${n}`, VIEW_DIRECT)[0]!, 'hex');
    assert.equal(back.length, n);
    assert.ok(back.equals(Buffer.from(v)));
  }
  assert.equal(repo.setProperty('svc:/site/big', 'data', 'odd', 'opaque', ['abc']).ok, false);
});

test('number-like strings are stored exactly (no column affinity conversion)', () => {
  must(repo.addService('svc:/site/n'));
  must(repo.addPg('svc:/site/n', 'cfg', 'application'));
  const strings = ['0123', '1e5', '1.50', '12', ' 7', '18446744073709551615', '-0', '0x1F'];
  must(repo.setProperty('svc:/site/n', 'cfg', 's', 'astring', strings));
  must(repo.setProperty('svc:/site/n', 'cfg', 'c', 'count', ['18446744073709551615']));
  must(repo.setProperty('svc:/site/n', 'cfg', 'i', 'integer', ['-9223372036854775808']));
  must(repo.setProperty('svc:/site/n', 'cfg', 't', 'time', ['1700000000.500000000']));
  assert.deepEqual(val('svc:/site/n', 'cfg', 's', VIEW_DIRECT), strings);
  assert.deepEqual(val('svc:/site/n', 'cfg', 'c', VIEW_DIRECT), ['18446744073709551615']);
  assert.deepEqual(val('svc:/site/n', 'cfg', 'i', VIEW_DIRECT), ['-9223372036854775808']);
  assert.deepEqual(val('svc:/site/n', 'cfg', 't', VIEW_DIRECT), ['1700000000.500000000']);
  const types = repo.db.prepare('SELECT DISTINCT typeof(value) AS t FROM vals').all() as { t: string }[];
  assert.deepEqual(types.map((r) => r.t).filter((t) => t !== 'blob'), ['text']);
});

test('migration 2 repairs a version-1 file whose values were converted to numbers', () => {
  repo.close();
  const file = path.join(dir, 'v1.db');
  const v1 = new (repo.db.constructor as new (f: string) => typeof repo.db)(file);
  v1.exec(`CREATE TABLE services (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE instances (id INTEGER PRIMARY KEY, service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE, name TEXT NOT NULL, UNIQUE (service_id, name));
    CREATE TABLE snapshots (id INTEGER PRIMARY KEY, instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE, name TEXT NOT NULL, taken_at INTEGER NOT NULL, UNIQUE (instance_id, name));
    CREATE TABLE pgs (id INTEGER PRIMARY KEY, service_id INTEGER REFERENCES services(id) ON DELETE CASCADE, instance_id INTEGER REFERENCES instances(id) ON DELETE CASCADE,
      snapshot_id INTEGER REFERENCES snapshots(id) ON DELETE CASCADE, level TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, flags INTEGER NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 1);
    CREATE TABLE props (id INTEGER PRIMARY KEY, pg_id INTEGER NOT NULL REFERENCES pgs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, UNIQUE (pg_id, name));
    CREATE TABLE vals (prop_id INTEGER NOT NULL REFERENCES props(id) ON DELETE CASCADE, seq INTEGER NOT NULL, value ANY NOT NULL, PRIMARY KEY (prop_id, seq)) WITHOUT ROWID;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO services VALUES (1, 'site/old');
    INSERT INTO pgs(id, service_id, level, seq, name, type) VALUES (1, 1, 'service', 1, 'cfg', 'application');
    INSERT INTO props VALUES (1, 1, 1, 'n', 'count'), (2, 1, 2, 's', 'astring');
    INSERT INTO vals VALUES (1, 0, '42'), (2, 0, 'text');
    PRAGMA user_version = 1;`);
  assert.equal((v1.prepare('SELECT typeof(value) AS t FROM vals WHERE prop_id = 1').get() as { t: string }).t, 'integer');
  v1.close();
  repo = Repository.openOrThrow(file);
  assert.equal(repo.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.deepEqual(val('svc:/site/old', 'cfg', 'n', VIEW_DIRECT), ['42']);
  assert.deepEqual(val('svc:/site/old', 'cfg', 's', VIEW_DIRECT), ['text']);
  assert.equal((repo.db.prepare('SELECT typeof(value) AS t FROM vals WHERE prop_id = 1').get() as { t: string }).t, 'text');
  assert.deepEqual(repo.db.pragma('foreign_key_check'), []);
});

test('a second connection sees committed writes and waits for the lock instead of failing', () => {
  must(repo.importBundle(bundle(poolImport())));
  const other = Repository.openOrThrow(path.join(dir, 'etc/svc/repository.db'));
  try {
    const v0 = other.dataVersion();
    must(repo.setProperty(S, 'config', 'pool', 'astring', ['x']));
    assert.notEqual(other.dataVersion(), v0);
    assert.deepEqual(must(other.getProperty(S, 'config', 'pool')).values, ['x']);
    must(other.setProperty(S, 'config', 'pool', 'astring', ['y']));
    assert.deepEqual(val(S, 'config', 'pool', VIEW_DIRECT), ['y']);
  } finally {
    other.close();
  }
});

test('bad names and unknown entities are error values with clear messages', () => {
  const r1 = repo.addService('svc:/9bad');
  assert.equal(r1.ok ? 'ok' : r1.code, 'invalid');
  const r2 = repo.listPgs('svc:/site/none:default');
  assert.ok(!r2.ok && /does not exist/.test(r2.message));
  const r3 = repo.importBundle(bundle({ name: 'site/x', pgs: [pg('c', 'application', prop('n', 'count', 'abc'))], instances: [] }));
  assert.ok(!r3.ok && /c\/n/.test(r3.message), JSON.stringify(r3));
  assert.equal(repo.entityKind('svc:/site/x'), undefined);
});

test('every SMF property type (§6.2) is stored and read back canonical, through import and setprop', () => {
  const values: [PropertyType, string[], string[]][] = [
    ['boolean', ['t', 'false'], ['true', 'false']],
    ['count', ['0x10', '18446744073709551615'], ['16', '18446744073709551615']],
    ['integer', ['-9223372036854775808', '017'], ['-9223372036854775808', '15']],
    ['time', ['1700000000.5'], ['1700000000.500000000']],
    ['astring', ['', ' lead and trail '], ['', ' lead and trail ']],
    ['ustring', ['ünï cödé'], ['ünï cödé']],
    ['opaque', ['DEADbeef00'], ['deadbeef00']],
    ['fmri', ['svc:/site/x:default', 'file:///etc/passwd'], ['svc:/site/x:default', 'file:///etc/passwd']],
    ['uri', ['https://example.com/a?b#c'], ['https://example.com/a?b#c']],
    ['host', ['storage-1.example.com', '10.0.0.1'], ['storage-1.example.com', '10.0.0.1']],
    ['hostname', ['storage-1'], ['storage-1']],
    ['net_address', ['fe80::1'], ['fe80::1']],
    ['net_address_v4', ['192.168.1.0/24'], ['192.168.1.0/24']],
    ['net_address_v6', ['2001:db8::/32'], ['2001:db8::/32']],
  ];
  const svc = poolImport();
  svc.pgs.push(pg('types', 'application', ...values.map(([t, raw]) => prop(`v_${t}`, t, ...raw))));
  must(repo.importBundle(bundle(svc)));
  for (const [t, , canonical] of values) {
    assert.deepEqual(val(S, 'types', `v_${t}`, VIEW_DIRECT), canonical, t);
    assert.deepEqual(val(I, 'types', `v_${t}`), canonical, `${t} in the running snapshot`);
    must(repo.setProperty(S, 'types', `s_${t}`, t, values.find((v) => v[0] === t)![1]));
    assert.deepEqual(val(S, 'types', `s_${t}`, VIEW_DIRECT), canonical, `${t} via setProperty`);
    assert.equal(must(repo.getProperty(S, 'types', `s_${t}`)).type, t);
  }
  for (const [t, bad] of [['boolean', 'yes'], ['count', '-'], ['integer', '9223372036854775808'], ['time', 'noon'], ['opaque', 'abc'],
    ['fmri', 'http://x'], ['host', 'a b'], ['net_address_v4', '300.1.1.1'], ['astring', 'nul\0inside']] as [PropertyType, string][]) {
    const r = repo.setProperty(S, 'types', `bad_${t}`, t, [bad]);
    assert.equal(r.ok ? 'ok' : r.code, 'invalid', `${t} "${bad}" must be refused`);
  }
});

test('instanceSummaries: one row per instance in listInstances order, equal to the composed current reads', () => {
  must(repo.importBundle(bundle(poolImport())));
  must(repo.addService('svc:/site/b'));
  must(repo.addInstance('svc:/site/b:one'));
  must(repo.addInstance('svc:/site/b:two'));
  // service-level general fills in for an instance without its own general/enabled
  must(repo.addPg('svc:/site/b', 'general', 'framework'));
  must(repo.setProperty('svc:/site/b', 'general', 'enabled', 'boolean', ['true']));
  must(repo.setProperty('svc:/site/b', 'general', 'restarter', 'fmri', ['svc:/site/r:default']));
  must(repo.setEnabled('svc:/site/b:two', false));
  must(repo.setEnabled('svc:/site/b:two', true, { temporary: true }));
  must(repo.writeRestarterState('svc:/site/b:one', { state: 'online', next_state: 'none', state_timestamp: '1700000000.5', contract: 42, start_method_waitstatus: 256, auxiliary_state: 'none', logfile: '/l' }));
  const s = repo.instanceSummaries();
  assert.deepEqual(s.map((x) => x.fmri), repo.listInstances());
  const one = s.find((x) => x.fmri === 'svc:/site/b:one')!;
  assert.deepEqual(one, {
    fmri: 'svc:/site/b:one', service: 'site/b', instance: 'one', state: 'online', nextState: 'none',
    stateTimestamp: '1700000000.500000000', contract: '42', auxiliaryState: 'none', logfile: '/l', startMethodWaitstatus: '256',
    enabled: true, restarter: 'svc:/site/r:default',
  });
  const two = s.find((x) => x.fmri === 'svc:/site/b:two')!;
  assert.equal(two.enabled, false, 'instance value obscures the service value');
  assert.equal(two.enabledOverride, true);
  assert.equal(two.state, undefined);
  for (const x of s) {
    const first = (pgName: string, p: string) => { const r = repo.getProperty(x.fmri, pgName, p, { view: VIEW_COMPOSED, viewer: ROOT_VIEWER }); return r.ok ? r.value.values[0] : undefined; };
    assert.equal(x.state, first('restarter', 'state'), x.fmri);
    assert.equal(x.enabled, first('general', 'enabled') === undefined ? undefined : first('general', 'enabled') === 'true', x.fmri);
    assert.equal(x.restarter, first('general', 'restarter'), x.fmri);
  }
  // only some restarter properties (svcs' state columns): those, the enabled values and the restarter, nothing else
  const few = repo.instanceSummaries(['state', 'next_state', 'state_timestamp']);
  assert.deepEqual(few.find((x) => x.fmri === 'svc:/site/b:one'), {
    fmri: 'svc:/site/b:one', service: 'site/b', instance: 'one', state: 'online', nextState: 'none',
    stateTimestamp: '1700000000.500000000', enabled: true, restarter: 'svc:/site/r:default',
  });
  assert.deepEqual(few.find((x) => x.fmri === 'svc:/site/b:two'), { ...two });
});

test('effectivePgsOfType: running snapshot composed, current without one, name globs', () => {
  must(repo.importBundle(bundle(poolImport())));
  const effective = (f: string, type: string) => must(repo.listPgs(f, { view: VIEW_EFFECTIVE, viewer: ROOT_VIEWER })).filter((p) => p.type === type);
  const deps = repo.effectivePgsOfType('dependency');
  assert.ok((deps.get(I) ?? []).length > 0, 'the fixture has dependency pgs');
  assert.deepEqual(deps.get(I), effective(I, 'dependency'));
  // a change to the current configuration is not seen until refresh
  must(repo.addPg(I, 'later', 'dependency'));
  must(repo.setProperty(I, 'later', 'grouping', 'astring', ['require_all']));
  assert.deepEqual(repo.effectivePgsOfType('dependency').get(I), deps.get(I));
  must(repo.refresh(I));
  assert.deepEqual(repo.effectivePgsOfType('dependency').get(I), effective(I, 'dependency'));
  assert.ok(repo.effectivePgsOfType('dependency').get(I)!.some((p) => p.name === 'later'));
  // an instance without any snapshot: current composed (service level shows through)
  must(repo.addService('svc:/site/c'));
  must(repo.addInstance('svc:/site/c:default'));
  must(repo.addPg('svc:/site/c', 'svcdep', 'dependency'));
  must(repo.setProperty('svc:/site/c', 'svcdep', 'entities', 'fmri', ['svc:/site/pool-import']));
  assert.deepEqual(repo.effectivePgsOfType('dependency').get('svc:/site/c:default'), effective('svc:/site/c:default', 'dependency'));
  assert.equal(repo.effectivePgsOfType('dependency').get('svc:/site/c:default')![0]!.name, 'svcdep');
  // globs select by name
  must(repo.addPg('svc:/site/c', 'tm_man_x1', 'template'));
  must(repo.addPg('svc:/site/c', 'tm_other', 'template'));
  assert.deepEqual(repo.effectivePgsOfType('template', ['tm_man_*']).get('svc:/site/c:default')!.map((p) => p.name), ['tm_man_x1']);
});
