// XML text -> typed Bundle, or Diagnostic[] (file:line:column, element path, what to do).
//
// Steps: secure read (xml.ts) -> structural validation against the DTD written as data
// (dtd.ts: unknown elements/attributes, required attributes, enumerations, child order and
// cardinality, stray text) -> typed tree. All structural errors are collected, not just the
// first. Pure: the caller reads the file. Valid documents take a fused fast path
// (parse-fast.ts) that gives the same tree; everything else comes here.
import type { Diagnostic, Loc, RawElement, ServiceBundle } from './bundle.js';
import { DTD, matchContent, type ElementSpec } from './dtd.js';
import { parseBundleFast } from './parse-fast.js';
import { readXml, type XmlElement } from './xml.js';

export type ParseResult =
  | { ok: true; bundle: ServiceBundle; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

const BUNDLE_TYPES = ['manifest', 'profile', 'archive'];

function elementPath(parent: string, e: XmlElement): string {
  const name = e.attrs.find(([k]) => k === 'name')?.[1];
  return `${parent}/${e.name}${name !== undefined ? `[${name}]` : ''}`;
}

function list(names: Iterable<string>): string {
  const a = [...names].map((n) => `<${n}>`);
  return a.length ? a.join(', ') : '(nothing)';
}

/** Attributes the DTD requires that svccfg itself checks when validation is off (SVCCFG_NOVALIDATE):
 *  a missing type is "property type missing", a missing xml:lang the locale `unknown` (lower*.ts). */
const LOWERING_CHECKS = new Set(['propval type', 'property type', 'loctext xml:lang']);

export interface ParseOptions {
  /** false (svccfg with SVCCFG_NOVALIDATE set): no DTD content models (child order, cardinality), no unknown
   *  elements, attributes or stray text; attributes the lowering needs and enumerations are still checked */
  validate?: boolean;
}

class Validator {
  readonly diags: Diagnostic[] = [];
  constructor(private readonly file: string, private readonly bundleType: string, private readonly lenient = false) {}

  private err(e: XmlElement, path: string, message: string): void {
    this.diags.push({ severity: 'error', file: this.file, line: e.line, column: e.column, path, message });
  }

  check(e: XmlElement, path: string): void {
    const spec = DTD[e.name];
    if (!spec) return; // reported by the parent (or as root error)
    this.checkAttrs(e, path, spec);
    if (spec.content === 'any') return;
    if (this.lenient) {
      for (const c of e.children) if (DTD[c.name]) this.check(c, elementPath(path, c));
      return;
    }
    if (spec.content === 'text' || spec.content === 'empty') {
      for (const c of e.children) {
        this.err(c, elementPath(path, c), `element <${c.name}> is not allowed inside <${e.name}>, which takes ${spec.content === 'text' ? 'only text' : 'no content'}; remove it`);
      }
      if (spec.content === 'empty' && e.text.trim() !== '') this.err(e, path, `<${e.name}> must be empty; remove the text inside it`);
      return;
    }
    if (e.text.trim() !== '') {
      this.err(e, path, `unexpected text "${e.text.trim().slice(0, 40)}" inside <${e.name}>; only child elements are allowed here (did you forget a tag?)`);
    }
    const known = e.children.filter((c) => {
      if (DTD[c.name]) return true;
      const allowed = new Set(spec.slots.flatMap((s) => s.elements));
      this.err(c, elementPath(path, c), `unknown element <${c.name}> inside <${e.name}>; allowed children: ${list(allowed)}`);
      return false;
    });
    const m = matchContent(spec.content, known.map((c) => c.name));
    if (!m.ok) {
      if (m.at < known.length) {
        const c = known[m.at];
        const prev = m.at > 0 ? ` after <${known[m.at - 1].name}>` : ' as the first child';
        this.err(c, elementPath(path, c), `<${c.name}> is not allowed here in <${e.name}>${prev} (wrong order or too many); expected ${list(m.expected)}. Children of <${e.name}> must follow the DTD order`);
      } else {
        this.err(e, path, `<${e.name}> is incomplete: a required child element is missing; expected ${list(m.expected)}`);
      }
    }
    for (const c of known) this.check(c, elementPath(path, c));
  }

  private checkAttrs(e: XmlElement, path: string, spec: ElementSpec): void {
    const seen = new Set<string>();
    for (const [name, value] of e.attrs) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const a = spec.attrs.find((x) => x.name === name || (name === 'lang' && x.name === 'xml:lang'));
      if (!a) {
        if (!this.lenient) this.err(e, path, `unknown attribute '${name}' on <${e.name}>; allowed attributes: ${spec.attrs.map((x) => x.name).join(', ') || '(none)'}`);
        continue;
      }
      seen.add(a.name);
      if (a.values && !a.values.includes(value)) {
        this.err(e, path, `attribute ${name}='${value}' on <${e.name}> is invalid; use one of: ${a.values.join(', ')}`);
      }
    }
    for (const a of spec.attrs) {
      const required = a.required && !(a.manifestOnly && this.bundleType === 'profile') && !(this.lenient && LOWERING_CHECKS.has(`${e.name} ${a.name}`));
      if (required && !seen.has(a.name)) {
        this.err(e, path, `<${e.name}> is missing the required attribute '${a.name}'; add ${a.name}="..."`);
      }
    }
  }
}

