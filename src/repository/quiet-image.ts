// A reader that may not create the repository's WAL index (`repository.db-shm`, in a directory
// only root writes) cannot open the file while no other connection keeps that index: no daemon,
// no svccfg. Every committed transaction is then in the database file itself (the last connection
// to close checkpoints the WAL and removes it), so a copy of the file's bytes, taken while the
// file did not change and no `-wal` file existed, is a consistent snapshot of the repository as of
// the copy. The copy is opened in memory, read-only; its header is switched from WAL to rollback
// mode, as an in-memory database has no WAL.
//
// Invariants: never returns bytes read while a `-wal` file existed (a writer's commits may be in
// it, invisible in the file) or while the file changed (a checkpoint may have been copying pages
// in); gives up (undefined) after a few tries, and the caller reports the original error.
import fs from 'node:fs';

const TRIES = 3;
const SQLITE_MAGIC = 'SQLite format 3\0';
/** header bytes 18 and 19: file format write/read version, 1 = rollback journal, 2 = WAL */
const WRITE_VERSION = 18, READ_VERSION = 19;

type Stamp = fs.BigIntStats | undefined;
const stamp = (file: string): Stamp => { try { return fs.statSync(file, { bigint: true }); } catch { return undefined; } };
const same = (a: Stamp, b: Stamp) => !!a && !!b && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/** The bytes of `file` as a consistent read-only image, or undefined when none can be had now. */
export function quietImage(file: string): Buffer | undefined {
  for (let i = 0; i < TRIES; i++) {
    if (fs.existsSync(`${file}-wal`)) return undefined;
    const before = stamp(file);
    let bytes: Buffer;
    try { bytes = fs.readFileSync(file); } catch { return undefined; }
    const after = stamp(file);
    if (fs.existsSync(`${file}-wal`)) return undefined;
    if (!same(before, after)) continue;
    if (bytes.length < 100 || bytes.toString('latin1', 0, 16) !== SQLITE_MAGIC) return undefined;
    if (bytes[WRITE_VERSION] === 2) bytes[WRITE_VERSION] = 1;
    if (bytes[READ_VERSION] === 2) bytes[READ_VERSION] = 1;
    return bytes;
  }
  return undefined;
}
