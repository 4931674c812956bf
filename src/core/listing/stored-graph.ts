// The restarter engine's dependency graph built from *stored* state (repository rows), for the
// CLIs that reason about the graph without the daemon: svcadm enable -r (the engine's
// enableClosure), svcadm enable -s (potentialSatisfiable) and the group / instance values behind
// svcs -x (explain-analysis.ts). One source of truth:
// vertices are inserted and validated exactly as the engine does (readConfig: restarter, groups,
// cycle check in insertion order), and the queries are the engine's own.
//
// Invariants: pure; the graph is never stepped, so states stay as stored (no restarter runs);
// instances are inserted in the order given (the repository's, as the daemon configures them),
// so the instance refused for closing a dependency cycle is the one the daemon refuses.
import { readConfig } from '../engine/config.js';
import type { DependencyGroup } from '../engine/dependencies.js';
import { Evaluator } from '../engine/evaluate.js';
import { Queries } from '../engine/explain.js';
import { declaredGroups, Graph, newVertex } from '../engine/graph.js';
import { enableClosure, type EnableClosure } from '../engine/milestone.js';
import { DEFAULT_STARTD, MASTER_RESTARTER, type InstanceState, type NextState, type ReasonCode, type Tri } from '../engine/types.js';
import type { PropertyGroup } from '../model.js';

export interface StoredInstance {
  fmri: string;
  state?: string;
  nextState?: string;
  auxState?: string;
  /** effective enabled (general_ovr/enabled, else general/enabled) */
  enabled?: boolean;
  /** general/enabled alone */
  persistentEnabled?: boolean;
  restarter?: string;
  /** dependency pgs of the effective view */
  dependencyPgs: PropertyGroup[];
}

const STATES: readonly string[] = ['uninitialized', 'offline', 'online', 'degraded', 'maintenance', 'disabled', 'legacy_run'];

export interface StoredGraph {
  /** `svcadm enable -r` closure of one instance (the engine's enableClosure) */
  enableClosure(fmri: string): EnableClosure;
  /** false when the instance can never come up without administrator action (svcadm enable -s exit 4) */
  potentialSatisfiable(fmri: string): boolean;
  /** false when the instance is delegated to a restarter that is not running (svcadm disable -s exit 4) */
  restarterAvailable(fmri: string): boolean;
  /** value of the instance's `index`-th dependency group (its pgs' order; -1 when they do not parse) */
  groupValue(fmri: string, index: number): Tri;
  /** value of an instance as a require_all / require_any entity (-1 when it does not exist) */
  instanceValue(fmri: string): Tri;
}

export function storedGraph(instances: readonly StoredInstance[], fileExists: (path: string) => boolean): StoredGraph {
  const graph = new Graph();
  for (const s of instances) {
    const v = newVertex({
      fmri: s.fmri, enabled: s.enabled, persistentEnabled: s.persistentEnabled, restarter: s.restarter,
      dependencyPgs: s.dependencyPgs, methods: {}, startd: DEFAULT_STARTD,
    });
    v.state = (s.state !== undefined && STATES.includes(s.state) ? s.state : 'uninitialized') as InstanceState;
    v.nextState = (s.nextState !== undefined && STATES.includes(s.nextState) ? s.nextState : 'none') as NextState;
    if (s.auxState) v.aux = s.auxState as ReasonCode;
    graph.add(v);
    const r = readConfig(graph, v, v.config, MASTER_RESTARTER);
    v.restarter = r.restarter;
    v.configError = r.error;
    graph.setEdges(v, r.groups);
  }
  const evaluator = new Evaluator(graph, fileExists);
  const queries = new Queries(graph, evaluator, fileExists, MASTER_RESTARTER);
  /** groups as declared, also for an instance whose groups the graph refused (cycle) */
  const declared = (fmri: string): DependencyGroup[] | undefined => {
    const v = graph.get(fmri);
    return v ? declaredGroups(v) : undefined;
  };
  return {
    enableClosure: (f) => enableClosure(graph, f),
    potentialSatisfiable: (f) => queries.potentialSatisfiable(f),
    restarterAvailable: (f) => queries.restarterAvailable(f),
    groupValue: (f, i) => { const g = declared(f)?.[i]; return g ? evaluator.groupValue(g) : -1; },
    instanceValue: (f) => evaluator.requireEntity({ kind: 'instance', fmri: f }, true) ?? 0,
  };
}
