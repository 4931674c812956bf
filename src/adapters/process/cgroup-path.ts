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
  // the usual FMRI has only '/' to escape (two calls per method start; no callback per character)
  if (!OTHER_ESCAPES.test(body)) return body.replaceAll('/', '%2F');
  return body.replace(/[%/~\s\\]|^\./g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}
const OTHER_ESCAPES = /[%~\s\\]|^\./;

/**
 * Whether the cgroup directory `name` belongs to the instance: NAME (cgroupNameForFmri), NAME~N (a primary group
 * made while an abandoned one still lingered) or NAME~mPID.SEQ (a method's own group), as cgroup-contracts.ts
 * names them.
 */
export function isGroupOfInstance(name: string, fmri: string): boolean {
  const base = cgroupNameForFmri(fmri);
  return name === base || (name.startsWith(base) && /^~(\d+|m[\d.]+)$/.test(name.slice(base.length)));
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

/**
 * Signals every member: each pid of cgroup.procs, re-read until no new pid shows up (forks during
 * the pass are caught by the next one; for SIGKILL until the group is empty, at most 20 passes).
 * cgroup.kill is not used: on Linux 6.18 (at least) a cgroup that was once killed through it
 * SIGKILLs every later CLONE_INTO_CGROUP child at birth, which is how methods are started.
 */
export function killGroup(dir: string, sig: number): number {
  const sent = new Set<number>();
  for (let pass = 0; pass < 20; pass++) {
    let fresh = 0;
    const procs = readProcs(dir);
    for (const pid of procs) {
      if (sent.has(pid) && sig !== 9) continue;
      if (!sent.has(pid)) fresh++;
      sent.add(pid);
      try { process.kill(pid, sig); } catch { /* exited meanwhile */ }
    }
    if (procs.length === 0 || (fresh === 0 && (sig !== 9 || pass > 0))) break;
  }
  return sent.size;
}

export function tryRmdir(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

export function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}
