// `svccfg import FILE`, as one function of a repository: read, parse, check, write. svccfg runs it
// itself, and svc.startd runs it for svccfg when it can (protocol `import`): then svc.startd
// configures the new instances from what was written instead of reading them back
// (docs/performance.md). Both print the same lines, in the same order, and exit the same way.
import path from 'node:path';
import type { ImportLine, ImportResult } from '../../core/protocol/messages.js';
import { checkServices } from '../../core/svccfg/template-check.js';
import type { ImportOptions, ImportReport, LoweredBundle, RepoResult } from '../../repository/types.js';
import { loadAndLower, type LoadOptions } from './bundle-io.js';

export interface ImportFileOutcome extends ImportResult {
  /** the repository's report when something was written */
  report?: ImportReport;
}

type ImportBundle = (bundle: LoweredBundle, opts: ImportOptions) => RepoResult<ImportReport>;

export interface ImportFileOptions extends LoadOptions {
  /** -V: template violations are errors */
  strict?: boolean;
  /** -v: "created" lines */
  verbose?: boolean;
}

export function importFile(importBundle: ImportBundle, file: string, opts: ImportFileOptions = {}): ImportFileOutcome {
  const lines: ImportLine[] = [];
  const failed = (text: string): ImportFileOutcome => { lines.push({ text }); return { status: 1, lines }; };
  const l = loadAndLower(file, opts);
  if (!l.ok) { for (const e of l.errors) lines.push({ text: e }); return { status: 1, lines }; }
  for (const m of l.warnings) lines.push({ text: m });
  const lowered = l.lowered;
  if (lowered.bundleType === 'profile') return failed(`import: ${file} is a profile; apply it with "svccfg apply ${file}".`);
  const problems = checkServices(lowered.services);
  if (problems.length && opts.strict) {
    for (const p of problems) lines.push({ text: `import: ${file}: template violation: ${p}` });
    return failed(`import: ${file} not imported (template violations with -V; fix them or import without -V).`);
  }
  for (const p of problems) lines.push({ text: `import: ${file}: template violation: ${p}` });
  return writeBundle(importBundle, 'import', file, lowered, { manifestPath: path.resolve(file) }, !!opts.verbose, lines);
}

/**
 * The writing end of import and restore (`verb`): one transaction, then the repository's warnings
 * and, verbose, the created instances, after `lines` already reported.
 */
export function writeBundle(
  importBundle: ImportBundle, verb: string, file: string, lowered: LoweredBundle, opts: ImportOptions, verbose: boolean, lines: ImportLine[] = [],
): ImportFileOutcome {
  const r = importBundle(lowered, opts);
  if (!r.ok) { lines.push({ text: `${verb}: ${file}: ${r.message}` }); return { status: 1, lines }; }
  for (const m of r.value.warnings) lines.push({ text: `${verb}: ${m}` });
  if (verbose) for (const c of r.value.created) lines.push({ text: `${verb}: created ${c}`, plain: true });
  return { status: 0, lines, report: r.value };
}
