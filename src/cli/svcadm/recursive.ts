// `svcadm enable -r` (smf-spec §2.9) on top of the engine's enableClosure (core/engine/milestone.ts)
// over the graph built from stored state (core/listing/stored-graph.ts): from each operand, its
// restarter and the instances of its require_all / require_any service dependencies, recursively.
// This module only merges the closures of several operands and words the report, in the order the
// walk met things (illumos prints as it goes): a require_any group with several candidates is
// printed ("requires one of") instead of followed; a service entity with several instances, an
// absent entity (exit 1, as illumos get_inst_mult) and a dependency cycle are warnings.
import type { StoredGraph } from '../../core/listing/stored-graph.js';

/** One line of the report in walk order; `enabled` marks where svcadm -v's "X enabled." goes. */
export type ClosureLine = { stream: 'out' | 'err'; text: string } | { enabled: string };

export interface ClosureResult {
  /** instances to enable, in the order they are reached (operands first) */
  enable: string[];
  /** stdout lines ("X requires one of:" + candidates): the `out` lines, in order */
  messages: string[];
  /** stderr warnings: the `err` lines, in order */
  warnings: string[];
  /** messages, warnings and enabled instances interleaved as the walk met them */
  lines: ClosureLine[];
  /** an entity named no instance: svcadm exits 1 */
  absent: boolean;
}

export function enableRecursive(roots: readonly string[], graph: StoredGraph): ClosureResult {
  const res: ClosureResult = { enable: [], messages: [], warnings: [], lines: [], absent: false };
  const enable = new Set<string>();
  const said = new Set<string>();
  const out = (text: string) => { res.lines.push({ stream: 'out', text }); };
  const warn = (text: string) => { res.lines.push({ stream: 'err', text }); };
  const once = (key: string, f: () => void) => { if (!said.has(key)) { said.add(key); f(); } };
  for (const root of roots) {
    for (const e of graph.enableClosure(root).events) {
      switch (e.kind) {
        case 'enable':
          if (!enable.has(e.fmri)) { enable.add(e.fmri); res.lines.push({ enabled: e.fmri }); }
          break;
        case 'requiresOneOf':
          once(`any ${e.fmri} ${e.candidates.join(' ')}`, () => { out(`${e.fmri} requires one of:`); for (const c of e.candidates) out(`  ${c}`); });
          break;
        case 'cycle': once(`cycle ${e.fmri}`, () => warn(`${e.fmri}: Dependency cycle detected.`)); break;
        case 'multipleInstances': once(`multi ${e.fmri} ${e.service}`, () => warn(`${e.fmri} depends on ${e.service}, which has multiple instances.`)); break;
        case 'absent':
          res.absent = true;
          once(`absent ${e.fmri}`, () => warn(e.entity === 'instance' ? `No such instance "${e.fmri}".` : `No such service "${e.fmri}".`));
          break;
      }
    }
  }
  res.enable = [...enable];
  const textOf = (stream: 'out' | 'err') => res.lines.flatMap((l) => ('stream' in l && l.stream === stream ? [l.text] : []));
  res.messages = textOf('out');
  res.warnings = textOf('err');
  return res;
}
