// svccfg import (smf-spec §7.3, §8, §3.6, §6.4) on a lowered bundle, inside the
// caller's transaction (a failure value makes the caller roll everything back).
//
// import: create or upgrade services and instances (upgrade.ts), new instance -> `initial`,
// existing -> `previous` before upgrading, `last-import` := the manifest as delivered (except
// for svccfg restore, opts.noLastImport); an existing service none of whose instances has a
// `last-import` but one of which has general/enabled (restored from an archive, or configured
// by hand) is not upgraded: its values are kept and the manifest only becomes the baseline
// (illumos lscf_service_import's "last-import only" case; see baselineOnly below);
// `<dependent>` injection (creating the target if absent, conflict if another declarer owns the
// pg); then refresh (retake `running` of) the imported instances and dependent targets, which
// are returned for the restarter to be notified.
import type { Property, PropertyGroup, ServiceData } from '../core/model.js';
import { injectedDependencyPg, manifestPropName, type DeclaredDependent, type LoweredBundle } from '../core/manifest/lowered.js';
import { canonicalize } from './encode.js';
import { entityFmri, isValidName, isValidServiceName, parseEntity } from './names.js';
import { directOwner, fail, ok, resolve, type Resolved } from './read.js';
import { ImportRows } from './import-rows.js';
import { levelsEqual, samePgs, withoutManifestFiles } from './reimport.js';
import { copySnapshot, readSnapshotLevels, readSnapshotsLevels, takeSnapshot, writeSnapshot, type SnapshotTarget } from './snapshots.js';
import type { Owner, Store } from './store.js';
import type { ImportOptions, ImportReport, NewInstanceLevels, PgView, RepoResult } from './types.js';
import { upgradeLevel } from './upgrade.js';

const PROTECTED_ON_REIMPORT = new Set(['general/enabled', 'general/restarter']);

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Checks names, types and values of pgs; returns them with canonical values (the same objects
 *  when nothing changes: the manifest layer already delivers canonical values). */
function normalizePgs(where: string, pgs: readonly PropertyGroup[], valuesCanonical = false): Checked<PropertyGroup[]> {
  let out: PropertyGroup[] | undefined;
  for (let g = 0; g < pgs.length; g++) {
    const pg = pgs[g]!;
    if (!pg.type) return { ok: false, error: `${where}: property group "${pg.name}" has no type` };
    if (valuesCanonical) continue; // lowerBundle checked every name and value
    if (!isValidName(pg.name)) return { ok: false, error: `${where}: "${pg.name}" is not a valid property group name` };
    let props: Property[] | undefined;
    for (let i = 0; i < pg.properties.length; i++) {
      const p = pg.properties[i]!;
      if (!isValidName(p.name)) return { ok: false, error: `${where}: "${pg.name}/${p.name}" is not a valid property name` };
      const c = canonicalize(p.type, p.values);
      if (!c.ok) return { ok: false, error: `${where}: property "${pg.name}/${p.name}": ${c.error}` };
      const same = c.values.every((v, k) => v === p.values[k]);
      if (!same && !props) props = pg.properties.slice(0, i);
      props?.push(same ? p : { name: p.name, type: p.type, values: c.values });
    }
    if (props && !out) out = pgs.slice(0, g);
    out?.push(props ? { ...pg, properties: props } : pg);
  }
  return { ok: true, value: out ?? (pgs as PropertyGroup[]) };
}

/** Checks a bundle's services (names, types, values); returns them with canonical values. */
export function normalizeServices(services: readonly ServiceData[], valuesCanonical = false): Checked<ServiceData[]> {
  const out: ServiceData[] = [];
  for (const s of services) {
    if (!isValidServiceName(s.name)) return { ok: false, error: `"${s.name}" is not a valid service name` };
    const pgs = normalizePgs(`svc:/${s.name}`, s.pgs, valuesCanonical);
    if (!pgs.ok) return pgs;
    let instances = s.instances;
    for (let k = 0; k < s.instances.length; k++) {
      const i = s.instances[k]!;
      if (!isValidName(i.name)) return { ok: false, error: `svc:/${s.name}: "${i.name}" is not a valid instance name` };
      const ipgs = normalizePgs(`svc:/${s.name}:${i.name}`, i.pgs, valuesCanonical);
      if (!ipgs.ok) return ipgs;
      if (ipgs.value !== i.pgs) {
        if (instances === s.instances) instances = s.instances.slice();
        instances[k] = { ...i, pgs: ipgs.value };
      }
    }
    out.push(pgs.value === s.pgs && instances === s.instances ? s : { ...s, pgs: pgs.value, instances });
  }
  return { ok: true, value: out };
}

