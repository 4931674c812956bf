// Where the cgroup v2 hierarchy is and how instance FMRIs become cgroup directory names.
import fs from 'node:fs';
import path from 'node:path';

/** /sys/fs/cgroup when cgroup2 is mounted there (unified mode), else /sys/fs/cgroup/unified (hybrid), else null. */
export function detectCgroup2Root(mounts = readMounts()): string | null {
  const cg2 = mounts.filter((m) => m.type === 'cgroup2').map((m) => m.dir);
  if (cg2.includes('/sys/fs/cgroup')) return '/sys/fs/cgroup';
  if (cg2.includes('/sys/fs/cgroup/unified')) return '/sys/fs/cgroup/unified';
  return cg2[0] ?? null;
}

function readMounts(): { dir: string; type: string }[] {
  try {
    return fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').filter(Boolean).map((l) => {
      const f = l.split(' ');
      return { dir: (f[1] ?? '').replace(/\\040/g, ' '), type: f[2] ?? '' };
    });
  } catch {
    return [];
  }
}

/**
 * svc:/site/pool-import:default -> site%2Fpool-import:default. Reversible; never contains '/',
 * never starts with '.' or "cgroup."; '~' is reserved for our suffixes.
 */
export function cgroupNameForFmri(fmri: string): string {
  const body = fmri.replace(/^svc:\/*/, '');
  return body.replace(/[%/~\s\\]|^\./g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** The cgroup's id as the kernel reports it (inode number of its directory on cgroup2). */
export function cgroupId(dir: string): number {
  return fs.statSync(dir).ino;
}

export function readPopulated(dir: string): boolean | null {
  try {
    const m = /^populated (\d)/m.exec(fs.readFileSync(path.join(dir, 'cgroup.events'), 'utf8'));
    return m ? m[1] === '1' : null;
  } catch {
    return null;
  }
}

export function readProcs(dir: string): number[] {
  try {
    return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Single-quotes a path for /bin/sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
