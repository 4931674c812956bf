// Compact copies of instance configurations kept by the daemon for later methods (one per
// instance: 5,000 of them at scale). Repository reads build every values/properties array by
// push (backing stores over-allocated to ~17 slots) and return a fresh string per row for
// names, types and common values; a compact copy has exact-size arrays and shares repeated
// strings through a bounded pool. The copy is deep and equal in content to its source.
import type { Property, PropertyGroup } from '../core/model.js';

const POOL_LIMIT = 100_000;
const MAX_POOLED_LENGTH = 128;
const pool = new Map<string, string>();

/** The pooled instance of `s` (short strings only; the pool stops growing at its limit). */
export function intern<T extends string>(s: T): T {
  if (s.length > MAX_POOLED_LENGTH) return s;
  const hit = pool.get(s);
  if (hit !== undefined) return hit as T;
  if (pool.size < POOL_LIMIT) pool.set(s, s);
  return s;
}

function compactProperty(p: Property): Property {
  const values = new Array<string>(p.values.length);
  for (let i = 0; i < p.values.length; i++) values[i] = intern(p.values[i]!);
  return { name: intern(p.name), type: intern(p.type), values };
}

/** A deep copy of `pgs` with exact-size arrays and pooled strings. */
export function compactPgs(pgs: readonly PropertyGroup[]): PropertyGroup[] {
  const out = new Array<PropertyGroup>(pgs.length);
  for (let i = 0; i < pgs.length; i++) {
    const pg = pgs[i]!;
    const properties = new Array<Property>(pg.properties.length);
    for (let j = 0; j < pg.properties.length; j++) properties[j] = compactProperty(pg.properties[j]!);
    out[i] = { name: intern(pg.name), type: intern(pg.type), flags: pg.flags, properties };
  }
  return out;
}
