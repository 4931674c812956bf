// Rendering of `svcs -x` blocks (smf-spec §7.1): header, State, Reason (with the SMF-8000 message
// code when msg/base is configured), -v Path traces, See lines (template docs, then alt_logfile /
// logfile), Impact, optional last log entries. Reason texts are the exact illumos wordings,
// including its quirks ("maintenace", "is absent" for a present exclude_all file).
import type { Analysis, Reason } from './explain-analysis.js';
import type { InstanceRow } from './row.js';
import { isRunningState } from './states.js';
import { formatLongTime, type ToLocal } from './time-format.js';

export interface ExplainRenderOptions {
  verbose: boolean;
  toLocal: ToLocal;
  /** msg/base of the master restarter, e.g. `http://illumos.org/msg/` */
  msgBase?: string;
  /** last log lines per instance for -L (already cut to 5) */
  logTail?(fmri: string): string[] | undefined;
}

export interface ReasonLine { text: string; code: string; path?: string[] }

const SIGNAL_NAMES: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal Instruction', 5: 'Trace/Breakpoint Trap',
  6: 'Abort', 7: 'Bus Error', 8: 'Arithmetic Exception', 9: 'Killed', 10: 'User Signal 1',
  11: 'Segmentation Fault', 12: 'User Signal 2', 13: 'Broken Pipe', 14: 'Alarm Clock', 15: 'Terminated',
};

/** Text of a start method's raw wait status ("exited with status 1", "died on Killed (9)"). */
export function waitStatusText(status: number): string {
  const sig = status & 0x7f;
  if (sig === 0) {
    const code = (status >> 8) & 0xff;
    if (code === 95) return 'exited with $SMF_EXIT_ERR_FATAL';
    if (code === 96) return 'exited with $SMF_EXIT_ERR_CONFIG';
    return `exited with status ${code}`;
  }
  const name = `${SIGNAL_NAMES[sig] ?? `Signal ${sig}`} (${sig})`;
  return status & 0x80 ? `dumped core on ${name}` : `died on ${name}`;
}

function maintenanceReason(row: InstanceRow): ReasonLine {
  const status = row.startWaitStatus ?? 0;
  switch (row.auxState) {
    case 'administrative_request': return { text: 'Maintenance requested by an administrator.', code: 'SMF-8000-63' };
    case 'service_request':
      return { text: row.auxFmri ? `Maintenance requested by "${row.auxFmri}"` : 'Maintenance requested by another service.', code: 'SMF-8000-R4' };
    case 'dependency_cycle': return { text: 'Completes a dependency cycle.', code: 'SMF-8000-HP' };
    case 'invalid_dependency': return { text: 'Has invalid dependency.', code: 'SMF-8000-JA' };
    case 'restarting_too_quickly': return { text: 'Restarting too quickly.', code: 'SMF-8000-L5' };
    case 'invalid_restarter': return { text: `Restarter "${row.restarter ?? ''}" is invalid.`, code: 'SMF-8000-5H' };
    case 'fault_threshold_reached':
      return status === 0
        ? { text: 'Method failed repeatedly.', code: 'SMF-8000-8Q' }
        : { text: `Start method failed repeatedly, last ${waitStatusText(status)}.`, code: 'SMF-8000-KS' };
    default:
      return status === 0
        ? { text: 'Method failed.', code: 'SMF-8000-8Q' }
        : { text: `Start method ${waitStatusText(status)}.`, code: 'SMF-8000-KS' };
  }
}

/** The `is disabled.` style summary of a root cause, used in `Service X SUMMARY` lines. */
export function summaryOf(reason: Reason, row: InstanceRow | undefined): string {
  switch (reason.kind) {
    case 'disabled': return reason.temporary ? 'is temporarily disabled.' : 'is disabled.';
    case 'transition': return reason.next === 'online' ? 'is starting.' : 'is offline.';
    case 'absent': case 'excluded': return 'has missing dependencies.';
    case 'uninitialized': return 'is uninitialized.';
    case 'maintenance':
      switch (row?.auxState) {
        case 'method_failed': return 'is not running because a method failed.';
        case 'fault_threshold_reached': return 'is not running because a method failed repeatedly.';
        case 'restarting_too_quickly': return 'was restarting too quickly.';
        case 'dependency_cycle': return 'completed a dependency cycle.';
        case 'invalid_dependency': return 'has an invalid dependency.';
        default: return 'was taken down for maintenace by an administrator.';
      }
    case 'running': case 'degraded': return 'is running.';
    default: return 'is offline.';
  }
}

