// service_bundle.dtd.1 written as data: for every element its attributes (required, enumerated
// values, defaults), its content model, and the typed-tree slots its children go into.
// Used by the validator (structure), the builder (XML -> Bundle) and the writer (Bundle -> XML,
// attribute and child order). Attribute order is the order `svccfg export` writes.
//
// Invariant: the slot lists cover every child element the content model allows, in DTD order.
import { PROPERTY_TYPES } from '../model.js';

export type ContentModel =
  | { k: 'el'; name: string }
  | { k: 'seq'; items: ContentModel[] }
  | { k: 'alt'; items: ContentModel[] }
  | { k: 'opt'; m: ContentModel }
  | { k: 'star'; m: ContentModel }
  | { k: 'plus'; m: ContentModel };

export interface AttrSpec {
  /** XML attribute name */
  name: string;
  /** field name in the typed node (defaults to name) */
  key: string;
  required: boolean;
  /** required only in manifests/archives (the DTD's %manifest; sections); #IMPLIED in profiles */
  manifestOnly?: boolean;
  values?: readonly string[];
  default?: string;
}

export interface SlotSpec { key: string; elements: readonly string[]; many: boolean }

export interface ElementSpec {
  attrs: AttrSpec[];
  /** 'empty' (EMPTY), 'text' (#PCDATA), 'any' (ANY) or a model over child elements */
  content: 'empty' | 'text' | 'any' | ContentModel;
  slots: SlotSpec[];
}

const el = (name: string): ContentModel => ({ k: 'el', name });
const seq = (...items: ContentModel[]): ContentModel => ({ k: 'seq', items });
const alt = (...items: ContentModel[]): ContentModel => ({ k: 'alt', items });
const opt = (m: ContentModel): ContentModel => ({ k: 'opt', m });
const star = (m: ContentModel): ContentModel => ({ k: 'star', m });
const plus = (m: ContentModel): ContentModel => ({ k: 'plus', m });
const altEl = (...names: string[]) => alt(...names.map(el));

interface A { required?: boolean; manifestOnly?: boolean; values?: readonly string[]; default?: string; key?: string }
const at = (name: string, o: A = {}): AttrSpec => ({
  name, key: o.key ?? name, required: o.required ?? false, manifestOnly: o.manifestOnly,
  values: o.values, default: o.default,
});
const req = (name: string, o: A = {}) => at(name, { ...o, required: true });
const one = (key: string, ...elements: string[]): SlotSpec => ({ key, elements, many: false });
const many = (key: string, ...elements: string[]): SlotSpec => ({ key, elements, many: true });

const BOOL = ['true', 'false'] as const;
const GROUPING = ['require_all', 'require_any', 'exclude_all', 'optional_all'] as const;
const RESTART_ON = ['error', 'restart', 'refresh', 'none'] as const;
export const VALUE_LIST_ELEMENTS = PROPERTY_TYPES.map((t) => `${t}_list`);
const PROPS = ['propval', 'property'];
const propsModel = star(altEl(...PROPS));
const LOCTEXTS: ElementSpec = { attrs: [], content: plus(el('loctext')), slots: [many('loctexts', 'loctext')] };

