// Graph-side reactions to a committed state change (smf-spec §2.5, §3.5, §3.5.1-§3.5.3):
// which dependents get STOP / STOP_RESET, which get re-evaluated, and the transitive
// satisfiability walk. Works on explicit queues supplied by the engine, never recursion.
//
// Invariants:
// - Only direct dependents are stopped; they propagate their own stop (class RESTART) when
//   their own state change arrives here.
// - An event of class E reaches a dependent group only if E != NONE and E <= its restart_on
//   threshold; exclude_all groups ignore restart_on (the §3.5.2 quirk).

import { restartOnThreshold, type DependencyGroup } from './dependencies.js';
import type { Graph, RestarterCommand, Vertex } from './graph.js';
import { isRunning } from './instance.js';
import { RERR_FAULT, RERR_NONE, RERR_RESTART, type InstanceState, type RerrClass } from './types.js';

export interface PropagationOps {
  readonly graph: Graph;
  send(v: Vertex, cmd: RestarterCommand, front?: boolean): void;
  queueEval(fmri: string): void;
  seedSatisfiability(fmri: string): void;
}

/** Does group g name instance `v` (directly or through its service)? */
export function names(g: DependencyGroup, v: Vertex): boolean {
  for (const e of g.entities) if (e.kind !== 'file' && (e.fmri === v.fmri || e.fmri === v.service)) return true;
  return false;
}

/** Groups of `dependent` that name instance `v`. */
export function groupsNaming(dependent: Vertex, v: Vertex): DependencyGroup[] {
  return dependent.groups.filter((g) => names(g, v));
}

const STOP_RESET = (): RestarterCommand => ({ type: 'STOP', rerr: RERR_RESTART, reset: true, aux: 'dependency_activity' });

export function onStateChange(ops: PropagationOps, v: Vertex, prev: InstanceState, rerr: RerrClass): void {
  const now = v.state;
  const wasRunning = isRunning(prev);
  const nowRunning = isRunning(now);
  if (now === 'offline' && v.enabled === true) ops.queueEval(v.fmri);

  const started = !wasRunning && nowRunning;
  const stopped = wasRunning && !nowRunning;
  const leftDisabled = (prev === 'disabled' || prev === 'uninitialized') && now === 'offline';
  const refreshed = wasRunning && nowRunning && rerr !== RERR_NONE;

  if (started || stopped || leftDisabled || refreshed) {
    for (const df of ops.graph.directDependents(v.fmri)) {
      const d = ops.graph.get(df);
      if (!d) continue;
      const dRunning = isRunning(d.state);
      for (const g of d.groups) {
        if (!names(g, v)) continue;
        const threshold = restartOnThreshold(g.restartOn);
        if (g.grouping === 'exclude_all') {
          if ((started || leftDisabled) && dRunning) ops.send(d, STOP_RESET());
          else if (!dRunning) {
            ops.queueEval(d.fmri);
            // d's own satisfiability may have flipped (to or from -1): tell its dependents too
            ops.seedSatisfiability(d.fmri);
          }
          continue;
        }
        if (started) {
          if (dRunning && threshold >= RERR_RESTART) ops.send(d, STOP_RESET());
          else if (!dRunning) ops.queueEval(d.fmri);
        } else if (stopped || refreshed) {
          if (dRunning && rerr !== RERR_NONE && rerr <= threshold) {
            ops.send(d, rerr === RERR_FAULT
              ? { type: 'STOP', rerr: RERR_RESTART, reset: false, aux: 'dependency_activity' }
              : STOP_RESET());
          } else if (!dRunning) ops.queueEval(d.fmri);
        }
      }
    }
  }
  if (prev !== now && (now === 'disabled' || now === 'maintenance' || now === 'offline' || now === 'uninitialized')) {
    ops.seedSatisfiability(v.fmri);
  }
}

/**
 * Transitive satisfiability propagation from the seeds (§3.5.3): every non-running transitive
 * dependent is re-evaluated. Running vertices stop the walk (their value no longer depends on
 * their own dependencies). `seen` is shared across one engine step to keep it linear.
 */
export function propagateSatisfiability(ops: PropagationOps, seeds: string[], seen: Set<string>): void {
  const queue: string[] = [];
  for (const s of seeds) queue.push(s);
  for (let i = 0; i < queue.length; i++) {
    for (const df of ops.graph.directDependents(queue[i])) {
      if (seen.has(df)) continue;
      seen.add(df);
      const d = ops.graph.get(df);
      if (!d || isRunning(d.state)) continue;
      ops.queueEval(df);
      queue.push(df);
    }
  }
}
