// Which instances an svcadm command acts on: `-S state` selects every instance in that state;
// otherwise each operand is resolved (§1.4) and a *partial* operand matching several instances is
// an error (`Partial FMRI 'X' matches multiple instances:` + one tab-indented line per match), the
// operand being skipped. Also the engine graph over stored state behind `enable -r` and `-s`.
import { noMatchError, partialHint, partialMultipleError, resolveOperand } from '../../core/fmri.js';
import { hintsWanted } from '../common/hints.js';
import type { Repository } from '../../repository/repository.js';
import { storedGraph, type StoredGraph } from '../../core/listing/stored-graph.js';
import { ROOT_VIEWER, VIEW_COMPOSED } from '../../repository/types.js';
import { fileState } from '../svcs/files.js';
import type { SvcadmCommand } from './options.js';

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
    // every instance's state in one bulk read
    for (const s of repo.instanceSummaries()) {
      states.set(s.fmri, s.state ?? 'uninitialized');
      if (states.get(s.fmri) === cmd.selectState) out.add(s.fmri);
    }
    return { fmris: [...out], errors, stateOf };
  }
  for (const op of cmd.operands) {
    const r = resolveOperand(op, instances);
    if (r.matches.length === 0) {
      errors.push(noMatchError(op));
      const hint = hintsWanted() ? partialHint(op, instances) : undefined;
      if (hint) errors.push(hint);
      continue;
    }
    if (r.kind === 'partial' && r.matches.length > 1) { errors.push(partialMultipleError(op, r.matches)); continue; }
    for (const m of r.matches) out.add(m);
  }
  return { fmris: [...out], errors, stateOf };
}

/** The engine's dependency graph over the stored states and effective dependency pgs (bulk reads). */
export function storedGraphOf(repo: Repository): StoredGraph {
  const deps = repo.effectivePgsOfType('dependency');
  return storedGraph(repo.instanceSummaries().map((s) => ({
    fmri: s.fmri, state: s.state, nextState: s.nextState, auxState: s.auxiliaryState,
    enabled: s.enabledOverride ?? s.enabled, persistentEnabled: s.enabled, restarter: s.restarter,
    dependencyPgs: deps.get(s.fmri) ?? [],
  })), (p) => fileState(p) === 'present');
}
