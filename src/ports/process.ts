// Ports for running methods and tracking the processes a service leaves behind ("contracts").
// The daemon wires the engine's commands (runMethod, killContract, abandonContract, log) to
// these; real adapters live in src/adapters/process, recording fakes in the daemon's tests.
//
// Invariants:
// - A method run never rejects for an expected failure: every outcome is a MethodOutcome value
//   (spawnError for "could not even start", exitCode/signal otherwise). Rejections = bugs.
// - One primary contract per instance FMRI. Contract events are delivered asynchronously, after
//   the outcome of any method that ran inside that contract has been resolved.
// - Signals are Linux signal numbers or names ('SIGTERM', 'TERM', 15 are all accepted).
import type { MethodContextSpec } from '../core/method/context.js';
import type { MethodOutcome as EngineMethodOutcome } from '../core/engine/types.js';

export type MethodName = 'start' | 'stop' | 'refresh';
/** startd/duration: contract (default), transient, child (= wait). */
export type ServiceModel = 'contract' | 'transient' | 'child';

export interface MethodRunRequest {
  /** instance FMRI, e.g. svc:/site/pool-import:default */
  fmri: string;
  method: MethodName;
  /** Token-expanded exec string (core/method expandMethodTokens), or a built-in: `:true`, `:kill`, `:kill -SIG`. */
  exec: string;
  model: ServiceModel;
  /** The method context as read from the repository (core/method readMethodContext); names are resolved by the runner. */
  context: MethodContextSpec;
  /** The complete environment (core/method buildMethodEnvironment); nothing else is inherited. */
  env: Record<string, string>;
  /** null or 0 = no timeout. On expiry the method's process group/cgroup gets SIGKILL. */
  timeoutMs: number | null;
  /** Instance log file; stdout and stderr of the method are appended to it. */
  logPath: string;
  /** Stop of a contract/child-model service: after the method (or :kill) succeeds, wait for the primary
   *  contract to empty until timeoutMs after the start of the run; then SIGKILL it and report timedOut. */
  waitForEmpty?: boolean;
}

/** What a method run ended with: the engine's view of an outcome (exit code, signal, timeout, core, spawn error,
 *  empty contract, contract id) plus what the runner alone knows. */
export interface MethodOutcome extends EngineMethodOutcome {
  durationMs: number;
  /** Last ~2 KiB the method wrote to the log (stdout and stderr interleaved), for svcs -x / the log line. */
  stderrTail: string;
  /** pid of the method process (restarter/start_pid); absent for built-ins and spawn errors. */
  pid?: number;
  /** Raw wait(2)-style status (exit << 8 | signal | 0x80 core) for restarter/start_method_waitstatus. */
  waitStatus?: number;
  /** Human-readable reason for spawnError (names the property/file and what to do). */
  message?: string;
}

/** A started method: pid known at once (wait model goes online immediately), outcome later. */
export interface MethodHandle {
  pid: number | null;
  /** Contract id of the contract the method runs in (restarter/contract or transient_contract), if any. */
  contractId: number | null;
  outcome: Promise<MethodOutcome>;
}

export interface MethodRunner {
  /** Starts the method; for the wait (child) model `outcome` resolves when the service process exits. */
  start(req: MethodRunRequest): MethodHandle;
  /** start(req).outcome */
  run(req: MethodRunRequest): Promise<MethodOutcome>;
  /**
   * True when start(req) hands the method to the process that writes the instance log lines
   * (InstanceLogs with a writer), which orders it after the lines appended before: no need to
   * wait for InstanceLogs.whenWritten first.
   */
  ordersAfterLog?(req: MethodRunRequest): boolean;
  /**
   * The daemon is exiting and leaves its services running: the processes it started itself (wait
   * model services, methods still running) and their timeouts stop holding its process alive.
   * Outcomes may still arrive while it finishes; nothing is killed.
   */
  release?(): void;
}

export type ContractEventKind = 'empty' | 'core' | 'signal';
export interface ContractEvent {
  fmri: string;
  kind: ContractEventKind;
  contractId: number;
}

export interface ContractManager {
  /** 'cgroup2' or 'pgroup' (process-group fallback). */
  readonly mechanism: 'cgroup2' | 'pgroup';
  /** For svcs -l: "cgroup v2 /sys/fs/cgroup/unified/tsmf/<escaped-fmri>" or "process group 1234". */
  kind(fmri: string): string;
  /** Whether a primary contract is tracked for the instance. */
  has(fmri: string): boolean;
  /** restarter/contract: cgroup id (inode of the cgroup directory) or process-group id. */
  contractId(fmri: string): number | null;
  /** True when no process is left in the primary contract (also true when none is tracked). */
  isEmpty(fmri: string): boolean;
  /** pids in the primary contract (svcs -p). */
  members(fmri: string): number[];
  /** Sends `signal` to every process of the primary contract; returns how many were signalled
   *  (cgroup contracts: every pid of cgroup.procs, re-read until no new one shows up). */
  kill(fmri: string, signal: number | string): number;
  /** Stops tracking the primary contract; its processes keep running untracked. */
  abandon(fmri: string): void;
  /** After a daemon restart: take over an existing contract (cgroup found by name; process group by
   *  the id recorded in restarter/contract). Returns false when there is nothing to adopt. */
  adopt(fmri: string, contractId?: number): boolean;
  /** Subscribe to contract events; returns an unsubscribe function. */
  onEvent(listener: (ev: ContractEvent) => void): () => void;
  /** Stop all watchers and timers (processes are left alone). */
  close(): void;
}

/** Instance log files (var/svc/log/<fmri>.log) and the restarter's bracketed lines. */
export interface InstanceLogs {
  /** Absolute path of the instance's log file. */
  pathFor(fmri: string): string;
  /** Appends `[ Mon DD HH:MM:SS text ]` (text without the brackets), rotating by size first. */
  append(fmri: string, text: string, when?: Date): void;
  /**
   * When appends are written asynchronously: resolves once the lines appended so far for the file
   * at `logPath` are in it, or null when none are pending (spawn a method only then, so that its
   * output follows the restarter's lines).
   */
  whenWritten?(logPath: string): Promise<void> | null;
  /** Resolves once every line appended so far is written (shutdown, replies). */
  flush?(): Promise<void>;
}