function ensureService(store: Store, name: string): { id: number; created: boolean } {
  const id = store.serviceId(name);
  return id !== undefined ? { id, created: false } : { id: store.insertService(name), created: true };
}

/** delete="true" references of a bundle, keyed `FMRI/pg` (canonical FMRIs). */
function deletedPgs(bundle: LoweredBundle): Set<string> {
  return new Set((bundle.deletes ?? []).filter((d) => d.prop === undefined).map((d) => `${canon(d.entity)}/${d.pg}`));
}

export function importBundle(store: Store, bundle: LoweredBundle, opts: ImportOptions, now: number): RepoResult<ImportReport> {
  const norm = normalizeServices(bundle.services, bundle.canonical === true);
  if (!norm.ok) return fail('invalid', norm.error);
  const report: ImportReport = { notify: [], created: [], warnings: [] };
  const refresh = new Map<string, SnapshotTarget>();
  const overrides = new Set((bundle.overrides ?? []).filter((o) => o.prop !== undefined).map((o) => `${canon(o.entity)}/${o.pg}/${o.prop}`));
  const deleted = deletedPgs(bundle);
  // instances created by this import: their initial, last-import and running share one copy
  const created = new Set<number>();
  // new instance of a new service -> its initial snapshot id, and the levels written for it (what it
  // will run, handed to the restarter: ImportReport.handover)
  const newOfNew = new Map<number, { initial: number; levels: NewInstanceLevels }>();
  // existing instances whose running snapshot equalled their configuration, and the owners this
  // import wrote to: an instance in the first set and untouched keeps running as it is
  const runningCurrent = new Set<number>();
  const written = new Set<string>(); // `service:ID` / `instance:ID`
  const lastImports = new Map<number, ReturnType<typeof readSnapshotLevels>>();
  const lastImport = (instId: number) => {
    if (!lastImports.has(instId)) lastImports.set(instId, readSnapshotLevels(store, instId, 'last-import'));
    return lastImports.get(instId);
  };
  // pgs and snapshots of new services and their new instances, written set-based; flushed
  // before anything else writes pgs or snapshots (import-rows.ts)
  const rows = new ImportRows(store);
  // declarers (service and existing instances) of services imported as a baseline only: their
  // <dependent>s are not injected either
  const skippedDeclarers = new Set<string>();
  const manifestProp = opts.manifestPath ? manifestPropName(opts.manifestPath) : undefined;
  // <dependent>s the existing declarers had injected before this import: declarer -> pg name -> target
  const injectedBefore = new Map<string, Map<string, string>>();
  const noteInjected = (declarer: string, owner: Owner) => {
    const pg = store.loadPg(owner, 'dependents');
    if (!pg) return;
    const m = new Map<string, string>();
    for (const p of pg.properties) if (p.type === 'fmri' && p.values.length === 1) m.set(p.name, p.values[0]!);
    if (m.size) injectedBefore.set(declarer, m);
  };

  for (const s0 of norm.value) {
    // pgs carrying delete="true" are not part of what the manifest delivers
    const s = deleted.size ? withoutDeleted(s0, deleted) : s0;
    const svc = ensureService(store, s.name);
    if (!svc.created) rows.flush();
    const svcFmri = `svc:/${s.name}`;
    const svcOwner: Owner = { kind: 'service', id: svc.id };
    const existing = svc.created ? [] : store.instancesOf(svc.id);
    if (!svc.created) {
      noteInjected(`svc:/${s.name}`, { kind: 'service', id: svc.id });
      for (const e of existing) noteInjected(`svc:/${s.name}:${e.name}`, { kind: 'instance', id: e.id });
    }
    const keepValues = !svc.created && !opts.noLastImport && baselineOnly(store, svc.id, existing);
    if (keepValues) {
      report.warnings.push(`${svcFmri}: no instance has a "last-import" snapshot (restored from an archive or configured without an import): `
        + 'the existing values are kept and this manifest only becomes the baseline of later imports');
      skippedDeclarers.add(svcFmri);
      for (const e of existing) skippedDeclarers.add(`${svcFmri}:${e.name}`);
    }
    // `previous` := the configuration before this import touches either level (shared with
    // `running` when that is still the current configuration)
    // (current pgs are loaded once here and handed to the upgrade below)
    const svcCurrent = svc.created ? [] : store.loadPgs(svcOwner);
    const instCurrent = new Map<number, PgView[]>();
    for (const inst of s.instances) {
      const e = existing.find((x) => x.name === inst.name);
      if (!e) continue;
      const cur = store.loadPgs({ kind: 'instance', id: e.id });
      instCurrent.set(e.id, cur);
      // running and last-import read before this import writes anything of the instance (what
      // it writes until last-import is rewritten leaves last-import's content as it is); usually
      // they share one copy, read once
      const snaps = readSnapshotsLevels(store, e.id, ['running', 'last-import']);
      if (!lastImports.has(e.id)) lastImports.set(e.id, snaps.get('last-import'));
      if (levelsEqual(snaps.get('running'), { instance: cur, service: svcCurrent })) {
        copySnapshot(store, e.id, 'running', 'previous', now);
        runningCurrent.add(e.id);
      } else takeSnapshot(store, { instId: e.id, svcId: svc.id }, 'previous', now);
    }
    // manifestfiles accumulates one property per manifest delivering the service: merged, never upgraded
    const delivered = s.pgs.filter((pg) => pg.name !== 'manifestfiles');
    const manifestFiles = new Map<string, readonly string[]>();
    for (const pg of s.pgs) if (pg.name === 'manifestfiles') for (const p of pg.properties) manifestFiles.set(p.name, p.values);
    if (manifestProp) manifestFiles.set(manifestProp, [opts.manifestPath!]);
    // a new service gets its pgs as delivered, then manifestfiles (nothing to upgrade or delete)
    const newServicePgs = svc.created ? [...delivered, ...manifestFilesPg(manifestFiles)] : [];
    if (svc.created) {
      rows.addPgs(svcOwner, newServicePgs);
    } else {
      // Baseline of the service level: the last-import of an instance delivered by this same
      // bundle. Instances from other manifests of the same service are not used: their
      // last-import holds what *that* manifest delivered at service level.
      let svcBaseline = undefined;
      for (const i of s.instances.map((x) => existing.find((e) => e.name === x.name))) {
        if (!i) continue;
        const lv = lastImport(i.id);
        if (lv) { svcBaseline = withoutManifestFiles(lv.service); break; }
      }
      if (!keepValues && upgradeLevel(store, {
        owner: svcOwner, fmri: svcFmri, manifest: delivered, baseline: svcBaseline, current: svcCurrent,
        isOverride: (pg, prop) => overrides.has(`${svcFmri}/${pg}/${prop}`), protect: new Set(), warnings: report.warnings, deleted,
      })) written.add(`service:${svc.id}`);
      if (!keepValues && deletePgs(store, deleted, svcFmri, svcOwner)) written.add(`service:${svc.id}`);
      for (const [name, values] of manifestFiles) if (recordManifest(store, svc.id, name, values)) written.add(`service:${svc.id}`);
    }

    for (const inst of s.instances) {
      const fmri = `${svcFmri}:${inst.name}`;
      let instId = svc.created ? undefined : store.instanceId(svc.id, inst.name);
      const target = (): SnapshotTarget => ({ instId: instId!, svcId: svc.id });
      if (instId === undefined) {
        instId = store.insertInstance(svc.id, inst.name);
        report.created.push(fmri);
        created.add(instId);
        if (svc.created) {
          // initial := what is being written; of a new service, that is what the manifest
          // delivered (plus manifestfiles, which baselines leave out): last-import shares it, and
          // its service level is the service's pgs just written (copied on their first change)
          rows.addPgs({ kind: 'instance', id: instId }, inst.pgs);
          const snap = rows.addSnapshot(instId, 'initial', now, null, true);
          rows.addPgs({ kind: 'snapshot', id: snap, level: 'instance' }, inst.pgs);
          if (!opts.noLastImport) rows.addSnapshot(instId, 'last-import', now, snap);
          newOfNew.set(instId, { initial: snap, levels: { instance: inst.pgs, service: newServicePgs } });
        } else {
          store.writePgs({ kind: 'instance', id: instId }, inst.pgs, { persistentOnly: true, fresh: true });
          takeSnapshot(store, target(), 'initial', now);
          if (!opts.noLastImport) writeSnapshot(store, instId, 'last-import', now, { instance: inst.pgs, service: s.pgs });
        }
      } else if (keepValues) {
        // values kept, not refreshed: only the baseline is taken (an existing one is impossible here)
        writeSnapshot(store, instId, 'last-import', now, { instance: inst.pgs, service: s.pgs });
        continue;
      } else {
        const baseline = lastImport(instId);
        const unchangedManifest = !!baseline && samePgs(baseline.instance, inst.pgs) && samePgs(withoutManifestFiles(baseline.service), s.pgs);
        if (upgradeLevel(store, {
          owner: { kind: 'instance', id: instId }, fmri, manifest: inst.pgs, baseline: baseline?.instance, current: instCurrent.get(instId),
          isOverride: (pg, prop) => overrides.has(`${fmri}/${pg}/${prop}`), protect: PROTECTED_ON_REIMPORT, warnings: report.warnings, deleted,
        })) written.add(`instance:${instId}`);
        if (deletePgs(store, deleted, fmri, { kind: 'instance', id: instId })) written.add(`instance:${instId}`);
        // an identical manifest leaves last-import as it is (only its time moves): no rewrite
        if (opts.noLastImport) { /* restore: last-import stays the last manifest's */ } else if (unchangedManifest) {
          store.stmt("UPDATE snapshots SET taken_at = ? WHERE instance_id = ? AND name = 'last-import'").run(now, instId);
        } else writeSnapshot(store, instId, 'last-import', now, { instance: inst.pgs, service: s.pgs });
      }
      refresh.set(fmri, target());
    }
    // last-import levels are only used for this service's instances: let them go young
    lastImports.clear();
  }

  rows.flush();
  const touched = new Set<string>(); // owners written by dependents: `service:ID` / `instance:ID`
  for (const d of bundle.dependents ?? []) {
    if (skippedDeclarers.has(canon(d.declaringFmri))) continue; // kept as it is, like the declarer's own pgs
    const r = injectDependent(store, d, deleted.has(`${canon(d.targetFmri)}/${d.pgName}`), touched);
    if (!r.ok) return r;
    for (const [fmri, t] of r.value) refresh.set(fmri, t);
  }

  // <dependent>s the manifest no longer declares: their pg leaves the target too, unless the target's
  // pg is no longer ours (customised), or the declarer kept the entry (illumos upgrade_dependent)
  const declaredNow = new Set((bundle.dependents ?? []).map((d) => `${canon(d.declaringFmri)}|${d.pgName}`));
  for (const [declarer, entries] of injectedBefore) {
    if (skippedDeclarers.has(declarer)) continue;
    const decl = resolve(store, declarer);
    if (!decl.ok) continue;
    const still = store.loadPg(directOwner(decl.value), 'dependents');
    for (const [name, target] of entries) {
      if (declaredNow.has(`${declarer}|${name}`) || still?.properties.some((p) => p.name === name)) continue;
      const t = resolve(store, target);
      if (!t.ok) continue;
      const owner = directOwner(t.value);
      const pg = store.loadPg(owner, name);
      const ours = pg && pg.type === 'dependency' && pg.properties.find((p) => p.name === 'external')?.values[0] === 'true'
        && pg.properties.find((p) => p.name === 'entities')?.values.includes(declarer);
      if (!ours) continue;
      rows.flush();
      store.deletePg(store.pgRow(owner, name)!.id);
      touched.add(`${owner.kind}:${owner.id}`);
      const tv = t.value;
      const insts = tv.kind === 'instance' ? [{ id: tv.instId, name: tv.instance }] : store.instancesOf(tv.svcId);
      for (const i of insts) refresh.set(`svc:/${tv.service}:${i.name}`, { instId: i.id, svcId: tv.svcId });
    }
  }

  for (const [fmri, t] of refresh) {
    const unchanged = created.has(t.instId) && !touched.has(`instance:${t.instId}`) && !touched.has(`service:${t.svcId}`);
    const fresh = unchanged ? newOfNew.get(t.instId) : undefined;
    const untouched = !touched.has(`instance:${t.instId}`) && !touched.has(`service:${t.svcId}`)
      && !written.has(`instance:${t.instId}`) && !written.has(`service:${t.svcId}`);
    if (fresh) {
      rows.addSnapshot(t.instId, 'running', now, fresh.initial);
      report.notify.push(fmri);
      (report.handover ??= new Map()).set(fmri, fresh.levels);
      continue;
    }
    rows.flush();
    if (unchanged) copySnapshot(store, t.instId, 'initial', 'running', now);
    else if (runningCurrent.has(t.instId) && untouched) store.stmt("UPDATE snapshots SET taken_at = ? WHERE instance_id = ? AND name = 'running'").run(now, t.instId);
    else takeSnapshot(store, t, 'running', now);
    report.notify.push(fmri);
  }
  rows.flush();
  return ok(report);
}

