// Method token expansion (smf-spec 4.3) in two pure steps: tokenize(exec) -> tokens, then
// expandTokens(tokens, ctx, lookup) -> string. Property values go through shellEscapeValue;
// %s %i %f are inserted unescaped (they are FMRI parts, validated by the repository).
//
// Invariants:
// - Every failure is a value naming the offending token (the engine turns it into maintenance,
//   aux method_failed, log "Could not expand method tokens in ...").
// - A property with no values expands to the empty string; a trailing lone '%' is dropped.
import { shellEscapeValue } from './shell-quote.js';

/** Which property a %{...} token names. `fmri` is set for %{svc:/S:I/:properties/pg/prop}. */
export interface PropertyRef { fmri?: string; pg: string; prop: string }

export type MethodToken =
  | { kind: 'literal'; text: string }
  | { kind: 'restarter' | 'method' | 'service' | 'instance' | 'fmri' }
  | { kind: 'property'; ref: PropertyRef; separator: string; source: string };

export type TokenError = { ok: false; code: 'token'; token: string; message: string };
export type TokenResult<T> = { ok: true; value: T } | TokenError;

const SIMPLE: Record<string, MethodToken['kind']> = { r: 'restarter', m: 'method', s: 'service', i: 'instance', f: 'fmri' };

function tokenError(token: string, message: string): TokenError {
  return { ok: false, code: 'token', token, message };
}

/** Parses the inside of %{...}: name | pg/prop | svc:/S:I/:properties/pg/prop, with optional trailing ',' or ':' separator. */
export function parsePropertyRef(inner: string): TokenResult<{ ref: PropertyRef; separator: string }> {
  let body = inner;
  let separator = ' ';
  const last = body.at(-1);
  if (last === ',' || last === ':') {
    separator = last;
    body = body.slice(0, -1);
  }
  const bad = (why: string) => tokenError(`%{${inner}}`, `bad property reference "%{${inner}}": ${why}`);
  if (body === '') return bad('empty name');
  if (body.startsWith('svc:/')) {
    const at = body.indexOf('/:properties/');
    if (at < 0) return bad('expected svc:/SERVICE:INSTANCE/:properties/PG/PROP');
    const fmri = body.slice(0, at);
    const parts = body.slice(at + '/:properties/'.length).split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) return bad('expected PG/PROP after /:properties/');
    return { ok: true, value: { ref: { fmri, pg: parts[0], prop: parts[1] }, separator } };
  }
  const parts = body.split('/');
  if (parts.length === 1) return { ok: true, value: { ref: { pg: 'application', prop: parts[0]! }, separator } };
  if (parts.length === 2 && parts[0] && parts[1]) return { ok: true, value: { ref: { pg: parts[0], prop: parts[1] }, separator } };
  return bad('expected NAME, PG/PROP or svc:/SERVICE:INSTANCE/:properties/PG/PROP');
}

export function tokenize(exec: string): TokenResult<MethodToken[]> {
  const out: MethodToken[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ kind: 'literal', text: lit });
    lit = '';
  };
  for (let i = 0; i < exec.length; i++) {
    if (exec[i] !== '%') {
      // the literal run up to the next '%' in one piece (not a string per character)
      const next = exec.indexOf('%', i);
      const end = next < 0 ? exec.length : next;
      lit += exec.slice(i, end);
      i = end - 1;
      continue;
    }
    const n = exec[i + 1];
    if (n === undefined) break; // trailing lone % is dropped
    if (n === '%') {
      lit += '%';
      i++;
    } else if (n === '{') {
      const close = exec.indexOf('}', i + 2);
      if (close < 0) return tokenError(exec.slice(i), `unterminated "%{" in "${exec}"`);
      const inner = exec.slice(i + 2, close);
      const parsed = parsePropertyRef(inner);
      if (!parsed.ok) return parsed;
      flush();
      out.push({ kind: 'property', ref: parsed.value.ref, separator: parsed.value.separator, source: `%{${inner}}` });
      i = close;
    } else if (SIMPLE[n]) {
      flush();
      out.push({ kind: SIMPLE[n] } as MethodToken);
      i++;
    } else {
      return tokenError(`%${n}`, `unknown method token "%${n}" in "${exec}"`);
    }
  }
  flush();
  return { ok: true, value: out };
}

export interface ExpansionContext {
  /** instance FMRI, svc:/S:I */
  fmri: string;
  method: string;
  /** %r; svc.startd unless a delegated restarter expands */
  restarter?: string;
}

/** Returns the values of a property, or undefined when the property (or its pg/entity) does not exist. */
export type PropertyLookup = (ref: PropertyRef) => readonly string[] | undefined;

export function splitInstanceFmri(fmri: string): { service: string; instance: string } {
  const body = fmri.replace(/^svc:\/*/, '');
  const colon = body.lastIndexOf(':');
  return colon < 0 ? { service: body, instance: '' } : { service: body.slice(0, colon), instance: body.slice(colon + 1) };
}

export function expandTokens(tokens: readonly MethodToken[], ctx: ExpansionContext, lookup: PropertyLookup): TokenResult<string> {
  const { service, instance } = splitInstanceFmri(ctx.fmri);
  let out = '';
  for (const t of tokens) {
    switch (t.kind) {
      case 'literal': out += t.text; break;
      case 'restarter': out += ctx.restarter ?? 'svc.startd'; break;
      case 'method': out += ctx.method; break;
      case 'service': out += service; break;
      case 'instance': out += instance; break;
      case 'fmri': out += `svc:/${service}:${instance}`; break;
      case 'property': {
        const values = lookup(t.ref);
        if (values === undefined) {
          const name = t.ref.fmri ? `${t.ref.fmri}/:properties/${t.ref.pg}/${t.ref.prop}` : `${t.ref.pg}/${t.ref.prop}`;
          return tokenError(t.source, `property "${name}" not found`);
        }
        out += values.map(shellEscapeValue).join(t.separator);
        break;
      }
      default: {
        const never: never = t;
        throw new Error(`unhandled token ${JSON.stringify(never)}`);
      }
    }
  }
  return { ok: true, value: out };
}

/** tokenize + expandTokens; the error message is the one svc.startd logs. */
export function expandMethodTokens(exec: string, ctx: ExpansionContext, lookup: PropertyLookup): TokenResult<string> {
  const tokens = tokenize(exec);
  const r = tokens.ok ? expandTokens(tokens.value, ctx, lookup) : tokens;
  if (r.ok) return r;
  return { ...r, message: `Could not expand method tokens in "${exec}": ${r.message}.` };
}
