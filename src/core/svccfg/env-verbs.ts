// svccfg setenv/unsetenv (smf-spec §7.3, §4.6): edit the `environment` astring list
// (NAME=value entries) of the `method_context` pg, or of method pg METHOD with -m. -s works
// on the service even when an instance is selected, -i requires an instance. Pure.
//
// Invariants: at most one entry per NAME (setenv replaces in place, keeping order); names
// contain no `=` and are not empty; a missing method_context pg is created (type framework),
// a missing method pg is an error.
import { findPg, findProp } from '../model.js';
import { fail, needEditable, takeFlags, usage, wordsOf, type Session, type Verb } from './session.js';
import { entityFmri, type Entity } from './store.js';
import { writeProperty } from './edit-verbs.js';

function target(s: Session, verb: string, flags: Map<string, string>): Entity | undefined {
  const e = needEditable(s, verb);
  if (!e) return undefined;
  if (flags.has('i') && flags.has('s')) { fail(s, `${verb}: -i and -s exclude each other.`, 2); return undefined; }
  if (flags.has('s')) return { service: e.service };
  if (flags.has('i') && e.instance === undefined) {
    fail(s, `${verb}: -i needs an instance selected, but ${entityFmri(e)} is a service.`);
    return undefined;
  }
  return e;
}

function envPg(s: Session, verb: string, e: Entity, method: string | undefined): string | undefined {
  const pgs = s.store.pgs(e) ?? [];
  if (method !== undefined) {
    if (!findPg(pgs, method)) {
      fail(s, `${verb}: no method "${method}" (property group of type method) in ${entityFmri(e)}.`);
      return undefined;
    }
    return method;
  }
  if (!findPg(pgs, 'method_context')) {
    const r = s.store.addPg(e, 'method_context', 'framework', 0);
    if (!r.ok) { fail(s, `${verb}: ${r.error}`); return undefined; }
  }
  return 'method_context';
}

function envVerb(name: 'setenv' | 'unsetenv'): Verb {
  const verb: Verb = {
    name,
    usage: `${name} [-i | -s] [-m method] NAME${name === 'setenv' ? ' value' : ''}`,
    summary: name === 'setenv' ? 'set an environment variable for the methods' : 'remove an environment variable of the methods',
    run(args, s) {
      const w = wordsOf(args);
      const f = w && takeFlags(w, 'is', 'm');
      if (!f || !f.ok || f.rest.length !== (name === 'setenv' ? 2 : 1)) return usage(s, verb);
      const [envName, value] = f.rest as [string, string?];
      if (!envName || envName.includes('=')) return fail(s, `${name}: invalid variable name "${envName}" (it must be non-empty and contain no "=").`);
      const e = target(s, name, f.flags);
      if (!e) return 1;
      const pgName = envPg(s, name, e, f.flags.get('m'));
      if (!pgName) return 1;
      const current = findProp(findPg(s.store.pgs(e) ?? [], pgName), 'environment')?.values ?? [];
      const prefix = envName + '=';
      const at = current.findIndex((v) => v.startsWith(prefix));
      let next: string[];
      if (name === 'setenv') {
        next = [...current];
        if (at >= 0) next[at] = prefix + value; else next.push(prefix + value);
      } else {
        if (at < 0) return fail(s, `unsetenv: "${envName}" is not set in ${pgName}/environment of ${entityFmri(e)}.`);
        next = current.filter((v) => !v.startsWith(prefix));
      }
      return writeProperty(s, name, e, { pg: pgName, prop: 'environment' }, 'astring', next, 'set');
    },
  };
  return verb;
}

export const ENV_VERBS: Verb[] = [envVerb('setenv'), envVerb('unsetenv')];