export const DTD: Record<string, ElementSpec> = {
  service_bundle: {
    attrs: [req('type'), req('name')],
    content: alt(star(el('service_bundle')), star(el('service')), star(el('xi:include'))),
    slots: [many('children', 'service_bundle', 'service', 'xi:include')],
  },
  'xi:include': {
    attrs: [req('href'), at('parse', { values: ['xml', 'text'], default: 'xml' }), at('encoding')],
    // The DTD says (xi:fallback), i.e. exactly one; real manifests write <xi:include href=.../>
    // (libxml resolves includes before validating), so the fallback is optional here.
    content: opt(el('xi:fallback')),
    slots: [one('fallback', 'xi:fallback')],
  },
  'xi:fallback': { attrs: [], content: 'any', slots: [] },
  stability: {
    attrs: [req('value', { values: ['Standard', 'Stable', 'Evolving', 'Unstable', 'External', 'Obsolete'] })],
    content: 'empty', slots: [],
  },
  value_node: { attrs: [req('value')], content: 'empty', slots: [] },
  ...Object.fromEntries(VALUE_LIST_ELEMENTS.map((n) => [n, {
    attrs: [], content: plus(el('value_node')), slots: [many('values', 'value_node')],
  } satisfies ElementSpec])),
  property: {
    attrs: [req('name'), req('type', { manifestOnly: true, values: PROPERTY_TYPES }), at('override', { values: BOOL, default: 'false' })],
    content: opt(altEl(...VALUE_LIST_ELEMENTS)),
    slots: [one('list', ...VALUE_LIST_ELEMENTS)],
  },
  propval: {
    attrs: [req('name'), req('type', { manifestOnly: true, values: PROPERTY_TYPES }), req('value'),
      at('override', { values: BOOL, default: 'false' })],
    content: 'empty', slots: [],
  },
  property_group: {
    attrs: [req('name'), req('type', { manifestOnly: true }), at('delete', { values: BOOL, default: 'false' })],
    content: seq(opt(el('stability')), propsModel),
    slots: [one('stability', 'stability'), many('properties', ...PROPS)],
  },
  service_fmri: { attrs: [req('value')], content: 'empty', slots: [] },
  dependency: {
    attrs: [req('name'), req('grouping', { values: GROUPING }), req('restart_on', { values: RESTART_ON }), req('type'),
      at('delete', { values: BOOL, default: 'false' })],
    content: seq(star(el('service_fmri')), opt(el('stability')), propsModel),
    slots: [many('serviceFmris', 'service_fmri'), one('stability', 'stability'), many('properties', ...PROPS)],
  },
  dependent: {
    attrs: [req('name'), req('grouping', { values: GROUPING }), req('restart_on', { values: RESTART_ON }),
      at('delete', { values: BOOL, default: 'false' }), at('override', { values: BOOL, default: 'false' })],
    content: seq(el('service_fmri'), opt(el('stability')), propsModel),
    slots: [one('serviceFmri', 'service_fmri'), one('stability', 'stability'), many('properties', ...PROPS)],
  },
  envvar: { attrs: [req('name'), req('value')], content: 'empty', slots: [] },
  method_environment: { attrs: [], content: plus(el('envvar')), slots: [many('envvars', 'envvar')] },
  method_profile: { attrs: [req('name')], content: 'empty', slots: [] },
  method_credential: {
    attrs: [req('user'), at('group'), at('supp_groups'), at('privileges'), at('limit_privileges')],
    content: 'empty', slots: [],
  },
  method_context: {
    attrs: [at('working_directory'), at('project'), at('resource_pool'), at('security_flags')],
    content: seq(opt(altEl('method_profile', 'method_credential')), opt(el('method_environment'))),
    slots: [one('credential', 'method_profile', 'method_credential'), one('environment', 'method_environment')],
  },
  exec_method: {
    attrs: [req('name'), req('type', { values: ['method', 'monitor'] }), req('exec'), req('timeout_seconds'),
      at('delete', { values: BOOL, default: 'false' })],
    content: seq(opt(el('method_context')), opt(el('stability')), propsModel),
    slots: [one('methodContext', 'method_context'), one('stability', 'stability'), many('properties', ...PROPS)],
  },
  restarter: { attrs: [], content: el('service_fmri'), slots: [one('serviceFmri', 'service_fmri')] },
  doc_link: { attrs: [req('name'), req('uri')], content: 'empty', slots: [] },
  manpage: { attrs: [req('title'), req('section'), at('manpath', { default: ':default' })], content: 'empty', slots: [] },
  documentation: {
    attrs: [], content: star(altEl('doc_link', 'manpage')), slots: [many('links', 'doc_link', 'manpage')],
  },
  loctext: { attrs: [req('xml:lang', { key: 'lang' })], content: 'text', slots: [] },
  description: LOCTEXTS,
  common_name: LOCTEXTS,
  units: LOCTEXTS,
  visibility: { attrs: [req('value', { values: ['hidden', 'readonly', 'readwrite'] })], content: 'empty', slots: [] },
  value: {
    attrs: [req('name')],
    content: seq(opt(el('common_name')), opt(el('description'))),
    slots: [one('commonName', 'common_name'), one('description', 'description')],
  },
  values: { attrs: [], content: plus(el('value')), slots: [many('values', 'value')] },
  cardinality: {
    attrs: [at('min', { default: '0' }), at('max', { default: '18446744073709551615' })], content: 'empty', slots: [],
  },
  internal_separators: { attrs: [], content: 'text', slots: [] },
  range: { attrs: [req('min'), req('max')], content: 'empty', slots: [] },
  constraints: {
    attrs: [], content: seq(star(el('value')), star(el('range'))),
    slots: [many('values', 'value'), many('ranges', 'range')],
  },
  include_values: { attrs: [req('type', { values: ['constraints', 'values'] })], content: 'empty', slots: [] },
  choices: {
    attrs: [], content: seq(star(el('value')), star(el('range')), star(el('include_values'))),
    slots: [many('values', 'value'), many('ranges', 'range'), many('includeValues', 'include_values')],
  },
  prop_pattern: {
    attrs: [req('name'), at('type', { values: PROPERTY_TYPES }), at('required', { values: BOOL, default: 'false' })],
    content: seq(...['common_name', 'description', 'units', 'visibility', 'cardinality', 'internal_separators',
      'values', 'constraints', 'choices'].map((n) => opt(el(n)))),
    slots: [one('commonName', 'common_name'), one('description', 'description'), one('units', 'units'),
      one('visibility', 'visibility'), one('cardinality', 'cardinality'),
      one('internalSeparators', 'internal_separators'), one('values', 'values'),
      one('constraints', 'constraints'), one('choices', 'choices')],
  },
  pg_pattern: {
    attrs: [at('name', { default: '' }), at('type', { default: '' }),
      at('target', { values: ['this', 'instance', 'delegate', 'all'], default: 'this' }),
      at('required', { values: BOOL, default: 'false' })],
    content: seq(opt(el('common_name')), opt(el('description')), star(el('prop_pattern'))),
    slots: [one('commonName', 'common_name'), one('description', 'description'), many('propPatterns', 'prop_pattern')],
  },
  template: {
    attrs: [],
    content: seq(el('common_name'), opt(el('description')), opt(el('documentation')), star(el('pg_pattern'))),
    slots: [one('commonName', 'common_name'), one('description', 'description'),
      one('documentation', 'documentation'), many('pgPatterns', 'pg_pattern')],
  },
  paramval: { attrs: [req('name'), req('value')], content: 'empty', slots: [] },
  parameter: { attrs: [req('name')], content: star(el('value_node')), slots: [many('values', 'value_node')] },
  event: { attrs: [req('value')], content: 'empty', slots: [] },
  type: {
    attrs: [req('name'), at('active', { values: BOOL, default: 'true' })],
    content: star(altEl('parameter', 'paramval')), slots: [many('params', 'parameter', 'paramval')],
  },
  notification_parameters: {
    attrs: [], content: seq(el('event'), plus(el('type'))), slots: [one('event', 'event'), many('types', 'type')],
  },
  create_default_instance: { attrs: [req('enabled', { values: BOOL })], content: 'empty', slots: [] },
  single_instance: { attrs: [], content: 'empty', slots: [] },
  instance: {
    // enabled is #REQUIRED in the DTD, but svccfg's code accepts its absence in profiles
    // (smf-spec §8: "required in manifests"); the code is normative.
    attrs: [req('name'), req('enabled', { values: BOOL, manifestOnly: true })],
    content: seq(opt(el('restarter')), star(el('dependency')), star(el('dependent')), opt(el('method_context')),
      star(el('exec_method')), star(el('notification_parameters')), star(el('property_group')), opt(el('template'))),
    slots: [one('restarter', 'restarter'), many('dependencies', 'dependency'), many('dependents', 'dependent'),
      one('methodContext', 'method_context'), many('execMethods', 'exec_method'),
      many('notificationParameters', 'notification_parameters'), many('propertyGroups', 'property_group'),
      one('template', 'template')],
  },
  service: {
    attrs: [req('name'), req('type', { values: ['service', 'restarter', 'milestone'] }), req('version')],
    content: seq(opt(el('create_default_instance')), opt(el('single_instance')), opt(el('restarter')),
      star(el('dependency')), star(el('dependent')), opt(el('method_context')), star(el('exec_method')),
      star(el('notification_parameters')), star(el('property_group')), star(el('instance')),
      opt(el('stability')), opt(el('template'))),
    slots: [one('createDefaultInstance', 'create_default_instance'), one('singleInstance', 'single_instance'),
      one('restarter', 'restarter'), many('dependencies', 'dependency'), many('dependents', 'dependent'),
      one('methodContext', 'method_context'), many('execMethods', 'exec_method'),
      many('notificationParameters', 'notification_parameters'), many('propertyGroups', 'property_group'),
      many('instances', 'instance'), one('stability', 'stability'), one('template', 'template')],
  },
};

