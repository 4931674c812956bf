// Writes on behalf of the restarter and svcadm: pg `restarter` (state, §2.3), `general/enabled`
// and `general_ovr/enabled` (§2.8), `restarter_actions` (§6.5). All target NONPERSISTENT pgs
// except general/enabled; pgs are created on first use. Called inside the caller's transaction.
import { PG_FLAG_NONPERSISTENT, type PropertyType } from '../core/model.js';
import { triviallyCanonical } from '../core/values.js';
import { canonicalize, encodeValue } from './encode.js';
import type { Store } from './store.js';
import type { RestarterStateUpdate } from './types.js';

const STATE_TYPES: Record<keyof RestarterStateUpdate, PropertyType> = {
  state: 'astring', next_state: 'astring', auxiliary_state: 'astring', state_timestamp: 'time',
  contract: 'count', transient_contract: 'count', start_pid: 'count', start_method_timestamp: 'time',
  start_method_waitstatus: 'integer', logfile: 'astring', auxiliary_fmri: 'astring',
};

export function ensurePg(store: Store, instId: number, name: string, type: string, flags: number): number {
  const row = store.pgRow({ kind: 'instance', id: instId }, name);
  if (row) return row.id;
  return store.insertPg({ kind: 'instance', id: instId }, name, type, flags);
}

/** The restarter's properties in a fixed order: RestarterPgIds.props is indexed by it. */
const STATE_KEYS = Object.keys(STATE_TYPES) as (keyof RestarterStateUpdate)[];
const KEY_INDEX = new Map<string, number>(STATE_KEYS.map((k, i) => [k, i]));
/** RestarterPgIds.props entry of a property a write cannot replace in place (another type, not one value) */
const NOT_IN_PLACE = -1;

/**
 * What a later write of the same instance's restarter pg may skip looking up: the pg, its
 * generation after the last write through these ids, the last property's seq, and per restarter
 * property (STATE_KEYS order) its id when it holds one value of its type, 0 when absent,
 * NOT_IN_PLACE otherwise. Kept for every instance the daemon runs: ~150 bytes each.
 */
export interface RestarterPgIds {
  instId: number;
  pgId: number;
  generation: number;
  lastSeq: number;
  props: number[];
}

/** The ids of an instance's restarter pg as they are now; without the pg, an empty one is created. */
export function restarterPgIds(store: Store, instId: number): RestarterPgIds {
  const props = new Array<number>(STATE_KEYS.length).fill(0);
  const pg = store.pgRow({ kind: 'instance', id: instId }, 'restarter');
  if (!pg) {
    const pgId = store.insertPg({ kind: 'instance', id: instId }, 'restarter', 'framework', PG_FLAG_NONPERSISTENT);
    return { instId, pgId, generation: 1, lastSeq: 0, props };
  }
  let lastSeq = 0;
  const rows = store.rawStmt(`SELECT p.id, p.name, p.type, p.seq, (SELECT count(*) FROM vals v WHERE v.prop_id = p.id)
    FROM props p WHERE p.pg_id = ?`).all(pg.id) as [number, string, string, number, number][];
  for (const [id, name, type, seq, count] of rows) {
    lastSeq = Math.max(lastSeq, seq);
    const k = KEY_INDEX.get(name);
    if (k !== undefined) props[k] = count === 1 && type === STATE_TYPES[STATE_KEYS[k]!] ? id : NOT_IN_PLACE;
  }
  return { instId, pgId: pg.id, generation: pg.generation, lastSeq, props };
}

/**
 * The restarter's usual write through ids kept from an earlier one: a single value replaced in
 * place, a new single-valued property appended, a property removed; then the generation bump.
 * Every write of a pg bumps its generation, so a bump made only while the generation is the one
 * `ids` saw proves that nobody changed the pg since (another connection, a deletion, a rolled-back
 * transaction), and it is made first. Returns false, having written nothing, when the update
 * needs more (another type, several values, a bad value, a changed pg): writeRestarterState then
 * does it (and reports a bad value).
 */
export function writeRestarterStateFast(store: Store, ids: RestarterPgIds, upd: RestarterStateUpdate): boolean {
  const writes: { k: number; enc: string | Buffer | null }[] = [];
  /** a removal of what the ids say is absent: nothing to write once the ids are proved current */
  let absentRemoved = false;
  for (const name in upd) { // not Object.entries: no pair arrays on the restarter's hottest write
    const key = name as keyof RestarterStateUpdate;
    const raw: unknown = upd[key];
    if (raw === undefined) continue;
    const k = KEY_INDEX.get(key);
    if (k === undefined) return false;
    const cur = ids.props[k]!;
    if (cur === NOT_IN_PLACE) return false;
    if (raw === null) {
      if (cur === 0) absentRemoved = true;
      else writes.push({ k, enc: null });
      continue;
    }
    const type = STATE_TYPES[key];
    const trivial = typeof raw === 'string' || typeof raw === 'number' ? triviallyCanonical(type, raw) : undefined;
    if (trivial !== undefined) { writes.push({ k, enc: trivial }); continue; } // no opaque restarter property
    const c = canonicalize(type, [String(raw)]);
    if (!c.ok || c.values.length !== 1) return false;
    writes.push({ k, enc: encodeValue(type, c.values[0]!) });
  }
  if (writes.length === 0) {
    // nothing to write: no bump; only-absent removals are right when the pg is as the ids saw it
    return !absentRemoved || store.stmt(`SELECT 1 FROM pgs WHERE id = ? AND generation = ? AND instance_id = ? AND name = 'restarter'`)
      .get(ids.pgId, ids.generation, ids.instId) !== undefined;
  }
  // the guarded bump also proves the absence behind absentRemoved
  const bumped = store.stmt(`UPDATE pgs SET generation = generation + 1
    WHERE id = ? AND generation = ? AND instance_id = ? AND name = 'restarter'`).run(ids.pgId, ids.generation, ids.instId).changes;
  if (bumped !== 1) return false;
  ids.generation++;
  for (const { k, enc } of writes) {
    const cur = ids.props[k]!;
    if (enc === null) {
      store.stmt('DELETE FROM props WHERE id = ?').run(cur);
      ids.props[k] = 0;
    } else if (cur !== 0) {
      store.stmt('UPDATE vals SET value = ? WHERE prop_id = ? AND seq = 0').run(enc, cur);
    } else {
      const key = STATE_KEYS[k]!;
      const id = Number(store.stmt('INSERT INTO props(pg_id, seq, name, type) VALUES (?, ?, ?, ?)').run(ids.pgId, ++ids.lastSeq, key, STATE_TYPES[key]).lastInsertRowid);
      store.stmt('INSERT INTO vals(prop_id, seq, value) VALUES (?, 0, ?)').run(id, enc);
      ids.props[k] = id;
    }
  }
  return true;
}

