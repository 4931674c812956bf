// svcs sort order (smf-spec §7.1): -s COL adds an ascending key, -S COL a descending one, in the
// order given. Without -o and -s the order is STATE, then STIME (whole seconds), then FMRI. With
// -o but no -s a port sorts by FMRI [ext]. Every ordering ends with the full FMRI as the final tie
// break, so output is deterministic.
import { type Column, findColumn } from './columns.js';
import type { InstanceRow } from './row.js';

export interface SortKey { column: Column; descending: boolean }

export type SortKeysResult = { ok: true; keys: SortKey[] } | { ok: false; error: string };

export function parseSortKeys(specs: readonly { name: string; descending: boolean }[]): SortKeysResult {
  const keys: SortKey[] = [];
  for (const s of specs) {
    const column = findColumn(s.name);
    if (!column) return { ok: false, error: `Unrecognized sort column "${s.name}".` };
    keys.push({ column, descending: s.descending });
  }
  return { ok: true, keys };
}

export function defaultSortKeys(explicitColumns: boolean): SortKey[] {
  const names = explicitColumns ? ['FMRI'] : ['STATE', 'STIME', 'FMRI'];
  return names.map((n) => ({ column: findColumn(n)!, descending: false }));
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a), sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function sortRows<T extends InstanceRow>(rows: readonly T[], keys: readonly SortKey[]): T[] {
  const decorated = rows.map((row) => ({ row, k: keys.map((key) => key.column.sortKey(row)) }));
  decorated.sort((x, y) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(x.k[i]!, y.k[i]!);
      if (c !== 0) return keys[i]!.descending ? -c : c;
    }
    return compareValues(x.row.fmri, y.row.fmri);
  });
  return decorated.map((d) => d.row);
}
