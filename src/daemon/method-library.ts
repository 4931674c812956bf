// The shell library SMF method scripts source (`. /lib/svc/share/smf_include.sh`): shipped as
// <package>/share/smf_include.sh and installed by svc.startd at start-up as
// <root>/lib/svc/share/smf_include.sh, i.e. the illumos path when the root is "/". Written only
// when absent or different, through a temporary file and a rename (a method sourcing it never
// sees half a file). Failing to install is logged, never fatal.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where methods find the library under a state root. */
export function methodLibraryPath(root: string): string {
  return path.join(root, 'lib', 'svc', 'share', 'smf_include.sh');
}

/** <package root>/share/smf_include.sh, found by walking up from this module (src/ and dist/). */
export function packagedMethodLibrary(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const cand = path.join(dir, 'share', 'smf_include.sh');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(cand)) return cand;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Installs (or updates) the library under `root`; returns what happened, for the daemon's log. */
export function installMethodLibrary(root: string, source = packagedMethodLibrary()): { ok: true; changed: boolean; path: string } | { ok: false; message: string } {
  const dest = methodLibraryPath(root);
  if (!source) return { ok: false, message: 'share/smf_include.sh not found in the package' };
  try {
    const text = fs.readFileSync(source);
    let current: Buffer | undefined;
    try { current = fs.readFileSync(dest); } catch { /* absent */ }
    if (current?.equals(text)) return { ok: true, changed: false, path: dest };
    fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o755 });
    const tmp = `${dest}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, 0o644);
    fs.renameSync(tmp, dest);
    return { ok: true, changed: true, path: dest };
  } catch (e) {
    return { ok: false, message: `cannot install ${dest}: ${(e as Error).message}` };
  }
}