export function reasonLines(fmri: string, a: Analysis): ReasonLine[] {
  const row = a.row(fmri);
  const r = a.reason(fmri);
  switch (r.kind) {
    case 'running': case 'unknown': return [];
    case 'degraded': return [{ text: 'Degraded by an administrator.', code: 'SMF-8000-DX' }];
    case 'maintenance': return [maintenanceReason(row!)];
    case 'disabled':
      return [r.temporary
        ? { text: 'Temporarily disabled by an administrator.', code: 'SMF-8000-1S' }
        : { text: 'Disabled by an administrator.', code: 'SMF-8000-05' }];
    case 'uninitialized':
      return [r.restarterRunning
        ? { text: `Restarter ${r.restarter} has not initialized service state.`, code: 'SMF-8000-4D' }
        : { text: `Restarter ${r.restarter} is not running.`, code: 'SMF-8000-5H' }];
    case 'transition':
      return [r.next === 'online'
        ? { text: 'Start method is running.', code: 'SMF-8000-C4' }
        : { text: `Transitioning to state ${r.next}.`, code: 'SMF-8000-PH' }];
    case 'absent': return [{ text: `Dependency ${r.entity} is absent.`, code: 'SMF-8000-E2' }];
    case 'excluded': return [{ text: `Service ${r.by} is running.`, code: 'SMF-8000-FJ' }];
    case 'dependency':
      return a.causes(fmri).map((c) => ({
        text: `Service ${c} ${summaryOf(a.reason(c), a.row(c))}`, code: 'SMF-8000-GE', path: a.path(fmri, c),
      }));
  }
}

/** `Reason: TEXT`, wrapped before the summary when a `Service X SUMMARY` line exceeds 80 columns. */
export function formatReason(text: string): string[] {
  const line = `Reason: ${text}`;
  const m = /^(Service \S+) (.*)$/.exec(text);
  if (line.length <= 80 || !m) return [line];
  return [`Reason: ${m[1]}`, `        ${m[2]}`];
}

export function impactLines(fmri: string, a: Analysis, verbose: boolean): string[] {
  const imp = a.impacted(fmri);
  if (imp.length === 0) return [isRunningState(a.row(fmri)?.state) ? 'Impact: None.' : 'Impact: This service is not running.'];
  const head = imp.length === 1 ? 'Impact: 1 dependent service is not running' : `Impact: ${imp.length} dependent services are not running`;
  if (!verbose) return [`${head}.  (Use -v for list.)`];
  return [`${head}:`, ...imp.map((f) => `        ${f}`)];
}

export function renderExplainBlock(fmri: string, a: Analysis, opts: ExplainRenderOptions): string[] {
  const row = a.row(fmri)!;
  const lines = [`${fmri} (${row.commonName ?? '?'})`];
  // svcs -x always says "since": without a state_timestamp illumos prints the epoch (stime 0)
  lines.push(` State: ${row.state ?? 'uninitialized'} since ${formatLongTime(row.stateTime ?? 0, opts.toLocal)}`);
  for (const r of reasonLines(fmri, a)) {
    lines.push(...formatReason(r.text));
    if (opts.msgBase) lines.push(`   See: ${opts.msgBase}${r.code}`);
    if (opts.verbose && r.path) r.path.forEach((hop, i) => lines.push(i === 0 ? `  Path: ${hop}` : `${' '.repeat(8 + 2 * i)}${hop}`));
  }
  for (const d of row.docs ?? []) lines.push(`   See: ${d}`);
  if (row.altLogfile) lines.push(`   See: ${row.altLogfile}`);
  if (row.logfile) lines.push(`   See: ${row.logfile}`);
  lines.push(...impactLines(fmri, a, opts.verbose));
  const tail = opts.logTail?.(fmri);
  if (tail) lines.push('   Last log entries:', ...tail.map((l) => `     ${l}`));
  return lines;
}
