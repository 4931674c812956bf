// Client of native/spawner.c (build/Release/tsmf-spawner, built by `npm ci`): methods are cloned
// straight into their contract's cgroup by a small C process that is also the child subreaper of
// everything they leave behind, so the death of every contract member (and how: exit, signal, core)
// is reported. Protocol: see the header of native/spawner.c.
//
// Invariants:
// - A spawner that dies fails every method it was running with code EHELPER; the next spawn starts
//   a new one. Services keep running (reparented to init); only their later deaths go unreported.
// - Nothing here reaches a shell: file, argv and env go to execve as they are.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { getSystemErrorMap } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBuiltArtifact } from '../package-root.js';
import { holdChild, readLines } from './child-pipe.js';
import { PendingLines } from './pending-lines.js';
import { appendLogText } from './log.js';
import { signalName } from '../../core/method/signals.js';

export interface NativeSpawnRequest {
  file: string;
  /** full argv, argv[0] included */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** stdout and stderr are appended here (created 0644) */
  logPath: string;
  /** cgroup v2 directory the process starts in (null: the spawner's own) */
  cgroupDir: string | null;
  /** "cmd &": the method counts as exited 0 once cmd is exec'd; SIGINT/SIGQUIT ignored */
  background?: boolean;
  creds?: { uid: number; gid: number; groups: number[] };
  /** search the PATH of env for a file without '/' */
  pathSearch?: boolean;
}

/** A member of some contract died (not a method process): raw wait status, cgroup v2 path ('' unknown). */
export interface Death { pid: number; status: number; cgroup: string }

/** What the method runner needs of a spawned method: 'spawn' (pid known), 'error', 'exit' (code, signal). */
export class SpawnedChild extends EventEmitter {
  pid: number | undefined;
  /** whether its cgroup still had processes when the method exited (read by the spawner; undefined: unknown) */
  populatedAtExit: boolean | undefined;
}

/** "1" / "0" from the spawner; anything else (-1: unreadable, absent: older spawner) is unknown */
const populatedField = (f: string | undefined): boolean | undefined => (f === '1' ? true : f === '0' ? false : undefined);

const FLAG_BACKGROUND = 1, FLAG_CREDS = 2, FLAG_SETSID = 4, FLAG_PATHSEARCH = 8;
const OP_SPAWN = 1, OP_SYNC = 2, OP_WATCH = 3, OP_UNWATCH = 4, OP_LOG = 5;
const U32_MAX = 0xffffffff;
const SYSTEM_ERRORS = getSystemErrorMap(); // -errno -> [name, description]

/** build/Release/tsmf-spawner when built (TSMF_NATIVE_SPAWNER=0 disables it). */
export function locateNativeSpawner(): string | undefined {
  if (process.env.TSMF_NATIVE_SPAWNER === '0') return undefined;
  return findBuiltArtifact(path.dirname(fileURLToPath(import.meta.url)), 'tsmf-spawner');
}

/**
 * A pool of spawner processes (default: one per CPU, at most 4): a spawn blocks its spawner until
 * the child has exec'd (CLONE_VFORK), so one spawner is a serial section; several spawn in parallel.
 * Each is the subreaper of what it started; a spawn goes to the one with the fewest requests in
 * flight.
 */
export class NativeSpawner {
  private readonly procs: SpawnerProcess[];
  /** log files with lines in flight: the spawner writing them, lines sent / written, who waits */
  private readonly logFiles = new Map<string, { proc: number; count: PendingLines }>();
  private readonly deathListeners = new Set<(d: Death) => void>();

  constructor(binary: string, opts: { processes?: number } = {}) {
    const n = Math.max(1, Math.min(opts.processes ?? Math.min(os.availableParallelism(), 4), 16));
    const deaths = (d: Death) => { for (const l of this.deathListeners) l(d); };
    this.procs = Array.from({ length: n }, () => new SpawnerProcess(binary, deaths));
  }

  /**
   * A method whose log file has lines of ours in flight goes to the spawner writing them: it
   * handles requests in order, so those lines precede the method's output without a wait.
   */
  spawn(req: NativeSpawnRequest): SpawnedChild {
    const pending = this.logFiles.get(req.logPath);
    return (pending ? this.procs[pending.proc]! : this.leastBusy()).spawn(req);
  }

