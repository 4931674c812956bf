// systemd unit-name escaping and path simplification, exactly as the OpenZFS zfs-mount-generator
// does it, except that bytes >= 0x80 are escaped one byte at a time (`\xc3\xa9`), as
// `systemd-escape -p` does (upstream sign-extends them into `\xffffffc3`).
//
// Strings here are "byte strings": every char code is one byte (0..255), i.e. the file was read
// as latin1. Callers must keep that invariant; nothing here decodes UTF-8.

const KEEP = new Uint8Array(256);
for (const c of '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:_.') KEEP[c.charCodeAt(0)] = 1;
const HEX = '0123456789abcdef';
const ESCAPED: string[] = [];
for (let b = 0; b < 256; b++) {
  ESCAPED.push(b === 0x2f ? '-' : KEEP[b] ? String.fromCharCode(b) : '\\x' + HEX[b >> 4] + HEX[b & 15]);
}
const PLAIN = /^[0-9A-Za-z:_./]*$/;

/** systemd_escape(): leading '.' -> \x2e, '/' -> '-', [0-9A-Za-z:_.] kept, every other byte -> \xNN. */
export function systemdEscape(input: string, prepend: string, append: string): string {
  if (PLAIN.test(input) && input.charCodeAt(0) !== 0x2e) {
    return prepend + (input.includes('/') ? input.replaceAll('/', '-') : input) + append;
  }
  let out = prepend;
  let i = 0;
  if (input.charCodeAt(0) === 0x2e) {
    out += '\\x2e';
    i = 1;
  }
  for (; i < input.length; i++) out += ESCAPED[input.charCodeAt(i) & 0xff];
  return out + append;
}

/** simplify_path(): collapse every run of '/' into one. */
export function simplifyPath(path: string): string {
  return path.includes('//') ? path.replace(/\/{2,}/g, '/') : path;
}

/**
 * systemd_escape_path() on an already simplified absolute path: "/" -> "-"; paths with "." or ".."
 * components are not normalized and give null; one leading and one trailing '/' are dropped.
 */
export function systemdEscapePath(input: string, prepend: string, append: string): string | null {
  if (input === '/') return prepend + '-' + append;
  if (input.includes('/./') || input.includes('/../') || input.endsWith('/.') || input.endsWith('/..')) return null;
  let s = input.charCodeAt(0) === 0x2f ? input.slice(1) : input;
  if (s.endsWith('/')) s = s.slice(0, -1);
  return systemdEscape(s, prepend, append);
}

/** The unit name `systemd-escape -p --suffix=mount PATH` gives (simplifies first). */
export function mountUnitName(path: string): string | null {
  return systemdEscapePath(simplifyPath(path), '', '.mount');
}
