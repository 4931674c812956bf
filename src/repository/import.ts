// svccfg import and apply (smf-spec §7.3, §8, §3.6, §6.4) on lowered bundles, inside the
// caller's transaction (a failure value makes the caller roll everything back).
//
// import: create or upgrade services and instances (upgrade.ts), new instance -> `initial`,
// existing -> `previous` before upgrading, always `last-import` := the manifest as delivered;
// `<dependent>` injection (creating the target if absent, conflict if another declarer owns the
// pg); then refresh (retake `running` of) the imported instances and dependent targets, which
// are returned for the restarter to be notified.
import { PG_FLAG_NONPERSISTENT, type PropertyGroup, type ServiceData } from '../core/model.js';
import { manifestPropName } from '../core/manifest/lower.js';
import { canonicalize } from './encode.js';
import { isValidName, isValidServiceName, parseEntity } from './names.js';
import { directOwner, fail, ok, resolve, type Resolved } from './read.js';
import { readSnapshotLevels, takeSnapshot, writeSnapshot } from './snapshots.js';
import type { Owner, Store } from './store.js';
import type { ApplyReport, DependentDecl, ImportOptions, ImportReport, LoweredBundle, RepoResult } from './types.js';
import { upgradeLevel } from './upgrade.js';

const PROTECTED_ON_REIMPORT = new Set(['general/enabled', 'general/restarter']);

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Checks names, types and values of pgs and returns a copy with canonical values. */
function normalizePgs(where: string, pgs: readonly PropertyGroup[]): Checked<PropertyGroup[]> {
  const out: PropertyGroup[] = [];
  for (const pg of pgs) {
    if (!isValidName(pg.name)) return { ok: false, error: `${where}: "${pg.name}" is not a valid property group name` };
    if (!pg.type) return { ok: false, error: `${where}: property group "${pg.name}" has no type` };
    const properties = [];
    for (const p of pg.properties) {
      if (!isValidName(p.name)) return { ok: false, error: `${where}: "${pg.name}/${p.name}" is not a valid property name` };
      const c = canonicalize(p.type, p.values);
      if (!c.ok) return { ok: false, error: `${where}: property "${pg.name}/${p.name}": ${c.error}` };
      properties.push({ name: p.name, type: p.type, values: c.values });
    }
    out.push({ ...pg, properties });
  }
  return { ok: true, value: out };
}

/** Checks a bundle's services (names, types, values); returns a canonical copy. */
export function normalizeServices(services: readonly ServiceData[]): Checked<ServiceData[]> {
  const out: ServiceData[] = [];
  for (const s of services) {
    if (!isValidServiceName(s.name)) return { ok: false, error: `"${s.name}" is not a valid service name` };
    const pgs = normalizePgs(`svc:/${s.name}`, s.pgs);
    if (!pgs.ok) return pgs;
    const instances = [];
    for (const i of s.instances) {
      if (!isValidName(i.name)) return { ok: false, error: `svc:/${s.name}: "${i.name}" is not a valid instance name` };
      const ipgs = normalizePgs(`svc:/${s.name}:${i.name}`, i.pgs);
      if (!ipgs.ok) return ipgs;
      instances.push({ ...i, pgs: ipgs.value });
    }
    out.push({ ...s, pgs: pgs.value, instances });
  }
  return { ok: true, value: out };
}

function ensureService(store: Store, name: string): { id: number; created: boolean } {
  const id = store.serviceId(name);
  return id !== undefined ? { id, created: false } : { id: store.insertService(name), created: true };
}

