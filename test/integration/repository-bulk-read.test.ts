// Repository.readInstanceViews (src/repository/bulk-read.ts) returns, for every instance, exactly
// what the per-instance reads return: listPgs in the current-composed and the effective view as
// root. Checked on a generated repository covering the composition cases (instance pg over
// service pg, service-only pgs, no running snapshot, a running snapshot shared by `start`,
// NONPERSISTENT pgs showing through, refresh, opaque values, empty properties) and on the illumos
// manifest corpus (../shared/corpus, skipped when absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Repository, ROOT_VIEWER, VIEW_COMPOSED, VIEW_EFFECTIVE, viewsOfNewInstance, type NewInstanceLevels } from '../../src/repository/index.js';
import { PG_FLAG_NONPERSISTENT } from '../../src/core/model.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(HERE, '../../../shared/corpus/illumos-manifests');

function withRepo(fn: (repo: Repository) => void | Promise<void>) {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-bulk-'));
    const repo = Repository.openOrThrow(path.join(dir, 'repository.db'));
    try { await fn(repo); } finally { repo.close(); fs.rmSync(dir, { recursive: true, force: true }); }
  };
}

function perInstance(repo: Repository, fmri: string) {
  const c = repo.listPgs(fmri, { view: VIEW_COMPOSED, viewer: ROOT_VIEWER });
  const e = repo.listPgs(fmri, { view: VIEW_EFFECTIVE, viewer: ROOT_VIEWER });
  assert.ok(c.ok && e.ok, fmri);
  // withoutRunning marks an instance without a running snapshot (svc.startd takes one)
  const snaps = repo.listSnapshots(fmri);
  assert.ok(snaps.ok, fmri);
  return snaps.value.some((s) => s.name === 'running') ? { current: c.value, effective: e.value } : { current: c.value, effective: e.value, withoutRunning: true };
}

/** Every instance, read in bulk (all at once and in chunks of `chunk`), equals its per-instance reads. */
function assertSameAsPerInstance(repo: Repository, chunk = 7): number {
  const all = repo.listInstances();
  const bulk = repo.readInstanceViews(all);
  assert.equal(bulk.size, all.length);
  for (let i = 0; i < all.length; i += chunk) {
    const part = repo.readInstanceViews(all.slice(i, i + chunk));
    for (const f of all.slice(i, i + chunk)) assert.deepStrictEqual(part.get(f), bulk.get(f), `${f} (chunk)`);
  }
  for (const f of all) assert.deepStrictEqual(bulk.get(f), perInstance(repo, f), f);
  // current restricted to some pgs: those pgs exactly, effective still complete
  const names = ['general', 'general_ovr', 'restarter', 'restarter_actions', 'npmix'];
  const some = repo.readInstanceViews(all, { currentPgs: names });
  assert.equal(some.size, all.length);
  for (const f of all) {
    const want = perInstance(repo, f);
    assert.deepStrictEqual(some.get(f)!.effective, want.effective, `${f} effective (restricted read)`);
    assert.equal(some.get(f)!.withoutRunning, want.withoutRunning, `${f} withoutRunning (restricted read)`);
    assert.deepStrictEqual(some.get(f)!.current, want.current.filter((pg) => names.includes(pg.name)), `${f} current (restricted read)`);
  }
  return all.length;
}

function ok<T>(r: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!r.ok) assert.fail(r.message);
  return r.value;
}

