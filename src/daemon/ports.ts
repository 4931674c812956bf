// What the daemon needs from its collaborators, narrowed to exactly the calls it makes. The real
// implementations are wired in wiring.ts (engine from src/core/engine, repository from
// src/repository, processes from src/adapters/process); tests may pass fakes.
import type { PropertyGroup } from '../core/model.js';
import type { EngineCommand, EngineEvent } from '../core/engine/types.js';
import type { ContractManager, InstanceLogs, MethodRunner } from '../ports/process.js';
import type { EntityAuthorizations, ImportOptions, ImportReport, LoweredBundle, NewInstanceLevels, RepoResult, RestarterStateUpdate } from '../repository/types.js';

export interface EngineLike {
  step(event: EngineEvent, nowMs: number): EngineCommand[];
}

/** One instance as the daemon reads it. */
export interface InstanceView {
  fmri: string;
  /** composed current (editing) pgs: general/enabled, general_ovr, restarter, restarter_actions */
  current: PropertyGroup[];
  /** composed running snapshot (+ current NONPERSISTENT pgs); current-composed when never snapshotted */
  effective: PropertyGroup[];
  /** no `running` snapshot exists yet: svc.startd takes it as the instance enters the graph (smf-spec §6.4) */
  withoutRunning?: boolean;
}

export type RepoOutcome = { ok: true } | { ok: false; code: string; message: string };

export interface DaemonRepository {
  /** Canonical instance FMRIs (svc:/S:I), in creation order. */
  listInstances(): string[];
  /** undefined when the instance does not exist */
  readInstance(fmri: string): InstanceView | undefined;
  /**
   * readInstance of many instances at once (the reload after an import, start-up), keyed by the
   * FMRI as given; missing instances are absent. `current` holds at least the pgs listed on
   * InstanceView. Optional: without it the daemon reads instance by instance.
   */
  readInstances?(fmris: readonly string[]): Map<string, InstanceView>;
  /** svccfg import semantics, one transaction (svc.startd importing for svccfg) */
  importBundle?(bundle: LoweredBundle, opts: ImportOptions): RepoResult<ImportReport>;
  /** What readInstances would read of a new instance right after the import that wrote `levels` */
  viewOfNewInstance?(fmri: string, levels: NewInstanceLevels): InstanceView;
  /** Composed pgs of any entity (for %{svc:/other:inst/:properties/pg/prop}); undefined if absent. */
  readEffective(fmri: string): PropertyGroup[] | undefined;
  writeRestarterStates(batch: ReadonlyMap<string, RestarterStateUpdate>): void;
  /** general/enabled (persistent, also deletes general_ovr/enabled) or general_ovr/enabled (temporary) */
  setEnabled(fmri: string, enabled: boolean, temporary: boolean): RepoOutcome;
  /** general_ovr/enabled: value, or delete with null */
  setTemporaryEnabled(fmri: string, value: boolean | null): RepoOutcome;
  /** after a successful start: take `start`, and `running` too when the instance has none (illumos poststart) */
  takeStartSnapshots(fmri: string): RepoOutcome;
  /** Takes `running` (from the current configuration) of each instance that lacks one; failures are returned. */
  takeMissingRunning?(fmris: readonly string[]): { fmri: string; message: string }[];
  /** retake the running snapshot from the current configuration (svcadm refresh) */
  refreshInstance(fmri: string): RepoOutcome;
  /** pending restarter_actions values (and delete them) — for actions written while no daemon ran */
  takeRestarterActions(fmri: string): Record<string, string[]>;
  /** options_ovr/milestone (and options/milestone when persistent) on the master restarter */
  setMilestone(target: string, persistent: boolean): RepoOutcome;
  /** options_ovr/milestone else options/milestone, undefined = all */
  bootMilestone(): string | undefined;
  /** drop every NONPERSISTENT pg (new boot) */
  discardNonPersistent(): void;
  authorizations(fmri: string): EntityAuthorizations | undefined;
  /** import a manifest file (first start: base manifests) and return the instances to notify */
  importManifest?(file: string): { ok: true; notify: string[] } | { ok: false; message: string };
  close(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

export interface ProcessPorts {
  runner: MethodRunner;
  contracts: ContractManager;
  logs: InstanceLogs;
}
