// The zfs-list.cache file format: what `zfs list -H -t filesystem -o PROPS -r POOL` writes, with
// PROPS exactly the OpenZFS list (history_event-zfs-list-cacher.sh), sorted so it is stable.
//
// A ZFS without some properties (zfs-fuse lacks relatime, encroot and keylocation) is asked for
// the rest, and the missing columns are filled with the OpenZFS defaults, so the cache always has
// the 20 columns the generator expects.
import { CACHE_COLUMNS } from './cache-lines.js';

export const LIST_PROPERTIES: readonly string[] = CACHE_COLUMNS;

/** Columns a ZFS may lack, and the value written instead (the OpenZFS default). */
export const OPTIONAL_DEFAULTS: Readonly<Record<string, string>> = { relatime: 'on', encroot: '-', keylocation: 'none' };

/** From `zfs list` stderr: the property it rejected, when it is one we can do without. */
export function rejectedOptionalProperty(stderr: string): string | null {
  const m = /invalid property '([^']+)'/.exec(stderr);
  return m && m[1]! in OPTIONAL_DEFAULTS ? m[1]! : null;
}

/**
 * Turns `zfs list -H -o QUERIED` output into cache content: every row gets all 20 columns (missing
 * ones defaulted), rows are sorted bytewise (as `LC_ALL=C sort`), one per line.
 */
export function cacheContent(listOutput: string, queried: readonly string[]): string {
  const index = LIST_PROPERTIES.map((p) => queried.indexOf(p));
  const rows: string[] = [];
  for (const line of listOutput.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t');
    rows.push(index.map((i, k) => (i >= 0 ? f[i] ?? '-' : OPTIONAL_DEFAULTS[LIST_PROPERTIES[k]!] ?? '-')).join('\t'));
  }
  rows.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return rows.length ? rows.join('\n') + '\n' : '';
}

/** Pool names are ZFS component names: no '/', no leading '.', nothing that escapes a directory. */
export function validPoolName(pool: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_.:-]*$/.test(pool);
}