test('bulk instance views equal the per-instance reads on every composition case', withRepo((repo) => {
  for (let s = 0; s < 6; s++) {
    const svc = `svc:/site/bulk/s${s}`;
    ok(repo.addService(svc));
    ok(repo.addPg(svc, 'general', 'framework'));
    ok(repo.setProperty(svc, 'general', 'enabled', 'boolean', ['false']));
    ok(repo.setProperty(svc, 'general', 'entity_stability', 'astring', ['Unstable']));
    ok(repo.addPg(svc, 'start', 'method'));
    ok(repo.setProperty(svc, 'start', 'exec', 'astring', [`/bin/echo %{config/word} s${s}`]));
    ok(repo.setProperty(svc, 'start', 'timeout_seconds', 'count', ['60']));
    ok(repo.addPg(svc, 'config', 'application'));
    ok(repo.setProperty(svc, 'config', 'word', 'astring', ['service', 'level', '']));
    ok(repo.setProperty(svc, 'config', 'blob', 'opaque', ['00ff10']));
    ok(repo.setProperty(svc, 'config', 'none', 'astring', []));
    if (s % 2) {
      ok(repo.addPg(svc, `dep${s}`, 'dependency'));
      ok(repo.setProperty(svc, `dep${s}`, 'entities', 'fmri', ['svc:/site/bulk/s0:i0']));
    }
    for (let i = 0; i < 3; i++) {
      const inst = `${svc}:i${i}`;
      ok(repo.addInstance(inst));
      ok(repo.addPg(inst, 'general', 'framework'));
      ok(repo.setProperty(inst, 'general', 'enabled', 'boolean', [i % 2 ? 'true' : 'false']));
      if (i === 1) {
        // instance pg obscuring a service property, with a type of its own
        ok(repo.addPg(inst, 'config', 'framework'));
        ok(repo.setProperty(inst, 'config', 'word', 'astring', ['instance']));
      }
      if (i !== 2 || s % 3 !== 0) ok(repo.takeSnapshot(inst, 'running'));
    }
  }
  // changes after the snapshots: only the current view sees them (until a refresh)
  ok(repo.setProperty('svc:/site/bulk/s1', 'config', 'word', 'astring', ['changed']));
  ok(repo.setProperty('svc:/site/bulk/s2:i1', 'config', 'word', 'astring', ['changed too']));
  ok(repo.refresh('svc:/site/bulk/s2:i0'));
  // start shares the levels of running (no copy); a NONPERSISTENT restarter pg shows through
  ok(repo.copySnapshot('svc:/site/bulk/s3:i0', 'running', 'start'));
  ok(repo.writeRestarterState('svc:/site/bulk/s3:i0', { state: 'online', next_state: 'none', contract: 12 }));
  ok(repo.writeRestarterState('svc:/site/bulk/s0:i2', { state: 'disabled' }));
  ok(repo.setEnabled('svc:/site/bulk/s4:i0', true, { temporary: true }));
  // a NONPERSISTENT pg is never snapshotted: its current values show in the effective view
  ok(repo.addPg('svc:/site/bulk/s5:i0', 'volatile', 'application', PG_FLAG_NONPERSISTENT));
  ok(repo.setProperty('svc:/site/bulk/s5:i0', 'volatile', 'x', 'astring', ['before']));
  ok(repo.takeSnapshot('svc:/site/bulk/s5:i0', 'running'));
  ok(repo.setProperty('svc:/site/bulk/s5:i0', 'volatile', 'x', 'astring', ['after']));
  // NONPERSISTENT at one level only, persistent at the other (composed as the instance level says)
  ok(repo.addPg('svc:/site/bulk/s4', 'npmix', 'application', PG_FLAG_NONPERSISTENT));
  ok(repo.setProperty('svc:/site/bulk/s4', 'npmix', 'a', 'astring', ['service']));
  ok(repo.addPg('svc:/site/bulk/s4:i1', 'npmix', 'application'));
  ok(repo.setProperty('svc:/site/bulk/s4:i1', 'npmix', 'b', 'astring', ['instance']));
  ok(repo.addPg('svc:/site/bulk/s5', 'npother', 'application'));
  ok(repo.setProperty('svc:/site/bulk/s5', 'npother', 'a', 'astring', ['service']));
  ok(repo.addPg('svc:/site/bulk/s5:i1', 'npother', 'application', PG_FLAG_NONPERSISTENT));
  ok(repo.setProperty('svc:/site/bulk/s5:i1', 'npother', 'b', 'astring', ['instance']));
  // an instance without any pg of its own
  ok(repo.addInstance('svc:/site/bulk/s5:bare'));

  assert.equal(assertSameAsPerInstance(repo, 4), 19);
  // spot checks that the cases are what they claim to be
  const v = repo.readInstanceViews(['svc:/site/bulk/s5:i0', 'svc:/site/bulk/s3:i0', 'svc:/site/bulk/s0:i2']);
  const prop = (pgs: { name: string; properties: { name: string; values: string[] }[] }[], pg: string, p: string) =>
    pgs.find((g) => g.name === pg)?.properties.find((x) => x.name === p)?.values;
  assert.deepEqual(prop(v.get('svc:/site/bulk/s5:i0')!.effective, 'volatile', 'x'), ['after']);
  assert.deepEqual(prop(v.get('svc:/site/bulk/s5:i0')!.current, 'volatile', 'x'), ['after']);
  assert.deepEqual(prop(v.get('svc:/site/bulk/s3:i0')!.effective, 'restarter', 'state'), ['online']);
  assert.equal(v.get('svc:/site/bulk/s0:i2')!.effective, v.get('svc:/site/bulk/s0:i2')!.current, 'no running snapshot: effective = current');
}));