/**
 * An existing service is imported as a baseline only when none of its instances has a
 * `last-import` snapshot while one of them has general/enabled: its configuration did not come
 * from an import (svccfg restore takes no last-import; instances configured by hand), so there is
 * nothing to tell an administrator's values from a manifest's, and the manifest must not
 * overwrite them. Without general/enabled anywhere (instances created as dependent targets or by
 * `svccfg add`), the manifest is imported over what is there, as illumos does.
 */
function baselineOnly(store: Store, svcId: number, instances: readonly { id: number }[]): boolean {
  if (!instances.length) return false;
  const hasLastImport = store.stmt(`SELECT 1 FROM snapshots s JOIN instances i ON i.id = s.instance_id
    WHERE i.service_id = ? AND s.name = 'last-import' LIMIT 1`).get(svcId) !== undefined;
  if (hasLastImport) return false;
  return instances.some((i) => store.loadPg({ kind: 'instance', id: i.id }, 'general')?.properties.some((p) => p.name === 'enabled') === true);
}

function withoutDeleted(s: ServiceData, deleted: ReadonlySet<string>): ServiceData {
  const keep = (fmri: string) => (pg: PropertyGroup) => !deleted.has(`${fmri}/${pg.name}`);
  return {
    ...s,
    pgs: s.pgs.filter(keep(`svc:/${s.name}`)),
    instances: s.instances.map((i) => ({ ...i, pgs: i.pgs.filter(keep(`svc:/${s.name}:${i.name}`)) })),
  };
}

