// The analysis behind `svcs -x` (smf-spec §7.1, modelled on illumos explain.c): for every instance a
// Reason (why it is in its state), its root causes (the instances an administrator has to act on),
// and for root causes the set of impacted (not running) dependents.
//
// Dependency evaluation is the restarter engine's (core/engine/evaluate.ts) over the engine graph
// built from the stored rows (stored-graph.ts): group values, "may still come up" and potential
// satisfiability are computed by the code the daemon starts instances with. What stays here is
// svcs's presentation: reasons, root causes, impact and Path traces from *stored* states (the
// engine's own explain() works on live ones).
//
// Invariants: the analysis only reads the snapshot it is given (a pure function of rows, file
// states and whether the master restarter answers); an instance with a self-contained reason
// (maintenance, disabled, start method running, missing dependency, ...) is its own root cause,
// one that merely waits for others inherits their root causes.
import { parseEntity, type Entity } from './entity.js';
import type { FileState } from './long.js';
import { effectiveEnabled, type InstanceRow, MASTER_RESTARTER, restarterOf } from './row.js';
import { inTransition, isRunningState } from './states.js';
import { storedGraph, type StoredInstance } from './stored-graph.js';

export type Reason =
  | { kind: 'running' }
  | { kind: 'degraded' }
  | { kind: 'maintenance' }
  | { kind: 'disabled'; temporary: boolean }
  | { kind: 'uninitialized'; restarter: string; restarterRunning: boolean }
  | { kind: 'transition'; next: string }
  | { kind: 'absent'; entity: string }
  | { kind: 'excluded'; by: string }
  | { kind: 'dependency'; blocking: string[] }
  | { kind: 'unknown' };

export interface ExplainInput {
  /** every instance; dependency groups are only consulted for offline instances and for
   *  disabled ones whose effective enabled value is true, so other rows may omit them */
  rows: readonly InstanceRow[];
  fileState(path: string): FileState;
  /** whether the master restarter (the daemon) is running */
  masterRunning: boolean;
}

export interface Analysis {
  row(fmri: string): InstanceRow | undefined;
  reason(fmri: string): Reason;
  /** root causes of the instance (itself for a self-contained reason) */
  causes(fmri: string): string[];
  /** dependents that are not running because of this root cause (excluding itself) */
  impacted(fmri: string): string[];
  /** shortest chain of blocking dependencies from `from` to `to` (both included) */
  path(from: string, to: string): string[];
  /** root causes to list when svcs -x has no operands, most impact first */
  rootCauses(): string[];
  /** "potential" satisfiability (svcadm enable -s exit 4): false when no dependency group can
   *  ever be satisfied without administrator action */
  canComeUp(fmri: string): boolean;
}

