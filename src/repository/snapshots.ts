// Snapshots (smf-spec §6.4): per-instance, named, read-only copies of both snaplevels (the
// instance's pgs and its service's pgs), never containing NONPERSISTENT pgs. Taking a snapshot
// replaces a same-named one. Called inside the caller's transaction.
import { PG_FLAG_NONPERSISTENT, type PropertyGroup } from '../core/model.js';
import type { Store } from './store.js';
import type { PgView } from './types.js';

export interface SnapshotTarget { instId: number; svcId: number }

function newSnapshot(store: Store, instId: number, name: string, now: number): number {
  store.stmt('DELETE FROM snapshots WHERE instance_id = ? AND name = ?').run(instId, name);
  return Number(store.stmt('INSERT INTO snapshots(instance_id, name, taken_at) VALUES (?, ?, ?)').run(instId, name, now).lastInsertRowid);
}

/** Snapshot NAME := current configuration of the instance (both levels, persistent pgs only). */
export function takeSnapshot(store: Store, t: SnapshotTarget, name: string, now: number): void {
  const snap = newSnapshot(store, t.instId, name, now);
  store.copyAllPgs({ kind: 'instance', id: t.instId }, { kind: 'snapshot', id: snap, level: 'instance' }, true, true);
  store.copyAllPgs({ kind: 'service', id: t.svcId }, { kind: 'snapshot', id: snap, level: 'service' }, true, true);
}

/** Snapshot NAME := given pg lists (e.g. last-import := the manifest as delivered). */
export function writeSnapshot(store: Store, instId: number, name: string, now: number, levels: { instance: readonly PropertyGroup[]; service: readonly PropertyGroup[] }): void {
  const snap = newSnapshot(store, instId, name, now);
  store.writePgs({ kind: 'snapshot', id: snap, level: 'instance' }, levels.instance, { persistentOnly: true, fresh: true });
  store.writePgs({ kind: 'snapshot', id: snap, level: 'service' }, levels.service, { persistentOnly: true, fresh: true });
}

/** Snapshot TO := snapshot FROM. Returns false if FROM does not exist. */
export function copySnapshot(store: Store, instId: number, from: string, to: string, now: number): boolean {
  const src = store.stmt('SELECT id FROM snapshots WHERE instance_id = ? AND name = ?').get(instId, from) as { id: number } | undefined;
  if (!src) return false;
  if (from === to) return true;
  const snap = newSnapshot(store, instId, to, now);
  for (const level of ['instance', 'service'] as const) {
    store.copyAllPgs({ kind: 'snapshot', id: src.id, level }, { kind: 'snapshot', id: snap, level }, false, true);
  }
  return true;
}

/** Reads both levels of a snapshot (undefined if absent). */
export function readSnapshotLevels(store: Store, instId: number, name: string): { instance: PgView[]; service: PgView[] } | undefined {
  const src = store.stmt('SELECT id FROM snapshots WHERE instance_id = ? AND name = ?').get(instId, name) as { id: number } | undefined;
  if (!src) return undefined;
  return {
    instance: store.loadPgs({ kind: 'snapshot', id: src.id, level: 'instance' }),
    service: store.loadPgs({ kind: 'snapshot', id: src.id, level: 'service' }),
  };
}

/**
 * Current persistent pgs of the instance and its service := the snapshot's levels. NONPERSISTENT
 * pgs are left alone. Generations of replaced pgs move forward (never back).
 */
export function restoreLevels(store: Store, t: SnapshotTarget, levels: { instance: PgView[]; service: PgView[] }): void {
  for (const [owner, pgs] of [[{ kind: 'instance', id: t.instId }, levels.instance], [{ kind: 'service', id: t.svcId }, levels.service]] as const) {
    const old = new Map(store.pgRows(owner).filter((r) => (r.flags & PG_FLAG_NONPERSISTENT) === 0).map((r) => [r.name, r]));
    for (const r of old.values()) store.deletePg(r.id);
    for (const pg of pgs) store.writePg(owner, pg, (old.get(pg.name)?.generation ?? 0) + 1);
  }
}

export function listSnapshots(store: Store, instId: number): { name: string; takenAt: number }[] {
  return store.stmt('SELECT name, taken_at AS takenAt FROM snapshots WHERE instance_id = ? ORDER BY id').all(instId) as { name: string; takenAt: number }[];
}
