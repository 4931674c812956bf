// Bundle -> XML text, deterministic, in the layout `svccfg export` writes: `<?xml version='1.0'?>`,
// the DOCTYPE line, 2-space indentation, single-quoted attributes in DTD/export order, children
// in DTD order, empty elements self-closed.
//
// Invariants:
// - Every value round-trips byte for byte through parseBundle: attribute values escape & < > '
//   and the whitespace characters that XML attribute normalisation would turn into spaces
//   (&#10; &#9; &#13;); text escapes & < > and CR.
// - Characters XML 1.0 cannot carry (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone
//   surrogates) make the write fail with an error naming the element: never a silent change.
// - parse(write(b)) then write again gives the identical text.
import type { BundleNode, RawElement, ServiceBundle } from './bundle.js';
import { DTD } from './dtd.js';
import { SERVICE_BUNDLE_DTD } from './xml.js';

export const XML_PROLOGUE = `<?xml version='1.0'?>\n<!DOCTYPE service_bundle SYSTEM '${SERVICE_BUNDLE_DTD}'>\n`;
const XI_NS = 'http://www.w3.org/2001/XInclude';

export type WriteResult = { ok: true; text: string } | { ok: false; error: string };

class Unrepresentable extends Error {}

const BAD_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkChars(s: string, where: string): void {
  const m = BAD_CHARS.exec(s);
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw new Unrepresentable(`${where}: character U+${code} cannot be represented in XML 1.0; remove it or store the data as an opaque (hex) value`);
  }
}

export function escapeAttr(s: string): string {
  return s.replace(/[&<>'\n\r\t]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case "'": return '&apos;';
      case '\n': return '&#10;';
      case '\r': return '&#13;';
      default: return '&#9;';
    }
  });
}

export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

function writeRaw(e: RawElement, indent: string, out: string[], where: string): void {
  const attrs = e.attrs.map(([k, v]) => { checkChars(v, where); return ` ${k}='${escapeAttr(v)}'`; }).join('');
  checkChars(e.text, where);
  if (e.children.length === 0 && e.text === '') { out.push(`${indent}<${e.name}${attrs}/>`); return; }
  if (e.children.length === 0) { out.push(`${indent}<${e.name}${attrs}>${escapeText(e.text)}</${e.name}>`); return; }
  out.push(`${indent}<${e.name}${attrs}>`);
  for (const c of e.children) writeRaw(c, `${indent}  `, out, where);
  out.push(`${indent}</${e.name}>`);
}

function writeNode(node: BundleNode, indent: string, out: string[], where: string): void {
  const spec = DTD[node.kind];
  if (!spec) throw new Error(`writeBundle: unknown node kind ${node.kind}`);
  const rec = node as unknown as Record<string, unknown>;
  const here = `${where}/${node.kind}${typeof rec.name === 'string' ? `[${rec.name}]` : ''}`;
  let attrs = node.kind === 'xi:include' ? ` xmlns:xi='${XI_NS}'` : '';
  for (const a of spec.attrs) {
    const v = rec[a.key];
    if (typeof v !== 'string') continue;
    checkChars(v, here);
    attrs += ` ${a.name}='${escapeAttr(v)}'`;
  }
  const open = `${indent}<${node.kind}${attrs}`;
  if (spec.content === 'text') {
    const t = typeof rec.text === 'string' ? rec.text : '';
    checkChars(t, here);
    out.push(t === '' ? `${open}/>` : `${open}>${escapeText(t)}</${node.kind}>`);
    return;
  }
  if (spec.content === 'any') {
    const raw = (rec.content as RawElement[] | undefined) ?? [];
    if (raw.length === 0) { out.push(`${open}/>`); return; }
    out.push(`${open}>`);
    for (const r of raw) writeRaw(r, `${indent}  `, out, here);
    out.push(`${indent}</${node.kind}>`);
    return;
  }
  const children: BundleNode[] = [];
  for (const s of spec.slots) {
    const v = rec[s.key];
    if (Array.isArray(v)) children.push(...(v as BundleNode[]));
    else if (v && typeof v === 'object') children.push(v as BundleNode);
  }
  if (children.length === 0) { out.push(`${open}/>`); return; }
  out.push(`${open}>`);
  for (const c of children) writeNode(c, `${indent}  `, out, here);
  out.push(`${indent}</${node.kind}>`);
}

/** Serialise a bundle. Fails (never truncates or alters) when a value cannot be written. */
export function writeBundle(bundle: ServiceBundle): WriteResult {
  const out: string[] = [];
  try {
    writeNode(bundle, '', out, '');
  } catch (e) {
    if (e instanceof Unrepresentable) return { ok: false, error: e.message };
    throw e;
  }
  return { ok: true, text: `${XML_PROLOGUE}${out.join('\n')}\n` };
}
