// The shell library SMF method scripts source (`. /lib/svc/share/smf_include.sh`): shipped as
// <package>/share/smf_include.sh and installed by svc.startd at start-up as
// <root>/lib/svc/share/smf_include.sh, i.e. the illumos path when the root is "/". Written only
// when absent or different, through a temporary file and a rename (a method sourcing it never
// sees half a file). Failing to install is logged, never fatal.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-file.js';
import { packagePath } from './package-path.js';

/** Where methods find the library under a state root. */
export function methodLibraryPath(root: string): string {
  return path.join(root, 'lib', 'svc', 'share', 'smf_include.sh');
}

/** <package root>/share/smf_include.sh. */
export function packagedMethodLibrary(): string | undefined {
  return packagePath('share', 'smf_include.sh');
}

/** Installs (or updates) the library under `root`; returns what happened, for the daemon's log. */
export function installMethodLibrary(root: string, source = packagedMethodLibrary()): { ok: true; changed: boolean; path: string } | { ok: false; message: string } {
  const dest = methodLibraryPath(root);
  if (!source) return { ok: false, message: 'share/smf_include.sh not found in the package' };
  try {
    const text = fs.readFileSync(source, 'utf8');
    let current: string | undefined;
    try { current = fs.readFileSync(dest, 'utf8'); } catch { /* absent */ }
    if (current === text) return { ok: true, changed: false, path: dest };
    fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o755 });
    // readable by every method's user whatever the daemon's umask
    const w = writeFileAtomic(dest, text, 0o644);
    return w.ok ? { ok: true, changed: true, path: dest } : { ok: false, message: `cannot install ${dest}: ${w.error}` };
  } catch (e) {
    return { ok: false, message: `cannot install ${dest}: ${(e as Error).message}` };
  }
}
