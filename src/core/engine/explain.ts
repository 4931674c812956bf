// Pure queries over the engine's graph for the CLIs: svcs -x (root causes, reasons, impact with
// Path traces, smf-spec §7.1), svcs -l dependency lines, svcs -d / -D, and svcadm enable -s's
// "potential" analysis (§2.9). Data only: the CLIs own the wording and layout.
//
// Invariants:
// - Queries never change engine state (evaluation memo aside).
// - Files are evaluated live through fileExists (svcs -l shows the current answer, §3.4).

import type { Entity } from './dependencies.js';
import { Evaluator, restarterRunning } from './evaluate.js';
import { declaredGroups, type Graph, type Vertex } from './graph.js';
import { isRunning } from './instance.js';
import type { InstanceState, NextState, ReasonCode } from './types.js';

export type DependencySummary =
  | 'disabled' | 'temporarily_disabled' | 'starting' | 'offline' | 'missing_dependencies'
  | 'method_failed_repeatedly' | 'method_failed' | 'restarting_too_quickly' | 'dependency_cycle'
  | 'invalid_dependency' | 'admin_maintenance' | 'uninitialized' | 'running';

export type ExplainReason =
  | { kind: 'running' }
  | { kind: 'disabled'; temporary: boolean }
  | { kind: 'start_method_running' }
  | { kind: 'transitioning'; to: NextState }
  /** also used for an existing exclude_all file (the real svcs wording quirk) */
  | { kind: 'dependency_absent'; entity: string }
  | { kind: 'dependency_not_running'; dependency: string; summary: DependencySummary }
  | { kind: 'excluded_running'; dependency: string }
  | { kind: 'maintenance'; aux: ReasonCode;
      lastStartFailure?: { exitCode?: number; signal?: string; coreDumped?: boolean };
      /** dependency_cycle: the cycle found when the edge was refused, [this, ..., this] */
      cycle?: string[] }
  | { kind: 'uninitialized'; restarter: string; restarterRunning: boolean }
  | { kind: 'degraded' }
  | { kind: 'offline' };

export interface Explanation {
  fmri: string;
  state: InstanceState;
  nextState: NextState;
  aux: ReasonCode;
  reason: ExplainReason;
  /** instances not running because of this one, each with its Path (impacted ... this) */
  impacted: { fmri: string; path: string[] }[];
}

export interface DependencyLine {
  grouping: string;
  restartOn: string;
  entities: { name: string; status: string }[];
}

export class Queries {
  constructor(
    private readonly graph: Graph, private readonly evaluator: Evaluator,
    private readonly fileExists: (p: string) => boolean, private readonly master: string,
  ) {}

  /** svcs -d: instances the operand depends on (service groups, no exclude_all, no files). */
  dependencies(fmri: string): string[] {
    const v = this.graph.get(fmri);
    if (!v) return [];
    const out = new Set<string>();
    for (const g of declaredGroups(v)) {
      if (g.grouping === 'exclude_all') continue;
      for (const e of g.entities) if (e.kind !== 'file') for (const f of this.graph.expand(e.fmri)) out.add(f);
    }
    return [...out];
  }

  /** svcs -D: instances with a non-exclude_all dependency on the instance or its service. */
  dependents(fmri: string): string[] {
    const v = this.graph.get(fmri);
    if (!v) return [];
    return this.graph.directDependents(fmri).filter((d) => {
      const dv = this.graph.get(d);
      return !!dv && dv.groups.some((g) => g.grouping !== 'exclude_all' && g.entities.some((e) => e.kind !== 'file' && (e.fmri === v.fmri || e.fmri === v.service)));
    });
  }

  /** svcs -l dependency lines (state of each entity in parentheses). */
  dependencyStatus(fmri: string): DependencyLine[] {
    const v = this.graph.get(fmri);
    if (!v) return [];
    return declaredGroups(v).map((g) => ({
      grouping: g.grouping, restartOn: g.restartOn,
      entities: g.entities.map((e) => ({ name: e.kind === 'file' ? e.uri : e.fmri, status: this.entityStatus(e) })),
    }));
  }

  private entityStatus(e: Entity): string {
    if (e.kind === 'file') return this.fileExists(e.path) ? 'online' : 'absent';
    const insts = this.graph.expand(e.fmri);
    if (insts.length === 0) return 'absent';
    if (insts.length > 1) return 'multiple';
    return this.graph.get(insts[0])!.state;
  }

  /** svcadm enable -s: false when the instance can never come up without admin action. */
  potentialSatisfiable(fmri: string): boolean {
    const v = this.graph.get(fmri);
    if (!v || v.configError || v.state === 'maintenance') return false;
    if (v.restarter && !this.restarterRunning(v.restarter)) return false;
    // a fresh evaluator each time: the question is rare, its memo would go stale with any change
    return new Evaluator(this.graph, this.fileExists, true).satisfiability(fmri) !== -1;
  }

  /** svcadm disable -s: the instance's delegated restarter, if any, is running (the master always is). */
  restarterAvailable(fmri: string): boolean {
    const v = this.graph.get(fmri);
    return !!v && (!v.restarter || this.restarterRunning(v.restarter));
  }

  private restarterRunning(r: string): boolean { return restarterRunning(this.graph, r); }

