// Reads: entity resolution and the four views of smf-spec §6.3/§6.4/§7.4 (current-direct,
// current-composed, snapshot-composed, effective), plus the read-authorization filter of §6.7.
// Composition itself is the pure core/compose.ts; this module only fetches the levels.
import { composePgs, overlayPgs } from '../core/compose.js';
import { PG_FLAG_NONPERSISTENT } from '../core/model.js';
import { parseEntity, serviceFmri } from './names.js';
import { findSnapshot } from './snapshots.js';
import type { Owner, Store } from './store.js';
import type { PgView, RepoResult, View, Viewer } from './types.js';
import { hasAuth } from '../core/protocol/authorization.js';

export type Resolved =
  | { kind: 'service'; svcId: number; service: string; fmri: string }
  | { kind: 'instance'; svcId: number; instId: number; service: string; instance: string; fmri: string };

export const fail = (code: 'not-found' | 'exists' | 'type-mismatch' | 'invalid' | 'conflict' | 'permission-denied', message: string) =>
  ({ ok: false as const, code, message });
export const ok = <T>(value: T) => ({ ok: true as const, value });

export function resolve(store: Store, fmri: string): RepoResult<Resolved> {
  const e = parseEntity(fmri);
  if (!e) return fail('invalid', `"${fmri}" is not a valid service or instance FMRI`);
  const svcId = store.serviceId(e.service);
  if (svcId === undefined) return fail('not-found', `service ${serviceFmri(e.service)} does not exist`);
  if (e.instance === undefined) return ok({ kind: 'service', svcId, service: e.service, fmri: serviceFmri(e.service) });
  const instId = store.instanceId(svcId, e.instance);
  const fmriI = `svc:/${e.service}:${e.instance}`;
  if (instId === undefined) return fail('not-found', `instance ${fmriI} does not exist`);
  return ok({ kind: 'instance', svcId, instId, service: e.service, instance: e.instance, fmri: fmriI });
}

export function directOwner(ent: Resolved): Owner {
  return ent.kind === 'service' ? { kind: 'service', id: ent.svcId } : { kind: 'instance', id: ent.instId };
}

/** Id of the snapshot holding the pgs of snapshot NAME (itself or the one it shares). */
export function snapshotId(store: Store, instId: number, name: string): number | undefined {
  return findSnapshot(store, instId, name)?.levels;
}

const load = (store: Store, o: Owner, only?: string) => (only === undefined ? store.loadPgs(o) : store.loadPgs(o, only));

function currentComposed(store: Store, ent: Resolved & { kind: 'instance' }, only?: string): PgView[] {
  return composePgs(load(store, { kind: 'instance', id: ent.instId }, only), load(store, { kind: 'service', id: ent.svcId }, only));
}

function snapshotComposed(store: Store, snapId: number, only?: string): PgView[] {
  return composePgs(load(store, { kind: 'snapshot', id: snapId, level: 'instance' }, only),
    load(store, { kind: 'snapshot', id: snapId, level: 'service' }, only));
}

/** Pgs of an entity in a view (unfiltered: callers apply filterForViewer). `only` = one pg name. */
export function readPgs(store: Store, ent: Resolved, view: View, only?: string): RepoResult<PgView[]> {
  if (ent.kind === 'service') {
    if (view.kind === 'snapshot') return fail('not-found', `services have no snapshots (${ent.fmri})`);
    return ok(load(store, directOwner(ent), only));
  }
  switch (view.kind) {
    case 'current-direct':
      return ok(load(store, directOwner(ent), only));
    case 'current-composed':
      return ok(currentComposed(store, ent, only));
    case 'snapshot': {
      const id = snapshotId(store, ent.instId, view.name);
      if (id === undefined) return fail('not-found', `No such snapshot "${view.name}" for ${ent.fmri}.`);
      if (view.level) return ok(load(store, { kind: 'snapshot', id, level: view.level }, only));
      return ok(snapshotComposed(store, id, only));
    }
    case 'effective': {
      const current = currentComposed(store, ent, only);
      const id = snapshotId(store, ent.instId, 'running');
      if (id === undefined) return ok(current);
      // as svcprop does: a pg found in the snapshot wins; current NONPERSISTENT pgs fill in
      const snap = snapshotComposed(store, id, only);
      const inSnap = new Set(snap.map((pg) => pg.name));
      const live = current.filter((pg) => (pg.flags & PG_FLAG_NONPERSISTENT) !== 0 && !inSnap.has(pg.name));
      return ok(overlayPgs(snap, live));
    }
    default: {
      const never: never = view;
      throw new Error(`unknown view ${JSON.stringify(never)}`);
    }
  }
}

// ---- authorization (§6.7) -------------------------------------------------------------------

export function stringValues(pg: PgView, name: string): string[] {
  const p = pg.properties.find((x) => x.name === name);
  return p && p.type === 'astring' ? p.values : [];
}

/** A pg is read-protected when it is of type application and has an astring read_authorization. */
export function isReadProtected(pg: PgView): boolean {
  return pg.type === 'application' && pg.properties.some((p) => p.name === 'read_authorization' && p.type === 'astring');
}

export function mayRead(pg: PgView, viewer: Viewer): boolean {
  if (viewer.uid === 0 || !isReadProtected(pg)) return true;
  const granted = [...viewer.auths]; // grants may end in a wildcard (solaris.smf.*)
  if (hasAuth(granted, 'solaris.smf.modify') || hasAuth(granted, 'solaris.smf.modify.application')) return true;
  return ['read_authorization', 'value_authorization', 'modify_authorization']
    .some((n) => stringValues(pg, n).some((a) => hasAuth(granted, a)));
}

export function filterForViewer(pgs: PgView[], viewer: Viewer): PgView[] {
  return pgs.map((pg) => (mayRead(pg, viewer) ? pg : {
    ...pg, properties: pg.properties.map((p) => ({ name: p.name, type: p.type, values: [], protected: true })),
  }));
}
