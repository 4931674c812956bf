// `tsmf zfs-list-cache refresh POOL`: rewrites ZFS_LIST_CACHE_DIR/POOL (default
// /etc/zfs/zfs-list.cache/POOL) from `zfs list`, atomically (temporary file in a subdirectory the
// generator ignores, fsync, rename), and only when the content changed. A pool import service
// calls it after each import.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { LIST_PROPERTIES, cacheContent, rejectedOptionalProperty, validPoolName } from '../core/zfs/list-cache.js';
import { cacheDir, strerror } from './io.js';

const USAGE = `usage: tsmf zfs-list-cache refresh POOL [--cache-dir DIR] [--zfs PROGRAM] [--if-tracked]
Rewrites the cache file DIR/POOL (DIR: --cache-dir, $ZFS_LIST_CACHE_DIR or /etc/zfs/zfs-list.cache)
from \`zfs list -H -t filesystem -o <the OpenZFS property list> -r POOL\`. With --if-tracked, does
nothing unless DIR/POOL already exists (the OpenZFS zedlet's rule).
`;

export type RefreshResult =
  | { ok: true; changed: boolean; file: string; defaulted: string[] }
  | { ok: false; error: string };

export interface RefreshOptions {
  pool: string;
  dir: string;
  zfs: string;
  ifTracked: boolean;
  env: NodeJS.ProcessEnv;
}

export function refreshCache(o: RefreshOptions): RefreshResult {
  if (!validPoolName(o.pool)) return { ok: false, error: `invalid pool name "${o.pool}"` };
  const file = path.join(o.dir, o.pool);
  if (o.ifTracked && !fs.existsSync(file)) return { ok: true, changed: false, file, defaulted: [] };
  const env = { ...o.env, PATH: `${o.env.PATH ?? ''}:/usr/sbin:/sbin` };
  let props = [...LIST_PROPERTIES];
  const defaulted: string[] = [];
  let stdout = '';
  for (;;) {
    const r = spawnSync(o.zfs, ['list', '-H', '-t', 'filesystem', '-o', props.join(','), '-r', o.pool], {
      env, encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30,
    });
    if (r.error) return { ok: false, error: `cannot run ${o.zfs}: ${strerror(r.error)}` };
    if (r.status === 0) { stdout = r.stdout; break; }
    const missing = rejectedOptionalProperty(r.stderr);
    if (missing === null || !props.includes(missing)) {
      return { ok: false, error: `${o.zfs} list failed (exit ${r.status}): ${r.stderr.trim()}` };
    }
    props = props.filter((p) => p !== missing);
    defaulted.push(missing);
  }
  const content = cacheContent(stdout, props);
  try {
    if (fs.readFileSync(file, 'latin1') === content) return { ok: true, changed: false, file, defaulted };
  } catch { /* absent or unreadable: write it */ }
  try {
    fs.mkdirSync(o.dir, { recursive: true, mode: 0o755 });
    const tmpDir = path.join(o.dir, '.tsmf-tmp');
    fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = path.join(tmpDir, `${o.pool}.${process.pid}`);
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      fs.writeSync(fd, Buffer.from(content, 'latin1'));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    try { fs.rmdirSync(tmpDir); } catch { /* another refresh is using it */ }
  } catch (err) {
    return { ok: false, error: `cannot write ${file}: ${strerror(err)}` };
  }
  return { ok: true, changed: true, file, defaulted };
}

export async function runListCache(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = [...argv];
  const take = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const ifTracked = args.includes('--if-tracked');
  if (ifTracked) args.splice(args.indexOf('--if-tracked'), 1);
  const dir = take('--cache-dir') ?? cacheDir(env);
  const zfs = take('--zfs') ?? 'zfs';
  if (args.length !== 2 || args[0] !== 'refresh' || !args[1]) {
    process.stderr.write(`tsmf zfs-list-cache: expected "refresh POOL"\n${USAGE}`);
    return 2;
  }
  const r = refreshCache({ pool: args[1], dir, zfs, ifTracked, env });
  if (!r.ok) {
    process.stderr.write(`tsmf zfs-list-cache: ${r.error}\n`);
    return 1;
  }
  if (r.defaulted.length) {
    process.stderr.write(`tsmf zfs-list-cache: this ZFS lacks ${r.defaulted.join(', ')}; wrote the defaults\n`);
  }
  return 0;
}
