// An in-memory ConfigStore: the reference behaviour of the port, used by the unit tests of
// the svccfg verbs (and usable for dry runs). Pure. Snapshots copy the instance-level pgs;
// refresh retakes `running`; revert takes `previous` then restores.
import type { Property, PropertyGroup } from '../model.js';
import { OK, type ConfigStore, type Entity, type StoreResult } from './store.js';

interface Inst { pgs: PropertyGroup[]; snapshots: Map<string, PropertyGroup[]> }
interface Svc { pgs: PropertyGroup[]; instances: Map<string, Inst> }

const clone = (pgs: PropertyGroup[]): PropertyGroup[] => structuredClone(pgs);
const err = (error: string): StoreResult => ({ ok: false, error });

export class MemoryConfigStore implements ConfigStore {
  readonly services = new Map<string, Svc>();

  private level(e: Entity): { pgs: PropertyGroup[] } | undefined {
    const svc = this.services.get(e.service);
    if (!svc || e.instance === undefined) return svc;
    return svc.instances.get(e.instance);
  }

  listServices(): string[] { return [...this.services.keys()]; }
  listInstances(service: string): string[] | undefined {
    const s = this.services.get(service);
    return s ? [...s.instances.keys()] : undefined;
  }
  exists(e: Entity): boolean { return !!this.level(e); }
  pgs(e: Entity): PropertyGroup[] | undefined {
    const l = this.level(e);
    return l ? clone(l.pgs) : undefined;
  }
  addService(name: string): StoreResult {
    if (this.services.has(name)) return err(`service svc:/${name} already exists`);
    this.services.set(name, { pgs: [], instances: new Map() });
    return OK;
  }
  addInstance(service: string, name: string): StoreResult {
    const s = this.services.get(service);
    if (!s) return err(`service svc:/${service} does not exist`);
    if (s.instances.has(name)) return err(`instance exists`);
    s.instances.set(name, { pgs: [], snapshots: new Map() });
    return OK;
  }
  deleteEntity(e: Entity): { ok: true; touched: Entity[] } | { ok: false; error: string } {
    const s = this.services.get(e.service);
    if (!s) return { ok: false, error: 'no such service' };
    if (e.instance === undefined) this.services.delete(e.service);
    else if (!s.instances.delete(e.instance)) return { ok: false, error: 'no such instance' };
    return { ok: true, touched: [] };
  }
  addPg(e: Entity, name: string, type: string, flags: number): StoreResult {
    const l = this.level(e);
    if (!l) return err('no such entity');
    if (l.pgs.some((p) => p.name === name)) return err(`property group "${name}" exists`);
    l.pgs.push({ name, type, flags, properties: [] });
    return OK;
  }
  deletePg(e: Entity, name: string): StoreResult {
    const l = this.level(e);
    const at = l?.pgs.findIndex((p) => p.name === name) ?? -1;
    if (!l || at < 0) return err(`property group "${name}" does not exist`);
    l.pgs.splice(at, 1);
    return OK;
  }
  setProperty(e: Entity, pg: string, prop: Property): StoreResult {
    const g = this.level(e)?.pgs.find((p) => p.name === pg);
    if (!g) return err(`property group "${pg}" does not exist`);
    const at = g.properties.findIndex((p) => p.name === prop.name);
    const copy = { name: prop.name, type: prop.type, values: [...prop.values] };
    if (at >= 0) g.properties[at] = copy; else g.properties.push(copy);
    return OK;
  }
  deleteProperty(e: Entity, pg: string, name: string): StoreResult {
    const g = this.level(e)?.pgs.find((p) => p.name === pg);
    const at = g?.properties.findIndex((p) => p.name === name) ?? -1;
    if (!g || at < 0) return err(`property "${pg}/${name}" does not exist`);
    g.properties.splice(at, 1);
    return OK;
  }
  private inst(e: Entity): Inst | undefined {
    return e.instance === undefined ? undefined : this.services.get(e.service)?.instances.get(e.instance);
  }
  listSnapshots(e: Entity): string[] { return [...(this.inst(e)?.snapshots.keys() ?? [])]; }
  snapshotPgs(e: Entity, name: string): PropertyGroup[] | undefined {
    const s = this.inst(e)?.snapshots.get(name);
    return s ? clone(s) : undefined;
  }
  takeSnapshot(e: Entity, name: string): void {
    const i = this.inst(e);
    if (i) i.snapshots.set(name, clone(i.pgs));
  }
  revert(e: Entity, name: string): StoreResult {
    const i = this.inst(e);
    const snap = i?.snapshots.get(name);
    if (!i || !snap) return err(`no snapshot "${name}"`);
    i.snapshots.set('previous', clone(i.pgs));
    i.pgs = clone(snap);
    return OK;
  }
  refresh(e: Entity): StoreResult {
    const svc = this.services.get(e.service);
    if (!svc) return err('no such entity');
    const names = e.instance !== undefined ? [e.instance] : [...svc.instances.keys()];
    for (const n of names) this.takeSnapshot({ service: e.service, instance: n }, 'running');
    return OK;
  }
}
