// Fast path of the XML reader (xml.ts) for the shape real service bundles have: an optional
// `<?xml version="1.0"?>` declaration, the DOCTYPE, comments, elements with quoted attributes,
// text with the predefined entities and numeric character references. scanXml() reports
// elements to a sink (parse-fast.ts builds the typed bundle directly from them, without an
// element tree); readXmlFast() builds the same XmlElement tree the saxes-based reader builds.
// An import of thousands of services spent a third of its parse in saxes and in the garbage
// of the intermediate tree.
//
// Invariants:
// - It only ever SUCCEEDS or declines (undefined). Anything it does not handle or that is not
//   well-formed (CR characters, astral or control characters, a BOM, CDATA, processing
//   instructions, unknown entities, duplicate attributes, a DOCTYPE the reader rejects, ...)
//   makes it decline, and the caller runs saxes on the whole text: every diagnostic, and every
//   document it declines, comes from saxes, exactly as before.
// - When it succeeds, the tree equals the saxes reader's: element names, attributes in document
//   order (values normalised: literal tab/newline -> space, references decoded afterwards),
//   concatenated direct text, and line/column as saxes reports them at `opentagstart` (column
//   of the `<` in code points; 1 when the name is followed by a newline).
// - Security as in xml.ts: no entity is ever expanded beyond the five predefined ones and
//   character references; an internal DTD subset makes it decline.
import type { XmlElement } from './xml.js';

