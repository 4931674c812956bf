// Parsing of the property-editing argument forms (smf-spec §7.3):
//   setprop pg/prop = [type:] value      setprop pg/prop = [type:] (v1 v2 ...)
//   addpropvalue pg/prop [type:] value
// `=` may be glued to its neighbours (`pg/prop=value`). A type is an unquoted word ending in
// `:`. Pure; values are returned as given (the caller checks them against the type).
import { isPropertyType, type PropertyType } from '../model.js';
import type { Token } from './lexer.js';

export interface PropRef { pg: string; prop: string }

export type ValueSpec =
  | { ok: true; ref: PropRef; type?: PropertyType; values: string[]; list: boolean }
  | { ok: false; error: string };

export function splitPropName(name: string): PropRef | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { pg: name.slice(0, slash), prop: name.slice(slash + 1) };
}

function word(text: string, line: number): Token {
  return { kind: 'word', text, quoted: false, line };
}

/** Parses `[type:] value` or `[type:] ( values )`. */
function parseTypedValues(tokens: Token[], ref: PropRef): ValueSpec {
  let rest = tokens;
  let type: PropertyType | undefined;
  const first = rest[0];
  if (first?.kind === 'word' && !first.quoted && first.text.endsWith(':') && rest.length > 1) {
    const t = first.text.slice(0, -1);
    if (!isPropertyType(t)) return { ok: false, error: `Unknown property type "${t}" (one of boolean, count, integer, time, astring, ustring, opaque, fmri, uri, host, hostname, net_address, net_address_v4, net_address_v6).` };
    type = t;
    rest = rest.slice(1);
  }
  if (rest.length === 1 && rest[0]!.kind === 'word') return { ok: true, ref, type, values: [rest[0]!.text], list: false };
  if (rest.length >= 2 && rest[0]!.kind === 'lparen' && rest[rest.length - 1]!.kind === 'rparen') {
    const values: string[] = [];
    for (const t of rest.slice(1, -1)) {
      if (t.kind !== 'word') return { ok: false, error: 'Value lists cannot be nested: use (v1 v2 "v 3").' };
      values.push(t.text);
    }
    return { ok: true, ref, type, values, list: true };
  }
  if (rest.length === 0) return { ok: false, error: 'A value is required (use "" for an empty string or () for no values).' };
  return { ok: false, error: 'Several values must be given as a list: (v1 v2 "v 3"); quote a value that contains blanks.' };
}

export function parseSetprop(args: Token[]): ValueSpec {
  const tokens = [...args];
  const head = tokens.shift();
  if (!head || head.kind !== 'word') return { ok: false, error: 'A property name pg/prop is required.' };
  let name = head.text;
  let sawEquals = false;
  if (!head.quoted && name.includes('=')) {
    const at = name.indexOf('=');
    const after = name.slice(at + 1);
    name = name.slice(0, at);
    sawEquals = true;
    if (after) tokens.unshift(word(after, head.line));
  } else {
    const eq = tokens[0];
    if (eq?.kind === 'word' && !eq.quoted && eq.text.startsWith('=')) {
      tokens.shift();
      sawEquals = true;
      if (eq.text.length > 1) tokens.unshift(word(eq.text.slice(1), eq.line));
    }
  }
  if (!sawEquals) return { ok: false, error: `Expected "=" after "${name}" (setprop pg/prop = [type:] value).` };
  const ref = splitPropName(name);
  if (!ref) return { ok: false, error: `"${name}" is not of the form pg/prop.` };
  return parseTypedValues(tokens, ref);
}

export function parseAddpropvalue(args: Token[]): ValueSpec {
  const [head, ...rest] = args;
  if (!head || head.kind !== 'word') return { ok: false, error: 'A property name pg/prop is required.' };
  const ref = splitPropName(head.text);
  if (!ref) return { ok: false, error: `"${head.text}" is not of the form pg/prop.` };
  const spec = parseTypedValues(rest, ref);
  if (spec.ok && spec.list) return { ok: false, error: 'addpropvalue adds one value; use setprop to set a list.' };
  return spec;
}
