// Writes a file atomically: a temporary file in the same directory, fsync, rename, so a reader
// never sees a half-written file (svccfg export/archive/extract `> FILE`, the method library
// svc.startd installs).
import fs from 'node:fs';
import path from 'node:path';

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * Writes `text` to `file` atomically (same directory temp file, fsync, rename). The file gets
 * 0644 less the umask, or exactly `mode` when given. A failure names the file and the errno
 * code (`cause`: the error itself, for callers that word it their way).
 */
export function writeFileAtomic(file: string, text: string, mode?: number): { ok: true } | { ok: false; error: string; cause: unknown } {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      fs.writeFileSync(fd, text);
      if (mode !== undefined) fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return { ok: true };
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    return { ok: false, error: `cannot write ${file}: ${errno(e)}`, cause: e };
  }
}
