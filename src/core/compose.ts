// Composition of property groups (smf-spec §6.3): an instance read "composed" sees the union of
// its own pgs and its service's pgs. Same-named pgs merge into one composed pg that carries the
// instance pg's type/flags; each property is looked up in the instance pg first, then in the
// service pg (instance properties obscure, service-only properties show through).
//
// Invariants: pure, inputs never mutated, order preserved (instance pgs in their order, then
// service-only pgs in theirs; inside a composed pg instance properties first, then service-only
// ones). Works on any pg shape that has name + properties (so generation/markers survive).
import type { Property, PropertyGroup } from './model.js';

export interface ComposablePg<P extends { name: string } = Property> {
  name: string;
  type: string;
  flags: number;
  properties: P[];
}

/** Composes one pg from its two levels; either level may be absent (not both). */
export function composePg<G extends ComposablePg<{ name: string }>>(inst: G | undefined, svc: G | undefined): G {
  if (!inst && !svc) throw new Error('composePg: both levels absent');
  if (!inst) return svc!;
  if (!svc) return inst;
  const own = new Set(inst.properties.map((p) => p.name));
  return { ...inst, properties: [...inst.properties, ...svc.properties.filter((p) => !own.has(p.name))] };
}

/** Composes two snaplevels (instance level over service level). */
export function composePgs<G extends ComposablePg<{ name: string }>>(instancePgs: readonly G[], servicePgs: readonly G[]): G[] {
  const byName = new Map(servicePgs.map((pg) => [pg.name, pg]));
  const out: G[] = instancePgs.map((pg) => composePg(pg, byName.get(pg.name)));
  const seen = new Set(instancePgs.map((pg) => pg.name));
  for (const pg of servicePgs) if (!seen.has(pg.name)) out.push(pg);
  return out;
}

/**
 * Overlays pgs on a composed list: a same-named pg is replaced in place, new ones are appended.
 * Used for the effective view (running snapshot + live NONPERSISTENT pgs).
 */
export function overlayPgs<G extends { name: string }>(base: readonly G[], overlay: readonly G[]): G[] {
  const over = new Map(overlay.map((pg) => [pg.name, pg]));
  const out = base.map((pg) => over.get(pg.name) ?? pg);
  const seen = new Set(base.map((pg) => pg.name));
  for (const pg of overlay) if (!seen.has(pg.name)) out.push(pg);
  return out;
}

/** Looks up a property through the composition without building the composed pg list. */
export function composedProperty<P extends { name: string }>(
  inst: ComposablePg<P> | undefined, svc: ComposablePg<P> | undefined, name: string,
): P | undefined {
  return inst?.properties.find((p) => p.name === name) ?? svc?.properties.find((p) => p.name === name);
}

export type { PropertyGroup };
