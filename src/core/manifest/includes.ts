// XInclude for service bundles (service_bundle(5) requires it): every <xi:include href=...>
// child of a service_bundle is replaced by the included document's root <service_bundle>, as
// libxml's XInclude pass does before svccfg walks the tree.
//
// Invariants: pure (the caller injects the loader, which resolves href relative to the
// including file and applies its own path policy); only parse="xml"; the included bundle
// must have the same type; nesting is bounded and include cycles are errors; an include that
// cannot be loaded falls back to an empty <xi:fallback/> (dropped) or fails with a diagnostic.
import type { Diagnostic, ServiceBundle, XiInclude } from './bundle.js';
import { parseBundle } from './parse.js';

export type IncludeLoader = (href: string, fromFile: string) =>
  { ok: true; text: string; file: string } | { ok: false; error: string };

export type IncludeResult = { ok: true; bundle: ServiceBundle } | { ok: false; diagnostics: Diagnostic[] };

const MAX_DEPTH = 16;

function diag(inc: XiInclude, message: string): Diagnostic {
  return { severity: 'error', file: inc.loc?.file ?? '', line: inc.loc?.line ?? 0, column: inc.loc?.column ?? 0, path: inc.loc?.path ?? '', message };
}

function resolve(b: ServiceBundle, load: IncludeLoader, chain: string[], out: Diagnostic[]): ServiceBundle {
  const children: ServiceBundle['children'] = [];
  const file = b.loc?.file ?? '';
  for (const c of b.children) {
    if (c.kind === 'service_bundle') { children.push(resolve(c, load, chain, out)); continue; }
    if (c.kind !== 'xi:include') { children.push(c); continue; }
    if ((c.parse ?? 'xml') !== 'xml') { out.push(diag(c, `xi:include parse='${c.parse}' is not supported for service bundles; use parse='xml'`)); continue; }
    const r = load(c.href, file);
    if (!r.ok) {
      const fallback = c.fallback?.content ?? [];
      if (c.fallback && fallback.length === 0) continue;
      out.push(diag(c, `cannot include '${c.href}': ${r.error}${c.fallback ? ' (non-empty xi:fallback content is not supported)' : ''}`));
      continue;
    }
    if (chain.includes(r.file) || chain.length >= MAX_DEPTH) {
      out.push(diag(c, `xi:include of '${r.file}' forms a cycle or nests deeper than ${MAX_DEPTH}: ${[...chain, r.file].join(' -> ')}`));
      continue;
    }
    const p = parseBundle(r.text, r.file);
    if (!p.ok) { out.push(...p.diagnostics); continue; }
    if (p.bundle.type !== b.type) {
      out.push(diag(c, `included bundle '${r.file}' has type '${p.bundle.type}' but the including bundle is '${b.type}'; included bundles must have the same type`));
      continue;
    }
    children.push(resolve(p.bundle, load, [...chain, r.file], out));
  }
  return { ...b, children };
}

/** Replace every xi:include (recursively) by the bundle it names. */
export function resolveIncludes(bundle: ServiceBundle, load: IncludeLoader): IncludeResult {
  const out: Diagnostic[] = [];
  const b = resolve(bundle, load, [bundle.loc?.file ?? ''], out);
  return out.length ? { ok: false, diagnostics: out } : { ok: true, bundle: b };
}
