// Test helper: runs the real bin/svc.startd on a temporary state root, waits until it answers the
// control protocol, runs the CLIs against the same root, polls states (bounded, clear failure
// messages) and at the end stops the daemon and kills every process it started: a shutdown request
// that stops services, then SIGKILL to the daemon's process group, then everything left in the
// test's own cgroup subtree (TSMF_CGROUP_PARENT is unique per daemon) and every method process
// (SMF_FMRI in its environment) that belongs to a process group recorded in the repository or
// mentions the root in its command line or environment.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO_ROOT, 'bin');
const DIST = path.join(REPO_ROOT, 'dist');

export type Cli = 'svcs' | 'svcadm' | 'svccfg' | 'svcprop' | 'svc.startd';
export interface RunResult { code: number; stdout: string; stderr: string }

/** Why the daemon-based tests cannot run here (undefined when they can). */
export function daemonUnavailable(): string | undefined {
  for (const cmd of ['svc.startd', 'svcs', 'svcadm', 'svccfg', 'svcprop'] as const) {
    if (!fs.existsSync(path.join(DIST, `${cmd}.js`))) {
      return fs.existsSync(path.join(REPO_ROOT, 'src', 'cli', `${cmd}.ts`))
        ? `dist/${cmd}.js is missing: run \`npm run build\` first`
        : `src/cli/${cmd}.ts does not exist yet (command not implemented)`;
    }
  }
  return undefined;
}

export function makeRoot(prefix = 'tsmf-case-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * node argv that runs a bin/ command. bin/svc.startd cannot be loaded by Node directly under
 * "type": "module" (unknown extension ".startd"), so commands whose name has a dot are started by
 * importing their dist/ bundle exactly as the launcher does.
 */
export function commandArgv(cmd: Cli): string[] {
  if (!cmd.includes('.')) return [path.join(BIN, cmd)];
  const url = new URL(`file://${path.join(DIST, `${cmd}.js`)}`).href;
  const code = `import { run } from ${JSON.stringify(url)}; run(process.argv.slice(1)).then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(${JSON.stringify(cmd + ': ')} + (e && e.stack || e) + String.fromCharCode(10)); process.exitCode = 1; });`;
  return ['--input-type=module', '-e', code, '--'];
}

/** Runs one of the bin/ commands with `--root`, never through a shell. */
export function runCli(root: string, cmd: Cli, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...commandArgv(cmd), '--root', root, ...args], {
      env: { ...process.env, ...opts.env, TSMF_ROOT: root }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 60000} ms\nstdout: ${stdout}\nstderr: ${stderr}`)); }, opts.timeoutMs ?? 60000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }); });
    // a command that exits before reading its input must not fail the test with EPIPE
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Polls `probe` until it returns a value other than undefined; fails after timeoutMs with `what` and the last observation. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, opts: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> | string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20000);
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      const extra = opts.describe ? `\n${await opts.describe()}` : '';
      throw new Error(`timed out after ${opts.timeoutMs ?? 20000} ms waiting for ${what}${extra}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

function cgroupRoot(): string | undefined {
  try {
    const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' '));
    const dirs = mounts.filter((m) => m[2] === 'cgroup2').map((m) => m[1]!);
    return dirs.includes('/sys/fs/cgroup') ? '/sys/fs/cgroup' : dirs.includes('/sys/fs/cgroup/unified') ? '/sys/fs/cgroup/unified' : dirs[0];
  } catch {
    return undefined;
  }
}

function killCgroupTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) killCgroupTree(path.join(dir, e.name));
  try { fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1'); } catch {
    try { for (const p of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ }
  }
}

function removeCgroupTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroupTree(path.join(dir, e.name));
  try { fs.rmdirSync(dir); } catch { /* still populated or not ours */ }
}

function safeRead(file: string): string {
  try { return fs.readFileSync(file, 'utf8'); } catch { return ''; }
}

function procInfo(pid: number): { pgid: number; cmdline: string; environ: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      pgid: Number(f[2]),
      cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '),
      environ: fs.readFileSync(`/proc/${pid}/environ`, 'utf8'),
    };
  } catch {
    return undefined;
  }
}

