// Fast path of parseBundle (parse.ts): the DTD checks run on each element as the scanner
// (xml-fast.ts) reports it, and the typed node is built at once, without the intermediate
// element tree (for a bundle of thousands of services that tree and its second walk were most
// of the parse time, mostly in the garbage collector).
//
// Invariants:
// - It succeeds only for a document that is well-formed AND has no structural error; the bundle
//   it returns equals what parse.ts's validate-then-build path returns, down to the key order
//   of every node (kind, attributes in document order, text, slot arrays in DTD order, children
//   in document order, loc last) and the element paths of every loc.
// - On anything else it declines (undefined) and parseBundle runs the reference path (saxes,
//   Validator, build), which produces every diagnostic in its usual order.
import type { Loc, Service, ServiceBundle } from './bundle.js';
import { DTD, matchContentKey, type AttrSpec, type ElementSpec, type SlotSpec } from './dtd.js';
import { scanXml, type XmlSink } from './xml-fast.js';
import { ServiceLowering, type LowerResult } from './lower.js';
import { checkDoctype } from './xml.js';

const BUNDLE_TYPES = ['manifest', 'profile', 'archive'];
const NOT_SPACE = /\S/; // `s.trim() !== ''` without the copy

/** Per element spec: attribute lookup as parse.ts does it (`lang` stands for `xml:lang`), the
 *  bit of each attribute, the required ones (in manifests and in profiles), and child slots. */
interface SpecIndex {
  attrs: Map<string, { spec: AttrSpec; bit: number }>;
  required: number;
  requiredInProfile: number;
  slots: Map<string, SlotSpec>;
  manySlots: SlotSpec[];
}
const INDEX = new Map<ElementSpec, SpecIndex>();

function indexOf(spec: ElementSpec): SpecIndex {
  let ix = INDEX.get(spec);
  if (ix) return ix;
  ix = { attrs: new Map(), required: 0, requiredInProfile: 0, slots: new Map(), manySlots: spec.slots.filter((s) => s.many) };
  spec.attrs.forEach((a, i) => {
    const entry = { spec: a, bit: 1 << i };
    if (!ix!.attrs.has(a.name)) ix!.attrs.set(a.name, entry);
    if (a.name === 'xml:lang' && !ix!.attrs.has('lang')) ix!.attrs.set('lang', entry);
    if (a.required) { ix!.required |= entry.bit; if (!a.manifestOnly) ix!.requiredInProfile |= entry.bit; }
  });
  for (const s of spec.slots) for (const e of s.elements) if (!ix.slots.has(e)) ix.slots.set(e, s);
  INDEX.set(spec, ix);
  return ix;
}

interface Frame {
  parent: Frame | undefined;
  spec: ElementSpec;
  index: SpecIndex;
  node: Record<string, unknown>;
  loc: Loc;
  /** slot of this element in its parent */
  slot: SlotSpec | undefined;
  /** names of the children so far, joined by spaces (the content-model memo key) */
  childNames: string;
  children: number;
  text: string;
  strayText: boolean;
}

function elementPath(parent: string, name: string, attrs: string[]): string {
  for (let i = 0; i < attrs.length; i += 2) if (attrs[i] === 'name') return `${parent}/${name}[${attrs[i + 1]}]`;
  return `${parent}/${name}`;
}

class TypedSink implements XmlSink<Frame> {
  bundleType = '';
  /** with `onService`, the root's children must be services: each goes there when complete,
   *  instead of into the root node */
  constructor(private readonly file: string, private readonly onService?: (s: Service) => void) {}

  open(parent: Frame | undefined, name: string, attrs: string[], line: number, column: number): Frame | undefined {
    const spec = DTD[name];
    if (!spec || spec.content === 'any') return undefined;
    let slot: SlotSpec | undefined;
    if (!parent) {
      if (name !== 'service_bundle') return undefined;
      const t = attrs.indexOf('type');
      this.bundleType = t >= 0 && t % 2 === 0 ? attrs[t + 1]! : '';
      if (this.bundleType !== '' && !BUNDLE_TYPES.includes(this.bundleType)) return undefined;
    } else {
      slot = parent.index.slots.get(name);
      if (!slot || (this.onService && !parent.parent && name !== 'service')) return undefined;
      parent.childNames = parent.children++ ? `${parent.childNames} ${name}` : name;
    }
    const index = indexOf(spec);
    const node: Record<string, unknown> = { kind: name };
    let seen = 0;
    for (let i = 0; i < attrs.length; i += 2) {
      const k = attrs[i]!;
      const v = attrs[i + 1]!;
      const a = index.attrs.get(k);
      if (!a) {
        if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
        return undefined;
      }
      if (a.spec.values && !a.spec.values.includes(v)) return undefined;
      seen |= a.bit;
      node[a.spec.key] = v;
    }
    const required = this.bundleType === 'profile' ? index.requiredInProfile : index.required;
    if ((seen & required) !== required) return undefined;
    if (spec.content === 'text') node.text = '';
    for (const s of index.manySlots) node[s.key] = [];
    const path = elementPath(parent ? parent.loc.path : '', name, attrs);
    return { parent, spec, index, node, loc: { file: this.file, line, column, path }, slot, childNames: '', children: 0, text: '', strayText: false };
  }

  text(f: Frame, t: string): void {
    if (f.spec.content === 'text') f.text += t;
    else if (!f.strayText && NOT_SPACE.test(t)) f.strayText = true;
  }

  close(f: Frame): boolean {
    const content = f.spec.content;
    if (content === 'text') {
      if (f.children) return false;
      f.node.text = f.text;
    } else if (f.strayText) return false;
    else if (content === 'empty') {
      if (f.children) return false;
    } else if (content !== 'any' && !matchContentKey(content, f.childNames).ok) return false;
    f.node.loc = f.loc;
    const p = f.parent;
    if (p && !p.parent && this.onService) this.onService(f.node as unknown as Service);
    else if (p && f.slot) {
      if (f.slot.many) (p.node[f.slot.key] as unknown[]).push(f.node);
      else p.node[f.slot.key] = f.node;
    }
    return true;
  }
}

/**
 * parseBundle + lowerBundle of a valid bundle whose root holds services only (no xi:include,
 * no nested bundle), each service lowered as soon as it is parsed; undefined: use the full path
 * (then nothing of this attempt is kept).
 */
export function parseAndLowerFast(text: string, file: string): LowerResult | undefined {
  let lowering: ServiceLowering | undefined;
  const sink: TypedSink = new TypedSink(file, (s) => (lowering ??= new ServiceLowering(sink.bundleType, file)).add(s));
  if (!scanXml(text, checkDoctype, sink)) return undefined;
  return (lowering ?? new ServiceLowering(sink.bundleType, file)).result();
}

/** The bundle when `text` is well-formed and structurally valid; undefined: use the full path. */
export function parseBundleFast(text: string, file: string): ServiceBundle | undefined {
  const root = scanXml(text, checkDoctype, new TypedSink(file));
  return root ? (root.node as unknown as ServiceBundle) : undefined;
}
