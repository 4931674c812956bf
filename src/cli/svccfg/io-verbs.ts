// The svccfg verbs that read or write bundle files (smf-spec §7.3, §8, §9): import, apply,
// restore, validate, inventory, export, archive, extract; and repository (which file is used).
// They run inside the pure session (errors via fail(), so `-f script` locations apply) and
// reach the repository through ctx.repo(). The manifest layer (XML parser, lowering, raising,
// writer) is loaded by these verbs only, so the editing verbs start without it.
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceBundle } from '../../core/manifest/bundle.js';
import type { LowerResult } from '../../core/manifest/lower.js';
import { fail, takeFlags, usage, warn, wordsOf, type Session, type Verb } from '../../core/svccfg/session.js';
import { entityFmri } from '../../core/svccfg/store.js';
import { checkAgainstTemplates, checkServices } from '../../core/svccfg/template-check.js';
import type { Repository } from '../../repository/repository.js';
import type { Viewer } from '../../repository/types.js';
import { writeFileAtomic } from '../../adapters/atomic-file.js';
import { editprop } from './editprop.js';
import { importFile, writeBundle, type ImportFileOutcome } from './import-file.js';
import type { ImportResult } from '../../core/protocol/messages.js';

export interface IoContext {
  root: string;
  repo: () => Repository;
  /** who reads (export -a needs the read authorizations of the protected pgs); root when absent */
  viewer?: Viewer;
  /** `repository FILE`: switch the session to another repository file (created when absent). */
  useRepository?: (file: string) => { ok: true; created: boolean } | { ok: false; error: string };
}

const loadAndLower = async (file: string) => (await import('./bundle-io.js')).loadAndLower(file);
const exporter = () => import('./export.js');

/** Splits `... > FILE` (or `>FILE`) off the end of a command's words. */
export function splitRedirect(words: string[]): { args: string[]; out?: string } | undefined {
  const at = words.findIndex((w) => w.startsWith('>'));
  if (at < 0) return { args: words };
  const glued = words[at]!.slice(1);
  const rest = words.slice(at + 1);
  if (glued ? rest.length : rest.length !== 1) return undefined;
  return { args: words.slice(0, at), out: glued || rest[0]! };
}

function emit(s: Session, verb: string, text: string, out: string | undefined): number {
  if (out === undefined) { s.io.out(text); return 0; }
  const r = writeFileAtomic(out, text);
  return r.ok ? 0 : fail(s, `${verb}: ${r.error}`);
}

async function writeOut(s: Session, verb: string, bundle: ServiceBundle, out: string | undefined): Promise<number> {
  const { writeBundle } = await import('../../core/manifest/write.js');
  const w = writeBundle(bundle);
  if (!w.ok) return fail(s, `${verb}: ${w.error}`);
  return emit(s, verb, w.text, out);
}

function reportLoadErrors(s: Session, errors: string[]): number {
  for (const e of errors) fail(s, e);
  return 1;
}

/** Loads and lowers a bundle file, reporting its errors and warnings; a number is the status to return. */
async function loadReported(s: Session, file: string): Promise<LowerResult | number> {
  const l = await loadAndLower(file);
  if (!l.ok) return reportLoadErrors(s, l.errors);
  for (const m of l.warnings) warn(s, m);
  return l.lowered;
}

/** Prints an import's lines as svccfg does (the location of a command file's line first); its status. */
function printImport(s: Session, out: ImportResult): number {
  for (const l of out.lines) {
    if (l.plain) s.io.err(`svccfg: ${l.text}\n`);
    else warn(s, l.text);
  }
  return out.status;
}

/** An import or restore svccfg carried out itself: its lines, then the restarter told what changed. */
async function reportAndNotify(s: Session, out: ImportFileOutcome): Promise<number> {
  const status = printImport(s, out);
  if (out.report) await s.notify(out.report.notify);
  return status;
}