  private leastBusy(): SpawnerProcess {
    let best = this.procs[0]!;
    for (const p of this.procs) if (p.inFlight < best.inFlight) best = p;
    return best;
  }

  /**
   * Appends text to a log file from a spawner (created when missing, rotated first when over
   * rotation.maxBytes; see LOG in native/spawner.c): no open, write or close on the daemon's loop.
   * Lines of one file go to one spawner while any is in flight, so they land in call order.
   */
  appendLog(file: string, text: string, rotation: { maxBytes: number; keep: number }, onError?: (file: string, err: Error) => void): void {
    let f = this.logFiles.get(file);
    if (!f) {
      const proc = this.procs.indexOf(this.leastBusy());
      f = { proc, count: new PendingLines() };
      this.logFiles.set(file, f);
    }
    const entry = f;
    entry.count.add();
    const rot = { maxBytes: Math.min(Math.max(0, rotation.maxBytes), U32_MAX), keep: Math.min(Math.max(0, rotation.keep), U32_MAX) };
    this.procs[entry.proc]!.appendLog(file, text, rot, (errno) => {
      if (errno !== 0 && onError) onError(file, errnoError(errno));
      entry.count.complete();
      if (!entry.count.pending && this.logFiles.get(file) === entry) this.logFiles.delete(file);
    });
  }

  /** Resolves once the lines appended to `file` so far are in it; null when none are in flight. */
  whenLogWritten(file: string): Promise<void> | null {
    return this.logFiles.get(file)?.count.whenDone() ?? null;
  }

  /** Whether lines appended to `file` are still in flight. */
  logPending(file: string): boolean {
    return this.logFiles.has(file);
  }

  /** Resolves once every line appended so far (any file) is written. */
  async flushLogs(): Promise<void> {
    await Promise.all([...this.logFiles.keys()].map((f) => this.whenLogWritten(f)));
  }

  /** Resolves once every death that happened before the call has been reported to the listeners. */
  async sync(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.sync()));
  }

  onDeath(listener: (d: Death) => void): () => void {
    this.deathListeners.add(listener);
    return () => { this.deathListeners.delete(listener); };
  }

  /**
   * Watches a file (a cgroup's cgroup.events) through the first spawner's inotify descriptor: one
   * descriptor for thousands of contracts instead of a libuv handle and an FSWatcher each.
   * onChange runs when it changes, with the file's "populated" value read by the spawner right
   * after the change when it could, once when the watch is active (a change before it raised no
   * event), and once after a spawner restart (when changes may have been
   * missed); onError when the watch cannot be added (e.g. ENOSPC: the caller polls instead).
   */
  watch(file: string, onChange: (populated?: boolean) => void, onError: (code: string) => void): FileWatch {
    return this.procs[0]!.watch(file, onChange, onError);
  }

  /** pids of the running spawner processes */
  get pids(): number[] { return this.procs.map((p) => p.pid).filter((x): x is number => x !== undefined); }

  /** Ends the spawners (their stdin closes; running services are not affected). */
  close(): void {
    for (const p of this.procs) p.close();
  }
}

export interface FileWatch { close(): void }

interface WatchEntry { file: string; onChange: (populated?: boolean) => void; onError: (code: string) => void; wd: number; closed: boolean }

/** Frames queued in one turn of the loop after which they are written without waiting for its end. */
const SEND_EARLY_FRAMES = 16;

/** One tsmf-spawner process, started at its first request. */
class SpawnerProcess {
  private proc: ChildProcess | null = null;
  private seq = 0;
  private readonly children = new Map<number, SpawnedChild>();
  private readonly syncs = new Map<number, () => void>();
  private readonly watches = new Map<number, WatchEntry>();
  private readonly logReplies = new Map<number, (errno: number) => void>();
  /** request frames of this turn of the loop, written together (one pipe write instead of one each) */
  private outgoing: Buffer[] = [];
  private outgoingTo: ChildProcess | null = null;
  private unsentSync: Promise<void> | null = null;
  /** close() was called: no new spawner process is started (it would keep the daemon alive) */
  private closed = false;

  constructor(private readonly binary: string, private readonly onDeath: (d: Death) => void) {}

