// Small I/O helpers shared by the zfs-mount-generator and the cache refresher: byte-exact paths
// (names are latin1 byte strings), strerror texts, and reading the cache directory.
import fs from 'node:fs';

export const DEFAULT_CACHE_DIR = '/etc/zfs/zfs-list.cache';

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory', ENOTDIR: 'Not a directory', EACCES: 'Permission denied',
  EPERM: 'Operation not permitted', EEXIST: 'File exists', ENAMETOOLONG: 'File name too long',
  EISDIR: 'Is a directory', ENOSPC: 'No space left on device', EROFS: 'Read-only file system',
  ELOOP: 'Too many levels of symbolic links', EMFILE: 'Too many open files', EIO: 'Input/output error',
};

/** The C library's strerror() text for a Node system error. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return (code && STRERROR[code]) || (err instanceof Error ? err.message : String(err));
}

const ASCII = /^[\x00-\x7f]*$/;

/** A path to DIR/NAME where NAME is a byte string: plain string when ASCII, else a Buffer. */
export function bytePath(dir: string, name: string): string | Buffer {
  return prefixedPath(dir + '/', name);
}

/** PREFIX + NAME where PREFIX is a path ('' or ending in '/') and NAME a byte string. */
export function prefixedPath(prefix: string, name: string): string | Buffer {
  if (ASCII.test(name)) return prefix + name;
  return Buffer.concat([Buffer.from(prefix, 'utf8'), Buffer.from(name, 'latin1')]);
}

export function cacheDir(env: NodeJS.ProcessEnv): string {
  return env.ZFS_LIST_CACHE_DIR || DEFAULT_CACHE_DIR;
}

export type CacheRead =
  | { ok: true; files: Array<{ name: string; content: string }>; errors: string[] }
  | { ok: false; missing: boolean; error: string };

/** Reads every file in the cache directory (directories, FIFOs and sockets are skipped). */
export function readCacheDir(dir: string): CacheRead {
  let entries: fs.Dirent<Buffer>[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (err) {
    return { ok: false, missing: (err as NodeJS.ErrnoException).code === 'ENOENT', error: strerror(err) };
  }
  const files: Array<{ name: string; content: string }> = [];
  const errors: string[] = [];
  for (const e of entries) {
    // Directories give no lines upstream (getline fails); FIFOs and sockets would block the boot.
    if (e.isDirectory() || e.isFIFO() || e.isSocket()) continue;
    const name = e.name.toString('latin1');
    try {
      files.push({ name, content: fs.readFileSync(bytePath(dir, name)).toString('latin1') });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') continue;
      errors.push(`couldn't open ${name} under ${dir}: ${strerror(err)}`);
    }
  }
  return { ok: true, files, errors };
}
