// Entity naming inside the repository: parsing of entity FMRIs (svc:/S, svc:/S:I and the
// scope/bare spellings of smf-spec §1.1) and validation of service, instance, pg and property
// names (uu_check_name rules). Kept local so the repository does not depend on the CLI-facing
// operand resolution (core/fmri.ts), which also handles globs and abbreviations.

export interface EntityName { service: string; instance?: string }

const IDENT = /^(?:[A-Za-z][A-Za-z0-9.\-_]*,)?[A-Za-z][A-Za-z0-9\-_]*$/;
const MAX_NAME = 119;

export function isValidName(s: string): boolean {
  return s.length > 0 && Buffer.byteLength(s) <= MAX_NAME && IDENT.test(s);
}

export function isValidServiceName(s: string): boolean {
  return Buffer.byteLength(s) <= MAX_NAME && s.split('/').every(isValidName);
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