/**
 * Returns an error text for a bad value, else writes and returns undefined. The restarter writes
 * thousands of these during a boot, mostly single values replacing single values: the pg's current
 * properties are read in one query, an unchanged value is not written, a changed one is updated in
 * place; anything else (new property, other type or count) goes through setProp.
 */
export function writeRestarterState(store: Store, instId: number, upd: RestarterStateUpdate): string | undefined {
  const pgId = ensurePg(store, instId, 'restarter', 'framework', PG_FLAG_NONPERSISTENT);
  const have = new Map<string, { id: number; type: string; count: number; first: unknown }>();
  const rows = store.rawStmt(`SELECT p.id, p.name, p.type, count(v.seq), min(CASE WHEN v.seq = 0 THEN v.value END)
    FROM props p LEFT JOIN vals v ON v.prop_id = p.id WHERE p.pg_id = ? GROUP BY p.id`).all(pgId) as [number, string, string, number, unknown][];
  for (const [id, name, type, count, first] of rows) have.set(name, { id, type, count, first });
  let changed = false;
  for (const [key, raw] of Object.entries(upd) as [keyof RestarterStateUpdate, unknown][]) {
    if (raw === undefined) continue;
    const type = STATE_TYPES[key];
    if (!type) return `unknown restarter property "${String(key)}"`;
    const cur = have.get(key);
    if (raw === null) {
      if (cur) { store.deleteProp(pgId, key); changed = true; }
      continue;
    }
    const c = canonicalize(type, [String(raw)]);
    if (!c.ok) return `restarter/${key}: ${c.error}`;
    if (cur && cur.type === type && cur.count === 1 && c.values.length === 1) {
      const enc = encodeValue(type, c.values[0]!);
      if (sameStored(cur.first, enc)) continue;
      store.stmt('UPDATE vals SET value = ? WHERE prop_id = ? AND seq = 0').run(enc, cur.id);
    } else store.setProp(pgId, key, type, c.values);
    changed = true;
  }
  if (changed) store.bump(pgId);
  return undefined;
}

function sameStored(a: unknown, b: string | Buffer): boolean {
  if (typeof b === 'string') return a === b;
  return Buffer.isBuffer(a) && a.equals(b);
}

export function setEnabled(store: Store, instId: number, enabled: boolean, temporary: boolean): void {
  if (temporary) {
    const ovr = ensurePg(store, instId, 'general_ovr', 'framework', PG_FLAG_NONPERSISTENT);
    store.setProp(ovr, 'enabled', 'boolean', [String(enabled)]);
    store.bump(ovr);
    return;
  }
  const gen = ensurePg(store, instId, 'general', 'framework', 0);
  store.setProp(gen, 'enabled', 'boolean', [String(enabled)]);
  store.bump(gen);
  const ovr = store.pgRow({ kind: 'instance', id: instId }, 'general_ovr');
  if (ovr && store.deleteProp(ovr.id, 'enabled')) store.bump(ovr.id);
}

export function writeAction(store: Store, instId: number, action: string, value: string, extra: { tty?: boolean; fmri?: string }): void {
  const pgId = ensurePg(store, instId, 'restarter_actions', 'framework', PG_FLAG_NONPERSISTENT);
  store.setProp(pgId, action, 'integer', [value]);
  if (extra.tty !== undefined) store.setProp(pgId, 'auxiliary_tty', 'boolean', [String(extra.tty)]);
  if (extra.fmri !== undefined) store.setProp(pgId, 'auxiliary_fmri', 'astring', [extra.fmri]);
  store.bump(pgId);
}

export function clearAction(store: Store, instId: number, action: string): boolean {
  const row = store.pgRow({ kind: 'instance', id: instId }, 'restarter_actions');
  if (!row || !store.deleteProp(row.id, action)) return false;
  store.bump(row.id);
  return true;
}

export function discardNonPersistent(store: Store): number {
  return store.stmt(`DELETE FROM pgs WHERE flags != 0 AND snapshot_id IS NULL AND (flags & ${PG_FLAG_NONPERSISTENT}) != 0`).run().changes;
}
