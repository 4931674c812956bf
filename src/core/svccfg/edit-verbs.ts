// svccfg property-editing verbs on the current selection (smf-spec §7.3): listpg, listprop,
// addpg, delpg, setprop, addpropvalue, delpropvalue, delprop. Writes go to the directly
// attached pgs of the editing copy (they take effect after refresh). Pure (via ConfigStore).
//
// Invariants: a property's type never changes implicitly (a differing explicit type is an
// error); every value is checked against the type before anything is written; names are
// checked against the identifier rule before they reach the store.
import { findPg, findProp, PG_FLAG_NONPERSISTENT, type PropertyGroup, type PropertyType } from '../model.js';
import { formatListing, listpgRows, listpropRows } from './format.js';
import { globMatcher } from './glob.js';
import type { Token } from './lexer.js';
import { parseAddpropvalue, parseSetprop, splitPropName, type PropRef, type ValueSpec } from './props.js';
import { fail, needEditable, needSelection, usage, wordsOf, type Session, type Verb } from './session.js';
import { entityFmri, isValidName, NAME_RULE, type Entity } from './store.js';

/** The pgs the listing verbs show: the selected snapshot's, else the editing copy's. */
export function visiblePgs(s: Session, e: Entity): PropertyGroup[] | undefined {
  if (s.snapshot) return s.store.snapshotPgs(e, s.snapshot);
  return s.store.pgs(e);
}

function listVerb(name: 'listpg' | 'listprop'): Verb {
  const verb: Verb = {
    name,
    usage: `${name} [pattern]`,
    summary: name === 'listpg' ? 'list property groups of the selection' : 'list property groups and properties of the selection',
    run(args, s) {
      const w = wordsOf(args);
      if (!w || w.length > 1) return usage(s, verb);
      const e = needSelection(s, name);
      if (!e) return 1;
      const pgs = visiblePgs(s, e);
      if (!pgs) return fail(s, `${entityFmri(e)} no longer exists (it was deleted).`);
      const m = globMatcher(w[0]);
      const rows = name === 'listpg'
        ? listpgRows(pgs, m)
        : listpropRows(pgs, (n) => m(n) || (n.includes('/') && m(n.slice(0, n.indexOf('/')))));
      s.io.out(formatListing(rows));
      return 0;
    },
  };
  return verb;
}

/** The type SMF gives a pg of that name (method pgs, framework pgs, dependencies), else application. */
function pgTypeFor(name: string): string {
  if (name === 'start' || name === 'stop' || name === 'refresh') return 'method';
  const framework = ['general', 'general_ovr', 'startd', 'restarter', 'restarter_actions', 'method_context', 'dependents', 'options', 'options_ovr'];
  return framework.includes(name) ? 'framework' : 'application';
}

function pgOf(s: Session, e: Entity, pgName: string, verb: string): PropertyGroup | undefined {
  const pgs = s.store.pgs(e);
  if (!pgs) { fail(s, `${entityFmri(e)} no longer exists (it was deleted).`); return undefined; }
  const pg = findPg(pgs, pgName);
  if (!pg) fail(s, `${verb}: no property group "${pgName}" in ${entityFmri(e)} (create it with "addpg ${pgName} ${pgTypeFor(pgName)}", or check the name with "listpg").`);
  return pg;
}

function checkRefNames(s: Session, ref: PropRef): boolean {
  if (!isValidName(ref.pg)) { fail(s, `Invalid property group name "${ref.pg}": ${NAME_RULE}.`); return false; }
  if (!isValidName(ref.prop)) { fail(s, `Invalid property name "${ref.prop}" in "${ref.pg}/${ref.prop}": ${NAME_RULE}.`); return false; }
  return true;
}

/** Sets (mode set) or appends to (mode add) a property after checking type and values. */
export function writeProperty(s: Session, verb: string, e: Entity, ref: PropRef, given: PropertyType | undefined,
  raw: string[], mode: 'set' | 'add'): number {
  if (!checkRefNames(s, ref)) return 1;
  const pg = pgOf(s, e, ref.pg, verb);
  if (!pg) return 1;
  const existing = findProp(pg, ref.prop);
  const full = `${ref.pg}/${ref.prop}`;
  if (existing && given && existing.type !== given) {
    return fail(s, `${verb}: type mismatch for property "${full}": it has type ${existing.type}, not ${given} (omit the type, or "delprop ${full}" first to change it).`);
  }
  const type = existing?.type ?? given;
  if (!type) return fail(s, `${verb}: property "${full}" does not exist; a type is required to create it (e.g. ${verb} ${full}${verb === 'setprop' ? ' =' : ''} astring: VALUE).`);
  const values: string[] = [];
  for (const r of raw) {
    const c = s.values(type, r);
    if (!c.ok) return fail(s, `${verb}: invalid value for property "${full}" (type ${type}): ${c.error}`);
    values.push(c.value);
  }
  const all = mode === 'add' && existing ? [...existing.values, ...values] : values;
  const res = s.store.setProperty(e, ref.pg, { name: ref.prop, type, values: all });
  return res.ok ? 0 : fail(s, `${verb}: ${res.error}`);
}

