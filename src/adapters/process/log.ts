// Instance log files: <root>/var/svc/log/<fmri without svc:/, '/' -> '-'>.log, opened
// append-only, with the restarter's bracketed lines `[ Mon DD HH:MM:SS text ]`. Rotation by
// size, logadm style: when the file exceeds maxBytes before a write it is renamed to .0
// (older ones shift to .1 ... .N-1; the oldest is removed). Processes still writing to the
// old file keep doing so until their next start, as with logadm without copytruncate.
//
// Writing: synchronous by default (CLIs, tests). With a `writer` (svc.startd with the native
// spawner, see native-spawner.ts appendLog) each batch of lines is handed to a spawner process,
// which opens, rotates, writes and closes the file in request order: a method spawned through the
// same spawner needs no wait for our lines. Without one, with `async: true`, lines are queued
// per file and written on the libuv thread pool, never on the event loop: creating 5,000 log files
// cost 1.5 s of the daemon's loop at 5,000 instances. A file is written in a session: open once,
// then per batch fstat (rotation) and write, close when no line came within a turn of the loop;
// at most MAX_SESSIONS files at a time. Invariants of the queued mode:
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
import { PendingLines } from './pending-lines.js';

/** Something that writes log lines off the event loop, in call order per file (NativeSpawner). */
export interface LogWriter {
  appendLog(file: string, text: string, rotation: Rotation, onError?: (file: string, err: Error) => void): void;
  whenLogWritten(file: string): Promise<void> | null;
  logPending(file: string): boolean;
  flushLogs(): Promise<void>;
}

/** Writers in use: appendLogLine() joins a file's lines in flight there instead of overtaking them. */
const writers = new Set<LogWriter>();

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
  /** write through this (takes precedence over `async`) */
  writer?: LogWriter;
  /** a queued write failed (its lines are lost); default: ignored */
  onError?: (logPath: string, err: Error) => void;
}

export interface Rotation { maxBytes: number; keep: number }

/** Lines of one file not yet written, who waits for them, and its write session. */
interface FileQueue {
  lines: string[];
  /** lines appended so far / lines whose write completed (or failed), and who waits for them */
  count: PendingLines;
  rotation: Rotation;
  onError: ((logPath: string, err: Error) => void) | undefined;
  /** a session (open .. close) is running or waiting for a slot */
  active: boolean;
}

/** Files with queued or in-flight lines, by path (shared by every InstanceLogFiles and appendLogLine). */
const queues = new Map<string, FileQueue>();

/**
 * Files written at the same time. A session opens its file once, writes every batch that comes
 * while it is open (the restarter's next lines usually follow within the same turn of the loop)
 * and closes it; bounding them keeps descriptors few and lets a file's open, write and close run
 * back to back instead of each waiting behind the opens of thousands of other files.
 */
const MAX_SESSIONS = 16;
let sessions = 0;
const waitingForSlot: [string, FileQueue][] = [];

export class InstanceLogFiles implements InstanceLogs {
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly dirPrefix: string;

  constructor(private readonly opts: InstanceLogOptions) {
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
    this.keep = opts.keep ?? 3;
    this.dirPrefix = path.join(opts.dir, '/');
    if (opts.writer) writers.add(opts.writer);
  }

  pathFor(fmri: string): string {
    // (path.join normalizes the whole path again on every call: several per method)
    return this.dirPrefix + logFileName(fmri);
  }

  append(fmri: string, text: string, when: Date = new Date()): void {
    const p = this.pathFor(fmri);
    if (this.opts.writer) {
      this.opts.writer.appendLog(p, formatLogLine(when, text, this.opts.utc), { maxBytes: this.maxBytes, keep: this.keep }, this.opts.onError);
      return;
    }
    if (this.opts.async) {
      enqueue(p, formatLogLine(when, text, this.opts.utc), { maxBytes: this.maxBytes, keep: this.keep }, this.opts.onError);
      return;
    }
    this.rotateIfNeeded(p);
    appendLogLine(p, text, when, this.opts.utc);
  }

  /** Resolves when the lines queued for `logPath` so far are in the file; null when none are pending. */
  whenWritten(logPath: string): Promise<void> | null {
    return this.opts.writer ? this.opts.writer.whenLogWritten(logPath) : whenWritten(logPath);
  }

