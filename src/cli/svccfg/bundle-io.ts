// Manifest files -> repository input: load (with XInclude), lower, and adapt the manifest
// layer's LowerResult to the repository's LoweredBundle. Also the safe output writer used by
// export/archive/extract `> FILE` (temporary file, fsync, rename: never a half-written file).
import fs from 'node:fs';
import path from 'node:path';
import { formatDiagnostic, type Diagnostic, type ServiceBundle } from '../../core/manifest/bundle.js';
import { lowerBundle, type LowerResult } from '../../core/manifest/lower.js';
import type { LoweredBundle } from '../../repository/types.js';
import { loadBundle } from './xinclude.js';

export type Loaded =
  | { ok: true; bundle: ServiceBundle; lowered: LowerResult; warnings: string[] }
  | { ok: false; errors: string[] };

const show = (d: Diagnostic) => formatDiagnostic(d);

/** Loads (XInclude resolved) and lowers a bundle file; errors and warnings come formatted as
 *  FILE:LINE:COL: severity: element-path: message. */
export function loadAndLower(file: string): Loaded {
  const loaded = loadBundle(file);
  if (!loaded.ok) return { ok: false, errors: loaded.diagnostics.map(show) };
  const lowered = lowerBundle(loaded.bundle);
  const errors = lowered.diagnostics.filter((d) => d.severity === 'error').map(show);
  const warnings = [...loaded.warnings, ...lowered.diagnostics.filter((d) => d.severity !== 'error')].map(show);
  if (errors.length) return { ok: false, errors };
  return { ok: true, bundle: loaded.bundle, lowered, warnings };
}

export function toLoweredBundle(l: LowerResult): LoweredBundle {
  const isDeleted = (entity: string, pg: string) => l.deletes.some((d) => d.prop === undefined && d.entity === entity && d.pg === pg);
  return {
    services: l.services,
    dependents: l.dependents.map((d) => ({
      declarer: d.declaringFmri, name: d.pgName, target: d.targetFmri, grouping: d.grouping, restart_on: d.restartOn,
      properties: d.extraProps, ...(isDeleted(d.targetFmri, d.pgName) ? { delete: true } : {}),
    })),
    overrides: l.overrides.filter((o) => o.prop !== undefined).map((o) => ({ entity: o.entity, pg: o.pg, prop: o.prop! })),
    deletePgs: l.deletes.filter((d) => d.prop === undefined).map((d) => ({ entity: d.entity, pg: d.pg })),
  };
}

/** Writes `text` to `file` atomically (same directory temp file, fsync, rename). */
export function writeFileAtomic(file: string, text: string): { ok: true } | { ok: false; error: string } {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return { ok: true };
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    return { ok: false, error: `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
}
