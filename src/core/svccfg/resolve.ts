// svccfg operand resolution (smf-spec §1.4) on top of core/fmri's resolveOperand: the operand
// must name exactly one entity; an exact service FMRI selects the service itself, globs and
// abbreviations match instance FMRIs only. Pure.
import { multipleEntitiesError, noMatchError, resolveOperand } from '../fmri.js';
import type { Entity } from './store.js';

export type Resolved = { ok: true; entity: Entity; how: 'exact' | 'glob' | 'partial' } | { ok: false; error: string };

export interface EntityCatalog {
  listServices(): string[];
  listInstances(service: string): string[] | undefined;
  /** Every entity as canonical FMRIs, each service followed by its instances: one call
   *  instead of one per service (a repository of thousands of services). */
  allEntities?(): string[];
}

function candidatesOf(cat: EntityCatalog): string[] {
  if (cat.allEntities) return cat.allEntities();
  const out: string[] = [];
  for (const service of cat.listServices()) {
    out.push(`svc:/${service}`);
    for (const instance of cat.listInstances(service) ?? []) out.push(`svc:/${service}:${instance}`);
  }
  return out;
}

/** svc:/S or svc:/S:I (canonical, as candidates are) to an Entity. */
export function entityOfCanonical(fmri: string): Entity {
  const rest = fmri.startsWith('svc:/') ? fmri.slice(5) : fmri;
  const colon = rest.indexOf(':');
  return colon < 0 ? { service: rest } : { service: rest.slice(0, colon), instance: rest.slice(colon + 1) };
}

export function resolveEntity(operand: string, cat: EntityCatalog): Resolved {
  const r = resolveOperand(operand, candidatesOf(cat), { serviceAsSelf: true });
  if (r.pg !== undefined) return { ok: false, error: `"${operand}" names a property group or property; give a service or instance FMRI.` };
  if (r.matches.length === 1) return { ok: true, entity: entityOfCanonical(r.matches[0]!), how: r.kind };
  if (r.matches.length === 0) return { ok: false, error: noMatchError(operand, 'instances or services') };
  return { ok: false, error: `${multipleEntitiesError(operand, r.matches)}\n(give a longer name or the full FMRI)` };
}
