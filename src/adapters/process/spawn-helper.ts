// Spawning through a small long-lived helper process (perf, issue 3). libuv's spawn is synchronous:
// it forks the whole daemon (page tables of a 100-200 MB heap, then copy-on-write faults) and blocks
// until the child has exec'd. A bare `node` helper with a small heap forks several times cheaper and
// does it in parallel with the daemon's own work. The helper is a child of the daemon; it spawns
// each method detached (own session) with the log file as stdout/stderr and reports the pid and the
// exit status back over its stdin/stdout pipes (one JSON object per line).
//
// Invariants:
// - A helper that dies fails every method it was running with a spawnError ('config'); the next
//   spawn starts a new helper. Services it started keep running (they are in their own sessions
//   and contracts), only their exit statuses are lost.
// - Nothing from the request reaches a shell here: file/args/env go to child_process.spawn as is.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { holdChild, readLines } from './child-pipe.js';

export interface HelperSpawnRequest {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logPath: string;
  uid?: number;
  gid?: number;
}

/** The part of ChildProcess the method runner uses: 'spawn'/'error'/'exit' events and the pid once known. */
export class HelperChild extends EventEmitter {
  pid: number | undefined;
}

type Reply = { id: number; pid: number } | { id: number; error: string; code?: string } | { id: number; exit: number | null; signal: string | null };

const HELPER_SOURCE = String.raw`
const { spawn } = require('child_process');
const fs = require('fs');
let buf = '';
const send = (o) => process.stdout.write(JSON.stringify(o) + '\n');
process.stdin.on('data', (d) => {
  buf += d;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    if (line) run(JSON.parse(line));
  }
});
process.stdin.on('end', () => process.exit(0));
function run(r) {
  let fd;
  try { fd = fs.openSync(r.logPath, 'a', 0o644); } catch (e) { send({ id: r.id, error: 'cannot open log file ' + r.logPath + ': ' + e.message, code: e.code }); return; }
  let c;
  try {
    const o = { stdio: ['ignore', fd, fd], env: r.env, cwd: r.cwd, detached: true };
    if (r.uid !== undefined) o.uid = r.uid;
    if (r.gid !== undefined) o.gid = r.gid;
    c = spawn(r.file, r.args, o);
  } catch (e) { send({ id: r.id, error: e.message, code: e.code }); return; } finally { fs.closeSync(fd); }
  if (c.pid !== undefined) send({ id: r.id, pid: c.pid });
  c.on('error', (e) => send({ id: r.id, error: e.message, code: e.code }));
  c.on('exit', (code, signal) => send({ id: r.id, exit: code, signal }));
}
`;

export class SpawnHelper {
  private proc: ChildProcess | null = null;
  private seq = 0;
  private readonly children = new Map<number, HelperChild>();

  spawn(req: HelperSpawnRequest): HelperChild {
    const child = new HelperChild();
    const id = ++this.seq;
    this.children.set(id, child);
    const p = this.ensure();
    if (this.children.size === 1) holdChild(p, true); // the helper keeps the loop alive only while methods run in it
    p.stdin!.write(JSON.stringify({ id, ...req }) + '\n');
    return child;
  }

  /** pid of the running helper, if one runs */
  get helperPid(): number | undefined { return this.proc?.pid; }

  /** Ends the helper (its stdin closes; running services are not affected). */
  close(): void {
    this.proc?.stdin?.end();
    this.proc = null;
  }

  private ensure(): ChildProcess {
    if (this.proc) return this.proc;
    const p = spawn(process.execPath, ['--max-semi-space-size=1', '-e', HELPER_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'], env: {} });
    this.proc = p;
    readLines(p.stdout!, (line) => { if (line) this.onReply(JSON.parse(line) as Reply); });
    p.stdin!.on('error', () => undefined); // EPIPE after the helper died: handled by 'exit'
    p.on('exit', () => {
      if (this.proc === p) this.proc = null;
      for (const [id, c] of this.children) {
        this.children.delete(id);
        c.emit('error', Object.assign(new Error('the spawn helper exited'), { code: 'EHELPER' }));
      }
    });
    holdChild(p, false);
    return p;
  }

  private forget(id: number): void {
    this.children.delete(id);
    if (this.children.size === 0 && this.proc) holdChild(this.proc, false);
  }

  private onReply(r: Reply): void {
    const c = this.children.get(r.id);
    if (!c) return;
    if ('pid' in r) {
      c.pid = r.pid;
      c.emit('spawn');
    } else if ('error' in r) {
      this.forget(r.id);
      c.emit('error', Object.assign(new Error(r.error), { code: r.code }));
    } else {
      this.forget(r.id);
      c.emit('exit', r.exit, r.signal);
    }
  }
}
