// Manifest files -> repository input: read, parse, resolve XIncludes (core/manifest/includes.ts
// with a file-system loader) and lower. Loaded only by the verbs that read bundle files.
import fs from 'node:fs';
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../core/manifest/bundle.js';
import { resolveIncludes, type IncludeLoader } from '../../core/manifest/includes.js';
import { lowerBundle, type LowerResult } from '../../core/manifest/lower.js';
import { parseBundle } from '../../core/manifest/parse.js';
import { parseAndLowerFast } from '../../core/manifest/parse-fast.js';

export type Loaded =
  | { ok: true; lowered: LowerResult; warnings: string[] }
  | { ok: false; errors: string[] };

const show = (d: Diagnostic) => formatDiagnostic(d);
export const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** href relative to the including file (a file:// URL is taken as a path). */
const fsLoader: IncludeLoader = (href, fromFile) => {
  const file = path.resolve(path.dirname(fromFile), href.replace(/^file:\/\//, ''));
  try {
    return { ok: true, text: fs.readFileSync(file, 'utf8'), file };
  } catch (e) {
    return { ok: false, error: `cannot read ${file} (${errno(e)})` };
  }
};

/** What svccfg takes from its environment (SVCCFG_NOVALIDATE, SVCCFG_DTD); given explicitly when
 *  svc.startd imports for svccfg. */
export interface LoadOptions { validate?: boolean; dtd?: string }

/** Reads, parses, include-resolves and lowers a bundle file; errors and warnings come formatted
 *  as FILE:LINE:COL: severity: element-path: message. */
export function loadAndLower(file: string, opts: LoadOptions = {}): Loaded {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, errors: [show({ severity: 'error', file, line: 0, column: 0, path: '', message: `cannot read the file (${errno(e)})` })] };
  }
  // SVCCFG_NOVALIDATE (as svccfg(8)): no DTD content-model check, svccfg's own checks only; SVCCFG_DTD names
  // another DTD file, which tsmf cannot read (the DTD is built in as data): said, then ignored
  const dtd = 'dtd' in opts ? opts.dtd : process.env.SVCCFG_DTD;
  const env: Diagnostic[] = dtd
    ? [{ severity: 'warning', file, line: 0, column: 0, path: '', message: `SVCCFG_DTD=${dtd} is ignored: bundles are checked against the built-in service_bundle.dtd.1` }]
    : [];
  const validate = opts.validate ?? !process.env.SVCCFG_NOVALIDATE;
  // a valid bundle of services only: parsed and lowered service by service (same result)
  const streamed = parseAndLowerFast(text, file);
  if (streamed) return loweredResult(streamed, env);
  const parsed = parseBundle(text, file, { validate });
  if (!parsed.ok) return { ok: false, errors: parsed.diagnostics.map(show) };
  const inc = resolveIncludes(parsed.bundle, fsLoader, path.resolve(file), { validate });
  if (!inc.ok) return { ok: false, errors: inc.diagnostics.map(show) };
  return loweredResult(lowerBundle(inc.bundle), [...env, ...parsed.warnings, ...inc.warnings]);
}

function loweredResult(lowered: LowerResult, earlier: Diagnostic[]): Loaded {
  const errors = lowered.diagnostics.filter((d) => d.severity === 'error').map(show);
  const warnings = [...earlier, ...lowered.diagnostics.filter((d) => d.severity !== 'error')].map(show);
  if (errors.length) return { ok: false, errors };
  // the parsed tree is not returned: an import of thousands of services lets it go before writing
  return { ok: true, lowered, warnings };
}