/** Characters the fast path accepts anywhere: XML 1.0 chars minus CR and astral planes. */
const OUTSIDE = /[^\t\n\x20-\uD7FF\uE000-\uFFFD]/;
const XML_DECL = /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.0\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/y;
const NAME = /[A-Za-z_:][A-Za-z0-9._:-]*/y;
const SPACES = /[ \t\n]*/y;
const REF = /&(?:(amp|lt|gt|quot|apos)|#x([0-9a-fA-F]+)|#([0-9]+));/y;
const NOT_SPACE = /[^ \t\n]/;
/** A DOCTYPE body up to the first `>` whose quotes are all closed (so that `>` ends it). */
const DOCTYPE_BODY = /^[^"'[\]<]*(?:"[^"]*"[^"'[\]<]*|'[^']*'[^"'[\]<]*)*$/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const TAB_OR_NL = /[\t\n]/g;

const isChar = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/** Decodes references in `s`; undefined if one is not predefined / not a valid character. */
function decodeRefs(s: string): string | undefined {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    REF.lastIndex = amp;
    const m = REF.exec(s);
    if (!m) return undefined;
    out += s.slice(from, amp);
    if (m[1] !== undefined) out += PREDEFINED[m[1]]!;
    else {
      const code = m[2] !== undefined ? parseInt(m[2], 16) : parseInt(m[3]!, 10);
      if (!isChar(code)) return undefined;
      out += String.fromCodePoint(code);
    }
    from = REF.lastIndex;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

/** Receives the elements of a document in order; any `undefined`/`false` makes the scan decline. */
export interface XmlSink<H> {
  /** A start tag: attributes in document order as [name0, value0, name1, value1, ...],
   *  line/column as saxes reports them. */
  open(parent: H | undefined, name: string, attrs: string[], line: number, column: number): H | undefined;
  /** Character data directly inside `h` (references decoded); called once per run. */
  text(h: H, text: string): void;
  /** The end of `h` (also of a self-closing tag). */
  close(h: H): boolean;
}

/** Reads `text` into an element tree, or returns undefined when the saxes reader must decide. */
export function readXmlFast(text: string, doctypeError: (body: string) => string | undefined): XmlElement | undefined {
  return scanXml<XmlElement>(text, doctypeError, TREE);
}

const TREE: XmlSink<XmlElement> = {
  open(parent, name, flat, line, column) {
    const attrs: [string, string][] = [];
    for (let i = 0; i < flat.length; i += 2) attrs.push([flat[i]!, flat[i + 1]!]);
    const el: XmlElement = { name, attrs, children: [], text: '', line, column };
    if (parent) parent.children.push(el);
    return el;
  },
  text(el, t) { el.text += t; },
  close() { return true; },
};

/**
 * Scans `text`, reporting every element to `sink`; returns the root's handle, or undefined when
 * the saxes reader must decide. `doctypeError` is the reader's own DOCTYPE check (body = the
 * text after `<!DOCTYPE`).
 */
export function scanXml<H>(text: string, doctypeError: (body: string) => string | undefined, sink: XmlSink<H>): H | undefined {
  if (text.indexOf('\r') >= 0 || OUTSIDE.test(text)) return undefined;
  const n = text.length;
  let i = 0;
  XML_DECL.lastIndex = 0;
  if (XML_DECL.test(text)) i = XML_DECL.lastIndex;

  // line of a position: newlines are counted once, as positions only move forward
  let line = 1;
  let lineStart = 0;
  let nextNl = text.indexOf('\n');
  const lineAt = (pos: number) => {
    while (nextNl >= 0 && nextNl < pos) { line++; lineStart = nextNl + 1; nextNl = text.indexOf('\n', lineStart); }
  };

  const stack: H[] = [];
  const names: string[] = [];
  let root: H | undefined;
  let sawDoctype = false;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      const top = stack[stack.length - 1];
      if (!top) {
        NOT_SPACE.lastIndex = 0;
        if (NOT_SPACE.test(text.slice(i, end))) return undefined; // text outside the root element
      } else {
        const run = text.slice(i, end);
        if (run.includes(']]>')) return undefined;
        const t = decodeRefs(run);
        if (t === undefined) return undefined;
        sink.text(top, t);
      }
    }
    if (lt < 0) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const close = text.indexOf('-->', lt + 4);
        if (close < 0) return undefined;
        const dd = text.indexOf('--', lt + 4);
        if (dd < close || (close > lt + 4 && text.charCodeAt(close - 1) === 0x2d)) return undefined;
        i = close + 3;
        continue;
      }
      if (text.startsWith('<!DOCTYPE', lt) && !sawDoctype && !root) {
        const gt = text.indexOf('>', lt + 9);
        if (gt < 0) return undefined;
        const body = text.slice(lt + 9, gt);
        if (!DOCTYPE_BODY.test(body) || doctypeError(body) !== undefined) return undefined;
        sawDoctype = true;
        i = gt + 1;
        continue;
      }
      return undefined; // CDATA, a misplaced DOCTYPE, anything else
    }
    if (c === 0x2f /* / */) {
      const top = stack.pop();
      const name = names.pop();
      if (top === undefined || name === undefined || !text.startsWith(name, lt + 2)) return undefined;
      SPACES.lastIndex = lt + 2 + name.length;
      SPACES.test(text);
      if (text.charCodeAt(SPACES.lastIndex) !== 0x3e /* > */ || !sink.close(top)) return undefined;
      i = SPACES.lastIndex + 1;
      continue;
    }
    // a start tag
    NAME.lastIndex = lt + 1;
    if (!NAME.test(text) || !sawDoctype || (root !== undefined && stack.length === 0)) return undefined;
    let k = NAME.lastIndex;
    const name = text.slice(lt + 1, k);
    const term = text.charCodeAt(k);
    lineAt(lt);
    // saxes reports the position after the character ending the name: a newline moves it
    const tagLine = term === 0x0a ? line + 1 : line;
    const tagColumn = term === 0x0a ? 1 : lt + 1 - lineStart;
    const attrs: string[] = [];
    let selfClosing = false;
    for (;;) {
      SPACES.lastIndex = k;
      SPACES.test(text);
      const spaced = SPACES.lastIndex > k;
      k = SPACES.lastIndex;
      const ch = text.charCodeAt(k);
      if (ch === 0x3e /* > */) { k++; break; }
      if (ch === 0x2f /* / */) {
        if (text.charCodeAt(k + 1) !== 0x3e) return undefined;
        selfClosing = true;
        k += 2;
        break;
      }
      if (!spaced) return undefined; // name directly after the tag name or a value
      NAME.lastIndex = k;
      if (!NAME.test(text)) return undefined;
      const attrName = text.slice(k, NAME.lastIndex);
      SPACES.lastIndex = NAME.lastIndex;
      SPACES.test(text);
      if (text.charCodeAt(SPACES.lastIndex) !== 0x3d /* = */) return undefined;
      SPACES.lastIndex++;
      SPACES.test(text);
      const q = text.charCodeAt(SPACES.lastIndex);
      if (q !== 0x22 && q !== 0x27) return undefined;
      const start = SPACES.lastIndex + 1;
      const close = text.indexOf(q === 0x22 ? '"' : "'", start);
      if (close < 0) return undefined;
      const raw = text.slice(start, close);
      if (raw.includes('<')) return undefined;
      const value = decodeRefs(raw.replace(TAB_OR_NL, ' '));
      if (value === undefined) return undefined;
      for (let x = 0; x < attrs.length; x += 2) if (attrs[x] === attrName) return undefined; // duplicate attribute
      attrs.push(attrName, value);
      k = close + 1;
    }
    const h = sink.open(stack[stack.length - 1], name, attrs, tagLine, tagColumn);
    if (h === undefined) return undefined;
    if (stack.length === 0) root = h;
    if (selfClosing) { if (!sink.close(h)) return undefined; } else { stack.push(h); names.push(name); }
    i = k;
  }
  if (!root || stack.length) return undefined;
  return root;
}
