// Runs one method for real (smf-spec 4.2, 4.4, 4.8, 5): `/bin/sh -c "exec <expanded>"` with
// stdin /dev/null, stdout+stderr appended to the instance log, the resolved credentials and
// working directory, in a new session (detached: survives a daemon restart), inside a contract
// (cgroup or process group) whose every process gets SIGKILL on timeout.
//
// Invariants:
// - The returned outcome promise never rejects for an expected failure (bad context, missing
//   program, unwritable log...): those are spawnError values with a message.
// - Property values never reach a shell unescaped (token expansion happened in core/method);
//   paths and ids added here are single-quoted or numeric.
import fs from 'node:fs';
import path from 'node:path';
import { ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import type { MethodHandle, MethodOutcome, MethodRunRequest, MethodRunner } from '../../ports/process.js';
import { classifyExec } from '../../core/method/exec.js';
import { resolveMethodContext, type ResolvedCredentials, type ResolvedMethodContext, type UserDatabase } from '../../core/method/context.js';
import { CORE_SIGNALS, signalNumber, waitStatusOf } from '../../core/method/signals.js';
import { isPlainCommand } from '../../core/method/shell-quote.js';
import type { ContractBackend, MethodGroup } from './backend.js';
import { shQuote } from './cgroup-path.js';
import { appendLogLine, queuedOnThreadPool } from './log.js';
import { HelperChild, type SpawnHelper } from './spawn-helper.js';
import { SpawnedChild, type NativeSpawner, type NativeSpawnRequest } from './native-spawner.js';
import { SystemUserDatabase } from './users.js';

export interface ProcessMethodRunnerOptions {
  contracts: ContractBackend;
  users?: UserDatabase;
  /** default /bin/sh */
  shell?: string;
  /** default: found on PATH (/usr/bin/setpriv); needed for supplementary groups and capabilities */
  setpriv?: string;
  /** exec plain commands without the shell when nothing needs it (process-group mode only). Default true. */
  directExec?: boolean;
  /** bytes of output kept in stderrTail (default 2048) */
  tailBytes?: number;
  /** spawn shell-prelude methods (cgroup contracts) through this helper instead of forking the daemon */
  helper?: SpawnHelper | null;
  /** clone methods of cgroup contracts straight into their group through native/spawner.c (preferred) */
  native?: NativeSpawner | null;
}

const started = (outcome: Promise<MethodOutcome>, pid: number | null = null, contractId: number | null = null): MethodHandle => ({ pid, contractId, outcome });

/** The outcome of a method whose process could not enter its context: exit 96 (SMF_EXIT_ERR_CONFIG). */
const CONTEXT_EXIT = { exitCode: 96, waitStatus: 96 << 8, timedOut: false } as const;

export class ProcessMethodRunner implements MethodRunner {
  private readonly users: UserDatabase;
  private readonly shell: string;
  private readonly setpriv: string;
  private readonly directExec: boolean;
  private readonly tailBytes: number;
  /** the daemon's own identity; home = its passwd entry's (methods must not depend on the daemon's $HOME, §4.5/§4.6) */
  private readonly self: { uid: number; gid: number; home: string };
  /** what keeps the event loop alive for methods in flight and wait-model services: child handles, timeout timers */
  private readonly holds = new Set<{ unref(): unknown }>();
  private released = false;

  constructor(private readonly opts: ProcessMethodRunnerOptions) {
    this.users = opts.users ?? new SystemUserDatabase();
    const uid = process.getuid?.() ?? 0;
    this.self = { uid, gid: process.getgid?.() ?? 0, home: this.users.userById(uid)?.home || '/' };
    this.shell = opts.shell ?? '/bin/sh';
    this.setpriv = opts.setpriv ?? (fs.existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : 'setpriv');
    this.directExec = opts.directExec ?? true;
    this.tailBytes = opts.tailBytes ?? 2048;
  }

  run(req: MethodRunRequest): Promise<MethodOutcome> {
    return this.start(req).outcome;
  }

  release(): void {
    this.released = true;
    for (const h of this.holds) h.unref();
    this.holds.clear();
    this.opts.helper?.close(); // the fallback's spawn helper, held while its requests are pending
  }

  /** Tracks a handle that keeps the event loop alive until `done` (unref'd at once after release()). */
  private hold(h: { unref(): unknown }, done: Promise<unknown>): void {
    if (this.released) { h.unref(); return; }
    this.holds.add(h);
    void done.finally(() => this.holds.delete(h));
  }

  /**
   * Methods cloned by the native spawner come after the lines in flight to their log file (it
   * writes them, in order); lines queued on the thread pool still need a wait.
   */
  ordersAfterLog(req: MethodRunRequest): boolean {
    return !!this.opts.native && !(req.model === 'child' && req.method === 'start') && !queuedOnThreadPool(req.logPath);
  }

  start(req: MethodRunRequest): MethodHandle {
    const t0 = Date.now();
    const fail = (spawnError: 'config' | 'missing', message: string): MethodHandle => {
      this.log(req.logPath, message);
      return started(Promise.resolve({ spawnError, message, timedOut: false, durationMs: Date.now() - t0, stderrTail: '' }));
    };
    // What SMF's forked child does when it cannot enter the method context (chdir, credentials): exit 96
    // (SMF_EXIT_ERR_CONFIG, smf-spec §4.5), so the start's wait status and svcs -x say so.
    const contextExit = (message: string): MethodHandle => {
      this.log(req.logPath, message);
      return started(Promise.resolve({ ...CONTEXT_EXIT, message, durationMs: Date.now() - t0, stderrTail: '' }));
    };
    const cls = classifyExec(req.exec);
    if (!cls.ok) return fail('config', cls.message);
    if (cls.value.kind === 'true') return started(Promise.resolve({ exitCode: 0, timedOut: false, durationMs: 0, stderrTail: '' }));
    if (cls.value.kind === 'kill') {
      if (req.model === 'transient') return fail('config', `"${req.exec}" cannot be used by a transient service (it has no contract to signal); use :true or a command`);
      const { signal } = cls.value;
      const release = this.opts.contracts.hold(req.fmri);
      this.opts.contracts.kill(req.fmri, signal);
      return started(this.afterSuccess(req, t0, { exitCode: 0, timedOut: false, durationMs: 0, stderrTail: '' }).finally(release));
    }
    const ctx = resolveMethodContext(req.context, this.users, this.self);
    if (!ctx.ok) return fail('config', ctx.message);
    for (const w of ctx.value.warnings) this.log(req.logPath, w);
    const wd = ctx.value.workingDirectory;
    const badWd = `working directory "${wd}" does not exist or is not a directory; fix method_context/working_directory or create it`;
    // the native spawner's chdir reports the same (stage cwd) without a stat on the event loop
    if (!this.opts.native && !fs.statSync(wd, { throwIfNoEntry: false })?.isDirectory()) return contextExit(badWd);
    if (req.model === 'child' && req.method === 'start') {
      const prog = firstWord(cls.value.command);
      if (prog.startsWith('/') && !fs.existsSync(prog)) return fail('missing', `Missing start method: "${prog}" does not exist`);
    }
    const primary = req.method === 'start' && req.model !== 'transient';
    const release = req.waitForEmpty ? this.opts.contracts.hold(req.fmri) : () => undefined;
    const group = this.opts.contracts.beginMethod(req.fmri, primary);
    if ('error' in group) {
      release();
      return fail('config', group.error);
    }
    const waitStart = req.model === 'child' && req.method === 'start';
    // A wait-model start needs its pid at once (it is the service): forked here.
    const native = this.opts.native && group.cgroupDir !== null && !waitStart ? this.opts.native : null;
    let logFd: number | null = null;
    let logStart: number;
    try {
      // the spawner opens the log itself; the tail is then simply the file's last bytes (-1: no start offset)
      if (native) {
        ensureLogDir(req.logPath);
        logStart = -1;
      } else {
        logFd = openLog(req.logPath);
        logStart = fs.fstatSync(logFd).size;
      }
    } catch (e) {
      group.finish();
      release();
      return fail('config', `cannot open log file ${req.logPath}: ${(e as Error).message}`);
    }
    let file: string;
    let background = false;
    let child: ReturnType<typeof spawn> | HelperChild | SpawnedChild;
    try {
      if (native) {
        const n = this.nativeCommand(cls.value.command, ctx.value, req.env, wd);
        file = n.file;
        background = !!n.background;
        child = native.spawn({ ...n, cwd: wd, logPath: req.logPath, cgroupDir: group.cgroupDir });
      } else {
        const cl = this.commandLine(cls.value.command, group, ctx.value);
        file = cl.file;
        const helper = group.shellPrelude !== '' && !waitStart ? this.opts.helper : null;
        const options: SpawnOptions = { stdio: ['ignore', logFd!, logFd!], env: req.env, cwd: wd, detached: true, ...cl.spawnCreds };
        // The process joins its group itself (shell prelude): the pid is only needed for reports.
        if (helper) child = helper.spawn({ file, args: cl.args, env: req.env, cwd: wd, logPath: req.logPath, ...cl.spawnCreds });
        else child = spawn(file, cl.args, options);
      }
    } catch (e) {
      // synchronous refusals: NUL bytes in argv/env, invalid uid/gid...
      group.finish();
      release();
      return fail('config', `cannot start "${req.exec}": ${(e as Error).message}`);
    } finally {
      if (logFd !== null) fs.closeSync(logFd);
    }
    if (child.pid !== undefined) group.attached(child.pid);
    else if (child instanceof HelperChild || child instanceof SpawnedChild) child.once('spawn', () => group.attached(child.pid!));
    const outcome = new Promise<MethodOutcome>((resolve) => {
      let timedOut = false;
      let killedContract: number | undefined;
      let timer: NodeJS.Timeout | null = null;
      if (req.timeoutMs && req.timeoutMs > 0 && !(req.model === 'child' && req.method === 'start')) {
        timer = setTimeout(() => {
          // the restarter logs "Method or service exit timed out. Killing contract N." from the outcome
          timedOut = true;
          killedContract = group.id() ?? child.pid;
          group.killAll(9);
          if (child.pid !== undefined) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
        }, req.timeoutMs);
        if (this.released) timer.unref(); else this.holds.add(timer);
      }
      let settled = false;
      const settle = async (o: Omit<MethodOutcome, 'durationMs' | 'stderrTail'>) => {
        if (settled) return;
        settled = true;
        if (timer) { clearTimeout(timer); this.holds.delete(timer); }
        // After a timeout SIGKILL, let the group drain so its emptiness is not reported later as an event.
        if (timedOut) await drain(group, 2000);
        // the native spawner read the group's state as it reported the exit (not after a timeout's drain)
        const { empty } = group.finish(!timedOut && child instanceof SpawnedChild ? child.populatedAtExit : undefined);
        const base = withLazyTail({ ...o, durationMs: Date.now() - t0, ...(killedContract !== undefined ? { contractId: killedContract } : {}) },
          () => readTail(req.logPath, logStart, this.tailBytes));
        if (primary) base.contractEmpty = empty;
        const done = !timedOut && o.exitCode === 0 ? this.afterSuccess(req, t0, base) : Promise.resolve(base);
        done.finally(release).then(resolve, () => resolve(base));
      };
      child.on('error', (e: NodeJS.ErrnoException & { stage?: string }) => {
        if (e.stage !== undefined && e.stage !== 'exec') {
          // the native spawner could not prepare the process (log, working directory, credentials, cgroup)
          const message = e.stage === 'cwd' && (e.code === 'ENOENT' || e.code === 'ENOTDIR') ? badWd : `cannot start "${req.exec}": ${e.message}`;
          this.log(req.logPath, message);
          if (e.stage === 'cwd' || e.stage === 'creds') void settle({ ...CONTEXT_EXIT, message });
          else void settle({ spawnError: 'config', message, timedOut: false });
          return;
        }
        // Direct exec (no shell): report what the shell would have (127 not found, 126 not executable).
        const message = `cannot execute "${file}": ${e.message}`;
        this.log(req.logPath, message);
        if (background) {
          // "cmd &": the shell's asynchronous list fails, the method itself exits 0 (and the contract is empty)
          void settle({ exitCode: 0, timedOut: false, waitStatus: 0 });
          return;
        }
        const exitCode = e.code === 'ENOENT' ? 127 : e.code === 'EACCES' ? 126 : undefined;
        if (exitCode === undefined) void settle({ spawnError: 'config', message, timedOut: false });
        else void settle({ exitCode, timedOut: false, message, waitStatus: waitStatusOf(exitCode, undefined), ...(waitStart && exitCode === 127 ? { spawnError: 'missing' as const } : {}) });
      });
      child.on('exit', (code, sig) => {
        const signum = sig ? signalNumber(sig) : undefined;
        const coreDumped = signum !== undefined && CORE_SIGNALS.has(signum);
        void settle({
          ...(code !== null ? { exitCode: code } : {}),
          ...(sig ? { signal: sig, coreDumped } : {}),
          timedOut,
          pid: child.pid,
          waitStatus: waitStatusOf(code ?? undefined, signum, coreDumped),
        });
      });
    });
    // a wait-model service or a method run through node's spawn holds the event loop until it exits
    if (child instanceof ChildProcess) this.hold(child, outcome);
    return started(outcome, child.pid ?? null, group.id());
  }

  /** Stop with waitForEmpty: wait for the primary contract to empty until the method's deadline. */
  private async afterSuccess(req: MethodRunRequest, t0: number, o: MethodOutcome): Promise<MethodOutcome> {
    if (!req.waitForEmpty) return o;
    const deadline = req.timeoutMs && req.timeoutMs > 0 ? t0 + req.timeoutMs : null;
    const empty = await this.opts.contracts.waitEmpty(req.fmri, deadline);
    if (empty) return { ...o, durationMs: Date.now() - t0 };
    const contractId = this.opts.contracts.contractId(req.fmri);
    this.opts.contracts.kill(req.fmri, 9);
    // SIGKILL cannot be ignored: let the group drain so the emptiness is ours, not a late event.
    await this.opts.contracts.waitEmpty(req.fmri, Date.now() + 2000);
    return { ...o, timedOut: true, durationMs: Date.now() - t0, ...(contractId !== null ? { contractId } : {}) };
  }

  /**
   * The native spawner's argv: credentials are set by the spawner itself, so the shell is needed only
   * for shell syntax. A plain command is exec'd directly (as `exec cmd` in sh would, PATH searched,
   * PWD set as dash sets it); a plain command followed by `&` is the classic contract start method
   * (`/usr/lib/foo/food &`): started directly, the method counting as exited 0 once it is exec'd.
   * Capabilities still go through setpriv.
   */
  private nativeCommand(command: string, ctx: ResolvedMethodContext, env: Record<string, string>, wd: string): Omit<NativeSpawnRequest, 'cwd' | 'logPath' | 'cgroupDir'> {
    const c = this.switchingTo(ctx);
    if (c && ctx.capabilities !== null) return { file: this.setpriv, argv: this.setprivArgv(c, ctx, command), env, pathSearch: true };
    const creds = c ? { uid: c.uid, gid: c.gid, groups: c.groups } : undefined;
    const bg = /^(.*?)\s*(?<![&\\])&\s*$/.exec(command);
    const plain = bg && isPlainCommand(bg[1]!) ? bg[1]! : this.directExec && isPlainCommand(command) ? command : null;
    if (plain !== null) {
      const argv = plain.trim().split(/ +/);
      return { file: argv[0]!, argv, env: { ...env, PWD: wd }, pathSearch: true, background: !!bg && plain === bg[1], ...(creds ? { creds } : {}) };
    }
    return { file: this.shell, argv: [this.shell, '-c', `exec ${command}`], env, ...(creds ? { creds } : {}) };
  }

  private commandLine(command: string, group: MethodGroup, ctx: ResolvedMethodContext): { file: string; args: string[]; spawnCreds: { uid?: number; gid?: number } } {
    const creds = this.switchingTo(ctx);
    const needSetpriv = creds !== null && (group.shellPrelude !== '' || ctx.capabilities !== null || creds.groups.some((g) => g !== creds.gid));
    if (!needSetpriv) {
      const spawnCreds = creds ? { uid: creds.uid, gid: creds.gid } : {};
      if (group.shellPrelude === '' && this.directExec && isPlainCommand(command)) {
        const words = command.trim().split(/ +/);
        return { file: words[0]!, args: words.slice(1), spawnCreds };
      }
      return { file: this.shell, args: ['-c', `${group.shellPrelude}exec ${command}`], spawnCreds };
    }
    const priv = this.setprivArgv(creds, ctx, command).map(shQuote).join(' ');
    return { file: this.shell, args: ['-c', `${group.shellPrelude}exec ${priv}`], spawnCreds: {} };
  }

  /** The credentials to switch to, or null when the method runs as the daemon's own user (without extra capabilities). */
  private switchingTo(ctx: ResolvedMethodContext): ResolvedCredentials | null {
    const c = ctx.credentials;
    return c !== null && !(c.uid === this.self.uid && c.gid === this.self.gid && ctx.capabilities === null) ? c : null;
  }

  /** `setpriv --reuid --regid --groups|--clear-groups [--inh-caps --ambient-caps] -- /bin/sh -c "exec <command>"` */
  private setprivArgv(c: ResolvedCredentials, ctx: ResolvedMethodContext, command: string): string[] {
    const supp = c.groups.filter((g) => g !== c.gid);
    const argv = [this.setpriv, `--reuid=${c.uid}`, `--regid=${c.gid}`, supp.length ? `--groups=${supp.join(',')}` : '--clear-groups'];
    if (ctx.capabilities?.length) {
      const caps = ctx.capabilities.map((x) => `+${x}`).join(',');
      argv.push(`--inh-caps=${caps}`, `--ambient-caps=${caps}`);
    }
    argv.push('--', this.shell, '-c', `exec ${command}`);
    return argv;
  }

  private log(logPath: string, text: string): void {
    try { appendLogLine(logPath, text); } catch { /* the log is best effort */ }
  }
}

function openLog(p: string): number {
  try {
    return fs.openSync(p, 'a', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(p), { recursive: true });
    return fs.openSync(p, 'a', 0o644);
  }
}

/** Size of the log file; its directory is created when missing (the file is created by the spawner). */
/**
 * stderrTail read when someone looks at it (a failure report, a test), not after every method:
 * four synchronous file operations per method otherwise.
 */
function withLazyTail(o: Omit<MethodOutcome, 'stderrTail'>, read: () => string): MethodOutcome {
  let tail: string | undefined;
  return Object.defineProperty(o, 'stderrTail', { get: () => (tail ??= read()), enumerable: true, configurable: true }) as MethodOutcome;
}

/** Log directories known to exist (the native spawner creates the file, not its directory). */
const logDirs = new Set<string>();

/** Creates the log's directory once per directory. */
function ensureLogDir(p: string): void {
  const dir = path.dirname(p);
  if (!logDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    logDirs.add(dir);
  }
}

/** Last `max` bytes written to the log since offset `from`. */
function readTail(p: string, from: number, max: number): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, 'r');
    const size = fs.fstatSync(fd).size;
    const start = Math.max(from, size - max, 0);
    if (size <= start) return '';
    const buf = Buffer.alloc(size - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    return buf.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Waits (10 ms steps, at most limitMs) until every process of the group is gone. */
async function drain(group: MethodGroup, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!group.isEmpty() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

function firstWord(command: string): string {
  const m = /^\s*((?:\\.|[^\s\\])+)/.exec(command);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : '';
}