function toRaw(e: XmlElement): RawElement {
  return { name: e.name, attrs: e.attrs, children: e.children.map(toRaw), text: e.text };
}

function build(e: XmlElement, path: string, file: string): Record<string, unknown> {
  const spec = DTD[e.name];
  const loc: Loc = { file, line: e.line, column: e.column, path };
  const node: Record<string, unknown> = { kind: e.name };
  for (const [name, value] of e.attrs) {
    const a = spec.attrs.find((x) => x.name === name || (name === 'lang' && x.name === 'xml:lang'));
    if (a) node[a.key] = value;
  }
  if (spec.content === 'text') node.text = e.text;
  if (spec.content === 'any') node.content = e.children.map(toRaw);
  for (const s of spec.slots) if (s.many) node[s.key] = [];
  for (const c of e.children) {
    const slot = spec.slots.find((s) => s.elements.includes(c.name));
    if (!slot) continue;
    const child = build(c, elementPath(path, c), file);
    if (slot.many) (node[slot.key] as unknown[]).push(child);
    else node[slot.key] = child;
  }
  node.loc = loc;
  return node;
}

/** Parse and validate a service bundle. `file` is used in every diagnostic. A valid document
 *  takes the fast path (parse-fast.ts); anything else this reference path, which reports. */
export function parseBundle(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const fast = parseBundleFast(text, file);
  if (fast) return { ok: true, bundle: fast, warnings: [] };
  return parseBundleReference(text, file, opts);
}

/** The reference path: saxes, the Validator (every error), then the typed tree. */
export function parseBundleReference(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const r = readXml(text, file);
  if (!r.ok) {
    return { ok: false, diagnostics: [{ severity: 'error', file, line: r.line, column: r.column, path: '', message: r.message }] };
  }
  const root = r.root;
  const rootPath = elementPath('', root);
  if (root.name !== 'service_bundle') {
    return { ok: false, diagnostics: [{ severity: 'error', file, line: root.line, column: root.column, path: rootPath, message: `root element is <${root.name}>; a service bundle must start with <service_bundle>` }] };
  }
  const type = root.attrs.find(([k]) => k === 'type')?.[1] ?? '';
  const v = new Validator(file, type, opts.validate === false);
  if (type !== '' && !BUNDLE_TYPES.includes(type)) {
    v.diags.push({ severity: 'error', file, line: root.line, column: root.column, path: rootPath, message: `service_bundle type='${type}' is unknown; use manifest, profile or archive` });
  }
  v.check(root, rootPath);
  if (v.diags.length > 0) return { ok: false, diagnostics: v.diags };
  return { ok: true, bundle: build(root, rootPath, file) as unknown as ServiceBundle, warnings: [] };
}
