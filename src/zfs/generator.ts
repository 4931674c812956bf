// zfs-mount-generator, the I/O side: reads the cache directory and the imported pools, runs the
// pure generator (src/core/zfs/plan.ts) and writes its output tree into OUTDIR with few syscalls.
// Only node:fs and node:child_process are imported, so the standalone entry starts fast.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { generate, type OutputSink } from '../core/zfs/plan.js';
import { cacheDir, prefixedPath, readCacheDir, strerror } from './io.js';

export interface GeneratorRun {
  destdir: string;
  env: NodeJS.ProcessEnv;
  pid: number;
  /** Where messages go (stderr by default), as byte strings. */
  write?: (text: string) => void;
}

function stderrWrite(text: string): void {
  fs.writeSync(2, Buffer.from(text, 'latin1'));
}

/** Pools that are imported now: $ZFS_IMPORTED_POOLS (newline-separated, empty = none) or `zpool list`. */
export function importedPools(env: NodeJS.ProcessEnv): { pools: Set<string>; error?: string } {
  const forced = env.ZFS_IMPORTED_POOLS;
  if (forced !== undefined) return { pools: new Set(forced.split('\n').filter((p) => p !== '')) };
  const r = spawnSync('zpool', ['list', '-H', '-o', 'name'], {
    encoding: 'latin1',
    env: { ...env, PATH: `${env.PATH ?? ''}:/usr/sbin:/sbin` },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? strerror(r.error) : (r.stderr || '').trim().split('\n').pop() || `exit status ${r.status}`;
    return { pools: new Set(), error: `error listing pools (zpool list: ${why}), ignoring` };
  }
  return { pools: new Set(r.stdout.split('\n').filter((p) => p !== '')) };
}

/** Runs the generator once; returns the exit status (0, or 1 when a line or a write failed). */
export function runGenerator(o: GeneratorRun): number {
  const started = process.hrtime.bigint();
  const write = o.write ?? stderrWrite;
  const prefix = `zfs-mount-generator[${o.pid}]: `;
  let existing: string[];
  try {
    if (!fs.statSync(o.destdir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    existing = fs.readdirSync(o.destdir, { encoding: 'latin1' });
  } catch (err) {
    write(`${prefix}can't open destination directory ${o.destdir}: ${strerror(err)}\n`);
    return 1;
  }
  const dir = cacheDir(o.env);
  const cache = readCacheDir(dir);
  if (!cache.ok) {
    if (!cache.missing) write(`${prefix}couldn't open ${dir}: ${cache.error}\n`);
    return 0;
  }
  let out = cache.errors.map((e) => prefix + e + '\n').join('');
  let pools = new Set<string>();
  if (cache.files.some((f) => f.content.length > 0)) {
    const p = importedPools(o.env);
    pools = p.pools;
    if (p.error) out += prefix + p.error + '\n';
  }
  const input = { files: cache.files, importedPools: pools, existing, destdir: o.destdir, pid: o.pid };
  const result = insideDir(o.destdir, (base) => generate(input, new DirectorySink(base)));
  for (const m of result.messages) out += m + '\n';
  if (o.env.ZFS_DEBUG && Number.parseInt(o.env.ZFS_DEBUG, 10)) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    out += `zfs-mount-generator: total=${(ms / 1000).toFixed(9)}s maxrss=${process.resourceUsage().maxRSS * 1024}B\n`;
  }
  if (out) write(out);
  return result.status;
}

/**
 * Runs FN with the working directory moved into DIR, as upstream works from a descriptor of it
 * (openat): names then resolve from there (a shorter path walk per file: ~5% less kernel time at
 * 10,000 datasets). FN gets the prefix to put before names: '' inside DIR, or 'DIR/' when the
 * working directory cannot be changed (worker threads). The old one is restored afterwards.
 * FN runs synchronously, so no other JavaScript sees the change; but file operations already
 * queued on libuv's thread pool with relative paths would resolve from DIR meanwhile: call this
 * from the generator's own process (the commands), not from a busy daemon.
 */
export function insideDir<T>(dir: string, fn: (base: string) => T): T {
  let back: string | null = null;
  try {
    const cwd = process.cwd();
    process.chdir(dir);
    back = cwd;
  } catch { /* stay where we are and use full paths */ }
  try {
    return fn(back === null ? dir + '/' : '');
  } finally {
    if (back !== null) process.chdir(back);
  }
}

/** The output directory itself: one open/write/close per unit, one symlink per link. */
export class DirectorySink implements OutputSink {
  private readonly dirs = new Map<string, string | null>();
  /** BASE: what goes before a name to reach the output directory ('' when it is the working directory, else 'DIR/'). */
  constructor(private readonly base: string) {}

  writeFile(name: string, content: string): string | null {
    let fd = -1;
    try {
      // The string goes to write(2) as is (Node encodes it natively: no Buffer, no copy in JS).
      fd = fs.openSync(prefixedPath(this.base, name), OPEN_FLAGS, 0o644);
      const n = fs.writeSync(fd, content, null, 'latin1');
      if (n < content.length) {
        const rest = Buffer.from(content.slice(n), 'latin1');
        for (let off = 0; off < rest.length;) off += fs.writeSync(fd, rest, off, rest.length - off);
      }
      return null;
    } catch (err) {
      return strerror(err);
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }

  remove(name: string): void {
    try { fs.unlinkSync(prefixedPath(this.base, name)); } catch { /* ignored, as upstream */ }
  }

  link(dir: string, name: string, target: string): null | { stage: 'dir' | 'symlink'; error: string } {
    let dirError = this.dirs.get(dir);
    if (dirError === undefined) {
      dirError = null;
      try {
        fs.mkdirSync(prefixedPath(this.base, dir), 0o755);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') dirError = strerror(err);
      }
      this.dirs.set(dir, dirError);
    }
    if (dirError !== null) return { stage: 'dir', error: dirError };
    try {
      fs.symlinkSync(target, prefixedPath(this.base, dir + '/' + name));
      return null;
    } catch (err) {
      return { stage: 'symlink', error: strerror(err) };
    }
  }
}

const OPEN_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC;
