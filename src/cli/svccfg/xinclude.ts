// XInclude processing for service bundles (service_bundle(5): manipulators must support it):
// every <xi:include href=...> is replaced by the bundle read from that file (resolved relative
// to the including file), which must be a service_bundle of the same type. A missing file
// with an <xi:fallback> is skipped; include cycles and more than 16 levels are errors.
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic, ServiceBundle } from '../../core/manifest/bundle.js';
import { parseBundle } from '../../core/manifest/parse.js';

export type IncludeResult = { ok: true; bundle: ServiceBundle; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

function diag(file: string, b: { loc?: { line: number; column: number; path: string } }, message: string): Diagnostic {
  return { severity: 'error', file, line: b.loc?.line ?? 0, column: b.loc?.column ?? 0, path: b.loc?.path ?? '', message };
}

/** Reads, parses and include-resolves a bundle file. */
export function loadBundle(file: string, stack: string[] = []): IncludeResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { ok: false, diagnostics: [{ severity: 'error', file, line: 0, column: 0, path: '', message: `cannot read the file (${code})` }] };
  }
  const parsed = parseBundle(text, file);
  if (!parsed.ok) return parsed;
  const warnings = [...parsed.warnings];
  const errors: Diagnostic[] = [];
  const resolve = (b: ServiceBundle): void => {
    const out: ServiceBundle['children'] = [];
    for (const c of b.children) {
      if (c.kind === 'service_bundle') { resolve(c); out.push(c); continue; }
      if (c.kind !== 'xi:include') { out.push(c); continue; }
      if (c.parse === 'text') { errors.push(diag(file, c, `xi:include of "${c.href}" with parse="text" cannot be a service bundle; remove parse="text"`)); continue; }
      const target = path.resolve(path.dirname(file), c.href.replace(/^file:\/\//, ''));
      if (stack.includes(target) || target === path.resolve(file)) { errors.push(diag(file, c, `xi:include of "${c.href}" includes itself (cycle)`)); continue; }
      if (stack.length >= 16) { errors.push(diag(file, c, 'xi:include nested more than 16 levels deep')); continue; }
      if (!fs.existsSync(target) && c.fallback) {
        warnings.push({ ...diag(file, c, `"${c.href}" not found; xi:fallback used (its content is ignored)`), severity: 'warning' });
        continue;
      }
      const inc = loadBundle(target, [...stack, path.resolve(file)]);
      if (!inc.ok) { errors.push(...inc.diagnostics); continue; }
      warnings.push(...inc.warnings);
      if (inc.bundle.type !== b.type) {
        errors.push(diag(file, c, `included bundle "${c.href}" has type "${inc.bundle.type}", but this bundle is a "${b.type}"; included bundles must have the same type`));
        continue;
      }
      out.push(inc.bundle);
    }
    b.children = out;
  };
  resolve(parsed.bundle);
  return errors.length ? { ok: false, diagnostics: errors } : { ok: true, bundle: parsed.bundle, warnings };
}
