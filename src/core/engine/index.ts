// Public surface of the pure restarter engine: the daemon and the CLIs import from here.
// Engine.step(event, nowMs) -> EngineCommand[]; queries (explain, rootCauses, dependencyStatus,
// potentialSatisfiable, dependents, dependencies, enableClosure) never change state.

export { Engine } from './engine.js';
export type { DependencyLine, DependencySummary, ExplainReason, Explanation } from './explain.js';
export type { EnableClosure } from './milestone.js';
export { parseDependencyGroups, parseSvcFmri, parseFileUri, serviceOf } from './dependencies.js';
export type { DependencyGroup, Entity, Grouping, RestartOn } from './dependencies.js';
export { classifyOutcome, timeoutMs, restartingTooQuickly, FAULT_THRESHOLD } from './policy.js';
export * from './types.js';
