// SQLite schema of the repository, as numbered migrations (PRAGMA user_version = number of
// migrations applied). A migration is applied in its own transaction together with the bump of
// user_version, so a crash leaves the file at the previous version or the next, never between.
//
// Tables (see docs/DESIGN-repository.md):
//   services(id, name)                           insertion order = id order
//   instances(id, service_id, name)
//   snapshots(id, instance_id, name, taken_at, levels_of, service_live)   one row per (instance, name);
//                                                levels_of: shares that snapshot's pgs;
//                                                service_live: its service level is the service's
//                                                current persistent pgs (copied on their first change)
//   pgs(id, owner..., level, seq, name, type, flags, generation)
//       exactly one owner: service_id | instance_id (current, editable) | snapshot_id (+ level)
//   props(id, pg_id, seq, name, type)
//   vals(prop_id, seq, value)                    TEXT, or BLOB for opaque (no affinity: stored as bound)
//   meta(key, value)                             boot_id, ...
import type Database from 'better-sqlite3';

export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE instances (
    id INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    UNIQUE (service_id, name)
  );
  CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    taken_at INTEGER NOT NULL,
    UNIQUE (instance_id, name)
  );
  CREATE TABLE pgs (
    id INTEGER PRIMARY KEY,
    service_id INTEGER REFERENCES services(id) ON DELETE CASCADE,
    instance_id INTEGER REFERENCES instances(id) ON DELETE CASCADE,
    snapshot_id INTEGER REFERENCES snapshots(id) ON DELETE CASCADE,
    level TEXT NOT NULL CHECK (level IN ('service', 'instance')),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    flags INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 1,
    CHECK ((service_id IS NOT NULL) + (instance_id IS NOT NULL) + (snapshot_id IS NOT NULL) = 1)
  );
  CREATE UNIQUE INDEX pgs_of_service ON pgs(service_id, name) WHERE service_id IS NOT NULL;
  CREATE UNIQUE INDEX pgs_of_instance ON pgs(instance_id, name) WHERE instance_id IS NOT NULL;
  CREATE UNIQUE INDEX pgs_of_snapshot ON pgs(snapshot_id, level, name) WHERE snapshot_id IS NOT NULL;
  CREATE INDEX pgs_nonpersistent ON pgs(flags) WHERE flags != 0;
  CREATE TABLE props (
    id INTEGER PRIMARY KEY,
    pg_id INTEGER NOT NULL REFERENCES pgs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    UNIQUE (pg_id, name)
  );
  CREATE TABLE vals (
    prop_id INTEGER NOT NULL REFERENCES props(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    value ANY NOT NULL,
    PRIMARY KEY (prop_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: vals.value without a declared type. In a non-STRICT table `ANY` means NUMERIC affinity,
  // which turned number-like strings ("0123", "1.50", 2^64-1) into numbers. A column with no
  // type has BLOB affinity: values are stored exactly as bound (TEXT or BLOB). Values already
  // converted by version 1 are turned back into text (their original spelling is lost).
  `
  CREATE TABLE vals_v2 (
    prop_id INTEGER NOT NULL REFERENCES props(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    value NOT NULL,
    PRIMARY KEY (prop_id, seq)
  ) WITHOUT ROWID;
  INSERT INTO vals_v2(prop_id, seq, value)
    SELECT prop_id, seq, CASE WHEN typeof(value) IN ('integer', 'real') THEN CAST(value AS TEXT) ELSE value END FROM vals;
  DROP TABLE vals;
  ALTER TABLE vals_v2 RENAME TO vals;
  `,
  // 3: a snapshot may share the levels (pgs) of another snapshot of the same instance instead of
  // holding a copy (as configd attaches snaplevels): `levels_of` names the snapshot whose pgs it
  // shows; that one never shares itself (one hop at most). A new instance's initial, last-import
  // and running are one copy. No ON DELETE action: deleting a shared snapshot without handing
  // its pgs over first (snapshots.ts dropSnapshot) is a foreign-key error, never a silent loss.
  `
  ALTER TABLE snapshots ADD COLUMN levels_of INTEGER REFERENCES snapshots(id);
  CREATE INDEX snapshots_sharing ON snapshots(levels_of) WHERE levels_of IS NOT NULL;
  `,
  // 4: a snapshot holding its own levels (levels_of NULL) may show its service's current persistent
  // pgs as its service level instead of a copy (service_live = 1): a new instance of a new service
  // is imported that way, which leaves out ~40 % of an import's rows. Store copies the pgs into
  // the snapshot before the first change to any pg of the service (copy on write). The trigger is
  // the safety net of that rule: changing a shared service pg in place is an error, never a
  // silent change of a snapshot (every write to a pg bumps its generation, so it is seen there).
  `
  ALTER TABLE snapshots ADD COLUMN service_live INTEGER NOT NULL DEFAULT 0;
  CREATE TRIGGER pgs_shared_service_level BEFORE UPDATE OF generation, name, type, flags ON pgs
  WHEN OLD.service_id IS NOT NULL AND (OLD.flags & 1) = 0 AND EXISTS (
    SELECT 1 FROM instances i JOIN snapshots sn ON sn.instance_id = i.id
    WHERE i.service_id = OLD.service_id AND sn.service_live = 1)
  BEGIN
    SELECT RAISE(ABORT, 'repository: a pg of a service changed while a snapshot shares its service level (internal error: copy it first)');
  END;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Connection settings shared by the daemon and the CLIs. */
export function configureConnection(db: Database.Database, readonly: boolean): void {
  db.pragma('busy_timeout = 10000');
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
}

/** Brings the schema up to date; returns an error text if the file is newer than this code. */
export function migrate(db: Database.Database): string | undefined {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    return `repository schema version ${current} is newer than this program supports (${SCHEMA_VERSION}); upgrade tsmf`;
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      // re-check inside the write lock: another process may have migrated meanwhile
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now > v) return;
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return undefined;
}
