// FMRIs (smf-spec §1): parsing every accepted spelling, identifier validation, canonical form,
// and CLI operand resolution (exact, glob, partial) with the exact libscf anchoring rules.
//
// Invariants:
// - A parsed svc FMRI always has a valid service name (uu_check_name with '/' components and
//   vendor prefixes, ≤ 119 bytes); instance/pg/property names are valid identifiers.
// - canonical form is `svc:/SERVICE[:INSTANCE]` (no scope), property FMRIs append
//   `/:properties/PG[/PROP]`. file FMRIs canonicalise to `file://localhost/PATH`.
// - Expected failures are values ({ok:false, error}); nothing here throws on user input.
import { fnmatch, hasGlobChars } from './glob.js';

export const MAX_NAME_BYTES = 119;

export interface SvcFmri {
  scheme: 'svc';
  service: string;
  instance?: string;
  pg?: string;
  prop?: string;
}
export interface FileFmri {
  scheme: 'file';
  /** absolute path, starting with '/' */
  path: string;
  /** host part as written ('' for file:///p) */
  host: string;
}
export type Fmri = SvcFmri | FileFmri;

export type FmriResult<T = Fmri> = { ok: true; fmri: T } | { ok: false; error: string };

export type NameKind = 'service' | 'instance' | 'property group' | 'property';

/** UTF-8 byte length without encoding (names are short; this runs for every name imported). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; } else n += 3;
  }
  return n;
}

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** libuutil is_valid_ident: letter first, then letters, digits, '-', '_' (and '.' when allowDot). */
function isValidIdent(s: string, allowDot: boolean): boolean {
  if (s.length === 0 || !isAlpha(s[0])) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (isAlpha(c) || isDigit(c) || c === '-' || c === '_' || (allowDot && c === '.')) continue;
    return false;
  }
  return true;
}

/** One identifier, optionally with a vendor prefix (`SUNW,foo`, `com.acme,foo`). */
function isValidDomainIdent(s: string): boolean {
  const comma = s.indexOf(',');
  if (comma < 0) return isValidIdent(s, false);
  return isValidIdent(s.slice(0, comma), true) && isValidIdent(s.slice(comma + 1), false);
}

/**
 * uu_check_name for the given kind: services may have '/'-separated components; all kinds
 * allow a vendor prefix. Returns an error text or undefined when valid.
 */
export function checkName(name: string, kind: NameKind): string | undefined {
  if (name.length === 0) return `${kind} name is empty`;
  if (utf8Length(name) > MAX_NAME_BYTES) {
    return `${kind} name '${name.slice(0, 40)}...' is longer than ${MAX_NAME_BYTES} bytes`;
  }
  const parts = kind === 'service' ? name.split('/') : [name];
  for (const p of parts) {
    if (!isValidDomainIdent(p)) {
      return `invalid ${kind} name '${name}': each component must start with a letter and contain only letters, digits, '-' and '_' (optionally after a vendor prefix ending in ',')`;
    }
  }
  return undefined;
}

export function isValidName(name: string, kind: NameKind): boolean {
  return checkName(name, kind) === undefined;
}

/** Category of a service name: everything before the last component ('' for one component). */
export function serviceCategory(service: string): string {
  const i = service.lastIndexOf('/');
  return i < 0 ? '' : service.slice(0, i);
}

/** Leaf (last component) of a service name. */
export function serviceLeaf(service: string): string {
  return service.slice(service.lastIndexOf('/') + 1);
}

function parseFileFmri(s: string): FmriResult<FileFmri> {
  // file://HOST/path, file:///path, (also tolerate file:/path)
  let rest = s.slice('file:'.length);
  let host = '';
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    const slash = rest.indexOf('/');
    if (slash < 0) return { ok: false, error: `invalid file FMRI '${s}': no path after the host part` };
    host = rest.slice(0, slash);
    rest = rest.slice(slash);
  }
  if (!rest.startsWith('/')) return { ok: false, error: `invalid file FMRI '${s}': the path must be absolute` };
  if (rest.includes('\0')) return { ok: false, error: `invalid file FMRI '${s}': path contains NUL` };
  return { ok: true, fmri: { scheme: 'file', path: rest, host } };
}

