// Templates and notification parameters -> property groups, named as svccfg names them:
// tm_common_name / tm_description (one ustring per sanitized locale, text trimmed),
// tm_man_<title><section>, tm_doc_<name>, tm_pgpat{_,n_,t_,nt_}<...> (template_pg_pattern),
// tm_proppat_<unique>_<prop> (template_prop_pattern), value names base32hex-encoded;
// notification events -> notify_params pgs (to-/from-<state>, or <fma-class>,fmnotify).
//
// Invariant: DTD attribute defaults are applied as libxml's XML_COMPLETE_ATTRS does
// (cardinality min/max, manpath, required, target, pg_pattern name/type "").
import type { PropertyGroup } from '../model.js';
import { checkName } from '../fmri.js';
import type {
  Choices, CommonName, Constraints, Description, Loc, NotificationParameters, PgPattern, PropPattern, Template, Units, ValueEl,
} from './bundle.js';
import { attrDefault } from './dtd.js';
import type { EntityBuilder } from './entity-builder.js';

const B32 = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** scf_encode32 (base32hex alphabet, '-' padding). */
export function encode32(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.slice(i, i + 5);
    let bits = 0n;
    for (let j = 0; j < 5; j++) bits = (bits << 8n) | BigInt(chunk[j] ?? 0);
    const nChars = Math.ceil((chunk.length * 8) / 5);
    for (let j = 0; j < 8; j++) {
      out += j < nChars ? B32[Number((bits >> BigInt(35 - 5 * j)) & 31n)] : '-';
    }
  }
  return out;
}

