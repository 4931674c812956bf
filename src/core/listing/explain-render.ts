// Rendering of `svcs -x` blocks (smf-spec §7.1): header, State, Reason (with the SMF-8000 message
// code when msg/base is configured), -v Path traces, See lines (template docs, then alt_logfile /
// logfile), Impact, optional last log entries. Reason texts are the exact illumos wordings,
// including its quirks ("maintenace", "is absent" for a present exclude_all file).
import { temporary, type Analysis } from './explain-analysis.js';
import { restarterOf, type DocRef, type InstanceRow } from './row.js';
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

/** The Reason lines of one instance (explain.c print_reasons), each with its message code. */
export function reasonLines(fmri: string, a: Analysis): ReasonLine[] {
  const row = a.row(fmri);
  if (!row) return [];
  const restarter = restarterOf(row);
  switch (row.state ?? 'uninitialized') {
    case 'online': return [];
    case 'degraded': return [{ text: 'Degraded by an administrator.', code: 'SMF-8000-DX' }];
    case 'maintenance': return [maintenanceReason(row)];
    case 'disabled':
      return [temporary(row)
        ? { text: 'Temporarily disabled by an administrator.', code: 'SMF-8000-1S' }
        : { text: 'Disabled by an administrator.', code: 'SMF-8000-05' }];
    case 'uninitialized':
      switch (a.restarterState(fmri)) {
        case 'running': return [{ text: `Restarter ${restarter} has not initialized service state.`, code: 'SMF-8000-4D' }];
        case 'stopped': return [{ text: `Restarter ${restarter} is not running.`, code: 'SMF-8000-5H' }];
        case 'absent': return [{ text: `Restarter "${restarter}" does not exist.`, code: 'SMF-8000-3P' }];
        default: return [{ text: `Restarter "${restarter}" is invalid.`, code: 'SMF-8000-2A' }];
      }
    case 'offline':
      if (row.nextState === 'online') return [{ text: 'Start method is running.', code: 'SMF-8000-C4' }];
      if (row.nextState && row.nextState !== 'none') return [{ text: `Transitioning to state ${row.nextState}.`, code: 'SMF-8000-PH' }];
      return dependencyReasons(fmri, a, restarter);
    default: return [{ text: `Not in valid state (${row.state}).`, code: 'SMF-8000-N3' }];
  }
}

/** explain.c print_dependency_reasons: each missing dependency, then each cause with its Path. */
function dependencyReasons(fmri: string, a: Analysis, restarter: string): ReasonLine[] {
  const missing = a.missing(fmri);
  const causes = a.causes(fmri);
  if (missing.length === 0 && causes.length === 0) {
    switch (a.restarterProblem(fmri)) {
      case 'absent': return [{ text: `Restarter "${restarter}" does not exist.`, code: 'SMF-8000-3P' }];
      case 'invalid': return [{ text: `Restarter "${restarter}" is invalid.`, code: 'SMF-8000-2A' }];
      default: return [{ text: 'Unknown.', code: 'SMF-8000-AR' }];
    }
  }
  return [
    ...missing.map((e) => ({ text: `Dependency ${e} is absent.`, code: 'SMF-8000-E2' })),
    ...causes.map((c) => isRunningState(a.row(c.fmri)?.state)
      ? { text: `Service ${c.fmri} is running.`, code: 'SMF-8000-FJ', path: c.path }
      : { text: `Service ${c.fmri} ${a.summary(c.fmri)}`, code: 'SMF-8000-GE', path: c.path }),
  ];
}

/**
 * A template reference as explain.c print_manpage / print_doclink write it: `title(section)`, or
 * with -v `man -M PATH -s SECTION TITLE` (`:default` = /usr/share/man; nothing without a manpath).
 */
export function docLine(d: DocRef, verbose: boolean): string | undefined {
  if (d.kind === 'uri') return d.uri;
  if (!verbose) return `${d.title}(${d.section})`;
  if (d.manpath === undefined) return undefined;
  return `man -M ${d.manpath === ':default' ? '/usr/share/man' : d.manpath} -s ${d.section} ${d.title}`;
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
  for (const d of row.docs ?? []) {
    const see = docLine(d, opts.verbose);
    if (see) lines.push(`   See: ${see}`);
  }
  if (row.altLogfile) lines.push(`   See: ${row.altLogfile}`);
  if (row.logfile) lines.push(`   See: ${row.logfile}`);
  lines.push(...impactLines(fmri, a, opts.verbose));
  const tail = opts.logTail?.(fmri);
  if (tail) lines.push('   Last log entries:', ...tail.map((l) => `     ${l}`));
  return lines;
}
