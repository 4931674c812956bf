// `svccfg import FILE`, as one function of a repository: read, parse, check, write. svccfg runs it
// itself, and svc.startd runs it for svccfg when it can (protocol `import`): then svc.startd
// configures the new instances from what was written instead of reading them back
// (docs/performance.md). Both print the same lines, in the same order, and exit the same way.
import path from 'node:path';
import { checkServices } from '../../core/svccfg/template-check.js';
import type { ImportOptions, ImportReport, LoweredBundle, RepoResult } from '../../repository/types.js';
import { loadAndLower, type LoadOptions } from './bundle-io.js';

/** One line svccfg prints on stderr: `svccfg: [location]text`, or without the location when `plain`. */
export interface ImportLine { text: string; plain?: true }

export interface ImportFileOutcome {
  status: number;
  lines: ImportLine[];
  /** the repository's report when something was written */
  report?: ImportReport;
}

export interface ImportFileOptions extends LoadOptions {
  /** -V: template violations are errors */
  strict?: boolean;
  /** -v: "created" lines */
  verbose?: boolean;
}

export function importFile(
  importBundle: (bundle: LoweredBundle, opts: ImportOptions) => RepoResult<ImportReport>, file: string, opts: ImportFileOptions = {},
): ImportFileOutcome {
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
  const r = importBundle(lowered, { manifestPath: path.resolve(file) });
  if (!r.ok) return failed(`import: ${file}: ${r.message}`);
  for (const m of r.value.warnings) lines.push({ text: `import: ${m}` });
  if (opts.verbose) for (const c of r.value.created) lines.push({ text: `import: created ${c}`, plain: true });
  return { status: 0, lines, report: r.value };
}