  summary(fmri: string): DependencySummary {
    const u = this.graph.get(fmri);
    if (!u) return 'offline';
    switch (u.state) {
      case 'online': case 'degraded': case 'legacy_run': return 'running';
      case 'disabled': return u.config.persistentEnabled === true && u.enabled === false ? 'temporarily_disabled' : 'disabled';
      case 'uninitialized': return 'uninitialized';
      case 'offline':
        if (u.nextState === 'online') return 'starting';
        return this.evaluator.isSatisfied(u) ? 'offline' : 'missing_dependencies';
      case 'maintenance':
        switch (u.aux) {
          case 'fault_threshold_reached': return 'method_failed_repeatedly';
          case 'restarting_too_quickly': return 'restarting_too_quickly';
          case 'dependency_cycle': return 'dependency_cycle';
          case 'invalid_dependency': case 'invalid_restarter': return 'invalid_dependency';
          case 'administrative_request': case 'service_request': return 'admin_maintenance';
          default: return 'method_failed';
        }
    }
  }

  reason(v: Vertex): ExplainReason {
    switch (v.state) {
      case 'maintenance': {
        const r: ExplainReason = { kind: 'maintenance', aux: v.aux, lastStartFailure: v.lastStartFailure };
        if (v.aux === 'dependency_cycle' && v.configError?.aux === 'dependency_cycle') r.cycle = v.configError.cycle;
        return r;
      }
      case 'disabled': return { kind: 'disabled', temporary: v.config.persistentEnabled === true && v.enabled === false };
      case 'uninitialized': {
        const r = v.restarter ?? this.master;
        return { kind: 'uninitialized', restarter: r, restarterRunning: r === this.master || this.restarterRunning(r) };
      }
      case 'degraded': return { kind: 'degraded' };
      case 'online': case 'legacy_run':
        return v.nextState === 'none' ? { kind: 'running' } : { kind: 'transitioning', to: v.nextState };
      case 'offline':
        if (v.nextState === 'online') return { kind: 'start_method_running' };
        if (v.nextState !== 'none') return { kind: 'transitioning', to: v.nextState };
        return this.offlineReason(v);
    }
  }

  private offlineReason(v: Vertex): ExplainReason {
    for (const g of v.groups) {
      if (this.evaluator.groupValue(g) === 1) continue;
      for (const e of g.entities) {
        if (e.kind === 'file') {
          const present = this.fileExists(e.path);
          if (g.grouping === 'exclude_all' ? present : !present) return { kind: 'dependency_absent', entity: e.uri };
          continue;
        }
        const insts = this.graph.expand(e.fmri);
        if (g.grouping === 'exclude_all') {
          const blocking = insts.find((f) => this.evaluator.excludeInstance(f) !== undefined);
          if (blocking) return { kind: 'excluded_running', dependency: blocking };
          continue;
        }
        if (insts.length === 0) {
          if (g.grouping === 'optional_all') continue;
          return { kind: 'dependency_absent', entity: e.fmri };
        }
        if (insts.some((f) => isRunning(this.graph.get(f)!.state))) continue;
        const culprit = insts[0];
        return { kind: 'dependency_not_running', dependency: culprit, summary: this.summary(culprit) };
      }
    }
    if (v.restarter && !this.restarterRunning(v.restarter)) {
      return { kind: 'dependency_not_running', dependency: v.restarter, summary: this.summary(v.restarter) };
    }
    return { kind: 'offline' };
  }

  /** Instances not running because of `fmri`, breadth first, with Path traces. */
  impacted(fmri: string): { fmri: string; path: string[] }[] {
    const root = this.graph.get(fmri);
    if (!root) return [];
    const parent = new Map<string, string>();
    const out: { fmri: string; path: string[] }[] = [];
    const queue = [fmri];
    for (let i = 0; i < queue.length; i++) {
      const u = this.graph.get(queue[i])!;
      const uRunning = isRunning(u.state);
      for (const df of this.graph.directDependents(u.fmri)) {
        if (df === fmri || parent.has(df)) continue;
        const d = this.graph.get(df);
        if (!d || isRunning(d.state) || d.enabled !== true) continue;
        const via = d.groups.filter((g) => g.entities.some((e) => e.kind !== 'file' && (e.fmri === u.fmri || e.fmri === u.service)));
        const blocks = via.some((g) => (g.grouping === 'exclude_all' ? uRunning : !uRunning && g.grouping !== 'optional_all'))
          || via.some((g) => g.grouping === 'optional_all' && !uRunning && this.evaluator.groupValue(g) !== 1);
        if (!blocks || this.evaluator.isSatisfied(d)) continue;
        parent.set(df, u.fmri);
        queue.push(df);
        const path = [df];
        for (let c = u.fmri; ; c = parent.get(c)!) { path.push(c); if (c === fmri) break; }
        out.push({ fmri: df, path });
      }
    }
    return out;
  }

  explain(fmri: string): Explanation | undefined {
    const v = this.graph.get(fmri);
    if (!v) return undefined;
    return { fmri, state: v.state, nextState: v.nextState, aux: v.aux, reason: this.reason(v), impacted: this.impacted(fmri) };
  }

  /** svcs -x without operands: root-cause instances, most impact first. */
  rootCauses(): Explanation[] {
    const out: Explanation[] = [];
    for (const v of this.graph.vertices.values()) {
      const e = this.explain(v.fmri)!;
      const r = e.reason;
      const isCause =
        v.state === 'maintenance' || v.state === 'degraded' ||
        (v.state === 'disabled' && (v.enabled === true || e.impacted.length > 0)) ||
        (v.state === 'offline' && v.enabled === true && (r.kind === 'start_method_running' || r.kind === 'transitioning' || r.kind === 'dependency_absent' ||
          (r.kind === 'dependency_not_running' && r.dependency === v.restarter))) ||
        (v.state === 'uninitialized' && v.enabled === true && r.kind === 'uninitialized' && !r.restarterRunning) ||
        (isRunning(v.state) && e.impacted.length > 0);
      if (isCause) out.push(e);
    }
    return out.sort((a, b) => b.impacted.length - a.impacted.length || (a.fmri < b.fmri ? -1 : a.fmri > b.fmri ? 1 : 0));
  }
}