export interface StartOptions {
  root?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export class DaemonHandle {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  stderr = '';
  readonly cgroupParent: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(readonly root: string, env: NodeJS.ProcessEnv = {}) {
    this.cgroupParent = `tsmf-test-${path.basename(root)}`;
    this.env = { TSMF_CGROUP_PARENT: this.cgroupParent, TSMF_BOOT_ID: `boot-${path.basename(root)}-1`, ...env };
  }

  get pid(): number | undefined { return this.child?.pid; }

  /** Starts bin/svc.startd and waits until it completes the hello handshake. */
  async start(timeoutMs = 20000): Promise<void> {
    const child = spawn(process.execPath, [...commandArgv('svc.startd'), '--root', this.root], {
      env: { ...process.env, ...this.env, TSMF_ROOT: this.root }, stdio: ['ignore', 'ignore', 'pipe'], detached: true,
    });
    this.child = child;
    child.stderr!.on('data', (d) => { this.stderr += d; });
    let gone = false;
    this.exited = new Promise((r) => child.on('exit', () => { gone = true; r(); }));
    const { connectDaemon } = await import('../../src/cli/common/client.js');
    await waitFor('svc.startd to answer on its control socket', async () => {
      if (gone) throw new Error(`svc.startd exited during start-up:\n${this.stderr}`);
      const c = await connectDaemon(this.root, { client: 'test', timeoutMs: 2000 });
      if (!c.ok) return undefined;
      c.client.close();
      return true;
    }, { timeoutMs, describe: () => `daemon stderr:\n${this.stderr}` });
  }

  run(cmd: Cli, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return runCli(this.root, cmd, args, { ...opts, env: { ...this.env, ...opts.env } });
  }

  /** `svcprop -p restarter/state` and next_state of an instance (`?` when unreadable). */
  async state(fmri: string): Promise<{ state: string; next: string }> {
    const r = await this.run('svcprop', ['-p', 'restarter/state', '-p', 'restarter/next_state', fmri]);
    const [state = '?', next = '?'] = r.code === 0 ? r.stdout.trim().split('\n') : [];
    return { state, next };
  }

  /** Waits until the instance is in `state` with next_state none (or the given next state). */
  async waitState(fmri: string, state: string, opts: { next?: string; timeoutMs?: number } = {}): Promise<void> {
    const next = opts.next ?? 'none';
    let last = { state: '?', next: '?' };
    await waitFor(`${fmri} to reach ${state} (next_state ${next})`, async () => {
      last = await this.state(fmri);
      return last.state === state && last.next === next ? true : undefined;
    }, { timeoutMs: opts.timeoutMs ?? 20000, describe: async () => `last seen: ${last.state} (next ${last.next})\n${(await this.run('svcs', ['-a'])).stdout}\ndaemon stderr:\n${this.stderr}` });
  }

  /** Stops the daemon and every process it started; idempotent. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const recorded = await this.recordedProcessGroups();
    if (child.exitCode === null && child.signalCode === null) {
      try {
        const { sendRequest } = await import('../../src/cli/common/client.js');
        await sendRequest(this.root, { type: 'shutdown', stopServices: true }, { client: 'test', timeoutMs: 10000 });
      } catch { /* fall through to SIGKILL */ }
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 15000))]);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* group gone */ }
      try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ }
      await this.exited;
    }
    await this.killLeftovers(recorded);
  }

  /** Simulates a restarter restart: kill only the daemon (services keep running), then start again. */
  async restartDaemon(): Promise<void> {
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 15000))]);
      if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await this.exited; }
    }
    await this.start();
  }

  /** SIGTERM to the daemon alone; resolves whether it exited within timeoutMs (services keep running). */
  async terminate(timeoutMs = 15000): Promise<boolean> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return true;
    child.kill('SIGTERM');
    let done = false;
    await Promise.race([this.exited.then(() => { done = true; }), new Promise((r) => setTimeout(r, timeoutMs))]);
    return done;
  }

  /** Kills only the daemon (SIGKILL); services keep running until stop(). */
  async killDaemonOnly(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** Simulates a reboot: stop the daemon and kill every service process, then start with a new boot id. */
  async reboot(): Promise<void> {
    await this.stop();
    const n = Number(/-(\d+)$/.exec(String(this.env.TSMF_BOOT_ID))?.[1] ?? 1) + 1;
    this.env.TSMF_BOOT_ID = `boot-${path.basename(this.root)}-${n}`;
    await this.start();
  }

  private async recordedProcessGroups(): Promise<Set<number>> {
    const out = new Set<number>();
    try {
      const { Repository } = await import('../../src/repository/repository.js');
      const file = path.join(this.root, 'etc', 'svc', 'repository.db');
      if (!fs.existsSync(file)) return out;
      const r = Repository.open(file, { readonly: true });
      if (!r.ok) return out;
      try {
        for (const f of r.value.listInstances()) {
          for (const prop of ['contract', 'start_pid', 'transient_contract']) {
            const v = r.value.getProperty(f, 'restarter', prop);
            if (v.ok) for (const n of v.value.values) if (Number(n) > 1) out.add(Number(n));
          }
        }
      } finally {
        r.value.close();
      }
    } catch { /* best effort */ }
    return out;
  }

  private async killLeftovers(groups: Set<number>): Promise<void> {
    const cg = cgroupRoot();
    const ours = cg ? path.join(cg, this.cgroupParent) : undefined;
    if (ours) killCgroupTree(ours);
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      if (pid === process.pid) continue;
      const p = procInfo(pid);
      if (!p || !p.environ.includes('SMF_FMRI=')) continue;
      const mentionsRoot = p.cmdline.includes(this.root) || p.environ.includes(this.root);
      if (groups.has(p.pgid) || mentionsRoot) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    if (ours && fs.existsSync(ours)) {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && /populated 1/.test(safeRead(path.join(ours, 'cgroup.events')))) {
        killCgroupTree(ours);
        await new Promise((r) => setTimeout(r, 50));
      }
      removeCgroupTree(ours);
    }
  }
}

/** Starts a daemon on a fresh (or given) root. */
export async function startDaemon(opts: StartOptions = {}): Promise<DaemonHandle> {
  const h = new DaemonHandle(opts.root ?? makeRoot(), opts.env);
  try {
    await h.start(opts.timeoutMs);
  } catch (e) {
    await h.stop();
    if (!opts.root) fs.rmSync(h.root, { recursive: true, force: true });
    throw e;
  }
  return h;
}

/** Stops the daemon (if any) and removes its root. */
export async function disposeDaemon(h: DaemonHandle | undefined): Promise<void> {
  if (!h) return;
  await h.stop();
  if (process.env.TSMF_TEST_KEEP_ROOT) process.stderr.write(`kept ${h.root}\n`);
  else fs.rmSync(h.root, { recursive: true, force: true });
}
