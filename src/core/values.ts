// Property values (smf-spec §6.2): validate a string in the form a user or manifest wrote it
// and return its canonical printed form, as libscf's scf_value_set_from_string does.
//
// Invariants:
// - Canonical forms: boolean "true"/"false"; count/integer decimal (BigInt, never Number);
//   time "SECONDS" or "SECONDS.NNNNNNNNN" (9 digits); opaque lower-case hex, 2 chars per byte;
//   all string-like types are returned unchanged (never trimmed, never truncated).
// - Strings may be up to MAX_VALUE_BYTES (16 MiB, far above the 1 MiB floor); longer values are
//   an error, never a truncation. NUL is never allowed (SMF values are C strings).
// - Opaque input must be contiguous hex digits: whitespace between bytes is rejected with a
//   message saying so (svccfg does the same), so a value has exactly one spelling.
import type { PropertyType } from './model.js';
import { parseFmri } from './fmri.js';

export const MAX_VALUE_BYTES = 16 * 1024 * 1024;

export type ValueResult = { ok: true; value: string } | { ok: false; error: string };

export interface ValueOptions {
  /**
   * count/integer in manifests are parsed with base 10 (svccfg's lxml_store_value uses
   * strtoull(..., 10)); elsewhere (svccfg setprop, libscf) the base is automatic.
   */
  decimalOnly?: boolean;
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

function show(v: string): string {
  return v.length > 60 ? `"${v.slice(0, 57)}..."` : `"${v}"`;
}
function bad(type: PropertyType, v: string, why: string): ValueResult {
  return { ok: false, error: `invalid ${type} value ${show(v)}: ${why}` };
}

/** strtoull/strtoll digit scan. Returns magnitude and sign, or an error reason. */
function scanInteger(v: string, decimalOnly: boolean): { neg: boolean; mag: bigint } | string {
  let i = 0;
  while (i < v.length && ' \t\n\v\f\r'.includes(v[i])) i++;
  let neg = false;
  if (v[i] === '+' || v[i] === '-') { neg = v[i] === '-'; i++; }
  let base = 10;
  if (!decimalOnly) {
    if (v[i] === '0' && (v[i + 1] === 'x' || v[i + 1] === 'X') && /[0-9a-fA-F]/.test(v[i + 2] ?? '')) {
      base = 16; i += 2;
    } else if (v[i] === '0') {
      base = 8;
    }
  }
  const digits = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[0-9]/;
  const start = i;
  let mag = 0n;
  const b = BigInt(base);
  while (i < v.length && digits.test(v[i])) {
    mag = mag * b + BigInt(parseInt(v[i], 16));
    i++;
  }
  if (i === start) return 'not a number';
  if (i !== v.length) return `unexpected character '${v[i]}'${base === 8 && /[89]/.test(v[i]) ? ' (a leading 0 means octal)' : ''}`;
  return { neg, mag };
}

/** count: unsigned 64-bit, strtoull semantics ("-1" wraps to 18446744073709551615). */
export function parseCount(v: string, opts: ValueOptions = {}): ValueResult {
  const r = scanInteger(v, opts.decimalOnly ?? false);
  if (typeof r === 'string') return bad('count', v, r);
  if (r.mag > U64_MAX) return bad('count', v, 'out of range (maximum 18446744073709551615)');
  const n = r.neg ? (r.mag === 0n ? 0n : (1n << 64n) - r.mag) : r.mag;
  return { ok: true, value: n.toString() };
}

/** integer: signed 64-bit, strtoll semantics. */
export function parseInteger(v: string, opts: ValueOptions = {}): ValueResult {
  const r = scanInteger(v, opts.decimalOnly ?? false);
  if (typeof r === 'string') return bad('integer', v, r);
  const n = r.neg ? -r.mag : r.mag;
  if (n > I64_MAX || n < I64_MIN) return bad('integer', v, 'out of range for a signed 64-bit integer');
  return { ok: true, value: n.toString() };
}

function parseTime(v: string): ValueResult {
  const m = /^([0-9]+)(?:\.([0-9]{1,9}))?$/.exec(v);
  if (!m) return bad('time', v, 'expected SECONDS[.NANOSECONDS] with 1 to 9 fraction digits');
  const secs = BigInt(m[1]);
  if (secs > I64_MAX) return bad('time', v, 'seconds out of range');
  if (m[2] === undefined || /^0+$/.test(m[2])) return { ok: true, value: secs.toString() };
  return { ok: true, value: `${secs}.${m[2].padEnd(9, '0')}` };
}

function hasLoneSurrogate(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = v.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function checkString(type: PropertyType, v: string): ValueResult {
  if (v.includes('\0')) return bad(type, v, 'contains a NUL character');
  if (v.length * 3 > MAX_VALUE_BYTES && new TextEncoder().encode(v).length > MAX_VALUE_BYTES) {
    return bad(type, v, `longer than ${MAX_VALUE_BYTES} bytes (values are never truncated)`);
  }
  if (hasLoneSurrogate(v)) return bad(type, v, 'not valid UTF-8 (unpaired surrogate)');
  return { ok: true, value: v };
}

function parseOpaque(v: string): ValueResult {
  if (/\s/.test(v)) return bad('opaque', v, 'whitespace is not allowed; write the bytes as contiguous hex digits');
  if (v.length % 2 !== 0) return bad('opaque', v, 'odd number of hex digits (2 per byte)');
  if (!/^[0-9a-fA-F]*$/.test(v)) return bad('opaque', v, 'only hex digits 0-9, a-f are allowed');
  if (v.length / 2 > MAX_VALUE_BYTES) return bad('opaque', v, `longer than ${MAX_VALUE_BYTES} bytes`);
  return { ok: true, value: v.toLowerCase() };
}

export function isValidIPv4(v: string): boolean {
  const parts = v.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

export function isValidIPv6(v: string): boolean {
  if (v.length === 0 || /[^0-9a-fA-F:.]/.test(v)) return false;
  let s = v;
  let groupsNeeded = 8;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    if (!isValidIPv4(s.slice(lastColon + 1))) return false;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return false;
  const grp = (g: string) => /^[0-9a-fA-F]{1,4}$/.test(g);
  if (dbl < 0) {
    const gs = s.split(':');
    return gs.length === groupsNeeded && gs.every(grp);
  }
  const left = s.slice(0, dbl);
  const right = s.slice(dbl + 2);
  const lg = left === '' ? [] : left.split(':');
  const rg = right === '' ? [] : right.split(':');
  groupsNeeded -= 1;
  return lg.every(grp) && rg.every(grp) && lg.length + rg.length <= groupsNeeded;
}

function withPrefix(v: string, max: number, check: (a: string) => boolean): boolean {
  const slash = v.indexOf('/');
  if (slash < 0) return check(v);
  const pfx = v.slice(slash + 1);
  return check(v.slice(0, slash)) && /^[0-9]{1,3}$/.test(pfx) && Number(pfx) <= max;
}

export function isValidHostname(v: string): boolean {
  const h = v.endsWith('.') ? v.slice(0, -1) : v;
  if (h.length === 0 || h.length > 253) return false;
  return h.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

function isValidUri(v: string): boolean {
  if (v.length === 0 || /[\s\x00-\x1f\x7f]/.test(v)) return false;
  const colon = v.indexOf(':');
  const firstSep = v.search(/[/?#]/);
  if (colon > 0 && (firstSep < 0 || colon < firstSep)) return /^[A-Za-z][A-Za-z0-9+.-]*$/.test(v.slice(0, colon));
  return colon !== 0;
}

/** Validate and canonicalise one value of the given type. */
export function canonicalValue(type: PropertyType, v: string, opts: ValueOptions = {}): ValueResult {
  switch (type) {
    case 'boolean':
      if (v === 'true' || v === 't' || v === '1') return { ok: true, value: 'true' };
      if (v === 'false' || v === 'f' || v === '0') return { ok: true, value: 'false' };
      return bad(type, v, 'expected true, t, 1, false, f or 0');
    case 'count': return parseCount(v, opts);
    case 'integer': return parseInteger(v, opts);
    case 'time': return parseTime(v);
    case 'astring':
    case 'ustring':
      return checkString(type, v);
    case 'opaque': return parseOpaque(v);
    case 'fmri': {
      const s = checkString(type, v);
      if (!s.ok) return s;
      if (!v.startsWith('svc:') && !v.startsWith('file:')) return bad(type, v, "an FMRI value must start with 'svc:' or 'file:'");
      const r = parseFmri(v);
      return r.ok ? { ok: true, value: v } : bad(type, v, r.error);
    }
    case 'uri':
      return isValidUri(v) ? checkString(type, v) : bad(type, v, 'not a valid URI (no whitespace or control characters; scheme must be letters, digits, + . -)');
    case 'hostname':
      return isValidHostname(v) ? { ok: true, value: v } : bad(type, v, 'not a valid host name (RFC 1123 labels separated by dots)');
    case 'net_address_v4':
      return withPrefix(v, 32, isValidIPv4) ? { ok: true, value: v } : bad(type, v, 'not a dotted-quad IPv4 address (optionally /PREFIX)');
    case 'net_address_v6':
      return withPrefix(v, 128, isValidIPv6) ? { ok: true, value: v } : bad(type, v, 'not an IPv6 address (optionally /PREFIX)');
    case 'net_address':
      return withPrefix(v, 32, isValidIPv4) || withPrefix(v, 128, isValidIPv6)
        ? { ok: true, value: v } : bad(type, v, 'not an IPv4 or IPv6 address');
    case 'host':
      return isValidHostname(v) || isValidIPv4(v) || isValidIPv6(v)
        ? { ok: true, value: v } : bad(type, v, 'not a host name or IP address');
    default: {
      const never: never = type;
      throw new Error(`unknown property type ${String(never)}`);
    }
  }
}

/** Validate a list of values; the first failure is returned with its index. */
export function canonicalValues(type: PropertyType, vs: readonly string[], opts: ValueOptions = {}):
  { ok: true; values: string[] } | { ok: false; error: string; index: number } {
  const out: string[] = [];
  for (let i = 0; i < vs.length; i++) {
    const r = canonicalValue(type, vs[i], opts);
    if (!r.ok) return { ok: false, error: r.error, index: i };
    out.push(r.value);
  }
  return { ok: true, values: out };
}

const CANONICAL_TIME = /^(?:0|[1-9][0-9]{0,17})(?:\.(?!0{9})[0-9]{9})?$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]{0,4096}$/;

/**
 * The canonical form of `raw` when it visibly is one already, without parsing: a safe integer for
 * count/integer, `SECONDS[.NANOSECONDS]` with 9 fraction digits for time, short printable ASCII for
 * astring. Undefined otherwise (canonicalValue then decides). The restarter writes thousands of
 * such values during a boot; equal to canonicalValue's result whenever it returns one.
 */
export function triviallyCanonical(type: PropertyType, raw: string | number): string | undefined {
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) return undefined;
    return type === 'integer' || (type === 'count' && raw >= 0) ? String(raw) : undefined;
  }
  if (type === 'time') return CANONICAL_TIME.test(raw) ? raw : undefined;
  if (type === 'astring') return PRINTABLE_ASCII.test(raw) ? raw : undefined;
  return undefined;
}
