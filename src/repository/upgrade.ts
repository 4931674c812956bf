// Re-import of one snaplevel (smf-spec §6.4, §7.3 import): the manifest's pgs are merged into the
// entity's current pgs, using the `last-import` snapshot level as the baseline that tells which
// values the administrator changed since the previous import.
//
// Rules per property: unchanged since last-import (or no baseline at all) -> takes the manifest
// value; customised -> kept, with a warning; override=true -> manifest value; deleted by the
// admin -> stays deleted; dropped from the manifest and unchanged -> deleted. `protect`ed
// properties (general/enabled, general/restarter of existing instances) are never changed
// once present. NONPERSISTENT pgs are never touched.
import { PG_FLAG_NONPERSISTENT, type Property, type PropertyGroup } from '../core/model.js';
import type { Owner, Store } from './store.js';
import type { PgView } from './types.js';

export interface LevelUpgrade {
  owner: Owner;
  fmri: string;
  manifest: readonly PropertyGroup[];
  /** last-import level; undefined when the entity was never imported (manifest wins everywhere) */
  baseline: readonly PgView[] | undefined;
  isOverride: (pg: string, prop: string) => boolean;
  protect: ReadonlySet<string>;
  warnings: string[];
  /** `FMRI/pg` of the pgs the manifest deletes (delete="true"): removed by the import, never "kept" */
  deleted?: ReadonlySet<string>;
  /** the owner's current pgs when the caller has just loaded them */
  current?: readonly PgView[];
}

const same = (a: Property | undefined, b: Property | undefined) =>
  !!a && !!b && a.type === b.type && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);

const show = (p: Property) => p.values.map((v) => JSON.stringify(v)).join(' ');

/** Returns whether anything was written. */
export function upgradeLevel(store: Store, u: LevelUpgrade): boolean {
  let wrote = false;
  const current = new Map((u.current ?? store.loadPgs(u.owner)).map((pg) => [pg.name, pg]));
  const base = u.baseline ? new Map(u.baseline.map((pg) => [pg.name, pg])) : undefined;
  for (const np of u.manifest) {
    if ((np.flags & PG_FLAG_NONPERSISTENT) !== 0) continue;
    const cur = current.get(np.name);
    const bpg = base?.get(np.name);
    if (!cur) {
      if (bpg) {
        // only a manifest that changed the pg since last-import is worth a word (illumos warns on conflicts alone)
        const unchanged = bpg.properties.length === np.properties.length && np.properties.every((p) => same(p, bpg.properties.find((b) => b.name === p.name)));
        if (!unchanged) u.warnings.push(`${u.fmri}: property group "${np.name}" was deleted by the administrator; not re-created`);
        continue;
      }
      store.writePg(u.owner, np);
      wrote = true;
      continue;
    }
    if ((cur.flags & PG_FLAG_NONPERSISTENT) !== 0) continue;
    const row = store.pgRow(u.owner, np.name)!;
    let changed = false;
    if (cur.type !== np.type && (!base || bpg?.type === cur.type)) {
      store.setPgType(row.id, np.type);
      changed = true;
    }
    for (const p of np.properties) {
      const key = `${np.name}/${p.name}`;
      const cp = cur.properties.find((x) => x.name === p.name);
      const bp = bpg?.properties.find((x) => x.name === p.name);
      if (same(cp, p)) continue;
      if (cp && u.protect.has(key)) continue;
      let take: boolean;
      if (u.isOverride(np.name, p.name) || !base) take = true;
      else if (!cp) take = !bp;
      else take = same(cp, bp);
      if (take) { store.setProp(row.id, p.name, p.type, p.values); changed = true; continue; }
      // the manifest did not change it since last-import: the administrator's choice stays, silently
      // (illumos add_upgrade_entries); a conflict is both having changed it
      if (same(p, bp)) continue;
      u.warnings.push(cp
        ? `Conflict upgrading ${u.fmri} (property "${key}" has been customised): keeping ${show(cp)}, manifest has ${show(p)}`
        : `${u.fmri}: property "${key}" was deleted by the administrator; not re-created`);
    }
    if (bpg) {
      for (const bp of bpg.properties) {
        if (np.properties.some((p) => p.name === bp.name) || u.protect.has(`${np.name}/${bp.name}`)) continue;
        const cp = cur.properties.find((x) => x.name === bp.name);
        if (cp && same(cp, bp)) { store.deleteProp(row.id, bp.name); changed = true; }
      }
    }
    if (changed) { store.bump(row.id); wrote = true; }
  }
  // pgs dropped from the manifest: removed if the admin left them exactly as imported
  if (base) {
    for (const bpg of base.values()) {
      if (u.manifest.some((pg) => pg.name === bpg.name) || u.deleted?.has(`${u.fmri}/${bpg.name}`)) continue;
      const cur = current.get(bpg.name);
      if (!cur || (cur.flags & PG_FLAG_NONPERSISTENT) !== 0) continue;
      const unchanged = cur.type === bpg.type && cur.properties.length === bpg.properties.length
        && cur.properties.every((p) => same(p, bpg.properties.find((b) => b.name === p.name)));
      if (unchanged) { store.deletePg(store.pgRow(u.owner, bpg.name)!.id); wrote = true; }
      else u.warnings.push(`${u.fmri}: property group "${bpg.name}" is no longer in the manifest but was customised; kept`);
    }
  }
  return wrote;
}
