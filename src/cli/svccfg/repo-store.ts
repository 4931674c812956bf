// Adapter: svccfg's ConfigStore port (core/svccfg/store.ts) over the SQLite Repository.
// Reads are "current-direct" (svccfg listprop shows directly attached properties) as the caller may
// see them (read-protected values withheld without the authorization, smf-spec §6.7); writes go
// through the Repository's transactions.
import type { Property, PropertyGroup } from '../../core/model.js';
import { entityOfCanonical } from '../../core/svccfg/resolve.js';
import { entityFmri, OK, type ConfigStore, type Entity, type StoreResult } from '../../core/svccfg/store.js';
import type { Repository } from '../../repository/repository.js';
import { ROOT_VIEWER, snapshotLevelView, type PgView, type RepoResult, type Viewer } from '../../repository/types.js';

const result = (r: RepoResult<unknown>): StoreResult => (r.ok ? OK : { ok: false, error: r.message });

function plainPgs(pgs: PgView[]): PropertyGroup[] {
  return pgs.map((pg) => ({
    name: pg.name, type: pg.type, flags: pg.flags,
    properties: pg.properties.map((p): Property => ({ name: p.name, type: p.type, values: p.values })),
  }));
}

export class RepositoryConfigStore implements ConfigStore {
  /** `open` is called on first use (svccfg help/validate FILE never open the repository). */
  constructor(private readonly open: () => Repository, private readonly viewer: Viewer = ROOT_VIEWER) {}
  get repo(): Repository { return this.open(); }

  listServices(): string[] { return this.repo.listServices(); }
  listInstances(service: string): string[] | undefined {
    if (this.repo.entityKind(`svc:/${service}`) !== 'service') return undefined;
    return this.repo.listInstances(service).map((f) => entityOfCanonical(f).instance!);
  }
  allEntities(): string[] {
    const { services, instances } = this.repo.listEntities();
    const byService = new Map<string, string[]>();
    for (const i of instances) {
      const svc = i.slice(0, i.lastIndexOf(':'));
      const list = byService.get(svc);
      if (list) list.push(i); else byService.set(svc, [i]);
    }
    return services.flatMap((s) => [s, ...(byService.get(s) ?? [])]);
  }
  exists(e: Entity): boolean { return this.repo.entityKind(entityFmri(e)) !== undefined; }
  pgs(e: Entity): PropertyGroup[] | undefined {
    const r = this.repo.listPgs(entityFmri(e), { viewer: this.viewer });
    return r.ok ? plainPgs(r.value) : undefined;
  }
  addService(name: string): StoreResult { return result(this.repo.addService(`svc:/${name}`)); }
  addInstance(service: string, name: string): StoreResult { return result(this.repo.addInstance(`svc:/${service}:${name}`)); }
  deleteEntity(e: Entity): { ok: true; touched: Entity[] } | { ok: false; error: string } {
    const r = this.repo.deleteEntity(entityFmri(e));
    if (!r.ok) return { ok: false, error: r.message };
    const touched = r.value.removedDependencies.map((d) => entityOfCanonical(d.slice(0, d.indexOf('/:properties/'))));
    return { ok: true, touched };
  }
  addPg(e: Entity, name: string, type: string, flags: number): StoreResult { return this.noted(e, name, this.repo.addPg(entityFmri(e), name, type, flags)); }
  deletePg(e: Entity, name: string): StoreResult { return this.noted(e, name, this.repo.deletePg(entityFmri(e), name)); }
  setProperty(e: Entity, pg: string, prop: Property): StoreResult {
    return this.noted(e, pg, this.repo.setProperty(entityFmri(e), pg, prop.name, prop.type, prop.values));
  }
  deleteProperty(e: Entity, pg: string, name: string): StoreResult { return this.noted(e, pg, this.repo.deleteProperty(entityFmri(e), pg, name)); }

  /** entities whose immediate properties (smf-spec §6.4: general/enabled, general_ovr, general/restarter) changed */
  private readonly immediate = new Set<string>();
  /** The entities whose immediate properties this session changed (and forgets them). */
  takeImmediate(): string[] {
    const out = [...this.immediate];
    this.immediate.clear();
    return out;
  }
  private noted(e: Entity, pg: string, r: Parameters<typeof result>[0]): StoreResult {
    const res = result(r);
    if (res.ok && (pg === 'general' || pg === 'general_ovr')) this.immediate.add(entityFmri(e));
    return res;
  }
  listSnapshots(e: Entity): string[] {
    const r = this.repo.listSnapshots(entityFmri(e));
    return r.ok ? r.value.map((s) => s.name) : [];
  }
  snapshotPgs(e: Entity, name: string): PropertyGroup[] | undefined {
    // the instance snaplevel alone, as illumos svccfg lists a selected snapshot
    const r = this.repo.listPgs(entityFmri(e), { view: snapshotLevelView(name, 'instance'), viewer: this.viewer });
    return r.ok ? plainPgs(r.value) : undefined;
  }
  revert(e: Entity, name: string): StoreResult { return result(this.repo.revert(entityFmri(e), name)); }
  refresh(e: Entity): StoreResult { return result(this.repo.refresh(entityFmri(e))); }
}