export function analyse(input: ExplainInput): Analysis {
  const byFmri = new Map(input.rows.map((r) => [r.fmri, r]));
  const byService = new Map<string, string[]>();
  for (const r of input.rows) {
    const list = byService.get(r.service) ?? [];
    list.push(r.fmri);
    byService.set(r.service, list);
  }
  const expand = (e: Entity): string[] =>
    e.kind === 'instance' ? (byFmri.has(e.fmri) ? [e.fmri] : []) : e.kind === 'service' ? byService.get(e.service) ?? [] : [];

  // Three-valued satisfiability (smf-spec §3.2/§3.3): the engine's evaluator over the stored graph.
  const graph = storedGraph(input.rows.map(storedInstance), (p) => input.fileState(p) === 'present');
  const groupValue = (fmri: string, index: number): number => graph.groupValue(fmri, index);
  /** require_* value of one instance (1 running, 0 may still come up, -1 never without admin action) */
  const value = (fmri: string): number => graph.instanceValue(fmri);
  const canComeUp = (fmri: string): boolean => graph.potentialSatisfiable(fmri);

  const reasons = new Map<string, Reason>();
  const reason = (fmri: string): Reason => {
    let r = reasons.get(fmri);
    if (!r) { r = computeReason(byFmri.get(fmri)); reasons.set(fmri, r); }
    return r;
  };
  function computeReason(r: InstanceRow | undefined): Reason {
    if (!r) return { kind: 'unknown' };
    switch (r.state) {
      case 'online': return { kind: 'running' };
      case 'degraded': return { kind: 'degraded' };
      case 'maintenance': return { kind: 'maintenance' };
      case 'disabled': return { kind: 'disabled', temporary: r.enabledOverride === false };
      case 'offline': case 'uninitialized': case undefined: break;
      default: return { kind: 'unknown' };
    }
    if (r.state !== 'offline') {
      const restarter = restarterOf(r);
      const running = restarter === MASTER_RESTARTER ? input.masterRunning : isRunningState(byFmri.get(restarter)?.state);
      return { kind: 'uninitialized', restarter, restarterRunning: running };
    }
    if (inTransition(r.nextState)) return { kind: 'transition', next: r.nextState! };
    return dependencyReason(r);
  }
  function dependencyReason(r: InstanceRow): Reason {
    const blocking: string[] = [];
    let excludedBy: string | undefined;
    for (const [index, g] of r.dependencies.entries()) {
      if (groupValue(r.fmri, index) === 1) continue;
      for (const text of g.entities) {
        const e = parseEntity(text);
        if (e.kind === 'invalid') return { kind: 'absent', entity: text };
        if (e.kind === 'file') {
          const present = input.fileState(e.path) === 'present';
          if (g.grouping === 'exclude_all' ? present : !present) return { kind: 'absent', entity: text };
          continue;
        }
        const insts = expand(e);
        if (!insts.length) {
          if (g.grouping === 'require_all' || g.grouping === 'require_any') return { kind: 'absent', entity: text };
          continue;
        }
        for (const f of insts) {
          const st = byFmri.get(f)!.state;
          if (g.grouping === 'exclude_all') {
            if (isRunningState(st) && effectiveEnabled(byFmri.get(f)!)) excludedBy ??= f;
            else if (st === 'offline' || st === 'uninitialized') blocking.push(f);
          } else if (g.grouping === 'optional_all') {
            if (value(f) === 0) blocking.push(f);
          } else if (!isRunningState(st)) blocking.push(f);
        }
      }
    }
    if (excludedBy) return { kind: 'excluded', by: excludedBy };
    if (blocking.length) return { kind: 'dependency', blocking: [...new Set(blocking)] };
    return { kind: 'unknown' };
  }

  const causeMemo = new Map<string, string[]>();
  const causes = (fmri: string, visiting = new Set<string>()): string[] => {
    const memo = causeMemo.get(fmri);
    if (memo) return memo;
    const rs = reason(fmri);
    if (rs.kind === 'running') return [];
    if (rs.kind !== 'dependency') { causeMemo.set(fmri, [fmri]); return [fmri]; }
    if (visiting.has(fmri)) return [];
    visiting.add(fmri);
    const out = new Set<string>();
    for (const d of rs.blocking) {
      const sub = causes(d, visiting);
      for (const c of sub.length ? sub : [d]) out.add(c);
    }
    visiting.delete(fmri);
    const list = [...out].sort();
    causeMemo.set(fmri, list);
    return list;
  };

  let impactIndex: Map<string, string[]> | undefined;
  const impacted = (fmri: string): string[] => {
    if (!impactIndex) {
      impactIndex = new Map();
      for (const r of input.rows) {
        if (isRunningState(r.state)) continue;
        for (const c of causes(r.fmri)) {
          if (c === r.fmri) continue;
          const l = impactIndex.get(c) ?? [];
          l.push(r.fmri);
          impactIndex.set(c, l);
        }
      }
    }
    return [...(impactIndex.get(fmri) ?? [])].sort();
  };

  const path = (from: string, to: string): string[] => {
    const prev = new Map<string, string>([[from, '']]);
    const queue = [from];
    while (queue.length) {
      const cur = queue.shift()!;
      if (cur === to) break;
      const rs = reason(cur);
      if (rs.kind !== 'dependency') continue;
      for (const d of rs.blocking) if (!prev.has(d)) { prev.set(d, cur); queue.push(d); }
    }
    if (!prev.has(to)) return [from, to];
    const out: string[] = [];
    for (let c = to; c !== ''; c = prev.get(c)!) out.unshift(c);
    return out;
  };

  const isListedRoot = (r: InstanceRow): boolean => {
    const rs = reason(r.fmri);
    switch (rs.kind) {
      case 'maintenance': case 'degraded': case 'transition': case 'absent': case 'excluded': return true;
      case 'uninitialized': return effectiveEnabled(r);
      case 'disabled': return effectiveEnabled(r) || impacted(r.fmri).length > 0;
      default: return false;
    }
  };
  const rootCauses = (): string[] => input.rows.filter(isListedRoot).map((r) => r.fmri)
    .sort((a, b) => impacted(b).length - impacted(a).length || (a < b ? -1 : a > b ? 1 : 0));

  return { row: (f) => byFmri.get(f), reason, causes: (f) => causes(f), impacted, path, rootCauses,
    canComeUp: (f) => byFmri.has(f) && canComeUp(f) };
}

/** A listing row as the engine graph sees it (dependency groups back as dependency pgs). */
function storedInstance(r: InstanceRow): StoredInstance {
  const prop = (name: string, v: string | undefined) => (v === undefined ? [] : [{ name, type: 'astring' as const, values: [v] }]);
  return {
    fmri: r.fmri, state: r.state, nextState: r.nextState, auxState: r.auxState,
    enabled: r.enabledOverride ?? r.enabledPersistent, persistentEnabled: r.enabledPersistent, restarter: r.restarter,
    dependencyPgs: r.dependencies.map((g) => ({
      name: g.name, type: 'dependency', flags: 0, properties: [
        ...prop('grouping', g.grouping), ...prop('restart_on', g.restartOn), ...prop('type', g.type),
        { name: 'entities', type: 'fmri' as const, values: g.entities },
      ],
    })),
  };
}
