// svccfg describe [-v] [-t] [pg[/prop]] (smf-spec §7.3): the selection's property groups and
// properties (listprop format) annotated with what the service's template says about them
// (pg_pattern/prop_pattern pgs: common names, descriptions, required, type). -t shows only
// template data, -v adds required/type/units details. Pure.
//
// Template representation read here (as the manifest lowering writes it, §8): pgs of type
// `template_pg_pattern` with properties `name`, `type`, `required`, `common_name_<lang>`,
// `description_<lang>`; pgs of type `template_prop_pattern` with `pg_pattern` (the name of
// the pg_pattern pg), `name`, `type`, `required`, `common_name_*`, `description_*`, `units_*`.
// Locale: `C`, else the first one present.
import { findProp, type PropertyGroup } from '../model.js';
import { formatListing, type ListRow } from './format.js';
import { globMatcher } from './glob.js';
import { visiblePgs } from './edit-verbs.js';
import { fail, needSelection, takeFlags, usage, wordsOf, type Verb } from './session.js';
import { entityFmri } from './store.js';

interface Doc { commonName?: string; description?: string; required?: string; type?: string; units?: string }

function localized(pg: PropertyGroup, prefix: string): string | undefined {
  const c = findProp(pg, `${prefix}_C`)?.values[0];
  if (c !== undefined) return c;
  return pg.properties.find((p) => p.name.startsWith(prefix + '_'))?.values[0];
}

function docOf(pg: PropertyGroup): Doc {
  return {
    commonName: localized(pg, 'common_name'), description: localized(pg, 'description'),
    required: findProp(pg, 'required')?.values[0], type: findProp(pg, 'type')?.values[0], units: localized(pg, 'units'),
  };
}

/** Template documentation keyed by "pg" and "pg/prop". */
export function templateDocs(templates: readonly PropertyGroup[]): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  const pgPatternName = new Map<string, string>();
  for (const pg of templates) {
    if (pg.type !== 'template_pg_pattern') continue;
    const name = findProp(pg, 'name')?.values[0];
    if (!name) continue;
    pgPatternName.set(pg.name, name);
    docs.set(name, docOf(pg));
  }
  for (const pg of templates) {
    if (pg.type !== 'template_prop_pattern') continue;
    const owner = findProp(pg, 'pg_pattern')?.values[0];
    const pgName = owner !== undefined ? pgPatternName.get(owner) ?? owner : undefined;
    const name = findProp(pg, 'name')?.values[0];
    if (pgName && name) docs.set(`${pgName}/${name}`, docOf(pg));
  }
  return docs;
}

function docLines(d: Doc | undefined, verbose: boolean): string {
  if (!d) return '';
  let out = '';
  if (d.commonName) out += `    ${d.commonName}\n`;
  if (d.description) out += `    ${d.description.trim().replace(/\s*\n\s*/g, ' ')}\n`;
  if (verbose) {
    if (d.type) out += `    type: ${d.type}\n`;
    if (d.required) out += `    required: ${d.required}\n`;
    if (d.units) out += `    units: ${d.units}\n`;
  }
  return out;
}

export const describe: Verb = {
  name: 'describe', usage: 'describe [-v] [-t] [pg[/prop]]', summary: 'describe properties using the service template',
  run(args, s) {
    const w = wordsOf(args);
    const f = w && takeFlags(w, 'vt');
    if (!f || !f.ok || f.rest.length > 1) return usage(s, describe);
    const e = needSelection(s, 'describe');
    if (!e) return 1;
    const pgs = visiblePgs(s, e);
    if (!pgs) return fail(s, `${entityFmri(e)} no longer exists (it was deleted).`);
    const templates = [...(s.store.pgs({ service: e.service }) ?? []), ...(e.instance !== undefined ? pgs : [])];
    const docs = templateDocs(templates);
    const m = globMatcher(f.rest[0]);
    const verbose = f.flags.has('v');
    let out = '';
    if (f.flags.has('t')) {
      for (const [name, d] of docs) if (m(name) || m(name.split('/')[0]!)) out += `${name}\n${docLines(d, verbose)}`;
    } else {
      const rows: ListRow[] = [];
      for (const pg of pgs) {
        if (pg.type.startsWith('template')) continue;
        const pgMatch = m(pg.name);
        if (pgMatch) rows.push({ kind: 'pg', name: pg.name, pg });
        for (const prop of pg.properties) {
          const name = `${pg.name}/${prop.name}`;
          if (pgMatch || m(name)) rows.push({ kind: 'prop', name, prop });
        }
      }
      const lines = formatListing(rows).split('\n');
      rows.forEach((r, i) => { out += lines[i] + '\n' + docLines(docs.get(r.name), verbose); });
    }
    s.io.out(out);
    return 0;
  },
};
