// Bulk read of the property groups of one type (e.g. "dependency") of every instance in the
// effective view (smf-spec §6.4: the running snapshot, composed instance level over service
// level; the current configuration composed when an instance has no running snapshot): three
// queries for the whole repository (seven when some instance has no running snapshot, or one
// whose service level is its service's current pgs) instead of
// a full listPgs() per instance (svcs -x, -D and svcadm enable -r, -s over thousands of instances).
//
// Invariants: read-only; the result equals listPgs(fmri, { view: VIEW_EFFECTIVE }) filtered to
// the type, except that (1) a pg whose two levels have different types is judged by each level's
// own type, and (2) current NONPERSISTENT pgs, which the effective view shows through when the
// snapshot lacks them, are not looked at (no pg type used this way is ever NONPERSISTENT).
import { composePgs } from '../core/compose.js';
import { PG_FLAG_NONPERSISTENT } from '../core/model.js';
import { decodeValue } from './encode.js';
import type { Store } from './store.js';
import type { PgView } from './types.js';

type Levels = Map<number, { instance: PgView[]; service: PgView[] }>;

/**
 * Pgs of `type` of every owner in `column` (snapshot_id, instance_id or service_id) matching
 * `where`, grouped owner -> level -> pgs in seq order: one query for the pgs, one for their
 * properties and values (the per-row pg columns would otherwise be repeated for every value).
 */
function load(store: Store, column: string, where: string, params: readonly unknown[]): Levels {
  const out: Levels = new Map();
  const byId = new Map<number, PgView>();
  const pgs = store.stmt(`SELECT p.id, p.${column}, p.level, p.name, p.type, p.flags, p.generation FROM pgs p
    WHERE ${where} ORDER BY p.${column}, p.level, p.seq`).raw(true).all(...params) as [number, number, string, string, string, number, number][];
  for (const [id, owner, level, name, type, flags, generation] of pgs) {
    const pg: PgView = { name, type, flags, generation, properties: [] };
    byId.set(id, pg);
    let o = out.get(owner);
    if (!o) out.set(owner, (o = { instance: [], service: [] }));
    (level === 'service' ? o.service : o.instance).push(pg);
  }
  if (!byId.size) return out;
  const vals = store.stmt(`SELECT pr.pg_id, pr.id, pr.name, pr.type, v.value
    FROM pgs p JOIN props pr ON pr.pg_id = p.id LEFT JOIN vals v ON v.prop_id = pr.id
    WHERE ${where} ORDER BY pr.pg_id, pr.seq, v.seq`).raw(true).all(...params) as [number, number, string, string, unknown][];
  let pid = -1;
  let prop: PgView['properties'][number] | undefined;
  for (const [pgId, propId, name, type, value] of vals) {
    if (propId !== pid) {
      pid = propId;
      prop = { name, type: type as PgView['properties'][number]['type'], values: [] };
      byId.get(pgId)!.properties.push(prop);
    }
    if (value !== null && value !== undefined) prop!.values.push(decodeValue(type, value));
  }
  return out;
}

/**
 * Instance FMRI -> its effective pgs of `type` (instances without any are absent), optionally
 * only those whose name matches one of `nameGlobs` (SQLite GLOB patterns, e.g. "tm_man_*").
 */
export function effectivePgsOfType(store: Store, type: string, nameGlobs: readonly string[] = []): Map<string, PgView[]> {
  const names = nameGlobs.length ? ` AND (${nameGlobs.map(() => 'p.name GLOB ?').join(' OR ')})` : '';
  const params = [type, ...nameGlobs];
  // the running snapshot's levels holder, and whether its service level is the service's current pgs
  const instances = store.stmt(`
    SELECT i.id, i.service_id, 'svc:/' || s.name || ':' || i.name, h.id, h.service_live
    FROM instances i JOIN services s ON s.id = i.service_id
    LEFT JOIN snapshots sn ON sn.instance_id = i.id AND sn.name = 'running'
    LEFT JOIN snapshots h ON h.id = coalesce(sn.levels_of, sn.id)`).raw(true).all() as [number, number, string, number | null, number | null][];
  const snap = load(store, 'snapshot_id',
    `p.snapshot_id IN (SELECT coalesce(levels_of, id) FROM snapshots WHERE name = 'running') AND p.type = ?${names}`, params);
  const needCurrent = instances.some((r) => r[3] === null);
  const needServices = needCurrent || instances.some((r) => r[4] === 1);
  const empty: Levels = new Map();
  const inst = needCurrent ? load(store, 'instance_id', `p.instance_id IS NOT NULL AND p.type = ?${names}`, params) : empty;
  const svc = needServices ? load(store, 'service_id', `p.service_id IS NOT NULL AND p.type = ?${names}`, params) : empty;
  const persistent = (pgs: PgView[]) => pgs.filter((pg) => (pg.flags & PG_FLAG_NONPERSISTENT) === 0);
  const out = new Map<string, PgView[]>();
  for (const [instId, svcId, fmri, snapId, serviceLive] of instances) {
    const l = snapId !== null ? snap.get(snapId) : undefined;
    const pgs = snapId !== null
      ? composePgs(l?.instance ?? [], serviceLive === 1 ? persistent(svc.get(svcId)?.service ?? []) : l?.service ?? [])
      : composePgs(inst.get(instId)?.instance ?? [], svc.get(svcId)?.service ?? []);
    if (pgs.length) out.set(fmri, pgs);
  }
  return out;
}