export function decode32(s: string): string | undefined {
  if (s.length % 8 !== 0) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i += 8) {
    const g = s.slice(i, i + 8);
    const nChars = g.replace(/-+$/, '').length;
    let bits = 0n;
    for (let j = 0; j < 8; j++) {
      const c = g[j];
      const v = c === '-' ? 0 : B32.indexOf(c);
      if (v < 0) return undefined;
      bits = (bits << 5n) | BigInt(v);
    }
    const nBytes = Math.floor((nChars * 5) / 8);
    for (let j = 0; j < nBytes; j++) bytes.push(Number((bits >> BigInt(32 - 8 * j)) & 255n));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

export function sanitizeLocale(lang: string): string {
  return lang.replace(/[^A-Za-z0-9]/g, '_');
}

/** lxml_label_to_groupname: prefix+label, middle elided to fit 119 bytes, odd chars -> '_'. */
export function labelToGroupName(prefix: string, label: string): string {
  let out = prefix + label;
  if (out.length > 119) {
    const piece = Math.floor((119 - 2) / 2);
    out = out.slice(0, piece) + '..' + out.slice(out.length - piece);
  }
  return out.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** svccfg strips leading/trailing C isspace() characters (ASCII only) from loctext. */
export function trimLoctext(t: string): string {
  return t.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
}

type Loctexts = CommonName | Description | Units;

function loctexts(e: EntityBuilder, pg: PropertyGroup, c: Loctexts, fmt: (lang: string) => string): void {
  for (const lt of c.loctexts) {
    const lang = sanitizeLocale(!lt.lang ? 'unknown' : lt.lang);
    e.put(pg, fmt(lang), 'ustring', [trimLoctext(lt.text)], lt.loc);
  }
}

function valueElement(e: EntityBuilder, pg: PropertyGroup, v: ValueEl): string {
  const enc = encode32(v.name);
  if (v.commonName) loctexts(e, pg, v.commonName, (l) => `value_${enc}_common_name_${l}`);
  if (v.description) loctexts(e, pg, v.description, (l) => `value_${enc}_description_${l}`);
  return v.name;
}

function checkRange(e: EntityBuilder, min: string, max: string, loc: Loc | undefined): boolean {
  const signed = /^\s*-/.test(min) || /^\s*-/.test(max);
  const parse = (s: string): bigint | undefined => {
    const t = s.trim();
    if (!/^[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) return undefined;
    const neg = t.startsWith('-');
    const body = t.replace(/^[+-]/, '');
    const v = body.startsWith('0x') || body.startsWith('0X') ? BigInt(body) : body.length > 1 && body.startsWith('0') ? BigInt(`0o${body}`) : BigInt(body);
    return neg ? -v : v;
  };
  const a = parse(min);
  const b = parse(max);
  if (a === undefined || b === undefined) {
    e.diags.error(loc, `range min='${min}' max='${max}' is not numeric; use integers`);
    return false;
  }
  if ((signed && b < a) || (!signed && b < a)) {
    e.diags.error(loc, `range maximum ${max} is less than minimum ${min}; swap them`);
    return false;
  }
  return true;
}

function constraintsOrChoices(e: EntityBuilder, pg: PropertyGroup, c: Constraints | Choices, prefix: 'constraint' | 'choices'): void {
  const names: string[] = [];
  for (const v of c.values) names.push(valueElement(e, pg, v));
  for (const r of c.ranges) {
    if (checkRange(e, r.min, r.max, r.loc)) e.append(pg, `${prefix}_range`, 'astring', `${r.min},${r.max}`);
  }
  if (c.kind === 'choices') for (const iv of c.includeValues) e.append(pg, 'choices_include_values', 'astring', iv.type);
  if (names.length) e.put(pg, `${prefix}_name`, 'astring', names, c.loc);
}

function count(e: EntityBuilder, v: string, what: string, loc: Loc | undefined): string | undefined {
  if (!/^\s*[0-9]+$/.test(v) || BigInt(v.trim()) > (1n << 64n) - 1n) {
    e.diags.error(loc, `"${v}" is not a legal number for the ${what} attribute; use an unsigned integer`);
    return undefined;
  }
  return BigInt(v.trim()).toString();
}

function propPattern(e: EntityBuilder, pp: PropPattern, pgpatName: string): void {
  const err = checkName(pp.name, 'property');
  if (err) { e.diags.error(pp.loc, `prop_pattern name: ${err}`); return; }
  const unique = pgpatName.slice('tm_pgpat'.length);
  const pg = e.newPg(`tm_proppat_${unique}_${pp.name}`, 'template_prop_pattern', pp.loc, `prop_pattern '${pp.name}'`);
  if (!pg) return;
  e.put(pg, 'pg_pattern', 'astring', [pgpatName], pp.loc);
  e.put(pg, 'name', 'astring', [pp.name], pp.loc);
  e.put(pg, 'type', 'astring', [pp.type ?? ''], pp.loc);
  e.put(pg, 'required', 'boolean', [attrDefault(pp, 'required') ?? 'false'], pp.loc);
  if (pp.commonName) loctexts(e, pg, pp.commonName, (l) => `common_name_${l}`);
  if (pp.description) loctexts(e, pg, pp.description, (l) => `description_${l}`);
  if (pp.units) loctexts(e, pg, pp.units, (l) => `units_${l}`);
  if (pp.visibility) e.put(pg, 'visibility', 'astring', [pp.visibility.value], pp.visibility.loc);
  if (pp.cardinality) {
    const c = pp.cardinality;
    const min = count(e, attrDefault(c, 'min') ?? '0', 'min', c.loc);
    const max = count(e, attrDefault(c, 'max') ?? '18446744073709551615', 'max', c.loc);
    if (min !== undefined && max !== undefined) {
      if (BigInt(max) < BigInt(min)) e.diags.error(c.loc, `cardinality max ${max} is less than min ${min}`);
      else {
        e.put(pg, 'cardinality_min', 'count', [min], c.loc);
        e.put(pg, 'cardinality_max', 'count', [max], c.loc);
      }
    }
  }
  if (pp.internalSeparators) {
    const chars = [...pp.internalSeparators.text];
    if (chars.length === 0) e.diags.error(pp.internalSeparators.loc, 'internal_separators is empty; list the separator characters');
    else e.put(pg, 'internal_separators', 'astring', chars, pp.internalSeparators.loc);
  }
  if (pp.values) {
    const names = pp.values.values.map((v) => valueElement(e, pg, v));
    e.put(pg, 'values', 'astring', names, pp.values.loc);
  }
  if (pp.constraints) constraintsOrChoices(e, pg, pp.constraints, 'constraint');
  if (pp.choices) constraintsOrChoices(e, pg, pp.choices, 'choices');
}

export function pgPatternName(name: string, type: string): string {
  if (name === '') return type === '' ? 'tm_pgpat_' : `tm_pgpatt_${type}`;
  return type === '' ? `tm_pgpatn_${name}` : `tm_pgpatnt_${name}`;
}

function pgPattern(e: EntityBuilder, p: PgPattern, ctx: TemplateContext): void {
  const name = attrDefault(p, 'name') ?? '';
  const type = attrDefault(p, 'type') ?? '';
  if (name !== '') {
    const err = checkName(name, 'property group');
    if (err) { e.diags.error(p.loc, `pg_pattern name: ${err}`); return; }
  }
  const target = attrDefault(p, 'target') ?? 'this';
  if (target === 'instance' && !ctx.isService) e.diags.error(p.loc, 'pg_pattern target="instance" is only allowed in a service\'s template');
  if (target === 'delegate' && ctx.serviceType !== 'restarter') e.diags.error(p.loc, 'pg_pattern target="delegate" is only allowed in a restarter service');
  if (target === 'all' && !(ctx.isService && ctx.serviceName === 'system/svc/global')) {
    e.diags.error(p.loc, 'pg_pattern target="all" is only allowed in the global service (svc:/system/svc/global)');
  }
  const pgName = pgPatternName(name, type);
  const pg = e.newPg(pgName, 'template_pg_pattern', p.loc, `pg_pattern name="${name}" type="${type}" is not unique`);
  if (!pg) return;
  e.put(pg, 'name', 'astring', [name], p.loc);
  e.put(pg, 'type', 'astring', [type], p.loc);
  e.put(pg, 'target', 'astring', [target], p.loc);
  e.put(pg, 'required', 'boolean', [attrDefault(p, 'required') ?? 'false'], p.loc);
  if (p.commonName) loctexts(e, pg, p.commonName, (l) => `common_name_${l}`);
  if (p.description) loctexts(e, pg, p.description, (l) => `description_${l}`);
  for (const pp of p.propPatterns) propPattern(e, pp, pgName);
}

export interface TemplateContext { isService: boolean; serviceType: string; serviceName?: string }

export function lowerTemplate(e: EntityBuilder, t: Template, ctx: TemplateContext): void {
  loctexts(e, e.pg('tm_common_name', 'template', t.commonName.loc), t.commonName, (l) => l);
  if (t.description) loctexts(e, e.pg('tm_description', 'template', t.description.loc), t.description, (l) => l);
  for (const link of t.documentation?.links ?? []) {
    if (link.kind === 'manpage') {
      const pg = e.pg(labelToGroupName('tm_man_', `${link.title}${link.section}`), 'template', link.loc);
      e.put(pg, 'title', 'astring', [link.title], link.loc);
      e.put(pg, 'section', 'astring', [link.section], link.loc);
      e.put(pg, 'manpath', 'astring', [attrDefault(link, 'manpath') ?? ':default'], link.loc);
    } else {
      const pg = e.pg(labelToGroupName('tm_doc_', link.name), 'template', link.loc);
      e.put(pg, 'name', 'astring', [link.name], link.loc);
      e.put(pg, 'uri', 'astring', [link.uri], link.loc);
    }
  }
  for (const p of t.pgPatterns) pgPattern(e, p, ctx);
}

// ---- notification parameters ---------------------------------------------------------------

export const SMF_STATES = ['uninitialized', 'maintenance', 'offline', 'disabled', 'online', 'degraded'] as const;
export const FMA_EVENTS: Record<string, string> = {
  'problem-diagnosed': 'list.suspect',
  'problem-updated': 'list.updated',
  'problem-repaired': 'list.repaired',
  'problem-resolved': 'list.resolved',
};
export const NOTIFY_PARAMS_INSTANCE = 'svc:/system/fm/notify-params:default';

/** notify_params pg names for an event attribute value, or an error. */
export function notifyPgNames(event: string): { ok: true; names: string[] } | { ok: false; error: string } {
  const toks = event.split(',').filter((t) => t !== '');
  if (toks.length === 0) return { ok: false, error: 'empty event value' };
  const fma = toks.filter((t) => FMA_EVENTS[t] !== undefined);
  if (fma.length === toks.length) return { ok: true, names: toks.map((t) => `${FMA_EVENTS[t]},fmnotify`) };
  if (fma.length > 0) return { ok: false, error: "can't mix SMF and FMA event definitions" };
  const set = new Set<string>();
  for (const t of toks) {
    const m = /^(to|from)-(.+)$/.exec(t);
    const states = t === 'all' ? [...SMF_STATES] : m && (m[2] === 'all' || (SMF_STATES as readonly string[]).includes(m[2])) ? (m[2] === 'all' ? [...SMF_STATES] : [m[2]]) : undefined;
    if (!states) return { ok: false, error: `invalid event '${t}'; use to-STATE, from-STATE (STATE: ${SMF_STATES.join(', ')}) or problem-diagnosed/updated/repaired/resolved` };
    for (const s of states) {
      if (t === 'all' || m?.[1] === 'to') set.add(`to-${s}`);
      if (t === 'all' || m?.[1] === 'from') set.add(`from-${s}`);
    }
  }
  const names: string[] = [];
  for (const s of SMF_STATES) {
    if (set.has(`to-${s}`)) names.push(`to-${s}`);
    if (set.has(`from-${s}`)) names.push(`from-${s}`);
  }
  return { ok: true, names };
}

export function lowerNotification(e: EntityBuilder, n: NotificationParameters, level: 'service' | 'instance'): void {
  const r = notifyPgNames(n.event.value);
  if (!r.ok) { e.diags.error(n.event.loc, r.error); return; }
  if (r.names[0].endsWith(',fmnotify') && (level !== 'instance' || e.fmri !== NOTIFY_PARAMS_INSTANCE)) {
    e.diags.error(n.loc, `non-SMF transition events must go to ${NOTIFY_PARAMS_INSTANCE}`);
    return;
  }
  for (const pgName of r.names) {
    const pg = e.pg(pgName, 'notify_params', n.loc);
    for (const t of n.types) {
      for (const p of t.params) {
        const pname = `${t.name},${p.name}`;
        if (p.kind === 'paramval') {
          if (p.value === '') { e.diags.error(p.loc, `property value missing for '${pgName}/${pname}'`); continue; }
          e.put(pg, pname, 'astring', [p.value], p.loc);
        } else e.put(pg, pname, 'astring', p.values.map((v) => v.value), p.loc);
      }
      e.put(pg, `${t.name},active`, 'boolean', [attrDefault(t, 'active') === 'false' ? 'false' : 'true'], t.loc);
    }
  }
}