/** The value of an attribute with the DTD default applied (libxml XML_COMPLETE_ATTRS). */
export function attrDefault<T extends { kind: string }>(node: T, key: string): string | undefined {
  const v = (node as unknown as Record<string, unknown>)[key];
  if (typeof v === 'string') return v;
  return DTD[node.kind]?.attrs.find((a) => a.key === key)?.default;
}

// ---- content-model matching by Brzozowski derivatives --------------------------------------

type D = ContentModel | { k: 'eps' } | { k: 'none' };
const EPS: D = { k: 'eps' };
const NONE: D = { k: 'none' };

function nullable(m: D): boolean {
  switch (m.k) {
    case 'eps': case 'opt': case 'star': return true;
    case 'none': case 'el': return false;
    case 'plus': return nullable(m.m);
    case 'seq': return m.items.every((i) => nullable(i as D));
    case 'alt': return m.items.some((i) => nullable(i as D));
  }
}
function mkSeq(a: D, b: D): D {
  if (a.k === 'none' || b.k === 'none') return NONE;
  if (a.k === 'eps') return b;
  if (b.k === 'eps') return a;
  return { k: 'seq', items: [a as ContentModel, b as ContentModel] };
}
function mkAlt(a: D, b: D): D {
  if (a.k === 'none') return b;
  if (b.k === 'none') return a;
  return { k: 'alt', items: [a as ContentModel, b as ContentModel] };
}
function deriv(m: D, name: string): D {
  switch (m.k) {
    case 'eps': case 'none': return NONE;
    case 'el': return m.name === name ? EPS : NONE;
    case 'opt': return deriv(m.m, name);
    case 'star': return mkSeq(deriv(m.m, name), m);
    case 'plus': return mkSeq(deriv(m.m, name), { k: 'star', m: m.m });
    case 'alt': return m.items.reduce<D>((acc, i) => mkAlt(acc, deriv(i, name)), NONE);
    case 'seq': {
      const [head, ...rest] = m.items;
      const tail: D = rest.length === 0 ? EPS : rest.length === 1 ? rest[0] : { k: 'seq', items: rest };
      const first = mkSeq(deriv(head, name), tail);
      return nullable(head) ? mkAlt(first, deriv(tail, name)) : first;
    }
  }
}
function firsts(m: D, out: Set<string>): Set<string> {
  switch (m.k) {
    case 'eps': case 'none': break;
    case 'el': out.add(m.name); break;
    case 'opt': case 'star': case 'plus': firsts(m.m, out); break;
    case 'alt': m.items.forEach((i) => firsts(i, out)); break;
    case 'seq':
      for (const i of m.items) { firsts(i, out); if (!nullable(i)) break; }
      break;
  }
  return out;
}

