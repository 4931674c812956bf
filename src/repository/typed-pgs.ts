// Bulk read of the property groups of one type (e.g. "dependency") of every instance in the
// effective view (smf-spec §6.4: the running snapshot, composed instance level over service
// level; the current configuration composed when an instance has no running snapshot): three
// queries for the whole repository instead of a full listPgs() per instance (svcs -x, -d, -D
// and svcadm enable -r over thousands of instances).
//
// Invariants: read-only; the result equals listPgs(fmri, { view: VIEW_EFFECTIVE }) filtered to
// the type, except that (1) a pg whose two levels have different types is judged by each level's
// own type, and (2) current NONPERSISTENT pgs, which the effective view shows through when the
// snapshot lacks them, are not looked at (no pg type used this way is ever NONPERSISTENT).
import { composePgs } from '../core/compose.js';
import { decodeValue } from './encode.js';
import type { Store } from './store.js';
import type { PgView } from './types.js';

type Row = [owner: number, level: string, gid: number, gname: string, gtype: string, flags: number, generation: number,
  pname: string | null, ptype: string | null, value: unknown];

const COLUMNS = `p.level, p.id, p.name, p.type, p.flags, p.generation, pr.name, pr.type, v.value
  FROM pgs p LEFT JOIN props pr ON pr.pg_id = p.id LEFT JOIN vals v ON v.prop_id = pr.id`;

/** Groups rows (ordered by owner, level, pg seq, prop seq, value seq) into owner -> level -> pgs. */
type Levels = Map<number, { instance: PgView[]; service: PgView[] }>;

function group(rows: Row[]): Levels {
  const out: Levels = new Map();
  let gid = -1;
  let pg: PgView | undefined;
  let prop: PgView['properties'][number] | undefined;
  for (const [owner, level, id, gname, gtype, flags, generation, pname, ptype, value] of rows) {
    if (id !== gid) {
      gid = id;
      prop = undefined;
      pg = { name: gname, type: gtype, flags, generation, properties: [] };
      let o = out.get(owner);
      if (!o) out.set(owner, (o = { instance: [], service: [] }));
      (level === 'service' ? o.service : o.instance).push(pg);
    }
    if (pname === null) continue;
    if (!prop || prop.name !== pname) {
      prop = { name: pname, type: ptype as PgView['properties'][number]['type'], values: [] };
      pg!.properties.push(prop);
    }
    if (value !== null && value !== undefined) prop.values.push(decodeValue(ptype!, value));
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
  const instances = store.stmt(`
    SELECT i.id, i.service_id, 'svc:/' || s.name || ':' || i.name,
      (SELECT coalesce(sn.levels_of, sn.id) FROM snapshots sn WHERE sn.instance_id = i.id AND sn.name = 'running')
    FROM instances i JOIN services s ON s.id = i.service_id`).raw(true).all() as [number, number, string, number | null][];
  const snap = group(store.stmt(`SELECT p.snapshot_id, ${COLUMNS}
    WHERE p.snapshot_id IN (SELECT coalesce(levels_of, id) FROM snapshots WHERE name = 'running') AND p.type = ?${names}
    ORDER BY p.snapshot_id, p.level, p.seq, pr.seq, v.seq`).raw(true).all(...params) as Row[]);
  const needCurrent = instances.some((r) => r[3] === null);
  const inst: Levels = needCurrent ? group(store.stmt(`SELECT p.instance_id, ${COLUMNS}
    WHERE p.instance_id IS NOT NULL AND p.type = ?${names} ORDER BY p.instance_id, p.seq, pr.seq, v.seq`).raw(true).all(...params) as Row[]) : new Map();
  const svc: Levels = needCurrent ? group(store.stmt(`SELECT p.service_id, ${COLUMNS}
    WHERE p.service_id IS NOT NULL AND p.type = ?${names} ORDER BY p.service_id, p.seq, pr.seq, v.seq`).raw(true).all(...params) as Row[]) : new Map();
  const out = new Map<string, PgView[]>();
  for (const [instId, svcId, fmri, snapId] of instances) {
    const l = snapId !== null ? snap.get(snapId) : undefined;
    const pgs = snapId !== null
      ? (l ? composePgs(l.instance, l.service) : [])
      : composePgs(inst.get(instId)?.instance ?? [], svc.get(svcId)?.service ?? []);
    if (pgs.length) out.set(fmri, pgs);
  }
  return out;
}