  private send(p: ChildProcess, frame: Buffer): void {
    if (this.outgoingTo !== p) {
      this.writeOut();
      this.outgoingTo = p;
      setImmediate(() => this.writeOut());
    }
    this.outgoing.push(frame);
    // a long turn (a reload starting hundreds) lets the spawner begin before the turn ends
    if (this.outgoing.length >= SEND_EARLY_FRAMES) this.writeOut();
  }

  private writeOut(): void {
    const p = this.outgoingTo;
    if (!p) return;
    const frames = this.outgoing;
    this.outgoing = [];
    this.outgoingTo = null;
    this.unsentSync = null;
    if (frames.length) p.stdin!.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  appendLog(file: string, text: string, rot: { maxBytes: number; keep: number }, done: (errno: number) => void): void {
    if (this.closed) { done(appendAfterClose(file, text)); return; }
    const id = ++this.seq;
    const frame = encodeLog(id, file, text, rot); // throws for a NUL byte in the path
    this.logReplies.set(id, done);
    const p = this.ensure();
    this.holdIfBusy(p);
    this.send(p, frame);
  }

  get inFlight(): number { return this.children.size; }

  spawn(req: NativeSpawnRequest): SpawnedChild {
    const id = ++this.seq;
    const frame = encodeSpawn(id, req); // throws for a NUL byte, before anything is registered
    const child = new SpawnedChild();
    if (this.closed) {
      queueMicrotask(() => child.emit('error', Object.assign(new Error('the spawner is closed'), { code: 'EHELPER' })));
      return child;
    }
    this.children.set(id, child);
    const p = this.ensure();
    this.holdIfBusy(p);
    this.send(p, frame);
    return child;
  }

  watch(file: string, onChange: (populated?: boolean) => void, onError: (code: string) => void): FileWatch {
    if (this.closed) {
      queueMicrotask(() => onError('EHELPER'));
      return { close: () => undefined };
    }
    const key = ++this.seq;
    const w: WatchEntry = { file, onChange, onError, wd: 0, closed: false };
    this.watches.set(key, w);
    const p = this.ensure();
    this.holdIfBusy(p);
    this.sendWatch(p, key, file);
    return {
      close: () => {
        if (w.closed) return;
        w.closed = true;
        if (w.wd > 0) this.unwatch(key, w);
      },
    };
  }

  private sendWatch(p: ChildProcess, key: number, file: string): void {
    this.send(p, frameOf(OP_WATCH, key, file));
  }

  private unwatch(key: number, w: WatchEntry): void {
    this.watches.delete(key);
    this.settled();
    if (!this.proc || w.wd <= 0) return;
    this.send(this.proc, frameOf(OP_UNWATCH, w.wd));
  }

  /** Syncs asked for in one turn of the loop share one SYNC (its frame is not written yet). */
  sync(): Promise<void> {
    if (!this.proc) return Promise.resolve();
    if (this.unsentSync && this.outgoingTo === this.proc) return this.unsentSync;
    const id = ++this.seq;
    const frame = frameOf(OP_SYNC, id);
    const p = new Promise<void>((resolve) => {
      this.syncs.set(id, resolve);
      this.holdIfBusy(this.proc!);
      this.send(this.proc!, frame);
    });
    this.unsentSync = p;
    return p;
  }

  get pid(): number | undefined { return this.proc?.pid; }

  close(): void {
    this.closed = true;
    this.writeOut();
    this.proc?.stdin?.end();
    this.proc = null;
  }

  private ensure(): ChildProcess {
    if (this.proc) return this.proc;
    const p = spawn(this.binary, [], { stdio: ['pipe', 'pipe', 'inherit'], env: {} });
    this.proc = p;
    readLines(p.stdout!, (line) => this.onLine(line));
    p.stdin!.on('error', () => undefined); // EPIPE after the spawner died: handled by 'exit'
    p.on('error', () => undefined); // cannot exec the binary: 'exit' follows
    p.on('exit', () => {
      if (this.proc === p) this.proc = null;
      // the watches died with it: added again by the next spawner, changes meanwhile re-checked
      // (not after close(): a new spawner would outlive the daemon's shutdown)
      const lost = [...this.watches].filter(([, w]) => !w.closed);
      for (const [, w] of lost) w.wd = 0;
      if (lost.length && !this.closed) {
        setImmediate(() => {
          const next = this.ensure();
          for (const [key, w] of lost) {
            if (w.closed) continue;
            this.sendWatch(next, key, w.file);
            w.onChange();
          }
        });
      }
      for (const [id, c] of this.children) {
        this.children.delete(id);
        c.emit('error', Object.assign(new Error('the spawner exited'), { code: 'EHELPER' }));
      }
      for (const [id, resolve] of this.syncs) {
        this.syncs.delete(id);
        resolve();
      }
      for (const [id, done] of this.logReplies) {
        this.logReplies.delete(id);
        done(-1);
      }
    });
    holdChild(p, this.busy > 0); // a restarted spawner re-adding watches keeps the loop alive as before
    return p;
  }

  /** Like the fs.watch handles it replaces, a watch keeps the event loop alive; so does a request in flight. */
  private get busy(): number { return this.children.size + this.syncs.size + this.watches.size + this.logReplies.size; }

  private holdIfBusy(p: ChildProcess): void {
    if (this.busy === 1) holdChild(p, true);
  }

  private settled(): void {
    if (this.busy === 0 && this.proc) holdChild(this.proc, false);
  }

  /** The request `id` of `pending`, answered now: removed (releasing the event loop when it was the last). */
  private take<T>(pending: Map<number, T>, id: number): T | undefined {
    const v = pending.get(id);
    if (v === undefined) return undefined;
    pending.delete(id);
    this.settled();
    return v;
  }

  private onLine(line: string): void {
    const f = line.split(' ');
    const id = Number(f[1]);
    switch (f[0]) {
      case 'S': {
        const c = this.children.get(id);
        if (!c) return;
        c.pid = Number(f[2]);
        c.emit('spawn');
        return;
      }
      case 'F': {
        const c = this.take(this.children, id);
        if (!c) return;
        const errno = Number(f[3]);
        const [code, text] = errnoNames(errno);
        const message = f[2] === 'exec' ? `${code} (${text})` : `${describeStage(f[2]!)}: ${code} (${text})`;
        c.emit('error', Object.assign(new Error(message), { code, errno, stage: f[2] }));
        return;
      }
      case 'X': {
        const c = this.take(this.children, id);
        if (!c) return;
        const status = Number(f[2]);
        c.populatedAtExit = populatedField(f[3]);
        const sig = status & 0x7f;
        if (sig === 0) c.emit('exit', (status >> 8) & 0xff, null);
        else c.emit('exit', null, signalName(sig));
        return;
      }
      case 'D': {
        const d: Death = { pid: id, status: Number(f[2]), cgroup: f.slice(3).join(' ') };
        this.onDeath(d);
        return;
      }
      case 'W': {
        const w = this.watches.get(id);
        if (!w) return;
        const wd = Number(f[2]);
        if (wd > 0) {
          w.wd = wd;
          if (w.closed) this.unwatch(id, w);
          // the state once the watch was active: catches a change made before (no event for it)
          else if (f[3] !== undefined) w.onChange(populatedField(f[3]));
          return;
        }
        this.watches.delete(id);
        this.settled();
        if (!w.closed) w.onError(SYSTEM_ERRORS.get(wd)?.[0] ?? `E${-wd}`);
        return;
      }
      case 'E': {
        const w = this.watches.get(id);
        if (w && !w.closed) w.onChange(populatedField(f[2]));
        return;
      }
      case 'L':
        this.take(this.logReplies, id)?.(Number(f[2]));
        return;
      case 'Y':
        this.take(this.syncs, id)?.();
        return;
    }
  }
}

/**
 * A line for a log file once the spawners are closed (a method that completes while svc.startd
 * exits): appended here, synchronously, without rotation (lines still in the closed spawner's
 * pipe may land after it); the errno as LOG would report it.
 */
function appendAfterClose(file: string, text: string): number {
  try {
    appendLogText(file, text);
    return 0;
  } catch (e) {
    return Math.abs((e as NodeJS.ErrnoException).errno ?? 5);
  }
}

function describeStage(stage: string): string {
  switch (stage) {
    case 'cgroup': return 'cannot join the contract cgroup';
    case 'log': return 'cannot open the log file';
    case 'cwd': return 'cannot change to the working directory';
    case 'creds': return 'cannot set the credentials';
    case 'exec': return 'cannot execute';
    default: return 'cannot create the process';
  }
}

/** A request frame: u32 length of the rest, u32 op, u32 value, then an optional NUL-terminated string. */
function frameOf(op: number, value: number, text?: string): Buffer {
  const body = text === undefined ? Buffer.alloc(0) : Buffer.from(text + '\0', 'utf8');
  const head = Buffer.alloc(12);
  head.writeUInt32LE(8 + body.length, 0);
  head.writeUInt32LE(op, 4);
  head.writeUInt32LE(value >>> 0, 8);
  return body.length ? Buffer.concat([head, body]) : head;
}

/** [code, description] of a positive errno from the spawner, e.g. ["ENOTDIR", "not a directory"] */
function errnoNames(errno: number): [string, string] {
  return SYSTEM_ERRORS.get(-errno) ?? [`E${errno}`, `error ${errno}`];
}

/** errno from the spawner as a Node-style error, e.g. "ENOTDIR (not a directory)" (-1: the spawner died) */
function errnoError(errno: number): Error {
  if (errno < 0) return Object.assign(new Error('the spawner exited before writing it'), { code: 'EHELPER' });
  const [code, text] = errnoNames(errno);
  return Object.assign(new Error(`${code} (${text})`), { code, errno });
}

function encodeLog(id: number, file: string, text: string, rot: { maxBytes: number; keep: number }): Buffer {
  if (file.includes('\0')) throw Object.assign(new TypeError('a log path contains a NUL byte'), { code: 'ERR_INVALID_ARG_VALUE' });
  const pathLen = Buffer.byteLength(file, 'utf8');
  const frame = Buffer.allocUnsafe(20 + pathLen + 1 + Buffer.byteLength(text, 'utf8'));
  frame.writeUInt32LE(frame.length - 4, 0);
  frame.writeUInt32LE(OP_LOG, 4);
  frame.writeUInt32LE(id >>> 0, 8);
  frame.writeUInt32LE(rot.maxBytes >>> 0, 12);
  frame.writeUInt32LE(rot.keep >>> 0, 16);
  frame.write(file, 20, 'utf8');
  frame[20 + pathLen] = 0;
  frame.write(text, 21 + pathLen, 'utf8');
  return frame;
}

/** A SPAWN request frame (native/spawner.c: little-endian length, op, id, flags, uid, gid, ngroups, argc, envc, the groups, then NUL-terminated strings); exported for its test. */
export function encodeSpawn(id: number, r: NativeSpawnRequest): Buffer {
  const env = Object.entries(r.env).map(([k, v]) => `${k}=${v}`);
  const strings = [r.cgroupDir ?? '', r.cwd, r.logPath, r.file, ...r.argv, ...env];
  for (const s of strings) if (s.includes('\0')) throw Object.assign(new TypeError('a method string contains a NUL byte'), { code: 'ERR_INVALID_ARG_VALUE' });
  const groups = r.creds?.groups ?? [];
  let flags = FLAG_SETSID;
  if (r.background) flags |= FLAG_BACKGROUND;
  if (r.creds) flags |= FLAG_CREDS;
  if (r.pathSearch) flags |= FLAG_PATHSEARCH;
  const body = strings.join('\0') + '\0';
  const headLength = 4 + 4 * 8 + 4 * groups.length;
  // one buffer per request: length, 8 fields, the groups, then the NUL-terminated strings
  const frame = Buffer.allocUnsafe(headLength + Buffer.byteLength(body, 'utf8'));
  frame.writeUInt32LE(frame.length - 4, 0);
  frame.writeUInt32LE(OP_SPAWN, 4);
  frame.writeUInt32LE(id >>> 0, 8);
  frame.writeUInt32LE(flags >>> 0, 12);
  frame.writeUInt32LE((r.creds?.uid ?? 0) >>> 0, 16);
  frame.writeUInt32LE((r.creds?.gid ?? 0) >>> 0, 20);
  frame.writeUInt32LE(groups.length, 24);
  frame.writeUInt32LE(r.argv.length, 28);
  frame.writeUInt32LE(env.length, 32);
  for (let i = 0; i < groups.length; i++) frame.writeUInt32LE(groups[i]! >>> 0, 36 + 4 * i);
  frame.write(body, headLength, 'utf8');
  return frame;
}