export function ioVerbs(ctx: IoContext): Verb[] {
  const importVerb: Verb = {
    name: 'import', usage: 'import [-V] file', summary: 'import a service manifest (then refresh the imported instances)',
    async run(args, s) {
      const w = wordsOf(args);
      const f = w && takeFlags(w, 'V');
      if (!f || !f.ok || f.rest.length !== 1) return usage(s, importVerb);
      const file = f.rest[0]!;
      const opts = { strict: f.flags.has('V'), verbose: s.verbose };
      // the restarter imports it when it can: it then configures what it wrote without reading it back
      const remote = s.importViaRestarter ? await s.importViaRestarter(path.resolve(file), opts) : null;
      if (remote) return printImport(s, remote);
      return reportAndNotify(s, importFile((b, o) => ctx.repo().importBundle(b, o), file, opts));
    },
  };

  const apply: Verb = {
    name: 'apply', usage: 'apply [-n] file', summary: 'apply a profile to existing services and instances (then refresh)',
    async run(args, s) {
      const w = wordsOf(args);
      const f = w && takeFlags(w, 'n');
      if (!f || !f.ok || f.rest.length !== 1) return usage(s, apply);
      const file = f.rest[0]!;
      const lowered = await loadReported(s, file);
      if (typeof lowered === 'number') return lowered;
      if (lowered.bundleType !== 'profile') return fail(s, `apply: ${file} is a ${lowered.bundleType}, not a profile; import it with "svccfg import ${file}".`);
      const withTemplate = lowered.services.filter((sv) => [sv, ...sv.instances].some((e) => e.pgs.some((pg) => pg.type.startsWith('template'))));
      if (withTemplate.length) return fail(s, `apply: ${file}: templates are not allowed in profiles (svc:/${withTemplate[0]!.name}); move them to the manifest.`);
      if (f.flags.has('n')) return 0;
      const r = ctx.repo().applyProfile(lowered);
      if (!r.ok) return fail(s, `apply: ${file}: ${r.message}`);
      for (const m of r.value.warnings) warn(s, `apply: ${m}`);
      if (s.verbose) for (const m of r.value.ignored) warn(s, `apply: ${m} does not exist; ignored`);
      await s.notify(r.value.notify);
      return 0;
    },
  };

  const restore: Verb = {
    name: 'restore', usage: 'restore file', summary: 'restore the services of an archive made by "svccfg archive" (then refresh)',
    async run(args, s) {
      const w = wordsOf(args);
      if (!w || w.length !== 1) return usage(s, restore);
      const file = w[0]!;
      const lowered = await loadReported(s, file);
      if (typeof lowered === 'number') return lowered;
      const type = lowered.bundleType;
      if (type !== 'archive') {
        const instead = type === 'profile' ? `apply it with "svccfg apply ${file}"` : `import it with "svccfg import ${file}"`;
        return fail(s, `restore: ${file} is a ${type}, not an archive (made by "svccfg archive"); ${instead}.`);
      }
      // illumos engine_restore: an import without the last-import snapshot (SCI_NOSNAP)
      return reportAndNotify(s, writeBundle((b, o) => ctx.repo().importBundle(b, o), 'restore', file, lowered, { noLastImport: true }, s.verbose));
    },
  };

  const repository: Verb = {
    name: 'repository', usage: 'repository file', summary: 'use file as a private repository (created when absent; the restarter is not told of changes)',
    run(args, s) {
      const w = wordsOf(args);
      if (!w || w.length !== 1 || w[0]!.startsWith('-')) return usage(s, repository);
      if (!ctx.useRepository) return fail(s, 'repository: not available here.');
      const r = ctx.useRepository(w[0]!);
      if (!r.ok) return fail(s, r.error);
      if (r.created) warn(s, `repository: ${path.resolve(w[0]!)} did not exist; created an empty repository.`);
      s.selection = null;
      s.snapshot = null;
      return 0;
    },
  };

  function validateEntities(s: Session, fmris: string[]): number {
    let status = 0;
    for (const fmri of fmris) {
      const e = s.resolve(fmri);
      if (!e.ok) { status = fail(s, e.error); continue; }
      for (const p of checkAgainstTemplates(s.store, e.entity)) status = fail(s, `${entityFmri(e.entity)}: ${p}`);
    }
    return status;
  }

  const validate: Verb = {
    name: 'validate', usage: 'validate [file | fmri]', summary: 'check a bundle file, or an entity against its template',
    async run(args, s) {
      const w = wordsOf(args);
      if (!w || w.length > 1) return usage(s, validate);
      const arg = w[0];
      if (arg !== undefined && (fs.existsSync(arg) || arg.endsWith('.xml'))) {
        const lowered = await loadReported(s, arg);
        if (typeof lowered === 'number') return lowered;
        // the bundle against its own templates too (illumos lscf_validate_file: tmpl_validate_bundle)
        let status = 0;
        for (const p of lowered.bundleType === 'profile' ? [] : checkServices(lowered.services)) status = fail(s, `validate: ${arg}: template violation: ${p}`);
        return status;
      }
      if (arg === undefined) {
        if (!s.selection) return fail(s, 'validate: name a file or an FMRI, or select an entity first.');
        return validateEntities(s, [entityFmri(s.selection)]);
      }
      return validateEntities(s, [arg]);
    },
  };

  const inventory: Verb = {
    name: 'inventory', usage: 'inventory file', summary: 'list the services and instances a bundle delivers',
    async run(args, s) {
      const w = wordsOf(args);
      if (!w || w.length !== 1) return usage(s, inventory);
      const l = await loadAndLower(w[0]!);
      if (!l.ok) return reportLoadErrors(s, l.errors);
      const lines = l.lowered.services.flatMap((sv) => [`svc:/${sv.name}`, ...sv.instances.map((i) => `svc:/${sv.name}:${i.name}`)]);
      s.io.out(lines.map((x) => x + '\n').join(''));
      return 0;
    },
  };

  const exportVerb: Verb = {
    name: 'export', usage: 'export [-a] {service | fmri} [> file]', summary: 'print a service as a manifest (-a: with read-protected values)',
    async run(args, s) {
      const w = wordsOf(args);
      const red = w && splitRedirect(w);
      const f = red && takeFlags(red.args, 'a');
      if (!red || !f || !f.ok || f.rest.length !== 1) return usage(s, exportVerb);
      const operand = f.rest[0]!;
      const r = s.resolve(operand);
      if (!r.ok) return fail(s, `export: ${r.error}`);
      if (r.entity.instance !== undefined) {
        if (r.how !== 'exact') return fail(s, `export: '${operand}' is an abbreviation of the instance ${entityFmri(r.entity)}; export needs a service: svccfg export ${r.entity.service}`);
        warn(s, `export: ${entityFmri(r.entity)} is an instance; exporting its service svc:/${r.entity.service}.`);
      }
      const b = (await exporter()).exportBundle(ctx.repo(), r.entity.service, f.flags.has('a'), ctx.viewer);
      if (!b.ok) return fail(s, `export: ${b.error}`);
      for (const m of b.notes) warn(s, `export: ${m}`);
      return writeOut(s, 'export', b.bundle, red.out);
    },
  };

  const archive: Verb = {
    name: 'archive', usage: 'archive [-a] [> file]', summary: 'print every service as one archive bundle',
    async run(args, s) {
      const w = wordsOf(args);
      const red = w && splitRedirect(w);
      const f = red && takeFlags(red.args, 'a');
      if (!red || !f || !f.ok || f.rest.length) return usage(s, archive);
      const b = (await exporter()).archiveBundle(ctx.repo(), f.flags.has('a'), ctx.viewer);
      if (!b.ok) return fail(s, `archive: ${b.error}`);
      for (const m of b.notes) warn(s, `archive: ${m}`);
      return writeOut(s, 'archive', b.bundle, red.out);
    },
  };

  const extract: Verb = {
    name: 'extract', usage: 'extract [> file]', summary: 'print a profile with the enabled state of every instance',
    async run(args, s) {
      const w = wordsOf(args);
      const red = w && splitRedirect(w);
      if (!red || red.args.length) return usage(s, extract);
      return writeOut(s, 'extract', (await exporter()).extractBundle(ctx.repo()), red.out);
    },
  };

  return [importVerb, apply, restore, repository, validate, inventory, exportVerb, archive, extract, editprop];
}
