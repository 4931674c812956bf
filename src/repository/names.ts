// Entity naming inside the repository: parsing of entity FMRIs (svc:/S, svc:/S:I and the
// scope/bare spellings of smf-spec §1.1). Name rules are core/fmri.ts's (uu_check_name); this
// parser is kept local because it is stricter than the CLI-facing one (no property FMRIs, no
// globs or abbreviations) and cheap on the hot path of every repository call.
import { isValidName as isValidNameOf } from '../core/fmri.js';

export interface EntityName { service: string; instance?: string }

/** A valid instance, property group, property or snapshot name. */
export function isValidName(s: string): boolean {
  return isValidNameOf(s, 'property');
}

export function isValidServiceName(s: string): boolean {
  return isValidNameOf(s, 'service');
}

/** Parses an entity FMRI; undefined if it is not one (property FMRIs are not entity FMRIs). */
export function parseEntity(fmri: string): EntityName | undefined {
  let s = fmri;
  if (s.startsWith('svc:')) s = s.slice(4);
  if (s.startsWith('//')) {
    const slash = s.indexOf('/', 2);
    if (slash < 0) return undefined;
    const scope = s.slice(2, slash);
    if (scope !== '' && scope !== 'localhost' && scope !== 'localhost@localhost') return undefined;
    s = s.slice(slash);
  }
  if (s.startsWith('/')) s = s.slice(1);
  if (s.includes('/:properties')) return undefined;
  const colon = s.indexOf(':');
  const service = colon < 0 ? s : s.slice(0, colon);
  const instance = colon < 0 ? undefined : s.slice(colon + 1);
  if (!isValidServiceName(service)) return undefined;
  if (instance !== undefined && !isValidName(instance)) return undefined;
  return instance === undefined ? { service } : { service, instance };
}

export function entityFmri(e: EntityName): string {
  return e.instance === undefined ? `svc:/${e.service}` : `svc:/${e.service}:${e.instance}`;
}

export function serviceFmri(service: string): string {
  return `svc:/${service}`;
}
