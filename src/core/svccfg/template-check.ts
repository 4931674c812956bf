// Entity validation against its template (svccfg validate FMRI, import -V): the pg_pattern /
// prop_pattern pgs (types template_pg_pattern / template_prop_pattern, see describe.ts) say
// which pgs and properties are required and which types they must have. Checked on the
// composed current view (instance pgs over service pgs); pg_patterns whose target is
// `delegate` or `all` describe other entities and are skipped. Pure; returns problem texts.
import { composePgs } from '../compose.js';
import { findPg, findProp, type PropertyGroup, type ServiceData } from '../model.js';
import { entityFmri, type ConfigStore, type Entity } from './store.js';

const first = (pg: PropertyGroup, name: string) => findProp(pg, name)?.values[0];

export function checkAgainstTemplates(store: ConfigStore, e: Entity): string[] {
  const svc = store.pgs({ service: e.service }) ?? [];
  return e.instance === undefined ? checkPgs(svc, false) : checkPgs(composePgs(store.pgs(e) ?? [], svc), true);
}

const isTemplatePg = (pg: PropertyGroup) => pg.type === 'template_pg_pattern' || pg.type === 'template_prop_pattern';

/** Problems of one entity's composed pgs against the pg/prop patterns among them. */
function checkPgs(pgs: readonly PropertyGroup[], isInstance: boolean): string[] {
  const problems: string[] = [];
  const patterns = new Map<string, { name: string; type?: string; required: boolean }>();
  for (const t of pgs) {
    if (t.type !== 'template_pg_pattern') continue;
    const name = first(t, 'name');
    if (!name) continue;
    // target delegate/all patterns describe other entities (instances delegated to a restarter)
    const target = first(t, 'target') ?? 'this';
    if (target !== 'this' && target !== 'instance') continue;
    const required = first(t, 'required') === 'true';
    patterns.set(t.name, { name, type: first(t, 'type'), required });
    const pg = findPg(pgs, name);
    if (!pg) {
      if (required && isInstance) problems.push(`required property group "${name}" is missing (template ${t.name}); add it with "addpg ${name} ${first(t, 'type') ?? 'application'}".`);
      continue;
    }
    const type = first(t, 'type');
    if (type && pg.type !== type) problems.push(`property group "${name}" has type "${pg.type}", but its template (${t.name}) requires "${type}".`);
  }
  for (const t of pgs) {
    if (t.type !== 'template_prop_pattern') continue;
    const owner = first(t, 'pg_pattern');
    const pat = owner !== undefined ? patterns.get(owner) : undefined;
    const name = first(t, 'name');
    if (!pat || !name) continue;
    const pg = findPg(pgs, pat.name);
    const prop = findProp(pg, name);
    const full = `${pat.name}/${name}`;
    if (!prop) {
      if (pg && first(t, 'required') === 'true' && isInstance) problems.push(`required property "${full}" is missing (template ${t.name}); set it with "setprop ${full} = ${first(t, 'type') ?? 'astring'}: VALUE".`);
      continue;
    }
    const type = first(t, 'type');
    if (type && prop.type !== type) problems.push(`property "${full}" has type ${prop.type}, but its template (${t.name}) requires ${type}.`);
  }
  return problems;
}

/** Checks every instance of lowered bundle data against its own templates, before anything
 *  is written (svccfg import warns, import -V refuses). Services without templates cost nothing. */
export function checkServices(services: readonly ServiceData[]): string[] {
  const problems: string[] = [];
  for (const svc of services) {
    if (!svc.pgs.some(isTemplatePg) && !svc.instances.some((i) => i.pgs.some(isTemplatePg))) continue;
    for (const inst of svc.instances) {
      const e = { service: svc.name, instance: inst.name };
      for (const m of checkPgs(composePgs(inst.pgs, svc.pgs), true)) problems.push(`${entityFmri(e)}: ${m}`);
    }
  }
  return problems;
}