  /** Resolves when every line queued so far (any file) is written. */
  flush(): Promise<void> {
    if (this.opts.writer) return this.opts.writer.flushLogs();
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
  for (const w of writers) {
    if (w.logPending(p)) { w.appendLog(p, line, { maxBytes: 0, keep: 0 }); return; }
  }
  const q = queues.get(p);
  if (q?.count.pending) { enqueue(p, line, q.rotation, q.onError); return; }
  appendLogText(p, line);
}

/** Appends text as it is, synchronously (the file created 0644, its directory when missing). */
export function appendLogText(p: string, text: string): void {
  try {
    fs.appendFileSync(p, text, { mode: 0o644 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.appendFileSync(p, text, { mode: 0o644 });
  }
}

/** Whether lines for `p` are queued or in flight on the thread pool (not with a LogWriter). */
export function queuedOnThreadPool(p: string): boolean {
  return queues.get(p)?.count.pending ?? false;
}

function whenWritten(p: string): Promise<void> | null {
  return queues.get(p)?.count.whenDone() ?? null; // null: nothing pending (a session may still be closing)
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
    q = { lines: [], count: new PendingLines(), rotation, onError, active: false };
    queues.set(p, q);
  }
  q.lines.push(line);
  q.count.add();
  if (!q.active) {
    q.active = true;
    // lines of the same synchronous step (the engine's commands) go out in one write
    const started = q;
    queueMicrotask(() => startSession(p, started));
  }
}

function startSession(p: string, q: FileQueue): void {
  if (sessions >= MAX_SESSIONS) { waitingForSlot.push([p, q]); return; }
  sessions++;
  const opened = (err: NodeJS.ErrnoException | null, fd: number) => {
    if (err) {
      q.onError?.(p, err);
      q.count.complete(q.lines.length);
      q.lines = [];
      endSession(p, q, null);
      return;
    }
    writeBatches(p, q, fd);
  };
  fs.open(p, 'a', 0o644, (err, fd) => {
    if (err?.code !== 'ENOENT') { opened(err, fd); return; }
    fs.mkdir(path.dirname(p), { recursive: true }, (me) => (me ? opened(me, -1) : fs.open(p, 'a', 0o644, opened)));
  });
}

/** Writes the queued lines (rotating first when over the limit) until none come within a turn of the loop. */
function writeBatches(p: string, q: FileQueue, fd: number): void {
  if (q.lines.length === 0) {
    // waiters resolved by the last batch run first (a method spawned, its exit line...)
    setImmediate(() => (q.lines.length ? writeBatches(p, q, fd) : endSession(p, q, fd)));
    return;
  }
  const n = q.lines.length;
  const data = Buffer.from(n === 1 ? q.lines[0]! : q.lines.join(''), 'utf8');
  q.lines = [];
  const write = (wfd: number) => {
    const rest = (off: number) => fs.write(wfd, data, off, data.length - off, null, (err, k) => {
      if (!err && off + k < data.length) { rest(off + k); return; }
      if (err) q.onError?.(p, err);
      q.count.complete(n);
      writeBatches(p, q, wfd);
    });
    rest(0);
  };
  if (q.rotation.maxBytes <= 0) { write(fd); return; }
  fs.fstat(fd, (e, st) => {
    if (e || !overLimit(st.size, q.rotation.maxBytes)) { write(fd); return; }
    fs.close(fd, () => {
      try { rotate(p, q.rotation.keep); } catch { /* the next open appends to the old file */ }
      fs.open(p, 'a', 0o644, (oe, nfd) => {
        if (oe) { q.onError?.(p, oe); q.count.complete(n); endSession(p, q, null); return; }
        write(nfd);
      });
    });
  });
}

function endSession(p: string, q: FileQueue, fd: number | null): void {
  const finish = () => {
    sessions--;
    if (q.lines.length) startSession(p, q); // lines came while closing
    else { q.active = false; queues.delete(p); }
    const next = waitingForSlot.shift();
    if (next) startSession(next[0], next[1]);
  };
  if (fd === null) finish(); else fs.close(fd, finish);
}
