// The closure of `svcadm enable -r` (smf-spec §2.9), pure: from each operand, its restarter (when
// general/restarter is set) and every entity of its require_all / require_any service-type
// dependency groups, recursively. optional_all, exclude_all and path groups are not followed. A
// require_any group with several candidates is reported ("requires one of") instead of enabled; a
// service entity with several instances is a warning; a dependency cycle is a warning.
import { parseEntity } from '../../core/listing/entity.js';
import { MASTER_RESTARTER, type DependencyGroup } from '../../core/listing/row.js';

export interface ClosureLookup {
  /** instance FMRIs of a service FMRI (svc:/S) */
  instancesOf(serviceFmri: string): string[];
  exists(instanceFmri: string): boolean;
  dependencies(instanceFmri: string): DependencyGroup[];
  restarter(instanceFmri: string): string | undefined;
}

export interface ClosureResult {
  /** instances to enable, in the order they are reached (operands first) */
  enable: string[];
  /** stdout lines ("X requires one of:" + candidates) */
  messages: string[];
  /** stderr warnings */
  warnings: string[];
}

export function enableClosure(roots: readonly string[], look: ClosureLookup): ClosureResult {
  const res: ClosureResult = { enable: [], messages: [], warnings: [] };
  const done = new Set<string>();
  const onPath = new Set<string>();

  const entityInstance = (from: string, text: string): string | undefined => {
    const e = parseEntity(text);
    if (e.kind === 'instance') return look.exists(e.fmri) ? e.fmri : undefined;
    if (e.kind !== 'service') return undefined;
    const insts = look.instancesOf(e.fmri);
    if (insts.length > 1) { res.warnings.push(`${from} depends on ${e.fmri}, which has multiple instances.`); return undefined; }
    return insts[0];
  };

  const visit = (fmri: string): void => {
    if (onPath.has(fmri)) { res.warnings.push(`${fmri}: Dependency cycle detected.`); return; }
    if (done.has(fmri)) return;
    done.add(fmri);
    res.enable.push(fmri);
    onPath.add(fmri);
    const r = look.restarter(fmri);
    if (r && r !== MASTER_RESTARTER) {
      const ri = entityInstance(fmri, r);
      if (ri) visit(ri);
    }
    for (const g of look.dependencies(fmri)) {
      if (g.type !== 'service') continue;
      if (g.grouping === 'require_any' && g.entities.length > 1) {
        res.messages.push(`${fmri} requires one of:`, ...g.entities.map((e) => `  ${e}`));
        continue;
      }
      if (g.grouping !== 'require_all' && g.grouping !== 'require_any') continue;
      for (const text of g.entities) {
        const inst = entityInstance(fmri, text);
        if (inst) visit(inst);
      }
    }
    onPath.delete(fmri);
  };
  for (const r of roots) visit(r);
  return res;
}
