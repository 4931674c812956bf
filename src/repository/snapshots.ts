// Snapshots (smf-spec §6.4): per-instance, named, read-only copies of both snaplevels (the
// instance's pgs and its service's pgs), never containing NONPERSISTENT pgs. Taking a snapshot
// replaces a same-named one. Snapshots with the same content share one copy of the pgs
// (schema v3 `levels_of`): a copy (start := running) and the snapshots of a new instance are
// shared, and a shared copy is handed over when its owner is retaken or deleted. The snapshots of
// a new instance of a new service also share the service's current pgs as their service level
// until the first change to them (schema v4 `service_live`, copy on write in Store). Called inside
// the caller's transaction.
import { PG_FLAG_NONPERSISTENT, type PropertyGroup } from '../core/model.js';
import type { Store } from './store.js';
import type { PgView } from './types.js';

export interface SnapshotTarget { instId: number; svcId: number }

/** Id of the snapshot NAME and of the snapshot holding its pgs (itself, or the one it shares). */
export function findSnapshot(store: Store, instId: number, name: string): { id: number; levels: number } | undefined {
  return store.stmt('SELECT id, coalesce(levels_of, id) AS levels FROM snapshots WHERE instance_id = ? AND name = ?')
    .get(instId, name) as { id: number; levels: number } | undefined;
}

/**
 * Deletes snapshot NAME. Pgs that other snapshots share are handed over (not copied) to the
 * oldest of them, which the others then share. Returns whether it existed.
 */
export function dropSnapshot(store: Store, instId: number, name: string): boolean {
  const snap = findSnapshot(store, instId, name);
  if (!snap) return false;
  const heir = store.stmt('SELECT min(id) AS id FROM snapshots WHERE levels_of = ?').get(snap.id) as { id: number | null };
  if (heir.id !== null) {
    store.stmt('UPDATE pgs SET snapshot_id = ? WHERE snapshot_id = ?').run(heir.id, snap.id);
    store.stmt('UPDATE snapshots SET levels_of = CASE WHEN id = ? THEN NULL ELSE ? END WHERE levels_of = ?').run(heir.id, heir.id, snap.id);
    // a service level shared with the service's current pgs goes with the pgs
    store.stmt('UPDATE snapshots SET service_live = (SELECT service_live FROM snapshots WHERE id = ?) WHERE id = ?').run(snap.id, heir.id);
  }
  store.stmt('DELETE FROM snapshots WHERE id = ?').run(snap.id);
  return true;
}

/**
 * A new snapshot NAME (replacing a same-named one unless the instance is known to have none),
 * empty or sharing the pgs of snapshot id `levelsOf`; returns its id.
 */
export function newSnapshot(store: Store, instId: number, name: string, now: number, levelsOf: number | null = null, instanceIsNew = false): number {
  if (!instanceIsNew) dropSnapshot(store, instId, name);
  return Number(store.stmt('INSERT INTO snapshots(instance_id, name, taken_at, levels_of) VALUES (?, ?, ?, ?)').run(instId, name, now, levelsOf).lastInsertRowid);
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

/** Snapshot TO := snapshot FROM, sharing its pgs (no copy). Returns false if FROM does not exist. */
export function copySnapshot(store: Store, instId: number, from: string, to: string, now: number): boolean {
  if (!findSnapshot(store, instId, from)) return false;
  if (from === to) return true;
  dropSnapshot(store, instId, to);
  // looked up after the drop: FROM may have just inherited TO's pgs
  newSnapshot(store, instId, to, now, findSnapshot(store, instId, from)!.levels);
  return true;
}

/**
 * Snapshot TO := snapshot FROM when the instance has no TO yet (the `start` snapshot of an
 * instance's first start): one statement, so it needs no savepoint of its own. Returns false,
 * having written nothing, when FROM is absent or TO exists (copySnapshot then does it).
 */
export function shareIntoAbsentSnapshot(store: Store, instId: number, from: string, to: string, now: number): boolean {
  return store.stmt(`INSERT INTO snapshots(instance_id, name, taken_at, levels_of)
    SELECT f.instance_id, ?, ?, coalesce(f.levels_of, f.id) FROM snapshots f
    WHERE f.instance_id = ? AND f.name = ? AND ? != f.name
      AND NOT EXISTS (SELECT 1 FROM snapshots t WHERE t.instance_id = f.instance_id AND t.name = ?)`)
    .run(to, now, instId, from, to, to).changes === 1;
}

/** Reads both levels of a snapshot (undefined if absent). */
export function readSnapshotLevels(store: Store, instId: number, name: string): { instance: PgView[]; service: PgView[] } | undefined {
  const src = findSnapshot(store, instId, name);
  if (!src) return undefined;
  return {
    instance: store.loadPgs({ kind: 'snapshot', id: src.levels, level: 'instance' }),
    service: store.loadPgs({ kind: 'snapshot', id: src.levels, level: 'service' }),
  };
}

/** Reads several snapshots of an instance at once; snapshots sharing their levels (a fresh
 *  instance's initial, last-import and running) are read once and share the result. */
export function readSnapshotsLevels(store: Store, instId: number, names: readonly string[]): Map<string, ReturnType<typeof readSnapshotLevels>> {
  const out = new Map<string, ReturnType<typeof readSnapshotLevels>>();
  const byLevels = new Map<number, ReturnType<typeof readSnapshotLevels>>();
  for (const name of names) {
    const src = findSnapshot(store, instId, name);
    if (!src) { out.set(name, undefined); continue; }
    let levels = byLevels.get(src.levels);
    if (!levels) {
      levels = {
        instance: store.loadPgs({ kind: 'snapshot', id: src.levels, level: 'instance' }),
        service: store.loadPgs({ kind: 'snapshot', id: src.levels, level: 'service' }),
      };
      byLevels.set(src.levels, levels);
    }
    out.set(name, levels);
  }
  return out;
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