test('bulk instance views: spellings, services, missing and malformed FMRIs', withRepo((repo) => {
  ok(repo.addService('svc:/site/x'));
  ok(repo.addInstance('svc:/site/x:default'));
  ok(repo.addPg('svc:/site/x:default', 'general', 'framework'));
  ok(repo.setProperty('svc:/site/x:default', 'general', 'enabled', 'boolean', ['true']));
  const keys = ['svc:/site/x:default', 'svc://localhost/site/x:default', 'site/x:default', 'svc:/site/x', 'svc:/site/x:gone', 'svc:/nope:default', 'not an fmri::', ''];
  const r = repo.readInstanceViews(keys);
  assert.deepEqual([...r.keys()].sort(), ['site/x:default', 'svc://localhost/site/x:default', 'svc:/site/x:default']);
  for (const k of r.keys()) assert.deepStrictEqual(r.get(k), perInstance(repo, 'svc:/site/x:default'));
  assert.equal(repo.readInstanceViews([]).size, 0);
}));

test('bulk instance views equal the per-instance reads on the illumos corpus', { skip: !fs.existsSync(CORPUS) && `corpus not found at ${CORPUS}` }, withRepo(async (repo) => {
  const io = await import('../../src/cli/svccfg/bundle-io.js');
  const files: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.xml') && files.push(path.join(d, e.name)); };
  walk(CORPUS);
  for (const f of files.sort()) {
    const l = io.loadAndLower(f);
    if (!l.ok) continue;
    if (l.lowered.bundleType === 'profile') repo.applyProfile(l.lowered);
    else repo.importBundle(l.lowered, { manifestPath: f });
  }
  // a few daemon-like writes on top: restarter states, start snapshots, temporary enables
  const all = repo.listInstances();
  all.slice(0, 40).forEach((f, i) => {
    ok(repo.writeRestarterState(f, { state: 'online', next_state: 'none', state_timestamp: `${i}.000000000` }));
    if (i % 2) ok(repo.copySnapshot(f, 'running', 'start'));
    if (i % 5 === 0) ok(repo.setEnabled(f, false, { temporary: true }));
  });
  assert.ok(assertSameAsPerInstance(repo, 50) > 100);
}));

/** The views an import hands over (ImportReport.handover) equal what the restarter would read back. */
function assertHandoverMatches(repo: Repository, handover: Map<string, NewInstanceLevels> | undefined): number {
  if (!handover) return 0;
  const names = ['general', 'general_ovr', 'restarter', 'restarter_actions'];
  const fmris = [...handover.keys()];
  const whole = repo.readInstanceViews(fmris);
  const some = repo.readInstanceViews(fmris, { currentPgs: names });
  for (const [f, levels] of handover) {
    assert.deepStrictEqual(viewsOfNewInstance(levels), whole.get(f), `${f} (whole)`);
    assert.deepStrictEqual(viewsOfNewInstance(levels, { currentPgs: names }), some.get(f), `${f} (current restricted)`);
  }
  return handover.size;
}