function parseSvcBody(original: string, body: string): FmriResult<SvcFmri> {
  // body: SERVICE[:INSTANCE][/:properties/PG[/PROP]] (leading '/' removed)
  let entity = body;
  let pg: string | undefined;
  let prop: string | undefined;
  const propIdx = body.indexOf('/:properties');
  if (propIdx >= 0) {
    entity = body.slice(0, propIdx);
    const tail = body.slice(propIdx + '/:properties'.length);
    if (tail !== '') {
      if (!tail.startsWith('/')) return { ok: false, error: `invalid FMRI '${original}': expected '/' after ':properties'` };
      const parts = tail.slice(1).split('/');
      if (parts.length > 2) return { ok: false, error: `invalid FMRI '${original}': too many components after ':properties'` };
      pg = parts[0];
      prop = parts[1];
      const e1 = checkName(pg, 'property group');
      if (e1) return { ok: false, error: `invalid FMRI '${original}': ${e1}` };
      if (prop !== undefined) {
        const e2 = checkName(prop, 'property');
        if (e2) return { ok: false, error: `invalid FMRI '${original}': ${e2}` };
      }
    }
  }
  let service = entity;
  let instance: string | undefined;
  const colon = entity.indexOf(':');
  if (colon >= 0) {
    service = entity.slice(0, colon);
    instance = entity.slice(colon + 1);
    const ei = checkName(instance, 'instance');
    if (ei) return { ok: false, error: `invalid FMRI '${original}': ${ei}` };
  }
  const es = checkName(service, 'service');
  if (es) return { ok: false, error: `invalid FMRI '${original}': ${es}` };
  const fmri: SvcFmri = { scheme: 'svc', service };
  if (instance !== undefined) fmri.instance = instance;
  if (pg !== undefined) fmri.pg = pg;
  if (prop !== undefined) fmri.prop = prop;
  return { ok: true, fmri };
}

/**
 * Parse any FMRI spelling: svc:/S:I, svc://localhost/S:I, svc:///S, bare S:I and /S:I,
 * property FMRIs, file:///p, file://localhost/p, file://HOST/p. lrc: is rejected.
 */
export function parseFmri(s: string): FmriResult {
  if (s.length === 0) return { ok: false, error: 'empty FMRI' };
  if (s.startsWith('file:')) return parseFileFmri(s);
  if (s.startsWith('lrc:')) {
    return { ok: false, error: `'${s}' is a legacy rc-script (lrc:) FMRI; legacy services are not supported by tsmf` };
  }
  let body: string;
  if (s.startsWith('svc:')) {
    body = s.slice(4);
    if (body.startsWith('//')) {
      const rest = body.slice(2);
      const slash = rest.indexOf('/');
      const scope = slash < 0 ? rest : rest.slice(0, slash);
      if (scope !== '' && scope !== 'localhost' && scope !== 'localhost@localhost') {
        return { ok: false, error: `invalid FMRI '${s}': unknown scope '${scope}' (only 'localhost' exists)` };
      }
      if (slash < 0) return { ok: false, error: `invalid FMRI '${s}': no service name` };
      body = rest.slice(slash);
    }
    if (!body.startsWith('/')) return { ok: false, error: `invalid FMRI '${s}': expected 'svc:/SERVICE'` };
    body = body.slice(1);
  } else {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\//.test(s) && !s.startsWith('/')) {
      const scheme = s.slice(0, s.indexOf(':'));
      if (!/^[A-Za-z][A-Za-z0-9_,.-]*$/.test(scheme) || s.includes('://')) {
        return { ok: false, error: `invalid FMRI '${s}': unknown scheme '${scheme}:' (use svc: or file:)` };
      }
    }
    body = s.startsWith('/') ? s.slice(1) : s;
  }
  return parseSvcBody(s, body);
}

/** Parse and require an svc: FMRI (bare forms allowed). */
export function parseSvcFmri(s: string): FmriResult<SvcFmri> {
  const r = parseFmri(s);
  if (!r.ok) return r;
  if (r.fmri.scheme !== 'svc') return { ok: false, error: `'${s}' is not a service FMRI` };
  return { ok: true, fmri: r.fmri };
}

/** Canonical text: svc:/S[:I][/:properties/PG[/PROP]] or file://localhost/PATH. */
export function formatFmri(f: Fmri): string {
  if (f.scheme === 'file') return `file://localhost${f.path}`;
  let out = `svc:/${f.service}`;
  if (f.instance !== undefined) out += `:${f.instance}`;
  if (f.pg !== undefined) {
    out += `/:properties/${f.pg}`;
    if (f.prop !== undefined) out += `/${f.prop}`;
  }
  return out;
}

/** Canonicalise an FMRI string (see formatFmri). */
export function canonicalFmri(s: string): { ok: true; fmri: string } | { ok: false; error: string } {
  const r = parseFmri(s);
  return r.ok ? { ok: true, fmri: formatFmri(r.fmri) } : r;
}

export function serviceFmri(service: string): string {
  return `svc:/${service}`;
}
export function instanceFmri(service: string, instance: string): string {
  return `svc:/${service}:${instance}`;
}

// ---------------------------------------------------------------------------------------
// Operand resolution (§1.4)

export interface OperandResolution {
  kind: 'exact' | 'glob' | 'partial';
  /** canonical FMRIs from the candidate list, in candidate order */
  matches: string[];
  /** for exact property FMRI operands: the pg / property named by the operand */
  pg?: string;
  prop?: string;
}

export interface ResolveOptions {
  /** a service FMRI selects the service itself (svccfg, svcprop, svcs -D) instead of its instances */
  serviceAsSelf?: boolean;
}

function isInstanceLike(c: string): boolean {
  if (c.startsWith('lrc:')) return true;
  return c.indexOf(':', 4) >= 0;
}

