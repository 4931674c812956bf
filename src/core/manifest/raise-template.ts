// tm_* property groups -> <template>, notify_params pgs -> <notification_parameters>.
// Inverse of lower-template.ts; returns undefined when the pgs do not have the shape svccfg
// creates (the caller then exports them as plain property groups).
import type { Property, PropertyGroup } from '../model.js';
import type {
  Choices, CommonName, Constraints, Description, Documentation, IncludeValues, Loctext, NotificationParameters,
  Parameter, Paramval, PgPattern, PropPattern, Range, Template, TypeEl, Units, ValueEl, Values,
} from './bundle.js';
import { FMA_EVENTS, encode32 } from './lower-template.js';

const single = (p: Property | undefined): string | undefined => (p && p.values.length === 1 ? p.values[0] : undefined);

class Props {
  private readonly left: Map<string, Property>;
  constructor(pg: PropertyGroup) { this.left = new Map(pg.properties.map((p) => [p.name, p])); }
  take(name: string): Property | undefined { const p = this.left.get(name); this.left.delete(name); return p; }
  takeSingle(name: string): string | undefined { return single(this.take(name)); }
  names(): string[] { return [...this.left.keys()]; }
  empty(): boolean { return this.left.size === 0; }
}

function loctexts(ps: Props, prefix: string): Loctext[] {
  const out: Loctext[] = [];
  for (const n of ps.names()) {
    if (!n.startsWith(prefix)) continue;
    const lang = n.slice(prefix.length);
    if (!/^[A-Za-z0-9_]+$/.test(lang)) continue;
    const v = ps.takeSingle(n);
    if (v === undefined) return [];
    out.push({ kind: 'loctext', lang, text: v });
  }
  return out;
}
function cn(ps: Props, prefix: string): CommonName | undefined {
  const l = loctexts(ps, prefix);
  return l.length ? { kind: 'common_name', loctexts: l } : undefined;
}
function desc(ps: Props, prefix: string): Description | undefined {
  const l = loctexts(ps, prefix);
  return l.length ? { kind: 'description', loctexts: l } : undefined;
}

function valueEls(ps: Props, names: string[]): ValueEl[] {
  return names.map((name) => {
    const enc = encode32(name);
    const v: ValueEl = { kind: 'value', name };
    const c = cn(ps, `value_${enc}_common_name_`);
    const d = desc(ps, `value_${enc}_description_`);
    if (c) v.commonName = c;
    if (d) v.description = d;
    return v;
  });
}
function ranges(p: Property | undefined): Range[] {
  return (p?.values ?? []).map((v) => {
    const i = v.indexOf(',');
    return { kind: 'range', min: v.slice(0, i), max: v.slice(i + 1) };
  });
}

function propPattern(pg: PropertyGroup): PropPattern | undefined {
  const ps = new Props(pg);
  ps.take('pg_pattern');
  const name = ps.takeSingle('name');
  const type = ps.takeSingle('type');
  const required = ps.takeSingle('required');
  if (name === undefined || type === undefined || required === undefined) return undefined;
  const pp: PropPattern = { kind: 'prop_pattern', name, required: required as 'true' | 'false' };
  if (type !== '') pp.type = type as PropPattern['type'];
  const c = cn(ps, 'common_name_'); if (c) pp.commonName = c;
  const d = desc(ps, 'description_'); if (d) pp.description = d;
  const u = loctexts(ps, 'units_'); if (u.length) pp.units = { kind: 'units', loctexts: u } satisfies Units;
  const vis = ps.takeSingle('visibility');
  if (vis !== undefined) pp.visibility = { kind: 'visibility', value: vis as 'hidden' };
  const cmin = ps.takeSingle('cardinality_min');
  const cmax = ps.takeSingle('cardinality_max');
  if (cmin !== undefined || cmax !== undefined) pp.cardinality = { kind: 'cardinality', min: cmin ?? '0', max: cmax ?? '18446744073709551615' };
  const seps = ps.take('internal_separators');
  if (seps) pp.internalSeparators = { kind: 'internal_separators', text: seps.values.join('') };
  const valuesProp = ps.take('values');
  if (valuesProp) pp.values = { kind: 'values', values: valueEls(ps, valuesProp.values) } satisfies Values;
  const cName = ps.take('constraint_name');
  const cRange = ps.take('constraint_range');
  if (cName || cRange) pp.constraints = { kind: 'constraints', values: valueEls(ps, cName?.values ?? []), ranges: ranges(cRange) } satisfies Constraints;
  const chName = ps.take('choices_name');
  const chRange = ps.take('choices_range');
  const chInc = ps.take('choices_include_values');
  if (chName || chRange || chInc) {
    pp.choices = {
      kind: 'choices', values: valueEls(ps, chName?.values ?? []), ranges: ranges(chRange),
      includeValues: (chInc?.values ?? []).map((t): IncludeValues => ({ kind: 'include_values', type: t as 'values' })),
    } satisfies Choices;
  }
  return ps.empty() ? pp : undefined;
}

