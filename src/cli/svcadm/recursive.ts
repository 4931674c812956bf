// `svcadm enable -r` (smf-spec §2.9) on top of the engine's enableClosure (core/engine/milestone.ts)
// over the graph built from stored state (core/listing/stored-graph.ts): from each operand, its
// restarter and the instances of its require_all / require_any service dependencies, recursively.
// This module only merges the closures of several operands and words the report: a require_any
// group with several candidates is printed ("requires one of") instead of followed, a service
// entity with several instances and an instance refused for closing a dependency cycle are
// warnings.
import type { StoredGraph } from '../../core/listing/stored-graph.js';

export interface ClosureResult {
  /** instances to enable, in the order they are reached (operands first) */
  enable: string[];
  /** stdout lines ("X requires one of:" + candidates) */
  messages: string[];
  /** stderr warnings */
  warnings: string[];
}

export function enableRecursive(roots: readonly string[], graph: StoredGraph): ClosureResult {
  const res: ClosureResult = { enable: [], messages: [], warnings: [] };
  const enable = new Set<string>();
  const said = new Set<string>();
  const once = (key: string, f: () => void) => { if (!said.has(key)) { said.add(key); f(); } };
  for (const root of roots) {
    const c = graph.enableClosure(root);
    for (const f of c.enable) enable.add(f);
    for (const r of c.requiresOneOf) once(`any ${r.fmri} ${r.candidates.join(' ')}`, () => res.messages.push(`${r.fmri} requires one of:`, ...r.candidates.map((x) => `  ${x}`)));
    for (const f of c.cycles) once(`cycle ${f}`, () => res.warnings.push(`${f}: Dependency cycle detected.`));
    for (const m of c.multipleInstances) once(`multi ${m.fmri} ${m.service}`, () => res.warnings.push(`${m.fmri} depends on ${m.service}, which has multiple instances.`));
  }
  res.enable = [...enable];
  return res;
}
