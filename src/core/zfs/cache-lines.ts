// Reading zfs-list.cache files the way the OpenZFS generator does (getline + strtok_r on '\t').
//
// Invariants:
// - Input is a byte string (latin1-decoded file). Lines end at '\n'; only a real '\n' is removed
//   (upstream chops the last byte of every line, so a final line without '\n' lost a character).
// - A line is cut at its first NUL byte (C strings).
// - Fields are strtok tokens: runs of '\t' count as one separator, empty fields vanish, so later
//   columns shift left exactly as upstream.

/** The cache columns, in the order `zfs list -H -o ...` writes them. */
export const CACHE_COLUMNS = [
  'name', 'mountpoint', 'canmount', 'atime', 'relatime', 'devices', 'exec', 'readonly', 'setuid', 'nbmand',
  'encroot', 'keylocation',
  'org.openzfs.systemd:requires', 'org.openzfs.systemd:requires-mounts-for', 'org.openzfs.systemd:before',
  'org.openzfs.systemd:after', 'org.openzfs.systemd:wanted-by', 'org.openzfs.systemd:required-by',
  'org.openzfs.systemd:nofail', 'org.openzfs.systemd:ignore',
] as const;

export interface CacheLine {
  /** The cache file's name (not its path): it is the pool, and goes into SourcePath=. */
  readonly file: string;
  /** 1-based line number inside that file. */
  readonly lineNo: number;
  readonly text: string;
}

/** Splits one cache file into its lines (see the invariants above). */
export function splitCacheFile(file: string, content: string): CacheLine[] {
  const out: CacheLine[] = [];
  let start = 0;
  let lineNo = 0;
  const hasNul = content.includes('\0');
  while (start < content.length) {
    let end = content.indexOf('\n', start);
    const next = end < 0 ? content.length : end + 1;
    if (end < 0) end = content.length;
    let text = content.slice(start, end);
    const nul = hasNul ? text.indexOf('\0') : -1;
    if (nul >= 0) text = text.slice(0, nul);
    out.push({ file, lineNo: ++lineNo, text });
    start = next;
  }
  return out;
}

/**
 * The generator's pre-check: skip field 1, its tabs, field 2, its tabs, then "does the rest start
 * with 'on'". Lines that pass are processed first, in order; all others afterwards, in reverse.
 */
export function looksCanmountOn(line: string): boolean {
  let i = line.indexOf('\t');
  if (i < 0) return false;
  while (line.charCodeAt(i) === 9) i++;
  i = line.indexOf('\t', i);
  if (i < 0) return false;
  while (line.charCodeAt(i) === 9) i++;
  return line.startsWith('on', i);
}

/** strtok_r(line, "\t") until exhausted (at most `max` tokens are returned). */
export function tokenize(line: string, max = 64): string[] {
  const n = line.length;
  // Usual line: no empty field, so strtok's tokens are split()'s fields (one builtin call).
  if (n > 0 && line.charCodeAt(0) !== 9 && line.charCodeAt(n - 1) !== 9 && !line.includes('\t\t')) return line.split('\t', max);
  const out: string[] = [];
  let i = 0;
  while (out.length < max) {
    while (i < n && line.charCodeAt(i) === 9) i++;
    if (i >= n) break;
    let j = line.indexOf('\t', i);
    if (j < 0) j = n;
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

/** strtok_r(list, " ") until exhausted. */
export function spaceWords(list: string): string[] {
  if (!list.includes(' ')) return list === '' ? [] : [list];
  return list.split(' ').filter((w) => w !== '');
}

/** Orders lines the way the generator processes them: canmount=on ones first, then the rest reversed. */
export function processingOrder(files: ReadonlyArray<{ name: string; content: string }>): CacheLine[] {
  const first: CacheLine[] = [];
  const rest: CacheLine[] = [];
  for (const f of files) {
    for (const l of splitCacheFile(f.name, f.content)) (looksCanmountOn(l.text) ? first : rest).push(l);
  }
  rest.reverse();
  return first.concat(rest);
}
