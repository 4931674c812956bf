// Public types of the pure restarter engine (graph engine + per-instance restarter + restart
// policy). The daemon builds InstanceConfig values from the repository, feeds EngineEvents into
// Engine.step(event, nowMs) and executes the returned EngineCommands in order, feeding results
// back as events. The engine never performs I/O.
//
// Invariants:
// - Every command names an instance the engine knows (or knew, for the last commands of a remove).
// - A runMethod command carries a transitionId; only a methodCompleted with that id is accepted
//   (stale completions are ignored), so one method at a time runs per instance.
// - commitState is emitted for every state / next_state change, in order (smf-spec §2.2).

import type { PropertyGroup } from '../model.js';

/** smf-spec §2.1. */
export type InstanceState =
  | 'uninitialized' | 'offline' | 'online' | 'degraded' | 'maintenance' | 'disabled' | 'legacy_run';
export type NextState = InstanceState | 'none';

/** restarter/auxiliary_state reason codes (smf-spec §2.3). */
export type ReasonCode =
  | 'none' | 'administrative_request' | 'bad_repo_state' | 'clear_request' | 'ct_ev_core'
  | 'ct_ev_exit' | 'ct_ev_hwerr' | 'ct_ev_signal' | 'dependencies_satisfied' | 'dependency_activity'
  | 'dependency_cycle' | 'disable_request' | 'enable_request' | 'fault_threshold_reached'
  | 'insert_in_graph' | 'invalid_dependency' | 'invalid_restarter' | 'method_failed'
  | 'per_configuration' | 'restart_request' | 'restarting_too_quickly' | 'service_request';

/** RERR classes: NONE < FAULT < RESTART < REFRESH (smf-spec conventions). */
export const RERR_NONE = 0;
export const RERR_FAULT = 1;
export const RERR_RESTART = 2;
export const RERR_REFRESH = 3;
export type RerrClass = 0 | 1 | 2 | 3;

export type MethodName = 'start' | 'stop' | 'refresh';
export type ServiceModel = 'contract' | 'transient' | 'child';

export interface MethodSpec {
  /** exec string as stored (":true", ":kill -HUP", or a command). */
  exec: string;
  /** timeout_seconds; 0, negative, non-finite or >= 2^53 mean infinite. */
  timeoutSeconds: number | bigint;
}

export interface StartdConfig {
  duration: ServiceModel;
  /** startd/ignore_error parsed: which contract events are ignored. */
  ignoreError: { core: boolean; signal: boolean };
  /** startd/timeout_retry (default true). */
  timeoutRetry: boolean;
  /** Both must be present to override the rate limit (smf-spec §2.6 point 4). */
  criticalFailureCount?: number;
  criticalFailurePeriod?: number;
  /** start/restart_on (smf-spec §4.1); default 'all'. */
  restartOn: 'all' | 'any_fault' | 'external_fault';
}

export const DEFAULT_STARTD: StartdConfig = {
  duration: 'contract', ignoreError: { core: false, signal: false }, timeoutRetry: true, restartOn: 'all',
};

/** What the daemon tells the engine about one instance (running snapshot + current enabled). */
export interface InstanceConfig {
  /** canonical instance FMRI, svc:/SERVICE:INSTANCE */
  fmri: string;
  /** effective enabled: general_ovr/enabled else general/enabled; undefined => stays uninitialized */
  enabled: boolean | undefined;
  /** general/enabled alone (ignoring overrides); used by milestones (§2.10). */
  persistentEnabled: boolean | undefined;
  /** general/restarter if set (raw string; validated by the engine). */
  restarter?: string;
  /** composed pgs of type "dependency" from the running snapshot; the engine validates them. */
  dependencyPgs: PropertyGroup[];
  methods: { start?: MethodSpec; stop?: MethodSpec; refresh?: MethodSpec };
  startd: StartdConfig;
}

export interface MethodOutcome {
  exitCode?: number;
  /** signal name that killed the method, e.g. "SIGKILL" */
  signal?: string;
  timedOut: boolean;
  coreDumped?: boolean;
  /** 'config': method could not be prepared (token expansion, context, :kill on transient...);
   *  'missing': wait-model start path does not exist. Both => maintenance method_failed. */
  spawnError?: 'config' | 'missing';
  /** contract model start only: the contract was already empty when the method exited. */
  contractEmpty?: boolean;
  /** id of the method's contract / cgroup, for the "Killing contract N." log line on timeout */
  contractId?: number;
}

export type ContractEventKind = 'empty' | 'core' | 'signal' | 'hwerr';

