// Dependency property groups -> validated dependency groups (smf-spec §3.1, §1.1, §1.2).
//
// Invariants:
// - A dependency pg with no properties is ignored; any other malformation makes the whole
//   instance invalid (maintenance invalid_dependency), reported as a value naming pg/property.
// - Service entities come out canonical: "svc:/S" (service) or "svc:/S:I" (instance); file
//   entities carry the absolute path and the original URI (for svcs -l / -x texts).

import { findProp, type PropertyGroup } from '../model.js';
import { RERR_FAULT, RERR_NONE, RERR_REFRESH, RERR_RESTART, type RerrClass } from './types.js';

export type Grouping = 'require_all' | 'require_any' | 'optional_all' | 'exclude_all';
export type RestartOn = 'none' | 'error' | 'restart' | 'refresh';

export type Entity =
  | { kind: 'instance'; fmri: string }
  | { kind: 'service'; fmri: string }
  | { kind: 'file'; path: string; uri: string };

export interface DependencyGroup {
  /** property group name */
  name: string;
  grouping: Grouping;
  restartOn: RestartOn;
  type: 'service' | 'path';
  entities: Entity[];
}

export type ParseResult =
  | { ok: true; groups: DependencyGroup[] }
  | { ok: false; pg: string; property: string; message: string };

const GROUPINGS: readonly string[] = ['require_all', 'require_any', 'optional_all', 'exclude_all'];
const RESTART_ONS: readonly string[] = ['none', 'error', 'restart', 'refresh'];

export function restartOnThreshold(r: RestartOn): RerrClass {
  switch (r) {
    case 'none': return RERR_NONE;
    case 'error': return RERR_FAULT;
    case 'restart': return RERR_RESTART;
    case 'refresh': return RERR_REFRESH;
  }
}

const IDENT = '(?:[A-Za-z][A-Za-z0-9._-]*,)?[A-Za-z][A-Za-z0-9_-]*';
const SERVICE_RE = new RegExp(`^${IDENT}(?:/${IDENT})*$`);
const INSTANCE_RE = new RegExp(`^${IDENT}$`);

export type FmriParse =
  | { ok: true; kind: 'instance' | 'service'; service: string; instance?: string; canonical: string }
  | { ok: false; message: string };

/** Parses an svc: FMRI (also the bare "/S:I" and "S:I" forms); rejects property-group FMRIs. */
export function parseSvcFmri(raw: string): FmriParse {
  let s = raw.trim();
  if (s.startsWith('svc:')) s = s.slice(4);
  if (s.startsWith('//')) {
    const slash = s.indexOf('/', 2);
    if (slash < 0) return { ok: false, message: `"${raw}" has no service name` };
    const scope = s.slice(2, slash).replace(/@localhost$/, '');
    if (scope !== '' && scope !== 'localhost') return { ok: false, message: `"${raw}": unknown scope "${scope}"` };
    s = s.slice(slash);
  }
  if (s.startsWith('/')) s = s.slice(1);
  if (s.includes('/:properties')) return { ok: false, message: `"${raw}" names a property group, not a service or instance` };
  const colon = s.indexOf(':');
  const service = colon < 0 ? s : s.slice(0, colon);
  const instance = colon < 0 ? undefined : s.slice(colon + 1);
  if (!SERVICE_RE.test(service)) return { ok: false, message: `"${raw}" is not a valid service FMRI` };
  if (instance !== undefined && !INSTANCE_RE.test(instance)) return { ok: false, message: `"${raw}" has an invalid instance name` };
  return instance === undefined
    ? { ok: true, kind: 'service', service, canonical: `svc:/${service}` }
    : { ok: true, kind: 'instance', service, instance, canonical: `svc:/${service}:${instance}` };
}

/** file:///p, file://localhost/p, file://HOST/p (host skipped) -> "/p"; undefined if not a file URI. */
export function parseFileUri(raw: string): string | undefined {
  const s = raw.trim();
  if (!s.startsWith('file:')) return undefined;
  let rest = s.slice(5);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    if (slash < 0) return undefined;
    rest = rest.slice(slash);
  }
  return rest.startsWith('/') ? rest : undefined;
}

/** "svc:/a/b:c" -> "svc:/a/b" (the service part of an instance FMRI). */
export function serviceOf(instanceFmri: string): string {
  const colon = instanceFmri.indexOf(':', 5);
  return colon < 0 ? instanceFmri : instanceFmri.slice(0, colon);
}

function single(pg: PropertyGroup, name: string): string | undefined | null {
  const p = findProp(pg, name);
  if (!p) return undefined;
  return p.values.length === 1 ? p.values[0] : null;
}

/** Validates every pg of type "dependency" (others are skipped) and returns the groups in order. */
export function parseDependencyGroups(pgs: readonly PropertyGroup[]): ParseResult {
  const groups: DependencyGroup[] = [];
  for (const pg of pgs) {
    if (pg.type !== 'dependency' || pg.properties.length === 0) continue;
    const bad = (property: string, message: string): ParseResult => ({ ok: false, pg: pg.name, property, message });
    const grouping = single(pg, 'grouping');
    if (grouping === undefined || grouping === null || !GROUPINGS.includes(grouping)) {
      return bad('grouping', `dependency "${pg.name}": grouping must be one of ${GROUPINGS.join(', ')}` +
        (grouping ? ` (got "${grouping}")` : ' (missing)'));
    }
    const restartOn = single(pg, 'restart_on');
    if (restartOn === undefined || restartOn === null || !RESTART_ONS.includes(restartOn)) {
      return bad('restart_on', `dependency "${pg.name}": restart_on must be one of ${RESTART_ONS.join(', ')}` +
        (restartOn ? ` (got "${restartOn}")` : ' (missing)'));
    }
    const type = single(pg, 'type');
    if (type !== 'service' && type !== 'path') {
      return bad('type', `dependency "${pg.name}": type must be "service" or "path"` +
        (type ? ` (got "${type}")` : ' (missing)'));
    }
    const ents = findProp(pg, 'entities');
    if (!ents) return bad('entities', `dependency "${pg.name}" has no entities property; add at least one FMRI`);
    const entities: Entity[] = [];
    for (const v of ents.values) {
      if (type === 'path') {
        const path = parseFileUri(v);
        if (path === undefined) return bad('entities', `dependency "${pg.name}" (type path): "${v}" is not a file:// FMRI`);
        entities.push({ kind: 'file', path, uri: v });
      } else {
        if (v.trim().startsWith('file:')) {
          return bad('entities', `dependency "${pg.name}" (type service): "${v}" is a file FMRI; use type "path"`);
        }
        const f = parseSvcFmri(v);
        if (!f.ok) return bad('entities', `dependency "${pg.name}": ${f.message}`);
        entities.push({ kind: f.kind, fmri: f.canonical });
      }
    }
    groups.push({
      name: pg.name, grouping: grouping as Grouping, restartOn: restartOn as RestartOn, type, entities,
    });
  }
  return { ok: true, groups };
}
