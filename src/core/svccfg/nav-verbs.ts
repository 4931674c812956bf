// svccfg entity navigation and snapshot verbs (smf-spec §7.3, §6.4, §3.6): select, unselect,
// list, add, delete, listsnap, selectsnap, revert, refresh, set, help, end/exit/quit. Pure (via
// ConfigStore and the session's notify hook).
//
// Invariants: delete refuses an online/degraded instance unless -f (the store also removes
// the dependency pgs the entity injected through its `dependents` pg, and those targets are
// refreshed); the selection never
// points into a deleted entity; refresh/revert/delete tell the restarter what changed.
import { findPg, findProp } from '../model.js';
import { globMatcher } from './glob.js';
import { fail, needSelection, takeFlags, usage, wordsOf, type Session, type Verb } from './session.js';
import { entityFmri, isValidName, isValidServiceName, NAME_RULE, type Entity } from './store.js';

/** A child of the selection named `name`, else an FMRI/abbreviation resolved to one entity. */
export function findEntity(s: Session, name: string): Entity | undefined {
  const sel = s.selection;
  if (sel && sel.instance === undefined && isValidName(name) && s.store.listInstances(sel.service)?.includes(name)) {
    return { service: sel.service, instance: name };
  }
  if (!sel && isValidServiceName(name) && s.store.listInstances(name)) return { service: name };
  const r = s.resolve(name);
  if (!r.ok) { fail(s, r.error); return undefined; }
  return r.entity;
}

const select: Verb = {
  name: 'select', usage: 'select {name | fmri}', summary: 'select a service or instance',
  run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length !== 1) return usage(s, select);
    const e = findEntity(s, w[0]!);
    if (!e) return 1;
    s.selection = e;
    s.snapshot = null;
    return 0;
  },
};

const unselect: Verb = {
  name: 'unselect', usage: 'unselect', summary: 'select the parent of the current selection',
  run(args, s) {
    if (args.length) return usage(s, unselect);
    const sel = s.selection;
    if (!sel) return 0;
    s.selection = sel.instance !== undefined ? { service: sel.service } : null;
    s.snapshot = null;
    return 0;
  },
};

const list: Verb = {
  name: 'list', usage: 'list [glob]', summary: 'list the children of the selection (services, instances, :properties)',
  run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length > 1) return usage(s, list);
    const m = globMatcher(w[0]);
    const sel = s.selection;
    let names: string[];
    if (!sel) names = s.store.listServices();
    else if (sel.instance !== undefined) names = [':properties'];
    else names = [':properties', ...(s.store.listInstances(sel.service) ?? [])];
    s.io.out(names.filter(m).map((n) => n + '\n').join(''));
    return 0;
  },
};

const add: Verb = {
  name: 'add', usage: 'add name', summary: 'add a service (nothing selected) or an instance (service selected)',
  run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length !== 1) return usage(s, add);
    const name = w[0]!;
    const sel = s.selection;
    if (s.snapshot) return fail(s, 'add: a snapshot is selected and snapshots are read-only (use "unselect").');
    if (sel && sel.instance !== undefined) return fail(s, 'add: instances have no children (use "unselect" to add an instance to the service).');
    if (!sel) {
      if (!isValidServiceName(name)) return fail(s, `add: invalid service name "${name}": each "/"-separated component: ${NAME_RULE}.`);
      if (s.store.listInstances(name)) return fail(s, `add: service svc:/${name} already exists.`);
      const r = s.store.addService(name);
      return r.ok ? 0 : fail(s, `add: ${r.error}`);
    }
    if (!isValidName(name)) return fail(s, `add: invalid instance name "${name}": ${NAME_RULE}.`);
    if (s.store.listInstances(sel.service)?.includes(name)) return fail(s, `add: instance svc:/${sel.service}:${name} already exists.`);
    const r = s.store.addInstance(sel.service, name);
    return r.ok ? 0 : fail(s, `add: ${r.error}`);
  },
};

function instancesOf(s: Session, e: Entity): Entity[] {
  if (e.instance !== undefined) return [e];
  return (s.store.listInstances(e.service) ?? []).map((instance) => ({ service: e.service, instance }));
}

function stateOf(s: Session, e: Entity): string | undefined {
  return findProp(findPg(s.store.pgs(e) ?? [], 'restarter'), 'state')?.values[0];
}

const del: Verb = {
  name: 'delete', usage: 'delete [-f] {name | fmri}', summary: 'delete a service or instance',
  async run(args, s) {
    const w = wordsOf(args);
    const f = w && takeFlags(w, 'f');
    if (!f || !f.ok || f.rest.length !== 1) return usage(s, del);
    const e = findEntity(s, f.rest[0]!);
    if (!e) return 1;
    if (!f.flags.has('f')) {
      for (const inst of instancesOf(s, e)) {
        const st = stateOf(s, inst);
        if (st === 'online' || st === 'degraded') {
          return fail(s, `delete: instance ${entityFmri(inst)} is ${st}; disable it first (svcadm disable -s ${entityFmri(inst)}) or use "delete -f".`);
        }
      }
    }
    const gone = instancesOf(s, e).map(entityFmri);
    const r = s.store.deleteEntity(e);
    if (!r.ok) return fail(s, `delete: ${r.error}`);
    const targets = r.touched;
    const sel = s.selection;
    if (sel && sel.service === e.service && (e.instance === undefined || sel.instance === e.instance)) {
      s.selection = e.instance === undefined ? null : { service: e.service };
      s.snapshot = null;
    }
    const refreshed: string[] = [];
    for (const t of targets) {
      if (s.store.refresh(t).ok) refreshed.push(...instancesOf(s, t).map(entityFmri));
    }
    await s.notify([...gone, ...refreshed]);
    return 0;
  },
};

