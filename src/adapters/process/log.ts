// Instance log files: <root>/var/svc/log/<fmri without svc:/, '/' -> '-'>.log, opened
// append-only, with the restarter's bracketed lines `[ Mon DD HH:MM:SS text ]`. Rotation by
// size, logadm style: when the file exceeds maxBytes before a write it is renamed to .0
// (older ones shift to .1 ... .N-1; the oldest is removed). Processes still writing to the
// old file keep doing so until their next start, as with logadm without copytruncate.
//
// Writing: synchronous by default (CLIs, tests). With `async: true` (svc.startd) lines are queued
// per file and written on the libuv thread pool (open, fstat for the rotation, write, close),
// never on the event loop: creating 5,000 log files cost 1.5 s of the daemon's loop at 5,000
// instances. Invariants of the queued mode:
// - per file, lines reach the file in append order, in one write per batch (lines appended while
//   a write is in flight form the next batch);
// - appendLogLine() (the synchronous writer other modules use) joins a file's queue while that
//   file has lines queued or in flight, so it never overtakes them;
// - whenWritten(path) resolves once every line queued for that file before the call is written
//   (a method's spawn waits for it: our `Executing start method` line precedes the method's
//   output); flush() once every line queued before the call is written, in every file;
// - a failed write (EACCES, ENOSPC...) drops that batch, reported through onError: the log is
//   best effort and never stops a method.
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
  /** queue the lines and write them on the thread pool (see above); default synchronous */
  async?: boolean;
  /** a queued write failed (its lines are lost); default: ignored */
  onError?: (logPath: string, err: Error) => void;
}

interface Rotation { maxBytes: number; keep: number }

/** Lines of one file not yet written, and who waits for them. */
interface FileQueue {
  lines: string[];
  /** lines appended so far / lines whose write completed (or failed) */
  queued: number;
  done: number;
  writing: boolean;
  waiters: { upTo: number; resolve: () => void }[];
  rotation: Rotation;
  onError: ((logPath: string, err: Error) => void) | undefined;
}

/** Files with queued or in-flight lines, by path (shared by every InstanceLogFiles and appendLogLine). */
const queues = new Map<string, FileQueue>();

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
    if (this.opts.async) {
      enqueue(p, formatLogLine(when, text, this.opts.utc), { maxBytes: this.maxBytes, keep: this.keep }, this.opts.onError);
      return;
    }
    this.rotateIfNeeded(p);
    appendLogLine(p, text, when, this.opts.utc);
  }

  /** Resolves when the lines queued for `logPath` so far are in the file; null when none are pending. */
  whenWritten(logPath: string): Promise<void> | null {
    return whenWritten(logPath);
  }

  /** Resolves when every line queued so far (any file) is written. */
  flush(): Promise<void> {
    return Promise.all([...queues.keys()].map((p) => whenWritten(p))).then(() => undefined);
  }

  /** Rotates `p` when it is over the size limit; returns true when it did. */
  rotateIfNeeded(p: string): boolean {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st || !overLimit(st.size, this.maxBytes)) return false;
    rotate(p, this.keep);
    return true;
  }
}

/** Appends one bracketed line to a log file (creating its directory). Joins the file's queue when it has one. */
export function appendLogLine(p: string, text: string, when: Date = new Date(), utc = false): void {
  const line = formatLogLine(when, text, utc);
  const q = queues.get(p);
  if (q) { enqueue(p, line, q.rotation, q.onError); return; }
  try {
    fs.appendFileSync(p, line, { mode: 0o644 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.appendFileSync(p, line, { mode: 0o644 });
  }
}

function whenWritten(p: string): Promise<void> | null {
  const q = queues.get(p);
  if (!q) return null;
  const upTo = q.queued;
  return new Promise((resolve) => q.waiters.push({ upTo, resolve }));
}

const overLimit = (size: number, maxBytes: number) => maxBytes > 0 && size > maxBytes;

function rotate(p: string, keep: number): void {
  if (keep <= 0) {
    fs.truncateSync(p, 0);
    return;
  }
  for (let i = keep - 1; i >= 0; i--) {
    const from = i === 0 ? p : `${p}.${i - 1}`;
    try { fs.renameSync(from, `${p}.${i}`); } catch { /* missing generation */ }
  }
}

function enqueue(p: string, line: string, rotation: Rotation, onError: FileQueue['onError']): void {
  let q = queues.get(p);
  if (!q) {
    q = { lines: [], queued: 0, done: 0, writing: false, waiters: [], rotation, onError };
    queues.set(p, q);
    // lines of the same synchronous step (the engine's commands) go out in one write
    const first = q;
    queueMicrotask(() => drain(p, first));
  }
  q.lines.push(line);
  q.queued++;
}

function drain(p: string, q: FileQueue): void {
  if (q.writing) return;
  if (q.lines.length === 0) {
    queues.delete(p);
    return;
  }
  const n = q.lines.length;
  const data = q.lines.length === 1 ? q.lines[0]! : q.lines.join('');
  q.lines = [];
  q.writing = true;
  writeBatch(p, data, q.rotation, (err) => {
    if (err) q.onError?.(p, err);
    q.writing = false;
    q.done += n;
    const ready = q.waiters.filter((w) => w.upTo <= q.done);
    if (ready.length) q.waiters = q.waiters.filter((w) => w.upTo > q.done);
    // the next batch starts before the waiters run, so a line they append joins it (order kept)
    drain(p, q);
    for (const w of ready) w.resolve();
  });
}

/** open (creating the directory if needed), rotate when over the limit, write, close: all on the thread pool. */
function writeBatch(p: string, data: string, rotation: Rotation, done: (err: Error | null) => void, rotated = false): void {
  const opened = (err: NodeJS.ErrnoException | null, fd: number) => {
    if (err) { done(err); return; }
    if (rotated || rotation.maxBytes <= 0) { write(fd); return; }
    fs.fstat(fd, (e, st) => {
      if (e || !overLimit(st.size, rotation.maxBytes)) { write(fd); return; }
      fs.close(fd, () => {
        try { rotate(p, rotation.keep); } catch (re) { done(re as Error); return; }
        writeBatch(p, data, rotation, done, true);
      });
    });
  };
  const write = (fd: number) => {
    const buf = Buffer.from(data, 'utf8');
    const rest = (off: number) => fs.write(fd, buf, off, buf.length - off, null, (err, n) => {
      if (!err && off + n < buf.length) { rest(off + n); return; }
      fs.close(fd, () => done(err));
    });
    rest(0);
  };
  fs.open(p, 'a', 0o644, (err, fd) => {
    if (err?.code !== 'ENOENT') { opened(err, fd); return; }
    fs.mkdir(path.dirname(p), { recursive: true }, (me) => (me ? done(me) : fs.open(p, 'a', 0o644, opened)));
  });
}
