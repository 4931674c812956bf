// The svccfg command language, lexical level: splits script text into commands (one per
// unquoted newline) made of tokens. Pure.
//
// Rules (smf-spec §7.3): words are separated by blanks; `#` at the start of a word begins a
// comment running to the end of the line; double quotes group a word (it may then contain
// blanks, parentheses and newlines), and inside quotes only `\"` and `\\` are escapes (any
// other backslash is kept literally); unquoted `(` and `)` are tokens of their own (value
// lists); an unquoted backslash right before a newline joins the two lines.
//
// Invariants: every token carries the 1-based line where it starts; a command's `line` is
// the line of its first token; quoted tokens are flagged so that `""` and `"("` stay words.

export type Token =
  | { kind: 'word'; text: string; quoted: boolean; line: number }
  | { kind: 'lparen'; line: number }
  | { kind: 'rparen'; line: number };

export interface Command { line: number; tokens: Token[] }

export type LexResult =
  | { ok: true; commands: Command[] }
  /** `incomplete`: the text ended inside a quoted string (interactive mode reads another line). */
  | { ok: false; line: number; message: string; incomplete: boolean };

const BLANK = new Set([' ', '\t', '\r']);

export function tokenize(text: string, firstLine = 1): LexResult {
  const commands: Command[] = [];
  let tokens: Token[] = [];
  let line = firstLine;
  let i = 0;
  const endCommand = () => {
    if (tokens.length) commands.push({ line: tokens[0]!.line, tokens });
    tokens = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') { endCommand(); line++; i++; continue; }
    if (BLANK.has(c)) { i++; continue; }
    if (c === '\\' && text[i + 1] === '\n') { line++; i += 2; continue; }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(') { tokens.push({ kind: 'lparen', line }); i++; continue; }
    if (c === ')') { tokens.push({ kind: 'rparen', line }); i++; continue; }
    // A word: unquoted runs and quoted runs glued together (a"b c"d is one word).
    const startLine = line;
    let textOut = '';
    let quoted = false;
    while (i < text.length) {
      const d = text[i]!;
      if (d === '"') {
        quoted = true;
        i++;
        let closed = false;
        while (i < text.length) {
          const e = text[i]!;
          if (e === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) { textOut += text[i + 1]; i += 2; continue; }
          if (e === '"') { closed = true; i++; break; }
          if (e === '\n') line++;
          textOut += e;
          i++;
        }
        if (!closed) return { ok: false, line: startLine, message: 'unterminated quoted string (add the closing ")', incomplete: true };
        continue;
      }
      if (d === '\n' || BLANK.has(d) || d === '(' || d === ')') break;
      if (d === '\\' && text[i + 1] === '\n') break;
      textOut += d;
      i++;
    }
    tokens.push({ kind: 'word', text: textOut, quoted, line: startLine });
  }
  endCommand();
  return { ok: true, commands };
}

/** Renders a token back for messages. */
export function tokenText(t: Token): string {
  return t.kind === 'word' ? t.text : t.kind === 'lparen' ? '(' : ')';
}