function needInstance(s: Session, verb: string): Entity | undefined {
  const e = needSelection(s, verb);
  if (!e) return undefined;
  if (e.instance === undefined) {
    fail(s, `${verb}: ${entityFmri(e)} is a service; snapshots belong to instances (select an instance first).`);
    return undefined;
  }
  return e;
}

const listsnap: Verb = {
  name: 'listsnap', usage: 'listsnap', summary: 'list the snapshots of the selected instance',
  run(args, s) {
    if (args.length) return usage(s, listsnap);
    const e = needInstance(s, 'listsnap');
    if (!e) return 1;
    s.io.out(s.store.listSnapshots(e).map((n) => n + '\n').join(''));
    return 0;
  },
};

const selectsnap: Verb = {
  name: 'selectsnap', usage: 'selectsnap [name]', summary: 'view a snapshot (read-only); no name: back to the current properties',
  run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length > 1) return usage(s, selectsnap);
    const e = needInstance(s, 'selectsnap');
    if (!e) return 1;
    if (!w[0]) { s.snapshot = null; return 0; }
    if (!s.store.listSnapshots(e).includes(w[0])) return fail(s, `selectsnap: no snapshot "${w[0]}" for ${entityFmri(e)} (see "listsnap").`);
    s.snapshot = w[0];
    return 0;
  },
};

const revert: Verb = {
  name: 'revert', usage: 'revert [snapshot]', summary: 'copy a snapshot back to the current properties (previous is taken first)',
  async run(args, s) {
    const w = wordsOf(args);
    if (!w || w.length > 1) return usage(s, revert);
    const e = needInstance(s, 'revert');
    if (!e) return 1;
    const name = w[0] ?? s.snapshot;
    if (!name) return fail(s, 'revert: name a snapshot (revert previous) or select one with "selectsnap".');
    if (!s.store.listSnapshots(e).includes(name)) return fail(s, `revert: no snapshot "${name}" for ${entityFmri(e)} (see "listsnap").`);
    const r = s.store.revert(e, name);
    if (!r.ok) return fail(s, `revert: ${r.error}`);
    s.snapshot = null;
    return 0;
  },
};

const refresh: Verb = {
  name: 'refresh', usage: 'refresh', summary: 'make the current properties the running configuration and tell the restarter',
  async run(args, s) {
    if (args.length) return usage(s, refresh);
    const e = needSelection(s, 'refresh');
    if (!e) return 1;
    const r = s.store.refresh(e);
    if (!r.ok) return fail(s, `refresh: ${r.error}`);
    await s.notify(instancesOf(s, e).map(entityFmri));
    return 0;
  },
};

function endVerb(name: string): Verb {
  return { name, usage: name, summary: 'end the session', run(_args, s) { s.done = true; return 0; } };
}

const help: Verb = {
  name: 'help', usage: 'help [command]', summary: 'describe the commands',
  run(args, s) {
    const w = wordsOf(args) ?? [];
    const verbs = [...s.verbs.values()].filter((v, i, all) => all.findIndex((x) => x.usage === v.usage) === i);
    if (w[0]) {
      const v = s.verbs.get(w[0]);
      if (!v) return fail(s, `help: unknown command "${w[0]}".`);
      s.io.out(`Usage: ${v.usage}\n\t${v.summary}\n`);
      return 0;
    }
    const width = Math.min(48, verbs.reduce((m, v) => Math.max(m, v.usage.length), 0));
    s.io.out('Commands:\n' + verbs.map((v) => `  ${v.usage.padEnd(width)}  ${v.summary}\n`).join(''));
    return 0;
  },
};

/** illumos engine_set: no operand prints the options in effect ("verbose" / "noverbose"). */
const set: Verb = {
  name: 'set', usage: 'set [-v | -V]', summary: 'show the session options, or turn verbose mode on (-v) or off (-V)',
  run(args, s) {
    const w = wordsOf(args);
    if (!w) return usage(s, set);
    if (w.length === 0) { s.io.out(`${s.verbose ? '' : 'no'}verbose\n`); return 0; }
    for (const word of w) {
      if (!/^-[vV]+$/.test(word)) return usage(s, set);
      for (const flag of word.slice(1)) s.verbose = flag === 'v';
    }
    return 0;
  },
};

export const NAV_VERBS: Verb[] = [select, unselect, list, add, del, listsnap, selectsnap, revert, refresh, set, help,
  endVerb('end'), endVerb('exit'), endVerb('quit')];
