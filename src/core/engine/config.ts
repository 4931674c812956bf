// Reading one instance's graph-relevant configuration: the delegated restarter, the dependency
// groups and the cycle check for the edges they would insert (smf-spec §3.1, §3.7, §3.8).
//
// Invariants:
// - Pure with respect to the graph: only looks (findCycle), the caller applies the result.
// - At most one error is reported, in this order: invalid restarter, invalid dependency, cycle.

import { parseDependencyGroups, parseSvcFmri, type DependencyGroup } from './dependencies.js';
import type { ConfigError, Graph, Vertex } from './graph.js';
import type { InstanceConfig } from './types.js';

export interface ReadConfig {
  /** canonical delegated restarter; undefined for the master restarter, or on a cycle */
  restarter?: string;
  /** groups to insert as edges (empty on any error) */
  groups: DependencyGroup[];
  error?: ConfigError;
}

export function readConfig(graph: Graph, v: Vertex, config: InstanceConfig, master: string): ReadConfig {
  let restarter: string | undefined;
  if (config.restarter !== undefined && config.restarter !== '') {
    const p = parseSvcFmri(config.restarter);
    if (!p.ok || p.kind !== 'instance') {
      return { groups: [], error: { aux: 'invalid_restarter', message: `general/restarter "${config.restarter}" is not a valid instance FMRI; set it to an instance (svc:/S:I) or delete it` } };
    }
    if (p.canonical !== master) restarter = p.canonical;
  }
  const parsed = parseDependencyGroups(config.dependencyPgs);
  if (!parsed.ok) {
    return { restarter, groups: [], error: { aux: 'invalid_dependency', message: `property ${parsed.pg}/${parsed.property}: ${parsed.message}` } };
  }
  const saved = v.restarter;
  v.restarter = restarter;
  const cycle = graph.findCycle(v, parsed.groups);
  v.restarter = saved;
  if (cycle) {
    return { groups: [], error: { aux: 'dependency_cycle', message: `Dependency cycle detected: ${cycle.join(' -> ')}`, cycle } };
  }
  return { restarter, groups: parsed.groups };
}

export function sameDeps(a: InstanceConfig, b: InstanceConfig): boolean {
  return a.restarter === b.restarter && JSON.stringify(a.dependencyPgs) === JSON.stringify(b.dependencyPgs);
}