function pgPattern(pg: PropertyGroup, all: PropertyGroup[]): PgPattern | undefined {
  const ps = new Props(pg);
  const name = ps.takeSingle('name');
  const type = ps.takeSingle('type');
  const target = ps.takeSingle('target');
  const required = ps.takeSingle('required');
  if (name === undefined || type === undefined || target === undefined || required === undefined) return undefined;
  const p: PgPattern = { kind: 'pg_pattern', name, type, target: target as 'this', required: required as 'true', propPatterns: [] };
  const c = cn(ps, 'common_name_'); if (c) p.commonName = c;
  const d = desc(ps, 'description_'); if (d) p.description = d;
  if (!ps.empty()) return undefined;
  for (const pp of all) {
    if (pp.type !== 'template_prop_pattern' || single(pp.properties.find((x) => x.name === 'pg_pattern')) !== pg.name) continue;
    const r = propPattern(pp);
    if (!r) return undefined;
    p.propPatterns.push(r);
  }
  return p;
}

export function isTemplatePg(pg: PropertyGroup): boolean {
  return (pg.type === 'template' && (pg.name === 'tm_common_name' || pg.name === 'tm_description' || pg.name.startsWith('tm_man_') || pg.name.startsWith('tm_doc_')))
    || pg.type === 'template_pg_pattern' || pg.type === 'template_prop_pattern';
}

/** Rebuild <template> from the entity's template pgs; undefined when not representable. */
export function raiseTemplate(pgs: PropertyGroup[]): Template | undefined {
  const tpgs = pgs.filter(isTemplatePg);
  if (tpgs.length === 0) return undefined;
  const cnPg = tpgs.find((p) => p.name === 'tm_common_name');
  if (!cnPg) return undefined;
  const t: Template = { kind: 'template', commonName: { kind: 'common_name', loctexts: [] }, pgPatterns: [] };
  const lt = (pg: PropertyGroup) => pg.properties.map((p): Loctext => ({ kind: 'loctext', lang: p.name, text: p.values[0] ?? '' }));
  t.commonName.loctexts = lt(cnPg);
  const dPg = tpgs.find((p) => p.name === 'tm_description');
  if (dPg) t.description = { kind: 'description', loctexts: lt(dPg) };
  const doc: Documentation = { kind: 'documentation', links: [] };
  for (const pg of tpgs) {
    const ps = new Props(pg);
    if (pg.name.startsWith('tm_man_') && pg.type === 'template') {
      const title = ps.takeSingle('title'); const section = ps.takeSingle('section'); const manpath = ps.takeSingle('manpath');
      if (title === undefined || section === undefined || manpath === undefined || !ps.empty()) return undefined;
      doc.links.push({ kind: 'manpage', title, section, manpath });
    } else if (pg.name.startsWith('tm_doc_') && pg.type === 'template') {
      const name = ps.takeSingle('name'); const uri = ps.takeSingle('uri');
      if (name === undefined || uri === undefined || !ps.empty()) return undefined;
      doc.links.push({ kind: 'doc_link', name, uri });
    } else if (pg.type === 'template_pg_pattern') {
      const p = pgPattern(pg, tpgs);
      if (!p) return undefined;
      t.pgPatterns.push(p);
    }
  }
  if (doc.links.length) t.documentation = doc;
  return t;
}

/** notify_params pg -> <notification_parameters> (one event per pg), or undefined. */
export function raiseNotification(pg: PropertyGroup): NotificationParameters | undefined {
  let event = pg.name;
  if (pg.name.endsWith(',fmnotify')) {
    const cls = pg.name.slice(0, -',fmnotify'.length);
    const tag = Object.entries(FMA_EVENTS).find(([, c]) => c === cls)?.[0];
    if (!tag) return undefined;
    event = tag;
  } else if (!/^(to|from)-[a-z]+$/.test(pg.name)) return undefined;
  // lower-template writes, per <type>: its parameters, then "TYPE,active".
  const types: TypeEl[] = [];
  let params: (Parameter | Paramval)[] = [];
  let pendingType: string | undefined;
  for (const p of pg.properties) {
    const comma = p.name.indexOf(',');
    if (comma < 0) return undefined;
    const tname = p.name.slice(0, comma);
    const pname = p.name.slice(comma + 1);
    if (pendingType !== undefined && pendingType !== tname) return undefined;
    if (pname === 'active') {
      if (p.type !== 'boolean' || p.values.length !== 1) return undefined;
      types.push({ kind: 'type', name: tname, active: p.values[0] as 'true' | 'false', params });
      params = [];
      pendingType = undefined;
      continue;
    }
    if (p.type !== 'astring') return undefined;
    pendingType = tname;
    params.push(p.values.length === 1 && p.values[0] !== ''
      ? { kind: 'paramval', name: pname, value: p.values[0] }
      : { kind: 'parameter', name: pname, values: p.values.map((v) => ({ kind: 'value_node' as const, value: v })) });
  }
  if (pendingType !== undefined || types.length === 0) return undefined;
  return { kind: 'notification_parameters', event: { kind: 'event', value: event }, types };
}