export function importBundle(store: Store, bundle: LoweredBundle, opts: ImportOptions, now: number): RepoResult<ImportReport> {
  const norm = normalizeServices(bundle.services);
  if (!norm.ok) return fail('invalid', norm.error);
  const report: ImportReport = { notify: [], created: [], warnings: [] };
  const refresh = new Map<string, { instId: number; svcId: number }>();
  const overrides = new Set((bundle.overrides ?? []).map((o) => `${canon(o.entity)}/${o.pg}/${o.prop}`));

  for (const s0 of norm.value) {
    // pgs carrying delete="true" are not part of what the manifest delivers
    const s = withoutDeleted(s0, bundle);
    const svc = ensureService(store, s.name);
    const svcFmri = `svc:/${s.name}`;
    const svcOwner: Owner = { kind: 'service', id: svc.id };
    const existing = store.instancesOf(svc.id);
    // `previous` := the configuration before this import touches either level
    for (const inst of s.instances) {
      const e = existing.find((x) => x.name === inst.name);
      if (e) takeSnapshot(store, { instId: e.id, svcId: svc.id }, 'previous', now);
    }
    // Baseline of the service level: the last-import of an instance delivered by this same
    // bundle. Instances from other manifests of the same service are not used: their
    // last-import holds what *that* manifest delivered at service level.
    let svcBaseline = undefined;
    for (const i of s.instances.map((x) => existing.find((e) => e.name === x.name))) {
      if (!i) continue;
      const lv = readSnapshotLevels(store, i.id, 'last-import');
      if (lv) { svcBaseline = lv.service.filter((pg) => pg.name !== 'manifestfiles'); break; }
    }
    // manifestfiles accumulates one property per manifest delivering the service: merged, never upgraded
    const manifestPgs = s.pgs.filter((pg) => pg.name === 'manifestfiles');
    upgradeLevel(store, {
      owner: svcOwner, fmri: svcFmri, manifest: s.pgs.filter((pg) => pg.name !== 'manifestfiles'),
      baseline: svc.created ? undefined : svcBaseline,
      isOverride: (pg, prop) => overrides.has(`${svcFmri}/${pg}/${prop}`), protect: new Set(), warnings: report.warnings,
    });
    deletePgs(store, bundle, svcFmri, svcOwner);
    for (const pg of manifestPgs) for (const p of pg.properties) recordManifest(store, svc.id, p.name, p.values);
    if (opts.manifestPath) recordManifest(store, svc.id, manifestPropName(opts.manifestPath), [opts.manifestPath]);

    for (const inst of s.instances) {
      const fmri = `${svcFmri}:${inst.name}`;
      let instId = store.instanceId(svc.id, inst.name);
      let unchangedManifest = false;
      const target = () => ({ instId: instId!, svcId: svc.id });
      if (instId === undefined) {
        instId = store.insertInstance(svc.id, inst.name);
        for (const pg of inst.pgs) if ((pg.flags & PG_FLAG_NONPERSISTENT) === 0) store.writePg({ kind: 'instance', id: instId }, pg);
        takeSnapshot(store, target(), 'initial', now);
        report.created.push(fmri);
      } else {
        const baseline = readSnapshotLevels(store, instId, 'last-import');
        unchangedManifest = !!baseline && samePgs(baseline.instance, inst.pgs) && samePgs(baseline.service, s.pgs);
        upgradeLevel(store, {
          owner: { kind: 'instance', id: instId }, fmri, manifest: inst.pgs, baseline: baseline?.instance,
          isOverride: (pg, prop) => overrides.has(`${fmri}/${pg}/${prop}`), protect: PROTECTED_ON_REIMPORT, warnings: report.warnings,
        });
        deletePgs(store, bundle, fmri, { kind: 'instance', id: instId });
      }
      // an identical manifest leaves last-import as it is (only its time moves): no rewrite
      if (unchangedManifest) store.stmt("UPDATE snapshots SET taken_at = ? WHERE instance_id = ? AND name = 'last-import'").run(now, instId);
      else writeSnapshot(store, instId, 'last-import', now, { instance: inst.pgs, service: s.pgs });
      refresh.set(fmri, target());
    }
  }

  for (const d of bundle.dependents ?? []) {
    const r = injectDependent(store, d);
    if (!r.ok) return r;
    for (const [fmri, t] of r.value) refresh.set(fmri, t);
  }

  for (const [fmri, t] of refresh) {
    takeSnapshot(store, t, 'running', now);
    report.notify.push(fmri);
  }
  return ok(report);
}

