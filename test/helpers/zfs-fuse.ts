// Test helper: an isolated zfs-fuse instance with one file-backed pool.
//
// zfs-fuse keeps global state in /run/zfs, /var/lib/zfs and /run/lock/zfs (docs: test-infrastructure
// §1), so each instance runs in its own mount namespace (unshare --mount --propagation private)
// with tmpfs over those three directories; commands reach it through `nsenter -t PID -m`. Its FUSE
// mounts are visible only inside that namespace (or through /proc/PID/root).
//
//   const reason = zfsFuseUnavailable(); if (reason) t.skip(reason);
//   const z = await startZfsFuse({ prefix: 'gen' });
//   z.zfs('create', '-o', 'canmount=noauto', `${z.pool}/data`);
//   ... PATH = z.binDir + ':' + PATH makes plain `zfs`/`zpool` talk to this instance ...
//   await z.stop();   // unmount, export, SIGTERM, wait, remove the temporary directory
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REQUIRED = ['zfs-fuse', 'zfs', 'zpool', 'unshare', 'nsenter'];
const SBIN_PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;

function which(cmd: string): string | null {
  for (const dir of SBIN_PATH.split(':')) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return null;
}

/** Why an isolated zfs-fuse cannot run here, or null when it can. */
export function zfsFuseUnavailable(): string | null {
  const missing = REQUIRED.filter((c) => which(c) === null);
  if (missing.length) return `zfs-fuse test skipped: ${missing.join(', ')} not installed`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'zfs-fuse test skipped: needs root (mount namespaces, FUSE)';
  if (!fs.existsSync('/dev/fuse')) return 'zfs-fuse test skipped: /dev/fuse is missing';
  return null;
}

export interface ZfsFuseOptions {
  /** Pool name prefix (a unique suffix is added). */
  prefix?: string;
  /** Size of the sparse file vdev, MiB (default 128). */
  sizeMiB?: number;
  /** Pool root mountpoint, default TMP/mnt (the pool is created with an explicit -m). */
  mountpoint?: string;
}

export interface ZfsFuse {
  /** PID of the zfs-fuse daemon (and of its mount namespace). */
  readonly pid: number;
  /** The pool's unique name. */
  readonly pool: string;
  /** Temporary directory holding the vdev, the wrappers and the default mountpoint. */
  readonly tmp: string;
  readonly mountpoint: string;
  readonly vdev: string;
  /** Directory with `zfs` and `zpool` wrappers that run inside this instance's namespace. */
  readonly binDir: string;
  /** Runs a program inside the namespace. */
  run(cmd: string, args: string[], input?: string): SpawnSyncReturns<string>;
  /** `zfs ARGS` inside the namespace; returns stdout, throws with stderr on failure. */
  zfs(...args: string[]): string;
  /** `zpool ARGS` inside the namespace; returns stdout, throws with stderr on failure. */
  zpool(...args: string[]): string;
  /** A path as seen inside the namespace (through /proc/PID/root). */
  inside(p: string): string;
  stop(): Promise<void>;
}

let counter = 0;

export async function startZfsFuse(opts: ZfsFuseOptions = {}): Promise<ZfsFuse> {
  const reason = zfsFuseUnavailable();
  if (reason) throw new Error(reason);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-zfs-fuse-'));
  const pool = `${opts.prefix ?? 'tz'}${process.pid}x${++counter}${Math.random().toString(36).slice(2, 6)}`;
  const mountpoint = opts.mountpoint ?? path.join(tmp, 'mnt');
  const vdev = path.join(tmp, 'vdev.img');
  const binDir = path.join(tmp, 'bin');
  fs.mkdirSync(binDir);
  fs.writeFileSync(vdev, '');
  fs.truncateSync(vdev, (opts.sizeMiB ?? 128) * 1024 * 1024);
  for (const d of ['/run/zfs', '/var/lib/zfs', '/run/lock/zfs']) fs.mkdirSync(d, { recursive: true });

  const script = 'mount -t tmpfs zr /run/zfs && mount -t tmpfs zl /var/lib/zfs && mount -t tmpfs zk /run/lock/zfs && ' +
    'ulimit -s unlimited && ulimit -v unlimited && exec zfs-fuse --no-daemon --no-kstat-mount';
  const child: ChildProcess = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'bash', '-c', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PATH: SBIN_PATH },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start zfs-fuse');

  const run = (cmd: string, args: string[], input?: string): SpawnSyncReturns<string> =>
    spawnSync('nsenter', ['-t', String(pid), '-m', cmd, ...args], { encoding: 'utf8', input, env: { ...process.env, PATH: SBIN_PATH }, timeout: 60_000 });
  const must = (cmd: string, args: string[]): string => {
    const r = run(cmd, args);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };

  let dead = false;
  void exited.then(() => { dead = true; });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (dead) throw new Error(`zfs-fuse exited during start-up: ${stderr}`);
    if (run('zpool', ['list']).status === 0) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`zfs-fuse did not become ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }

  const stop = async (): Promise<void> => {
    if (!dead) {
      run('zfs', ['umount', '-a']);
      for (let i = 0; i < 5 && run('zpool', ['list', pool]).status === 0; i++) {
        if (run('zpool', ['export', pool]).status === 0) break;
        if (run('zpool', ['export', '-f', pool]).status === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  try {
    must('zpool', ['create', '-o', 'cachefile=none', '-m', mountpoint, pool, vdev]);
  } catch (err) {
    await stop();
    throw err;
  }
  for (const tool of ['zfs', 'zpool']) {
    const real = which(tool)!;
    fs.writeFileSync(path.join(binDir, tool), `#!/bin/sh\nexec nsenter -t ${pid} -m ${real} "$@"\n`, { mode: 0o755 });
  }
  return {
    pid, pool, tmp, mountpoint, vdev, binDir, run,
    zfs: (...args) => must('zfs', args),
    zpool: (...args) => must('zpool', args),
    inside: (p) => `/proc/${pid}/root${p}`,
    stop,
  };
}
