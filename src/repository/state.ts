// Writes on behalf of the restarter and svcadm: pg `restarter` (state, §2.3), `general/enabled`
// and `general_ovr/enabled` (§2.8), `restarter_actions` (§6.5). All target NONPERSISTENT pgs
// except general/enabled; pgs are created on first use. Called inside the caller's transaction.
import { PG_FLAG_NONPERSISTENT, type PropertyType } from '../core/model.js';
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