/**
 * libscf partial match (scf_cmp_pattern, lowlevel.c) of `op` against one FMRI: strstr() finds
 * the first occurrence only; it must start the FMRI or follow a '/' or ':' (or the operand starts
 * with ':'), and end the FMRI or precede a ':' (or the operand ends with ':'); a match ending
 * within the first 4 chars ("svc:") is ignored. The search never continues past the first
 * occurrence, so `c` does not match svc:/site/c:default (its first hit is the "c" of "svc:"),
 * nor `pool` svc:/site/mount-main-pool:pool. Kept on purpose: scripts written for SMF select
 * the same instances here (partialHint() explains the miss to the user).
 */
export function partialMatches(op: string, fmri: string): boolean {
  if (op.length === 0) return false;
  const at = fmri.indexOf(op);
  return at >= 0 && anchoredAt(op, fmri, at);
}

function anchoredAt(op: string, fmri: string, at: number): boolean {
  const startOk = at === 0 || fmri[at - 1] === '/' || fmri[at - 1] === ':' || op[0] === ':';
  const end = at + op.length;
  const endOk = end === fmri.length || fmri[end] === ':' || op[op.length - 1] === ':';
  return startOk && endOk && end > 4;
}

/**
 * For a partial operand that matched nothing: the candidates it would match if every occurrence
 * counted (not only the first, see partialMatches), so the CLI can say why and what to type.
 */
export function partialNearMisses(op: string, candidates: readonly string[], limit = 3): string[] {
  if (op.length === 0 || hasGlobChars(op)) return [];
  const out: string[] = [];
  for (const c of candidates) {
    if (!isInstanceLike(c) || partialMatches(op, c)) continue;
    for (let at = c.indexOf(op, c.indexOf(op) + 1); at >= 0; at = c.indexOf(op, at + 1)) {
      if (anchoredAt(op, c, at)) { out.push(c); break; }
    }
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Second line for a no-match error when partialNearMisses() found something (undefined otherwise).
 * The CLIs print it only for a person (stderr a terminal, or TSMF_HINTS=1): scripts and tests
 * get exactly SMF's one-line message.
 */
export function partialHint(op: string, candidates: readonly string[]): string | undefined {
  const near = partialNearMisses(op, candidates);
  if (!near.length) return undefined;
  return `'${op}' only counts where it first occurs in an FMRI (as in SMF), so it does not select ${near.join(', ')}; ` +
    `name ${near.length > 1 ? 'them' : 'it'} by service or full FMRI instead`;
}

/**
 * Resolve a CLI operand against candidate FMRIs (canonical instance FMRIs `svc:/S:I`, may also
 * contain service FMRIs `svc:/S` and `lrc:` FMRIs). Order: exact, then glob, then partial.
 */
export function resolveOperand(operand: string, candidates: readonly string[], opts: ResolveOptions = {}): OperandResolution {
  const parsed = hasGlobChars(operand) ? undefined : parseFmri(operand);
  if (parsed?.ok && parsed.fmri.scheme === 'svc') {
    const f = parsed.fmri;
    const extra: Pick<OperandResolution, 'pg' | 'prop'> = {};
    if (f.pg !== undefined) extra.pg = f.pg;
    if (f.prop !== undefined) extra.prop = f.prop;
    if (f.instance !== undefined) {
      const want = instanceFmri(f.service, f.instance);
      if (candidates.includes(want)) return { kind: 'exact', matches: [want], ...extra };
    } else {
      const svc = serviceFmri(f.service);
      const prefix = `${svc}:`;
      if (opts.serviceAsSelf && candidates.includes(svc)) return { kind: 'exact', matches: [svc], ...extra };
      const insts = candidates.filter((c) => c.startsWith(prefix));
      if (insts.length > 0 || candidates.includes(svc)) return { kind: 'exact', matches: insts, ...extra };
    }
    if (f.pg !== undefined) return { kind: 'exact', matches: [], ...extra };
  }
  if (hasGlobChars(operand)) {
    const pattern = operand.startsWith('*') || operand[3] === ':' ? operand : `svc:/${operand}`;
    return { kind: 'glob', matches: candidates.filter((c) => isInstanceLike(c) && fnmatch(pattern, c)) };
  }
  return { kind: 'partial', matches: candidates.filter((c) => isInstanceLike(c) && partialMatches(operand, c)) };
}

// Error texts printed by the CLIs (exact SMF wording).

export type NoMatchWhat = 'instances' | 'instances or services' | 'entities';

/** `Pattern 'X' doesn't match any instances` (svcadm/svcs), `... instances or services`, `... entities` (svcprop). */
export function noMatchError(operand: string, what: NoMatchWhat = 'instances'): string {
  return `Pattern '${operand}' doesn't match any ${what}`;
}

/** svcadm: `Partial FMRI 'X' matches multiple instances:` followed by one `\t<fmri>` line per match. */
export function partialMultipleError(operand: string, matches: readonly string[]): string {
  return [`Partial FMRI '${operand}' matches multiple instances:`, ...matches.map((m) => `\t${m}`)].join('\n');
}

/** svccfg: an operand must select exactly one entity. */
export function multipleEntitiesError(operand: string, matches: readonly string[]): string {
  return [`Pattern '${operand}' matches multiple instances or services:`, ...matches.map((m) => `\t${m}`)].join('\n');
}