test('an import hands over exactly the views of its new instances (crafted cases)', withRepo(async (repo) => {
  const io = await import('../../src/cli/svccfg/bundle-io.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-handover-'));
  try {
    const file = path.join(dir, 'm.xml');
    const write = (body: string) => fs.writeFileSync(file, `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="handover">${body}</service_bundle>`);
    write(`
  <service name="site/ho/a" type="service" version="1">
    <create_default_instance enabled="true"/>
    <single_instance/>
    <dependency name="fs" grouping="require_all" restart_on="none" type="path"><service_fmri value="file://localhost/etc/passwd"/></dependency>
    <exec_method type="method" name="start" exec="/bin/echo %{config/word}" timeout_seconds="60">
      <method_context working_directory="/tmp"><method_environment><envvar name="A" value="1"/></method_environment></method_context>
    </exec_method>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
    <property_group name="config" type="application">
      <propval name="word" type="astring" value="hello"/>
      <propval name="blob" type="opaque" value="00FF10"/>
      <propval name="n" type="integer" value="-0042"/>
      <property name="list" type="astring"><astring_list><value_node value="x"/><value_node value=""/><value_node value="z"/></astring_list></property>
      <property name="empty" type="astring"/>
    </property_group>
    <stability value="Unstable"/>
  </service>
  <service name="site/ho/b" type="service" version="1">
    <instance name="one" enabled="false"/>
    <instance name="two" enabled="true">
      <property_group name="config" type="framework"><propval name="word" type="astring" value="instance"/></property_group>
      <property_group name="general" type="framework"><propval name="action_authorization" type="astring" value="solaris.smf.manage.ho"/></property_group>
    </instance>
  </service>
  <service name="site/ho/d" type="service" version="1">
    <create_default_instance enabled="true"/>
    <dependent name="ho_b" grouping="optional_all" restart_on="none"><service_fmri value="svc:/site/ho/b:one"/></dependent>
  </service>`);
    const l = io.loadAndLower(file);
    assert.ok(l.ok, l.ok ? '' : l.errors.join('\n'));
    const r = ok(repo.importBundle(l.lowered, { manifestPath: file }));
    // b:one is the target of d's <dependent>, and d records it: their views come from a read, not from the import
    assert.deepEqual([...r.handover!.keys()].sort(), ['svc:/site/ho/a:default', 'svc:/site/ho/b:two']);
    assert.equal(assertHandoverMatches(repo, r.handover), 2);
    // an import that creates nothing new hands nothing over
    assert.equal(ok(repo.importBundle(l.lowered, { manifestPath: file })).handover, undefined);
    // a new instance of an existing service is written another way: read back
    write(`<service name="site/ho/b" type="service" version="1"><instance name="three" enabled="true"/></service>`);
    const l2 = io.loadAndLower(file);
    assert.ok(l2.ok);
    assert.equal(ok(repo.importBundle(l2.lowered, { manifestPath: file })).handover, undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}));

test('the views an import hands over equal the read-back ones on the illumos corpus', { skip: !fs.existsSync(CORPUS) && `corpus not found at ${CORPUS}` }, withRepo(async (repo) => {
  const io = await import('../../src/cli/svccfg/bundle-io.js');
  const files: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.xml') && files.push(path.join(d, e.name)); };
  walk(CORPUS);
  let n = 0;
  for (const f of files.sort()) {
    const l = io.loadAndLower(f);
    if (!l.ok || l.lowered.bundleType === 'profile') continue;
    const r = repo.importBundle(l.lowered, { manifestPath: f });
    if (r.ok) n += assertHandoverMatches(repo, r.value.handover);
  }
  assert.ok(n > 50, `${n} instances handed over`);
}));
