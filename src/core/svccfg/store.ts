// The port through which svccfg's editing and navigation verbs reach the repository, plus the
// small value types they share. The real adapter (src/cli/svccfg/repo-store.ts) wraps the
// SQLite Repository; unit tests use an in-memory fake. All operations are synchronous (the
// repository is) and report expected failures as values.
//
// Invariants: pgs() returns the directly attached property groups (no composition) in
// creation order, including NONPERSISTENT ones; an Entity names a service, or an instance of
// one when `instance` is set.
import { isValidName as isValidNameOf } from '../fmri.js';
import type { Property, PropertyGroup, PropertyType } from '../model.js';

export interface Entity { service: string; instance?: string }

export type StoreResult = { ok: true } | { ok: false; error: string };

export const OK: StoreResult = { ok: true };

export interface ConfigStore {
  listServices(): string[];
  /** undefined when the service does not exist. */
  listInstances(service: string): string[] | undefined;
  exists(e: Entity): boolean;
  /** Directly attached pgs; undefined when the entity does not exist. */
  pgs(e: Entity): PropertyGroup[] | undefined;
  addService(name: string): StoreResult;
  addInstance(service: string, name: string): StoreResult;
  /** Deletes the entity (a service with all its instances) and the dependency pgs it injected
   *  into other entities (§3.6); `touched` = those other entities. */
  deleteEntity(e: Entity): { ok: true; touched: Entity[] } | { ok: false; error: string };
  addPg(e: Entity, name: string, type: string, flags: number): StoreResult;
  deletePg(e: Entity, name: string): StoreResult;
  /** Creates or replaces the property (type and values). */
  setProperty(e: Entity, pg: string, prop: Property): StoreResult;
  deleteProperty(e: Entity, pg: string, name: string): StoreResult;
  listSnapshots(e: Entity): string[];
  /** The instance-level pgs recorded in snapshot `name`; undefined when there is no such snapshot. */
  snapshotPgs(e: Entity, name: string): PropertyGroup[] | undefined;
  /** Copies snapshot `name` back to the editing copy (taking `previous` first). */
  revert(e: Entity, name: string): StoreResult;
  /** Retakes `running` for the instance (for a service: for each of its instances). */
  refresh(e: Entity): StoreResult;
}

/** Checks/normalizes one value given as text for a property of `type` (smf-spec §6.2). */
export type ValueChecker = (type: PropertyType, raw: string) => { ok: true; value: string } | { ok: false; error: string };

export function entityFmri(e: Entity): string {
  return `svc:/${e.service}${e.instance !== undefined ? ':' + e.instance : ''}`;
}

export function sameEntity(a: Entity | null, b: Entity | null): boolean {
  return !!a && !!b && a.service === b.service && a.instance === b.instance;
}

/** Service/instance/pg/property identifier rule (smf-spec §1.1, core/fmri.ts's checkName). */
export function isValidName(s: string): boolean {
  return isValidNameOf(s, 'property');
}

export function isValidServiceName(s: string): boolean {
  return isValidNameOf(s, 'service');
}

export const NAME_RULE = 'names start with a letter and continue with letters, digits, "-" or "_" (optionally after a "vendor," prefix), at most 119 bytes';
