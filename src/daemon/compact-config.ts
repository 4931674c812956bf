// Compact copies of instance configurations kept by the daemon for later methods (one per
// instance: 5,000 of them at scale). Repository reads build every values/properties array by
// push (backing stores over-allocated to ~17 slots) and return a fresh string per row for
// names, types and common values; a compact copy has exact-size arrays and shares repeated
// strings through a bounded pool. The copy is deep and equal in content to its source; short
// properties are shared (frozen) between copies: a compact copy is never modified in place.
// methodConfiguration() keeps only what a later method run can read (see there).
import { tokenize } from '../core/method/tokens.js';
import { findPg, findProp, type Property, type PropertyGroup } from '../core/model.js';

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

/**
 * Identical short properties (grouping=require_all, restart_on=none, timeout_seconds=60...) are
 * one shared, frozen object: thousands of instances repeat them (5 MB of a 5,000-instance daemon).
 */
const PROP_POOL_LIMIT = 50_000;
const MAX_POOLED_PROPERTY = 160;
const propPool = new Map<string, Property>();

function compactProperty(p: Property): Property {
  let key: string | undefined;
  if (p.values.length <= 4) {
    key = p.name + '\0' + p.type + '\0' + p.values.join('\0');
    if (key.length > MAX_POOLED_PROPERTY) key = undefined;
    else {
      const hit = propPool.get(key);
      if (hit !== undefined) return hit;
    }
  }
  const values = new Array<string>(p.values.length);
  for (let i = 0; i < p.values.length; i++) values[i] = intern(p.values[i]!);
  const out: Property = { name: intern(p.name), type: intern(p.type), values };
  if (key !== undefined && propPool.size < PROP_POOL_LIMIT) {
    Object.freeze(values);
    propPool.set(key, Object.freeze(out));
  }
  return out;
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

/** The methods svc.startd runs (prepareMethod reads the pg named after the method). */
const METHODS = ['start', 'stop', 'refresh'] as const;

/**
 * The pgs a method run can read (prepareMethod): the start/stop/refresh pgs (exec, timeout and
 * their method context), method_context, and every pg a %{pg/prop} token of their exec strings
 * names (%{name} = application/name; other entities' tokens are read from the repository then).
 * Everything else (dependencies, general, startd, manifestfiles, the restarter's own pgs...)
 * is dropped: at 5,000 instances that is two thirds of the configuration kept per instance.
 * An exec string that does not tokenize keeps everything (its error is reported at run time).
 */
export function methodPgs(pgs: readonly PropertyGroup[]): PropertyGroup[] {
  const wanted = new Set<string>(['method_context', ...METHODS]);
  for (const m of METHODS) {
    for (const exec of findProp(findPg(pgs, m), 'exec')?.values ?? []) {
      const t = tokenize(exec);
      if (!t.ok) return [...pgs];
      for (const tok of t.value) if (tok.kind === 'property' && tok.ref.fmri === undefined) wanted.add(tok.ref.pg);
    }
  }
  return pgs.filter((pg) => wanted.has(pg.name));
}

/** What the daemon keeps per instance for later methods: methodPgs(), compacted. */
export function methodConfiguration(pgs: readonly PropertyGroup[]): PropertyGroup[] {
  return compactPgs(methodPgs(pgs));
}
