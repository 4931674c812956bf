// The repository's data model, shared by the manifest layer (XML <-> this), the repository
// (this <-> SQLite), the CLIs and the restarter. Pure types and tiny helpers only.
//
// Invariants:
// - Every value of a property has the property's type; values are kept as strings in their
//   canonical printed form (booleans "true"/"false", counts/integers in decimal, opaque as
//   lower-case hex, 2 chars per byte). No length limit below 1 MiB and never a truncation.
// - Order of values is significant; order of property groups and properties is the order in
//   which they were created (the repository preserves it, export relies on it).

export const PROPERTY_TYPES = [
  'boolean', 'count', 'integer', 'time', 'astring', 'ustring', 'opaque',
  'fmri', 'uri', 'host', 'hostname', 'net_address', 'net_address_v4', 'net_address_v6',
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export function isPropertyType(s: string): s is PropertyType {
  return (PROPERTY_TYPES as readonly string[]).includes(s);
}

export interface Property {
  name: string;
  type: PropertyType;
  values: string[];
}

/** Property-group flags. NONPERSISTENT pgs are dropped at "reboot" and never snapshotted or exported. */
export const PG_FLAG_NONPERSISTENT = 1;

export interface PropertyGroup {
  name: string;
  /** framework, method, dependency, application, template, ... (free-form string) */
  type: string;
  flags: number;
  properties: Property[];
}

export interface InstanceData {
  name: string;
  pgs: PropertyGroup[];
}

export interface ServiceData {
  /** service name without scheme, e.g. "site/pool-import" */
  name: string;
  pgs: PropertyGroup[];
  instances: InstanceData[];
}

/** The well-known snapshot names (smf-spec section 6.4). */
export const SNAPSHOT_NAMES = ['initial', 'last-import', 'running', 'previous', 'start'] as const;
export type SnapshotName = (typeof SNAPSHOT_NAMES)[number];

export function findPg(pgs: readonly PropertyGroup[], name: string): PropertyGroup | undefined {
  return pgs.find((pg) => pg.name === name);
}

export function findProp(pg: PropertyGroup | undefined, name: string): Property | undefined {
  return pg?.properties.find((p) => p.name === name);
}
