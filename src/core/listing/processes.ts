// The process lines of `svcs -p` and `svcs -lp` (smf-spec §7.1): under an instance line, 15 spaces,
// the process start time in the STIME formats left-justified in 8, 3 spaces, the pid right-justified
// in 6, a space and the command name (at most 16 characters); in -l form `process      PID ARGS`.
import { formatStime, type ToLocal } from './time-format.js';

export interface ProcessInfo {
  pid: number;
  /** process start time, epoch ms (undefined when unknown) */
  startMs?: number;
  /** short command name (/proc/PID/comm) */
  comm: string;
  /** full argument string (/proc/PID/cmdline, joined by spaces) */
  args?: string;
}

export function renderProcessLine(p: ProcessInfo, nowMs: number, toLocal: ToLocal): string {
  const stime = formatStime(p.startMs, nowMs, toLocal).padEnd(8);
  return `${' '.repeat(15)}${stime}   ${String(p.pid).padStart(6)} ${p.comm.slice(0, 16)}`.replace(/\s+$/, '');
}

export function renderLongProcessLine(p: ProcessInfo): string {
  return `${'process'.padEnd(13)}${p.pid} ${p.args && p.args.length ? p.args : p.comm}`;
}
