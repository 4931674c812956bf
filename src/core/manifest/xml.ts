// Secure XML reader for service bundles: saxes with position tracking -> a plain element tree.
//
// Security invariants (never relaxed):
// - Entities are NEVER expanded and nothing external is ever loaded. Any <!ENTITY in the
//   internal DTD subset, and any entity reference other than the 5 predefined ones and numeric
//   character references, stops parsing at once with an error (billion laughs, XXE).
// - The DOCTYPE must name the system id /usr/share/lib/xml/dtd/service_bundle.dtd.1; anything
//   else (or no DOCTYPE) fails with svccfg's `document DTD unknown; not service bundle?`.
// Fidelity: attribute values are normalised by the XML rules (literal tab/newline -> space,
// &#10; &#9; &#13; kept); text keeps every character (CRLF -> LF per XML 1.0).
import { SaxesParser } from 'saxes';
import { readXmlFast } from './xml-fast.js';

export const SERVICE_BUNDLE_DTD = '/usr/share/lib/xml/dtd/service_bundle.dtd.1';

export interface XmlElement {
  name: string;
  /** attributes in document order */
  attrs: [string, string][];
  children: XmlElement[];
  /** concatenated character data (text + CDATA) directly inside this element */
  text: string;
  line: number;
  column: number;
}

export type XmlReadResult =
  | { ok: true; root: XmlElement }
  | { ok: false; line: number; column: number; message: string };

class Stop extends Error {
  constructor(readonly line: number, readonly column: number, message: string) { super(message); }
}

/** Parse a DOCTYPE body (text after `<!DOCTYPE`) -> system id or an error. */
export function checkDoctype(body: string): string | undefined {
  if (/<!ENTITY/i.test(body)) {
    return 'entity declarations are not allowed: tsmf never expands entities (billion-laughs/XXE protection); remove the <!ENTITY ...> declarations';
  }
  // only the system id counts (illumos lxml_is_known_dtd): SYSTEM "id", or PUBLIC "public-id" "id"
  const m = /^\s*([^\s[]+)\s+(?:SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s+("([^"]*)"|'([^']*)')\s*(\[([\s\S]*)\])?\s*$/.exec(body);
  const sys = m ? (m[3] ?? m[4]) : undefined;
  if (!m || sys !== SERVICE_BUNDLE_DTD) {
    return `document DTD unknown; not service bundle? (the DOCTYPE must be <!DOCTYPE service_bundle SYSTEM "${SERVICE_BUNDLE_DTD}">)`;
  }
  if (m[1] !== 'service_bundle') return `DOCTYPE names root '${m[1]}'; expected <!DOCTYPE service_bundle SYSTEM "${SERVICE_BUNDLE_DTD}">`;
  if (m[6] !== undefined && m[6].trim() !== '') {
    return 'an internal DTD subset is not supported; remove the [ ... ] part of the DOCTYPE';
  }
  return undefined;
}

/** Reads a bundle's XML: the fast path (xml-fast.ts) when it is sure, else saxes (every error). */
export function readXml(text: string, fileName: string): XmlReadResult {
  const root = readXmlFast(text, checkDoctype);
  return root ? { ok: true, root } : readXmlWithSaxes(text, fileName);
}

/** The reference reader: saxes with position tracking (exported for the fast path's tests). */
export function readXmlWithSaxes(text: string, fileName: string): XmlReadResult {
  const parser = new SaxesParser({ position: true, fileName });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let sawDoctype = false;
  let tagLine = 0;
  let tagCol = 0;
  const stop = (message: string, line = parser.line, column = parser.column): never => {
    throw new Stop(line, column, message);
  };
  parser.on('error', (e) => {
    const msg = e.message.replace(/^[^:]*:\d+:\d+: /, '');
    if (/undefined entity|disallowed character in entity/.test(msg)) {
      stop('entity reference not allowed: only &amp; &lt; &gt; &quot; &apos; and numeric character references (&#10;) may be used; tsmf never expands entities');
    }
    stop(`XML syntax error: ${msg}`);
  });
  parser.on('doctype', (body) => {
    sawDoctype = true;
    const err = checkDoctype(body);
    if (err) stop(err);
  });
  parser.on('opentagstart', (tag) => {
    tagLine = parser.line;
    tagCol = Math.max(1, parser.column - tag.name.length - 1);
    if (!sawDoctype) stop(`document DTD unknown; not service bundle? (missing <!DOCTYPE service_bundle SYSTEM "${SERVICE_BUNDLE_DTD}">)`, tagLine, tagCol);
  });
  parser.on('opentag', (tag) => {
    const e: XmlElement = {
      name: tag.name,
      attrs: Object.entries(tag.attributes as Record<string, string>),
      children: [], text: '', line: tagLine, column: tagCol,
    };
    if (stack.length > 0) stack[stack.length - 1].children.push(e);
    else root = e;
    stack.push(e);
  });
  parser.on('closetag', () => { stack.pop(); });
  const addText = (t: string) => { if (stack.length > 0) stack[stack.length - 1].text += t; };
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof Stop) return { ok: false, line: e.line, column: e.column, message: e.message };
    throw e;
  }
  if (!root) return { ok: false, line: parser.line, column: parser.column, message: 'no root element' };
  return { ok: true, root };
}
