// XInclude for service bundles (service_bundle(5) requires it): every <xi:include href=...>
// child of a service_bundle is replaced by the included document's root <service_bundle>, as
// libxml's XInclude pass does before svccfg walks the tree.
//
// Invariants: pure (the caller injects the loader, which resolves href relative to the
// including file and applies its own path policy); only parse="xml"; the included bundle
// must have the same type; nesting is bounded and include cycles are errors; an include that
// cannot be loaded falls back to an empty <xi:fallback/> (dropped) or fails with a diagnostic.
import type { Diagnostic, ServiceBundle, XiInclude } from './bundle.js';
import { parseBundle, type ParseOptions } from './parse.js';

export type IncludeLoader = (href: string, fromFile: string) =>
  { ok: true; text: string; file: string } | { ok: false; error: string };

/** `warnings`: parser warnings of included files, and fallbacks taken. */
export type IncludeResult = { ok: true; bundle: ServiceBundle; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

interface Out { errors: Diagnostic[]; warnings: Diagnostic[]; parse: ParseOptions }

const MAX_DEPTH = 16;

function diag(inc: XiInclude, message: string): Diagnostic {
  return { severity: 'error', file: inc.loc?.file ?? '', line: inc.loc?.line ?? 0, column: inc.loc?.column ?? 0, path: inc.loc?.path ?? '', message };
}

function resolve(b: ServiceBundle, load: IncludeLoader, chain: string[], out: Out): ServiceBundle {
  const children: ServiceBundle['children'] = [];
  const file = b.loc?.file ?? '';
  for (const c of b.children) {
    if (c.kind === 'service_bundle') { children.push(resolve(c, load, chain, out)); continue; }
    if (c.kind !== 'xi:include') { children.push(c); continue; }
    if ((c.parse ?? 'xml') !== 'xml') { out.errors.push(diag(c, `xi:include parse='${c.parse}' cannot include a service bundle; remove parse='${c.parse}' (or use parse='xml')`)); continue; }
    const r = load(c.href, file);
    if (!r.ok) {
      const fallback = c.fallback?.content ?? [];
      if (c.fallback && fallback.length === 0) {
        out.warnings.push({ ...diag(c, `cannot include '${c.href}' (${r.error}); the empty xi:fallback is used`), severity: 'warning' });
        continue;
      }
      out.errors.push(diag(c, `cannot include '${c.href}': ${r.error}${c.fallback ? ' (non-empty xi:fallback content is not supported)' : ''}`));
      continue;
    }
    if (chain.includes(r.file) || chain.length >= MAX_DEPTH) {
      out.errors.push(diag(c, `xi:include of '${r.file}' forms a cycle or nests deeper than ${MAX_DEPTH}: ${[...chain, r.file].join(' -> ')}`));
      continue;
    }
    const p = parseBundle(r.text, r.file, out.parse);
    if (!p.ok) { out.errors.push(...p.diagnostics); continue; }
    out.warnings.push(...p.warnings);
    if (p.bundle.type !== b.type) {
      out.errors.push(diag(c, `included bundle '${r.file}' has type '${p.bundle.type}' but the including bundle is '${b.type}'; included bundles must have the same type`));
      continue;
    }
    children.push(resolve(p.bundle, load, [...chain, r.file], out));
  }
  return { ...b, children };
}

/**
 * Replace every xi:include (recursively) by the bundle it names. `rootFile` identifies the
 * including file the way the loader names files (default: the bundle's own file name), so
 * that a file including itself is a cycle at once.
 */
/** `parse`: how included files are parsed (svccfg passes `validate: false` under SVCCFG_NOVALIDATE, as for the root). */
export function resolveIncludes(bundle: ServiceBundle, load: IncludeLoader, rootFile = bundle.loc?.file ?? '', parse: ParseOptions = {}): IncludeResult {
  const out: Out = { errors: [], warnings: [], parse };
  const b = resolve(bundle, load, [rootFile], out);
  return out.errors.length ? { ok: false, diagnostics: out.errors } : { ok: true, bundle: b, warnings: out.warnings };
}