export type ModelCheck =
  | { ok: true }
  | { ok: false; at: number; expected: string[] } // at = index of the offending child, or children.length if one is missing

// Results per model and child sequence: a bundle of thousands of services repeats the same few
// sequences, and the DTD's models are module constants, so this stays small.
const memo = new WeakMap<ContentModel, Map<string, ModelCheck>>();
const MEMO_LIMIT = 4096;

/** Check a sequence of child element names against a content model. */
export function matchContent(model: ContentModel, children: readonly string[]): ModelCheck {
  let byModel = memo.get(model);
  if (!byModel) { byModel = new Map(); memo.set(model, byModel); }
  const key = children.join(' ');
  const hit = byModel.get(key);
  if (hit) return hit;
  const r = matchUncached(model, children);
  if (byModel.size < MEMO_LIMIT) byModel.set(key, r);
  return r;
}

/** matchContent with the children given as their names joined by single spaces (XML names
 *  hold no spaces): the memo key itself, so a hit builds nothing. */
export function matchContentKey(model: ContentModel, key: string): ModelCheck {
  const hit = memo.get(model)?.get(key);
  return hit ?? matchContent(model, key === '' ? [] : key.split(' '));
}

function matchUncached(model: ContentModel, children: readonly string[]): ModelCheck {
  let cur: D = model;
  for (let i = 0; i < children.length; i++) {
    const next = deriv(cur, children[i]);
    if (next.k === 'none') return { ok: false, at: i, expected: [...firsts(cur, new Set())] };
    cur = next;
  }
  if (!nullable(cur)) return { ok: false, at: children.length, expected: [...firsts(cur, new Set())] };
  return { ok: true };
}