/** setprop and addpropvalue: parse the value spec, then write through writeProperty. */
function propertyWriter(name: string, usageText: string, summary: string, parse: (args: Token[]) => ValueSpec, mode: 'set' | 'add'): Verb {
  const verb: Verb = {
    name, usage: usageText, summary,
    run(args, s) {
      const spec = parse(args);
      if (!spec.ok) return fail(s, `${name}: ${spec.error} Usage: ${verb.usage}`, 2);
      const e = needEditable(s, name);
      if (!e) return 1;
      return writeProperty(s, name, e, spec.ref, spec.type, spec.values, mode);
    },
  };
  return verb;
}

const setprop = propertyWriter('setprop', 'setprop pg/name = [type:] value | setprop pg/name = [type:] (value ...)',
  'set a property value (or list of values)', parseSetprop, 'set');
const addpropvalue = propertyWriter('addpropvalue', 'addpropvalue pg/name [type:] value', 'append a value to a property', parseAddpropvalue, 'add');

const delpropvalue: Verb = {
  name: 'delpropvalue',
  usage: 'delpropvalue pg/name glob',
  summary: 'delete the values of a property that match a pattern',
  run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length !== 2) return usage(s, delpropvalue);
    const ref = splitPropName(w[0]!);
    if (!ref) return fail(s, `delpropvalue: "${w[0]}" is not of the form pg/prop.`, 2);
    const e = needEditable(s, 'delpropvalue');
    if (!e) return 1;
    const pg = pgOf(s, e, ref.pg, 'delpropvalue');
    if (!pg) return 1;
    const prop = findProp(pg, ref.prop);
    if (!prop) return fail(s, `delpropvalue: no property "${w[0]}" in ${entityFmri(e)}.`);
    const m = globMatcher(w[1]);
    const res = s.store.setProperty(e, ref.pg, { ...prop, values: prop.values.filter((v) => !m(v)) });
    return res.ok ? 0 : fail(s, `delpropvalue: ${res.error}`);
  },
};

const addpg: Verb = {
  name: 'addpg',
  usage: 'addpg name type [P]',
  summary: 'add a property group (P = NONPERSISTENT)',
  run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length < 2 || w.length > 3) return usage(s, addpg);
    const [name, type, flagText = ''] = w as [string, string, string?];
    let flags = 0;
    for (const f of flagText) {
      if (f === 'P') flags |= PG_FLAG_NONPERSISTENT;
      else return fail(s, `addpg: unknown flag "${f}" (the only flag is P, for NONPERSISTENT).`, 2);
    }
    if (!isValidName(name)) return fail(s, `addpg: invalid property group name "${name}": ${NAME_RULE}.`);
    if (!type) return fail(s, 'addpg: the property group type must not be empty (e.g. application).');
    const e = needEditable(s, 'addpg');
    if (!e) return 1;
    const pgs = s.store.pgs(e);
    if (pgs && findPg(pgs, name)) return fail(s, `addpg: property group "${name}" already exists in ${entityFmri(e)} (use "delpg ${name}" first to recreate it).`);
    const res = s.store.addPg(e, name, type, flags);
    return res.ok ? 0 : fail(s, `addpg: ${res.error}`);
  },
};

function deletePg(s: Session, verb: string, e: Entity, name: string): number {
  if (!pgOf(s, e, name, verb)) return 1;
  const res = s.store.deletePg(e, name);
  return res.ok ? 0 : fail(s, `${verb}: ${res.error}`);
}

const delpg: Verb = {
  name: 'delpg',
  usage: 'delpg name',
  summary: 'delete a property group',
  run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length !== 1) return usage(s, delpg);
    const e = needEditable(s, 'delpg');
    return e ? deletePg(s, 'delpg', e, w[0]!) : 1;
  },
};

const delprop: Verb = {
  name: 'delprop',
  usage: 'delprop pg[/name]',
  summary: 'delete a property, or a whole property group',
  run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length !== 1) return usage(s, delprop);
    const e = needEditable(s, 'delprop');
    if (!e) return 1;
    if (!w[0]!.includes('/')) return deletePg(s, 'delprop', e, w[0]!);
    const ref = splitPropName(w[0]!);
    if (!ref) return fail(s, `delprop: "${w[0]}" is not of the form pg/prop.`, 2);
    const pg = pgOf(s, e, ref.pg, 'delprop');
    if (!pg) return 1;
    if (!findProp(pg, ref.prop)) return fail(s, `delprop: no property "${w[0]}" in ${entityFmri(e)} (see "listprop ${ref.pg}").`);
    const res = s.store.deleteProperty(e, ref.pg, ref.prop);
    return res.ok ? 0 : fail(s, `delprop: ${res.error}`);
  },
};

export const EDIT_VERBS: Verb[] = [listVerb('listpg'), listVerb('listprop'), addpg, delpg, setprop, addpropvalue, delpropvalue, delprop];
