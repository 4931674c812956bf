// Shell quoting of one substituted property value (smf-spec 4.3), so that the value reaches the
// program as exactly one argument, byte for byte, through `/bin/sh -c "exec ..."`.
// Pure.
//
// Deviation from svc.startd (on purpose, see docs/methods.md): SMF backslash-escapes only
// ; & ( ) | ^ < > newline space tab \ " ' ` — which leaves $ * ? [ ~ { # ! = exposed to the
// shell (parameter expansion, command substitution via $(...), globbing, tilde expansion) and
// turns "\<newline>" into a line continuation that deletes the newline. We escape every
// ASCII character outside [A-Za-z0-9_./,:@%+=-] with a backslash, write a newline as a
// single-quoted newline, and an empty value as '' (SMF would drop the argument).
//
// Invariant: for every string v without NUL, `sh -c "printf %s\\n " + shellEscapeValue(v)`
// prints exactly v.

const SAFE = /[A-Za-z0-9_./,:@%+=-]/;

export function shellEscapeValue(value: string): string {
  if (value === '') return "''";
  let out = '';
  for (const ch of value) {
    if (ch === '\n') out += "'\n'";
    else if (ch.charCodeAt(0) >= 0x80 || SAFE.test(ch)) out += ch;
    else out += '\\' + ch;
  }
  return out;
}

/** The characters svc.startd itself escapes (for documentation and tests of the deviation). */
export const SMF_ESCAPED_CHARS = [';', '&', '(', ')', '|', '^', '<', '>', '\n', ' ', '\t', '\\', '"', "'", '`'] as const;

/** True when `s` contains nothing the shell would interpret: it can be split on spaces and exec'd directly. */
export function isPlainCommand(s: string): boolean {
  return /^[A-Za-z0-9_./,:@%+=-]+( +[A-Za-z0-9_./,:@%+=-]+)* *$/.test(s.trim()) && !/(^|\s)[A-Za-z_][A-Za-z0-9_]*=/.test(s.trim().split(/ +/)[0] ?? '');
}
