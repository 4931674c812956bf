// Which instances an svcadm command acts on: `-S state` selects every instance in that state;
// otherwise each operand is resolved (§1.4) and a *partial* operand matching several instances is
// an error (`Partial FMRI 'X' matches multiple instances:` + one tab-indented line per match), the
// operand being skipped. Also the repository lookups behind `enable -r`.
import { noMatchError, partialHint, partialMultipleError, resolveOperand } from '../../core/fmri.js';
import type { Repository } from '../../repository/repository.js';
import { ROOT_VIEWER, VIEW_COMPOSED, VIEW_EFFECTIVE } from '../../repository/types.js';
import { readRow } from '../svcs/source.js';
import type { SvcadmCommand } from './options.js';
import type { ClosureLookup } from './recursive.js';

export interface Selection { fmris: string[]; errors: string[]; stateOf(fmri: string): string | undefined }

export function selectTargets(repo: Repository, cmd: SvcadmCommand): Selection {
  const instances = repo.listInstances();
  const states = new Map<string, string | undefined>();
  const stateOf = (f: string) => {
    if (!states.has(f)) {
      const r = repo.getProperty(f, 'restarter', 'state', { view: VIEW_COMPOSED, viewer: ROOT_VIEWER });
      states.set(f, r.ok ? r.value.values[0] : 'uninitialized');
    }
    return states.get(f);
  };
  const errors: string[] = [];
  const out = new Set<string>();
  if (cmd.selectState !== undefined) {
    for (const f of instances) if (stateOf(f) === cmd.selectState) out.add(f);
    return { fmris: [...out], errors, stateOf };
  }
  for (const op of cmd.operands) {
    const r = resolveOperand(op, instances);
    if (r.matches.length === 0) {
      errors.push(noMatchError(op));
      const hint = partialHint(op, instances);
      if (hint) errors.push(hint);
      continue;
    }
    if (r.kind === 'partial' && r.matches.length > 1) { errors.push(partialMultipleError(op, r.matches)); continue; }
    for (const m of r.matches) out.add(m);
  }
  return { fmris: [...out], errors, stateOf };
}

export function closureLookup(repo: Repository): ClosureLookup {
  const instances = repo.listInstances();
  return {
    instancesOf: (s) => instances.filter((i) => i.startsWith(`${s}:`)),
    exists: (f) => instances.includes(f),
    dependencies: (f) => readRow(repo, f, { dependencies: true }).dependencies,
    restarter: (f) => {
      const r = repo.getProperty(f, 'general', 'restarter', { view: VIEW_EFFECTIVE, viewer: ROOT_VIEWER });
      return r.ok ? r.value.values[0] : undefined;
    },
  };
}