function withoutDeleted(s: ServiceData, bundle: LoweredBundle): ServiceData {
  const dels = bundle.deletePgs ?? [];
  if (!dels.length) return s;
  const gone = (fmri: string, pg: string) => dels.some((d) => d.pg === pg && canon(d.entity) === fmri);
  return {
    ...s,
    pgs: s.pgs.filter((pg) => !gone(`svc:/${s.name}`, pg.name)),
    instances: s.instances.map((i) => ({ ...i, pgs: i.pgs.filter((pg) => !gone(`svc:/${s.name}:${i.name}`, pg.name)) })),
  };
}

/** Same pgs in the same order with the same properties and values (what last-import holds). */
function samePgs(a: readonly PropertyGroup[], b: readonly PropertyGroup[]): boolean {
  const persistent = (l: readonly PropertyGroup[]) => l.filter((pg) => (pg.flags & PG_FLAG_NONPERSISTENT) === 0);
  const x = persistent(a); const y = persistent(b);
  return x.length === y.length && x.every((pg, i) => {
    const q = y[i]!;
    return pg.name === q.name && pg.type === q.type && pg.flags === q.flags && pg.properties.length === q.properties.length
      && pg.properties.every((p, j) => {
        const r = q.properties[j]!;
        return p.name === r.name && p.type === r.type && p.values.length === r.values.length && p.values.every((v, k) => v === r.values[k]);
      });
  });
}

function canon(fmri: string): string {
  const e = parseEntity(fmri);
  if (!e) return fmri;
  return e.instance === undefined ? `svc:/${e.service}` : `svc:/${e.service}:${e.instance}`;
}

function deletePgs(store: Store, bundle: LoweredBundle, fmri: string, owner: Owner): void {
  for (const d of bundle.deletePgs ?? []) {
    if (canon(d.entity) !== fmri) continue;
    const row = store.pgRow(owner, d.pg);
    if (row) store.deletePg(row.id);
  }
}

function recordManifest(store: Store, svcId: number, name: string, values: readonly string[]): void {
  const owner: Owner = { kind: 'service', id: svcId };
  const row = store.pgRow(owner, 'manifestfiles');
  const id = row ? row.id : store.insertPg(owner, 'manifestfiles', 'framework', 0);
  store.setProp(id, name, 'astring', values);
  store.bump(id);
}

/** Creates (if absent) the target entity of a <dependent>; instance targets get no general/enabled. */
function ensureEntity(store: Store, fmri: string): RepoResult<Resolved> {
  const e = parseEntity(fmri);
  if (!e) return fail('invalid', `dependent target "${fmri}" is not a service or instance FMRI`);
  const svc = ensureService(store, e.service);
  if (e.instance !== undefined && store.instanceId(svc.id, e.instance) === undefined) store.insertInstance(svc.id, e.instance);
  return resolve(store, fmri);
}