function manifestFilesPg(files: ReadonlyMap<string, readonly string[]>): PropertyGroup[] {
  if (!files.size) return [];
  return [{ name: 'manifestfiles', type: 'framework', flags: 0, properties: [...files].map(([name, values]) => ({ name, type: 'astring', values: [...values] })) }];
}

function canon(fmri: string): string {
  const e = parseEntity(fmri);
  return e ? entityFmri(e) : fmri;
}

/** Removes the owner's pgs named by delete="true"; returns whether any was there. */
function deletePgs(store: Store, deleted: ReadonlySet<string>, fmri: string, owner: Owner): boolean {
  if (!deleted.size) return false;
  let any = false;
  for (const row of store.pgRows(owner)) if (deleted.has(`${fmri}/${row.name}`)) { store.deletePg(row.id); any = true; }
  return any;
}

/** Sets manifestfiles/NAME; returns whether that changed anything. */
function recordManifest(store: Store, svcId: number, name: string, values: readonly string[]): boolean {
  const owner: Owner = { kind: 'service', id: svcId };
  const row = store.pgRow(owner, 'manifestfiles');
  if (row) {
    const cur = store.loadPg(owner, 'manifestfiles')!.properties.find((p) => p.name === name);
    if (cur && cur.type === 'astring' && cur.values.length === values.length && cur.values.every((v, i) => v === values[i])) return false;
  }
  const id = row ? row.id : store.insertPg(owner, 'manifestfiles', 'framework', 0);
  store.setProp(id, name, 'astring', values);
  store.bump(id);
  return true;
}

