// Instance log files: <root>/var/svc/log/<fmri without svc:/, '/' -> '-'>.log, opened
// append-only, with the restarter's bracketed lines `[ Mon DD HH:MM:SS text ]`. Rotation by
// size, logadm style: when the file exceeds maxBytes before a write it is renamed to .0
// (older ones shift to .1 ... .N-1; the oldest is removed). Processes still writing to the
// old file keep doing so until their next start, as with logadm without copytruncate.
import fs from 'node:fs';
import path from 'node:path';
import type { InstanceLogs } from '../../ports/process.js';
import { formatLogLine, logFileName } from '../../core/method/log-line.js';

export interface InstanceLogOptions {
  /** directory, usually <root>/var/svc/log */
  dir: string;
  /** rotate when a log is larger than this (default 1 MiB; 0 = never) */
  maxBytes?: number;
  /** rotated files kept (default 3) */
  keep?: number;
  /** timestamps in UTC instead of local time */
  utc?: boolean;
}

export class InstanceLogFiles implements InstanceLogs {
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(private readonly opts: InstanceLogOptions) {
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
    this.keep = opts.keep ?? 3;
  }

  pathFor(fmri: string): string {
    return path.join(this.opts.dir, logFileName(fmri));
  }

  append(fmri: string, text: string, when: Date = new Date()): void {
    const p = this.pathFor(fmri);
    this.rotateIfNeeded(p);
    appendLogLine(p, text, when, this.opts.utc);
  }

  /** Rotates `p` when it is over the size limit; returns true when it did. */
  rotateIfNeeded(p: string): boolean {
    if (this.maxBytes <= 0) return false;
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st || st.size <= this.maxBytes) return false;
    if (this.keep <= 0) {
      fs.truncateSync(p, 0);
      return true;
    }
    for (let i = this.keep - 1; i >= 0; i--) {
      const from = i === 0 ? p : `${p}.${i - 1}`;
      try { fs.renameSync(from, `${p}.${i}`); } catch { /* missing generation */ }
    }
    return true;
  }
}

/** Appends one bracketed line to a log file (creating its directory). */
export function appendLogLine(p: string, text: string, when: Date = new Date(), utc = false): void {
  const line = formatLogLine(when, text, utc);
  try {
    fs.appendFileSync(p, line, { mode: 0o644 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.appendFileSync(p, line, { mode: 0o644 });
  }
}