function injectDependent(store: Store, d: DependentDecl): RepoResult<[string, { instId: number; svcId: number }][]> {
  if (!isValidName(d.name)) return fail('invalid', `dependent "${d.name}" of ${d.declarer}: not a valid property group name`);
  const decl = resolve(store, d.declarer);
  if (!decl.ok) return fail('invalid', `dependent "${d.name}": declarer ${d.declarer} not found`);
  const declFmri = decl.value.fmri;
  const tr = ensureEntity(store, d.target);
  if (!tr.ok) return tr;
  const t = tr.value;
  const tOwner = directOwner(t);
  const existing = store.pgRow(tOwner, d.name);
  if (existing) {
    const pg = store.loadPg(tOwner, d.name)!;
    const ext = pg.properties.find((p) => p.name === 'external')?.values[0] === 'true';
    const mine = pg.properties.find((p) => p.name === 'entities')?.values.includes(declFmri);
    if (pg.type !== 'dependency' || !ext || !mine) {
      return fail('conflict', `${t.fmri}: property group "${d.name}" already exists (dependent of ${declFmri} cannot be created)`);
    }
    store.deletePg(existing.id);
  }
  const dependents = store.pgRow(directOwner(decl.value), 'dependents');
  if (d.delete) {
    if (dependents && store.deleteProp(dependents.id, d.name)) store.bump(dependents.id);
  } else {
    const checked = normalizePgs(t.fmri, [{ name: d.name, type: 'dependency', flags: 0, properties: d.properties ?? [] }]);
    if (!checked.ok) return fail('invalid', checked.error);
    const extra = checked.value[0]!.properties;
    const base = [
      { name: 'grouping', type: 'astring' as const, values: [d.grouping] },
      { name: 'restart_on', type: 'astring' as const, values: [d.restart_on] },
      { name: 'type', type: 'astring' as const, values: ['service'] },
      { name: 'entities', type: 'fmri' as const, values: [declFmri] },
      { name: 'external', type: 'boolean' as const, values: ['true'] },
    ];
    const props = [...base.filter((b) => !extra.some((x) => x.name === b.name)), ...extra];
    store.writePg(tOwner, { name: d.name, type: 'dependency', flags: 0, properties: props }, existing ? existing.generation + 1 : 1);
    const depId = dependents ? dependents.id : store.insertPg(directOwner(decl.value), 'dependents', 'framework', 0);
    store.setProp(depId, d.name, 'fmri', [t.fmri]);
    store.bump(depId);
  }
  const insts = t.kind === 'instance' ? [{ id: t.instId, name: t.instance }] : store.instancesOf(t.svcId);
  return ok(insts.map((i) => [`svc:/${t.service}:${i.name}`, { instId: i.id, svcId: t.svcId }]));
}

/** svccfg apply: values onto existing entities only (others are reported as ignored), then refresh. */
export function applyProfile(store: Store, bundle: LoweredBundle, now: number): RepoResult<ApplyReport> {
  const report: ApplyReport = { notify: [], ignored: [], warnings: [] };
  const refresh = new Map<string, { instId: number; svcId: number }>();
  for (const s of bundle.services) {
    if (!isValidServiceName(s.name)) return fail('invalid', `"${s.name}" is not a valid service name`);
    const svcId = store.serviceId(s.name);
    if (svcId === undefined) { report.ignored.push(`svc:/${s.name}`); continue; }
    const e1 = applyPgs(store, { kind: 'service', id: svcId }, `svc:/${s.name}`, s.pgs);
    if (e1) return fail('invalid', e1);
    if (s.pgs.length) for (const i of store.instancesOf(svcId)) refresh.set(`svc:/${s.name}:${i.name}`, { instId: i.id, svcId });
    for (const inst of s.instances) {
      const fmri = `svc:/${s.name}:${inst.name}`;
      const instId = store.instanceId(svcId, inst.name);
      if (instId === undefined) { report.ignored.push(fmri); continue; }
      const e2 = applyPgs(store, { kind: 'instance', id: instId }, fmri, inst.pgs);
      if (e2) return fail('invalid', e2);
      refresh.set(fmri, { instId, svcId });
    }
  }
  for (const [fmri, t] of refresh) { takeSnapshot(store, t, 'running', now); report.notify.push(fmri); }
  return ok(report);
}

function applyPgs(store: Store, owner: Owner, fmri: string, pgs: readonly PropertyGroup[]): string | undefined {
  for (const pg of pgs) {
    if (!isValidName(pg.name)) return `${fmri}: "${pg.name}" is not a valid property group name`;
    const row = store.pgRow(owner, pg.name);
    const id = row ? row.id : store.insertPg(owner, pg.name, pg.type || 'application', pg.flags);
    for (const p of pg.properties) {
      // a profile may omit the type: the existing property's type is used then (lower.ts passes its guess)
      if (!isValidName(p.name)) return `${fmri}: "${pg.name}/${p.name}" is not a valid property name`;
      const cur = store.propRow(id, p.name);
      const asCur = cur ? canonicalize(cur.type, p.values) : undefined;
      const c = asCur?.ok ? asCur : canonicalize(p.type, p.values);
      if (!c.ok) return `${fmri}: property "${pg.name}/${p.name}": ${c.error}`;
      store.setProp(id, p.name, asCur?.ok ? cur!.type : p.type, c.values);
    }
    store.bump(id);
  }
  return undefined;
}