/** Creates (if absent) the target entity of a <dependent>; instance targets get no general/enabled. */
function ensureEntity(store: Store, fmri: string): RepoResult<Resolved> {
  const e = parseEntity(fmri);
  if (!e) return fail('invalid', `dependent target "${fmri}" is not a service or instance FMRI`);
  const svc = ensureService(store, e.service);
  if (e.instance !== undefined && store.instanceId(svc.id, e.instance) === undefined) store.insertInstance(svc.id, e.instance);
  return resolve(store, fmri);
}

/** Writes (or, with `remove`, takes away) the dependency pg a <dependent> injects into its target (§3.6). */
function injectDependent(store: Store, d: DeclaredDependent, remove: boolean, touched: Set<string>): RepoResult<[string, SnapshotTarget][]> {
  if (!isValidName(d.pgName)) return fail('invalid', `dependent "${d.pgName}" of ${d.declaringFmri}: not a valid property group name`);
  const decl = resolve(store, d.declaringFmri);
  if (!decl.ok) return fail('invalid', `dependent "${d.pgName}": declarer ${d.declaringFmri} not found`);
  const declFmri = decl.value.fmri;
  const tr = ensureEntity(store, d.targetFmri);
  if (!tr.ok) return tr;
  const t = tr.value;
  const tOwner = directOwner(t);
  touched.add(`${tOwner.kind}:${tOwner.id}`);
  touched.add(`${directOwner(decl.value).kind}:${directOwner(decl.value).id}`);
  const existing = store.pgRow(tOwner, d.pgName);
  if (existing) {
    const pg = store.loadPg(tOwner, d.pgName)!;
    const ext = pg.properties.find((p) => p.name === 'external')?.values[0] === 'true';
    const mine = pg.properties.find((p) => p.name === 'entities')?.values.includes(declFmri);
    if (pg.type !== 'dependency' || !ext || !mine) {
      return fail('conflict', `${t.fmri}: property group "${d.pgName}" already exists (dependent of ${declFmri} cannot be created)`);
    }
    store.deletePg(existing.id);
  }
  const dependents = store.pgRow(directOwner(decl.value), 'dependents');
  if (remove) {
    if (dependents && store.deleteProp(dependents.id, d.pgName)) store.bump(dependents.id);
  } else {
    const checked = normalizePgs(t.fmri, [injectedDependencyPg({ ...d, declaringFmri: declFmri })]);
    if (!checked.ok) return fail('invalid', checked.error);
    store.writePg(tOwner, checked.value[0]!, existing ? existing.generation + 1 : 1);
    const depId = dependents ? dependents.id : store.insertPg(directOwner(decl.value), 'dependents', 'framework', 0);
    store.setProp(depId, d.pgName, 'fmri', [t.fmri]);
    store.bump(depId);
  }
  const insts = t.kind === 'instance' ? [{ id: t.instId, name: t.instance }] : store.instancesOf(t.svcId);
  return ok(insts.map((i) => [`svc:/${t.service}:${i.name}`, { instId: i.id, svcId: t.svcId }]));
}
