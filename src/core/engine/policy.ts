// Restart policy as pure data + pure functions (smf-spec §2.6, §4.7, §4.8, §5.3):
// method outcome classification, the fault counter threshold, the 5-slot start-time ring,
// and timeout conversion.
//
// Invariants:
// - classifyOutcome never looks at instance state: the same result shape for start/stop/refresh.
// - The ring holds at most RING_SIZE start times, newest last.

import type { MethodName, MethodOutcome, MethodSpec, StartdConfig } from './types.js';

export const FAULT_THRESHOLD = 3;
export const RING_SIZE = 5;
export const RATE_WINDOW_MS = 600_000;
export const CHILD_THROTTLE_MS = 1_000;

export const EXIT_OK = 0;
export const EXIT_NODAEMON = 94;
export const EXIT_ERR_FATAL = 95;
export const EXIT_ERR_CONFIG = 96;
export const EXIT_ERR_NOSMF = 99;
export const EXIT_ERR_PERM = 100;
export const EXIT_TEMP_DISABLE = 101;
export const EXIT_TEMP_TRANSIENT = 102;

export type OutcomeClass =
  /** abandonContract: 94 / 102 (start runs as transient this time) */
  | { kind: 'success'; abandonContract: boolean }
  | { kind: 'retry' }
  | { kind: 'maintenance' }
  | { kind: 'tempDisable' };

export function classifyOutcome(method: MethodName, o: MethodOutcome, startd: StartdConfig): OutcomeClass {
  if (o.spawnError) return { kind: 'maintenance' };
  if (o.timedOut) {
    // a stop method that returned 0 while its contract did not empty by the deadline: no retry (§4.8); a method
    // killed by its own timeout died by a signal, retried unless timeout_retry=false (illumos method_run)
    if (method === 'stop' && o.exitCode === 0) return { kind: 'maintenance' };
    return startd.timeoutRetry ? { kind: 'retry' } : { kind: 'maintenance' };
  }
  if (o.signal !== undefined || o.exitCode === undefined) return { kind: 'retry' };
  switch (o.exitCode) {
    case EXIT_OK: return { kind: 'success', abandonContract: false };
    case EXIT_NODAEMON: case EXIT_TEMP_TRANSIENT:
      return { kind: 'success', abandonContract: method === 'start' };
    case EXIT_ERR_FATAL: case EXIT_ERR_CONFIG: case EXIT_ERR_NOSMF: case EXIT_ERR_PERM:
      return { kind: 'maintenance' };
    case EXIT_TEMP_DISABLE:
      return method === 'start' ? { kind: 'tempDisable' } : { kind: 'retry' };
    default: return { kind: 'retry' };
  }
}

/** Pushes a start time; returns the new ring (newest last, at most RING_SIZE). */
export function pushStart(ring: readonly number[], nowMs: number): number[] {
  // concat allocates the exact length; a spread leaves ~16 slots of slack in every vertex's ring
  const next = ring.concat(nowMs);
  return next.length > RING_SIZE ? next.slice(next.length - RING_SIZE) : next;
}

/**
 * The start rate limit (not for wait-model services): with `nowMs` pushed, are the last
 * `count` starts on average closer than period/(count-1)? Default count 5, period 600 s
 * (i.e. (newest - oldest)/4 < 600 s). Overridden only if both critical_failure_* are set.
 */
export function restartingTooQuickly(ring: readonly number[], startd: StartdConfig): boolean {
  let count = RING_SIZE;
  let periodMs = RATE_WINDOW_MS * (RING_SIZE - 1);
  if (startd.criticalFailureCount !== undefined && startd.criticalFailurePeriod !== undefined) {
    count = Math.max(1, Math.min(RING_SIZE, Math.floor(startd.criticalFailureCount)));
    periodMs = startd.criticalFailurePeriod * 1000;
  }
  if (ring.length < count) return false;
  const last = ring.slice(ring.length - count);
  const span = last[last.length - 1] - last[0];
  return count === 1 ? periodMs > 0 : span < periodMs;
}

/** Wait model: the last 5 starts average less than 1 s apart => throttle the next start 1 s. */
export function childFailingTooQuickly(ring: readonly number[]): boolean {
  if (ring.length < RING_SIZE) return false;
  return (ring[ring.length - 1] - ring[0]) / (RING_SIZE - 1) < CHILD_THROTTLE_MS;
}

const MAX_TIMEOUT_S = 2 ** 53 / 1000;

/** Early-boot services that always get infinite method timeouts (smf-spec §4.8). */
export const INFINITE_TIMEOUT_SERVICES: ReadonlySet<string> = new Set([
  'svc:/system/manifest-import', 'svc:/system/filesystem/local', 'svc:/system/filesystem/minimal',
  'svc:/system/filesystem/usr', 'svc:/network/physical', 'svc:/network/loopback', 'svc:/network/initial',
  'svc:/network/service', 'svc:/system/device/local', 'svc:/system/rmtmpfiles',
]);

/** timeout_seconds -> milliseconds, null = infinite (0, negative, huge, missing). */
export function timeoutMs(spec: MethodSpec | undefined): number | null {
  if (!spec) return null;
  const t = spec.timeoutSeconds;
  if (typeof t === 'bigint') {
    if (t <= 0n || t >= BigInt(Math.floor(MAX_TIMEOUT_S))) return null;
    return Number(t) * 1000;
  }
  if (!Number.isFinite(t) || t <= 0 || t >= MAX_TIMEOUT_S) return null;
  return Math.floor(t * 1000);
}

/** Which contract events stop a running contract service (ignore_error + start/restart_on). */
export function contractEventIsFatal(kind: 'empty' | 'core' | 'signal' | 'hwerr', startd: StartdConfig): boolean {
  if (kind === 'core' && startd.ignoreError.core) return false;
  if (kind === 'signal' && startd.ignoreError.signal) return false;
  switch (startd.restartOn) {
    case 'all': return true;
    case 'any_fault': return kind !== 'empty';
    case 'external_fault': return kind === 'signal' || kind === 'hwerr';
  }
}
