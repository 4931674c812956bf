// svccfg apply (smf-spec §7.3, §9 profiles) on a lowered profile, inside the caller's
// transaction: values onto existing entities only (others are reported as ignored), pgs and
// properties created as needed, an existing property's type wins when the values fit it; then
// `running` is retaken for the touched instances.
import type { PropertyGroup } from '../core/model.js';
import type { LoweredBundle } from '../core/manifest/lowered.js';
import { canonicalize } from './encode.js';
import { entityFmri, isValidName, isValidServiceName, parseEntity } from './names.js';
import { fail, ok } from './read.js';
import { takeSnapshot, type SnapshotTarget } from './snapshots.js';
import type { Owner, Store } from './store.js';
import type { ApplyReport, RepoResult } from './types.js';

/** svccfg apply: values onto existing entities only (others are reported as ignored), then refresh. */
export function applyProfile(store: Store, bundle: LoweredBundle, now: number): RepoResult<ApplyReport> {
  const report: ApplyReport = { notify: [], ignored: [], warnings: [] };
  const refresh = new Map<string, SnapshotTarget>();
  const canon = (f: string) => { const e = parseEntity(f); return e ? entityFmri(e) : f; };
  // properties the profile gave no type: the existing property's type decides (smf-spec §8)
  const untyped = new Set((bundle.untyped ?? []).map((u) => `${canon(u.entity)}/${u.pg}/${u.prop}`));
  // property groups the profile deletes (delete="true")
  const deletes = new Set((bundle.deletes ?? []).filter((d) => d.prop === undefined).map((d) => `${canon(d.entity)}/${d.pg}`));
  const ctx: ApplyContext = { untyped, deletes, warnings: report.warnings };
  for (const s of bundle.services) {
    if (!isValidServiceName(s.name)) return fail('invalid', `"${s.name}" is not a valid service name`);
    const svcId = store.serviceId(s.name);
    if (svcId === undefined) { report.ignored.push(`svc:/${s.name}`); continue; }
    const e1 = applyPgs(store, { kind: 'service', id: svcId }, `svc:/${s.name}`, s.pgs, ctx);
    if (e1) return fail('invalid', e1);
    if (s.pgs.length) for (const i of store.instancesOf(svcId)) refresh.set(`svc:/${s.name}:${i.name}`, { instId: i.id, svcId });
    for (const inst of s.instances) {
      const fmri = `svc:/${s.name}:${inst.name}`;
      const instId = store.instanceId(svcId, inst.name);
      if (instId === undefined) { report.ignored.push(fmri); continue; }
      const e2 = applyPgs(store, { kind: 'instance', id: instId }, fmri, inst.pgs, ctx, { kind: 'service', id: svcId });
      if (e2) return fail('invalid', e2);
      refresh.set(fmri, { instId, svcId });
    }
  }
  // pgs the profile deletes (delete="true"), whether or not it also lists them
  for (const ref of deletes) {
    const slash = ref.lastIndexOf('/');
    const e = parseEntity(ref.slice(0, slash));
    const svcId = e ? store.serviceId(e.service) : undefined;
    if (!e || svcId === undefined) continue;
    const instId = e.instance === undefined ? undefined : store.instanceId(svcId, e.instance);
    if (e.instance !== undefined && instId === undefined) continue;
    const row = store.pgRow(instId === undefined ? { kind: 'service', id: svcId } : { kind: 'instance', id: instId }, ref.slice(slash + 1));
    if (!row) continue;
    store.deletePg(row.id);
    const insts = instId === undefined ? store.instancesOf(svcId).map((i) => ({ name: i.name, id: i.id })) : [{ name: e.instance!, id: instId }];
    for (const i of insts) refresh.set(`svc:/${e.service}:${i.name}`, { instId: i.id, svcId });
  }
  for (const [fmri, t] of refresh) { takeSnapshot(store, t, 'running', now); report.notify.push(fmri); }
  return ok(report);
}

interface ApplyContext { untyped: ReadonlySet<string>; deletes: ReadonlySet<string>; warnings: string[] }

/** `inherited`: the service of an instance, whose same-named pg and property an instance level composes over. */
function applyPgs(store: Store, owner: Owner, fmri: string, pgs: readonly PropertyGroup[], ctx: ApplyContext, inherited?: Owner): string | undefined {
  for (const pg of pgs) {
    if (!isValidName(pg.name)) return `${fmri}: "${pg.name}" is not a valid property group name`;
    const row = store.pgRow(owner, pg.name);
    if (ctx.deletes.has(`${fmri}/${pg.name}`)) {
      if (row) store.deletePg(row.id);
      continue;
    }
    const below = inherited ? store.pgRow(inherited, pg.name) : undefined;
    const id = row ? row.id : store.insertPg(owner, pg.name, pg.type || below?.type || 'application', pg.flags);
    for (const p of pg.properties) {
      // a profile may omit the type: the existing property's type is used then (lower.ts passes its guess),
      // the instance's own or, as composition shows it, the service's (smf-spec §8)
      if (!isValidName(p.name)) return `${fmri}: "${pg.name}/${p.name}" is not a valid property name`;
      const cur = store.propRow(id, p.name) ?? (below ? store.propRow(below.id, p.name) : undefined);
      const asCur = cur ? canonicalize(cur.type, p.values) : undefined;
      if (ctx.untyped.has(`${fmri}/${pg.name}/${p.name}`)) {
        // no type in the profile: the existing property's, and the value must fit it (illumos "illegal value")
        if (asCur && !asCur.ok) return `${fmri}: property "${pg.name}/${p.name}" is ${cur!.type}: ${asCur.error} (give the value that type, or a type in the profile)`;
        if (!cur) ctx.warnings.push(`${fmri}: could not find the type of "${pg.name}/${p.name}" (no such property yet); ${p.type} assumed`);
      }
      const c = asCur?.ok ? asCur : canonicalize(p.type, p.values);
      if (!c.ok) return `${fmri}: property "${pg.name}/${p.name}": ${c.error}`;
      store.setProp(id, p.name, asCur?.ok ? cur!.type : p.type, c.values);
    }
    store.bump(id);
  }
  return undefined;
}
