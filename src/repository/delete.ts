// Entity deletion (svccfg delete, smf-spec §3.6): before a service or instance goes, every
// dependency pg it injected into other entities through its `dependents` pg is removed from
// the named target. Rows of the entity itself go by ON DELETE CASCADE (pgs, props, values,
// instances, snapshots). Called inside the caller's transaction.
import { directOwner, resolve, type Resolved } from './read.js';
import type { Store, Owner } from './store.js';

export function removeInjected(store: Store, owner: Owner, selfFmri: string): string[] {
  const removed: string[] = [];
  const dependents = store.loadPg(owner, 'dependents');
  if (!dependents) return removed;
  for (const p of dependents.properties) {
    for (const target of p.values) {
      const t = resolve(store, target);
      if (!t.ok) continue;
      const row = store.pgRow(directOwner(t.value), p.name);
      if (!row || row.type !== 'dependency') continue;
      const pg = store.loadPg(directOwner(t.value), p.name)!;
      const entities = pg.properties.find((x) => x.name === 'entities')?.values ?? [];
      // only remove what this entity injected (a same-named pg declared by someone else stays)
      if (entities.length && !entities.includes(selfFmri)) continue;
      store.deletePg(row.id);
      removed.push(`${t.value.fmri}/:properties/${p.name}`);
    }
  }
  return removed;
}

export function deleteEntity(store: Store, ent: Resolved): { removedDependencies: string[] } {
  const removed: string[] = [];
  if (ent.kind === 'instance') {
    removed.push(...removeInjected(store, directOwner(ent), ent.fmri));
    store.stmt('DELETE FROM instances WHERE id = ?').run(ent.instId);
  } else {
    removed.push(...removeInjected(store, directOwner(ent), ent.fmri));
    for (const i of store.instancesOf(ent.svcId)) {
      removed.push(...removeInjected(store, { kind: 'instance', id: i.id }, `svc:/${ent.service}:${i.name}`));
    }
    store.stmt('DELETE FROM services WHERE id = ?').run(ent.svcId);
  }
  return { removedDependencies: removed };
}
