// Output formats of the svccfg listing verbs (smf-spec §7.3). Pure.
//
// listprop/listpg: name left-justified to the longest name in the listing, two spaces, then
// for a pg its type (and "\tNONPERSISTENT"), for a property its type left-justified in 7
// columns followed by " VALUE" per value. A value is double-quoted (inside: `\"`, `\\`) when
// the property has several string values or the value contains blank, tab, newline, `"`,
// `(`, `)`, or is empty (deviation: real svccfg prints nothing for an empty string, which
// reads back as no value; we print `""`).
import { PG_FLAG_NONPERSISTENT, type Property, type PropertyGroup, type PropertyType } from '../model.js';

const NON_STRING_TYPES: ReadonlySet<PropertyType> = new Set(['boolean', 'count', 'integer', 'time', 'opaque']);

export const isStringType = (t: PropertyType) => !NON_STRING_TYPES.has(t);

const NEEDS_QUOTES = /[ \t\n"()]/;

export function quoteValue(v: string): string {
  return '"' + v.replace(/[\\"]/g, (m) => '\\' + m) + '"';
}

export function formatValue(type: PropertyType, v: string, several: boolean): string {
  if (!isStringType(type)) return v;
  return several || v === '' || NEEDS_QUOTES.test(v) ? quoteValue(v) : v;
}

export function formatValues(p: Property): string {
  const several = p.values.length > 1;
  return p.values.map((v) => ' ' + formatValue(p.type, v, several)).join('');
}

export type ListRow =
  | { kind: 'pg'; name: string; pg: PropertyGroup }
  | { kind: 'prop'; name: string; prop: Property };

export function formatListing(rows: readonly ListRow[]): string {
  const width = rows.reduce((w, r) => Math.max(w, r.name.length), 0);
  let out = '';
  for (const r of rows) {
    const name = r.name.padEnd(width);
    if (r.kind === 'pg') {
      out += `${name}  ${r.pg.type}${r.pg.flags & PG_FLAG_NONPERSISTENT ? '\tNONPERSISTENT' : ''}\n`;
    } else {
      out += `${name}  ${r.prop.type.padEnd(7)} ${formatValues(r.prop)}\n`;
    }
  }
  return out;
}

/** Rows for `listprop [glob]`: each pg followed by its properties; glob filters on "pg" / "pg/prop". */
export function listpropRows(pgs: readonly PropertyGroup[], matches: (name: string) => boolean): ListRow[] {
  const rows: ListRow[] = [];
  for (const pg of pgs) {
    if (matches(pg.name)) rows.push({ kind: 'pg', name: pg.name, pg });
    for (const prop of pg.properties) {
      const name = `${pg.name}/${prop.name}`;
      if (matches(name)) rows.push({ kind: 'prop', name, prop });
    }
  }
  return rows;
}

export function listpgRows(pgs: readonly PropertyGroup[], matches: (name: string) => boolean): ListRow[] {
  return pgs.filter((pg) => matches(pg.name)).map((pg) => ({ kind: 'pg' as const, name: pg.name, pg }));
}
