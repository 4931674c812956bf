// Helpers that let a re-import skip copies when nothing changes (smf-spec §6.4 snapshots are
// content, not history): comparison of pg lists as last-import and snapshots hold them, and
// whether an instance's `running` snapshot still equals its current configuration (then
// `previous` shares it instead of copying, and an import that writes nothing keeps it).
import { PG_FLAG_NONPERSISTENT, type PropertyGroup } from '../core/model.js';
import { readSnapshotLevels } from './snapshots.js';
import type { Store } from './store.js';

export const withoutManifestFiles = <G extends { name: string }>(pgs: readonly G[]): G[] => pgs.filter((pg) => pg.name !== 'manifestfiles');

/** Same persistent pgs in the same order with the same properties and values. */
export function samePgs(a: readonly PropertyGroup[], b: readonly PropertyGroup[]): boolean {
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

type Levels = { instance: readonly PropertyGroup[]; service: readonly PropertyGroup[] };

/** Whether snapshot `running` holds exactly the given current persistent configuration. */
export function runningIsCurrent(store: Store, instId: number, current: Levels): boolean {
  return levelsEqual(readSnapshotLevels(store, instId, 'running'), current);
}

/** Whether snapshot levels (as read, undefined when absent) equal the given configuration. */
export function levelsEqual(snapshot: Levels | undefined, current: Levels): boolean {
  return !!snapshot && samePgs(snapshot.instance, current.instance) && samePgs(snapshot.service, current.service);
}
