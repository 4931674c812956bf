// Builds the engine's InstanceConfig from an instance as read from the repository: enabled from the
// current properties (general_ovr over general, smf-spec §2.5), everything else from the running
// snapshot (dependencies, methods, startd). Malformed values fall back to SMF defaults; the engine
// validates dependency pgs itself. The dependency pgs the engine keeps (one config per instance,
// 5,000 at scale) are compact copies (compact-config.ts), not the repository read's objects.
import { compactPgs } from './compact-config.js';
import { findPg, findProp, type PropertyGroup } from '../core/model.js';
import { DEFAULT_STARTD, type InstanceConfig, type MethodSpec, type StartdConfig } from '../core/engine/types.js';
import type { InstanceView } from './ports.js';

function boolOf(pgs: readonly PropertyGroup[], pg: string, prop: string): boolean | undefined {
  const v = findProp(findPg(pgs, pg), prop)?.values[0];
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

function strOf(pgs: readonly PropertyGroup[], pg: string, prop: string): string | undefined {
  return findProp(findPg(pgs, pg), prop)?.values[0];
}

function intOf(pgs: readonly PropertyGroup[], pg: string, prop: string): number | undefined {
  const v = strOf(pgs, pg, prop);
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

function methodSpec(pgs: readonly PropertyGroup[], name: string): MethodSpec | undefined {
  const pg = findPg(pgs, name);
  if (!pg || pg.type !== 'method') return undefined;
  const exec = findProp(pg, 'exec')?.values[0];
  if (exec === undefined) return undefined;
  const t = findProp(pg, 'timeout_seconds')?.values[0];
  let timeoutSeconds: number | bigint = 0;
  if (t !== undefined && /^-?\d+$/.test(t)) {
    const big = BigInt(t);
    timeoutSeconds = big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER) ? big : Number(big);
  }
  return { exec, timeoutSeconds };
}

/** startd/ignore_error (one astring, smf-spec §5.1): exactly core, signal, core,signal or signal,core; anything else ignores nothing. */
export function ignoreErrors(value: string | undefined): { core: boolean; signal: boolean } {
  switch (value) {
    case 'core': return { core: true, signal: false };
    case 'signal': return { core: false, signal: true };
    case 'core,signal': case 'signal,core': return { core: true, signal: true };
    default: return { core: false, signal: false };
  }
}

function startdConfig(pgs: readonly PropertyGroup[]): StartdConfig {
  const duration = strOf(pgs, 'startd', 'duration');
  const ignore = ignoreErrors(strOf(pgs, 'startd', 'ignore_error'));
  const restartOn = strOf(pgs, 'start', 'restart_on');
  const cfg: StartdConfig = {
    ...DEFAULT_STARTD,
    duration: duration === 'transient' ? 'transient' : duration === 'child' || duration === 'wait' ? 'child' : 'contract',
    ignoreError: ignore,
    timeoutRetry: boolOf(pgs, 'startd', 'timeout_retry') ?? true,
    restartOn: restartOn === 'any_fault' || restartOn === 'external_fault' ? restartOn : 'all',
  };
  const count = intOf(pgs, 'startd', 'critical_failure_count');
  const period = intOf(pgs, 'startd', 'critical_failure_period');
  if (count !== undefined) cfg.criticalFailureCount = count;
  if (period !== undefined) cfg.criticalFailurePeriod = period;
  return cfg;
}

export function instanceConfig(view: InstanceView): InstanceConfig {
  const persistentEnabled = boolOf(view.current, 'general', 'enabled');
  const override = boolOf(view.current, 'general_ovr', 'enabled');
  const cfg: InstanceConfig = {
    fmri: view.fmri,
    enabled: override ?? persistentEnabled,
    persistentEnabled,
    dependencyPgs: compactPgs(view.effective.filter((pg) => pg.type === 'dependency')),
    methods: {},
    startd: startdConfig(view.effective),
  };
  const restarter = strOf(view.effective, 'general', 'restarter') ?? strOf(view.current, 'general', 'restarter');
  if (restarter !== undefined && restarter !== '') cfg.restarter = restarter;
  for (const m of ['start', 'stop', 'refresh'] as const) {
    const spec = methodSpec(view.effective, m);
    if (spec) cfg.methods[m] = spec;
  }
  return cfg;
}
