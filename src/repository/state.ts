// Writes on behalf of the restarter and svcadm: pg `restarter` (state, §2.3), `general/enabled`
// and `general_ovr/enabled` (§2.8), `restarter_actions` (§6.5). All target NONPERSISTENT pgs
// except general/enabled; pgs are created on first use. Called inside the caller's transaction.
import { PG_FLAG_NONPERSISTENT, type PropertyType } from '../core/model.js';
import { canonicalize } from './encode.js';
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

/** Returns an error text for a bad value, else writes and returns undefined. */
export function writeRestarterState(store: Store, instId: number, upd: RestarterStateUpdate): string | undefined {
  const pgId = ensurePg(store, instId, 'restarter', 'framework', PG_FLAG_NONPERSISTENT);
  for (const [key, raw] of Object.entries(upd) as [keyof RestarterStateUpdate, unknown][]) {
    if (raw === undefined) continue;
    const type = STATE_TYPES[key];
    if (!type) return `unknown restarter property "${String(key)}"`;
    if (raw === null) { store.deleteProp(pgId, key); continue; }
    const c = canonicalize(type, [String(raw)]);
    if (!c.ok) return `restarter/${key}: ${c.error}`;
    store.setProp(pgId, key, type, c.values);
  }
  store.bump(pgId);
  return undefined;
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
