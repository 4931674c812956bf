// A lowered bundle: what a manifest or profile delivers, as repository data (smf-spec §8). The
// manifest layer (lower.ts) produces it and the repository's import/apply consume it, so both
// sides share this one type and the two helpers that must agree on both sides: the pg a
// <dependent> injects into its target, and the manifestfiles property name of a manifest path.
//
// Invariants: pure data; FMRIs in `entity`/`declaringFmri` are canonical (svc:/S or svc:/S:I);
// a PropertyRef without `prop` names a whole property group.
import type { Property, PropertyGroup, ServiceData } from '../model.js';
import type { Grouping, RestartOn } from './bundle.js';

export interface DeclaredDependent {
  /** FMRI of the declaring entity: the service (svc:/P) or the instance (svc:/P:I) */
  declaringFmri: string;
  /** target as written in <service_fmri value=...> */
  targetFmri: string;
  /** name of the dependency pg created in the target (and of the property in `dependents`) */
  pgName: string;
  grouping: Grouping;
  restartOn: RestartOn;
  /** stability (as entity_stability) and propval/property children, in order */
  extraProps: Property[];
  atLevel: 'service' | 'instance';
  override: boolean;
}

export interface PropertyRef { entity: string; pg: string; prop?: string }

/** What import and apply take. Only `services` is required (tests and tools build bundles by hand). */
export interface LoweredBundle {
  services: ServiceData[];
  dependents?: readonly DeclaredDependent[];
  /** override="true" properties (re-import replaces a customised value) */
  overrides?: readonly PropertyRef[];
  /** property groups (no `prop`) and dependents (entity = target, pg = dependent name) with delete="true" */
  deletes?: readonly PropertyRef[];
  /** profile properties written without a type: the existing property's type is used */
  untyped?: readonly PropertyRef[];
  /**
   * Set by lowerBundle: every name and value is already checked and values are in canonical
   * form, so import does not check them again (only that each pg has a type). Bundles built by
   * hand leave it out and are checked in full.
   */
  canonical?: boolean;
}

/**
 * The pg a <dependent> creates in its target (smf-spec §3.6), in svccfg's order: grouping,
 * restart_on, type, entities (the declarer), external=true, then the dependent's own
 * properties (a same-named one replaces the default in place).
 */
export function injectedDependencyPg(d: DeclaredDependent): PropertyGroup {
  const base: Property[] = [
    { name: 'grouping', type: 'astring', values: [d.grouping] },
    { name: 'restart_on', type: 'astring', values: [d.restartOn] },
    { name: 'type', type: 'astring', values: ['service'] },
    { name: 'entities', type: 'fmri', values: [d.declaringFmri] },
    { name: 'external', type: 'boolean', values: ['true'] },
  ];
  const extra = new Map(d.extraProps.map((p) => [p.name, p]));
  const props = base.map((p) => extra.get(p.name) ?? p);
  for (const p of d.extraProps) if (!base.some((b) => b.name === p.name)) props.push(p);
  return { name: d.pgName, type: 'dependency', flags: 0, properties: props.map((p) => ({ ...p, values: [...p.values] })) };
}

/** manifestfiles property name for a manifest path (mhash_filename_to_propname). */
export function manifestPropName(path: string): string {
  const s = path.replace(/^\/+/, '').replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z]/.test(s) ? s : `m_${s}`;
}