export type AdminAction =
  /** the daemon already wrote general/enabled or general_ovr/enabled */
  | { type: 'enable'; temporary: boolean }
  | { type: 'disable'; temporary: boolean }
  /** dump: `svcadm restart -d` (SIGABRT to the contract first; the core event follows) */
  | { type: 'restart'; dump?: boolean }
  | { type: 'clear' }
  | { type: 'maintOn'; aux: 'administrative_request' | 'service_request'; auxFmri?: string }
  | { type: 'maintOnImmediate'; aux: 'administrative_request' | 'service_request'; auxFmri?: string }
  | { type: 'degraded' }
  | { type: 'degradeImmediate' }
  | { type: 'restore' };

export interface RestoredInstance {
  fmri: string;
  state: InstanceState;
  nextState: NextState;
  aux?: ReasonCode;
  /** primary contract (or wait child) still alive */
  contractAlive: boolean;
  /** a primary contract (or wait child) was recorded but is gone: its processes exited while no
   *  restarter watched. A running instance is then stopped with ct_ev_exit, as the event it missed. */
  contractLost?: boolean;
}

export type EngineEvent =
  /** graph load (initial), import or any config change; cycle check happens here. */
  /** milestone: the daemon's start-up only: the milestone in force (options_ovr, else options/milestone), applied
   *  before any instance is enabled so that nothing outside it starts (smf-spec §2.10) */
  | { kind: 'configure'; instances: InstanceConfig[]; initial?: boolean; restored?: RestoredInstance[]; milestone?: string }
  /** svcadm refresh / svccfg refresh: new running-snapshot config for one instance. */
  | { kind: 'refresh'; config: InstanceConfig }
  | { kind: 'remove'; fmri: string }
  | { kind: 'admin'; fmri: string; action: AdminAction }
  /** 'all' | 'none' | an instance FMRI (canonical) */
  | { kind: 'milestone'; target: string }
  | { kind: 'methodCompleted'; fmri: string; method: MethodName; transitionId: number; outcome: MethodOutcome }
  | { kind: 'contractEvent'; fmri: string; contractEvent: ContractEventKind }
  | { kind: 'childExited'; fmri: string; exitCode?: number; signal?: string }
  | { kind: 'timerFired'; fmri: string; id: string }
  | { kind: 'restore'; restored: RestoredInstance };

export type EngineCommand =
  /** run a method; timeoutMs null = infinite. waitForEmpty: (stop, contract/child model) after the
   *  method exits 0 wait for the contract to empty within the remaining timeout, then SIGKILL and
   *  report timedOut. The runner handles ":kill" itself; ":true" reaches the runner only as a stop
   *  with waitForEmpty (no process: just wait for the contract to empty). */
  | { kind: 'runMethod'; fmri: string; method: MethodName; transitionId: number; model: ServiceModel;
      exec: string; timeoutMs: number | null; waitForEmpty: boolean }
  | { kind: 'killContract'; fmri: string; signal: string }
  /** stop tracking the primary contract / wait child; processes are left running. */
  | { kind: 'abandonContract'; fmri: string }
  /** auxState undefined = leave restarter/auxiliary_state unchanged; auxFmri for maintenance by a service. */
  | { kind: 'commitState'; fmri: string; state: InstanceState; nextState: NextState;
      auxState?: ReasonCode; auxFmri?: string; at: number }
  /** bracketed restarter log line for the instance log (text without "[ date" / " ]"). */
  | { kind: 'log'; fmri: string; text: string }
  /** daemon-level error log (e.g. dependency cycle member list). */
  | { kind: 'errorLog'; fmri: string; text: string }
  | { kind: 'setTimer'; fmri: string; id: string; atMs: number }
  | { kind: 'cancelTimer'; fmri: string; id: string }
  /** write (true/false) or delete (null) general_ovr/enabled (milestones, exit 101). */
  | { kind: 'setTemporaryEnabled'; fmri: string; value: boolean | null }
  /** the instance left the graph (after its stop, if it was running). */
  | { kind: 'removed'; fmri: string };

/** Ports the engine needs (pure functions supplied by the daemon). */
export interface EnginePorts {
  /** stat() of a path, evaluated only at evaluation time (never watched, §3.4). */
  fileExists(path: string): boolean;
}

export interface EngineOptions {
  /** [ext] implement documented degraded semantics instead of ignoring `mark degraded`. */
  degradedExtension?: boolean;
  /** FMRI of the master restarter (default svc:/system/svc/restarter:default). */
  masterRestarter?: string;
}

export const MASTER_RESTARTER = 'svc:/system/svc/restarter:default';

/** Three-valued dependency answer (§3.2). */
export type Tri = 1 | 0 | -1;
