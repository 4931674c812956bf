// Rows an import creates for NEW services and instances (pgs, properties, values, snapshots),
// written set-based: each table has a fixed parameter buffer that goes out through one cached
// multi-row INSERT whenever it is full, so no per-row statement, no growing row arrays, no
// SQL text built per batch (an import of 5,000 services allocated ~130 MB here before).
//
// Invariants:
// - Ids (pgs, props, snapshots) are assigned here, in the order rows are added, from max(id)+1
//   of each table when filling starts (again after each flush()): the same ids the Store's
//   one-row inserts would give. So the caller must flush() before it writes a pg, a property
//   or a snapshot through the Store, and before it reads rows added here.
// - Buffers go out independently (a full props buffer may precede the pgs it references):
//   foreign keys are deferred for the rest of the caller's transaction (PRAGMA
//   defer_foreign_keys) and still all checked at COMMIT.
// - Values are encoded as Store.writePg encodes them; NONPERSISTENT pgs are never written.
import { PG_FLAG_NONPERSISTENT, type PropertyGroup } from '../core/model.js';
import type Database from 'better-sqlite3';
import { encodeValue } from './encode.js';
import type { Owner, Store } from './store.js';

class TableBuffer {
  readonly params: unknown[];
  fill = 0;
  private full: Database.Statement | undefined;
  constructor(private readonly store: Store, private readonly target: string, readonly width: number, readonly rows: number) {
    this.params = new Array<unknown>(width * rows);
  }

  private sql(n: number): string {
    const tuple = `(${new Array(this.width).fill('?').join(', ')})`;
    return `INSERT INTO ${this.target} VALUES ${new Array(n).fill(tuple).join(', ')}`;
  }

  /** Offset of the next row's first parameter (the buffer is written out first when full). */
  next(): number {
    if (this.fill === this.rows) {
      (this.full ??= this.store.db.prepare(this.sql(this.rows))).run(this.params);
      this.fill = 0;
    }
    return this.width * this.fill++;
  }

  flush(): void {
    if (this.fill === 0) return;
    if (this.fill === this.rows) (this.full ??= this.store.db.prepare(this.sql(this.rows))).run(this.params);
    else this.store.db.prepare(this.sql(this.fill)).run(this.params.slice(0, this.width * this.fill));
    this.fill = 0;
  }
}

export class ImportRows {
  private readonly pgs: TableBuffer;
  private readonly props: TableBuffer;
  private readonly vals: TableBuffer;
  private readonly snaps: TableBuffer;
  /** next ids; 0: read from the table at the next row */
  private pgId = 0;
  private propId = 0;
  private snapId = 0;
  private deferred = false;

  constructor(private readonly store: Store) {
    this.pgs = new TableBuffer(store, 'pgs(id, service_id, instance_id, snapshot_id, level, seq, name, type, flags, generation)', 10, 400);
    this.props = new TableBuffer(store, 'props(id, pg_id, seq, name, type)', 5, 800);
    this.vals = new TableBuffer(store, 'vals(prop_id, seq, value)', 3, 1200);
    this.snaps = new TableBuffer(store, 'snapshots(id, instance_id, name, taken_at, levels_of, service_live)', 6, 400);
  }

  private nextId(table: string): number {
    if (!this.deferred) { this.store.db.pragma('defer_foreign_keys = ON'); this.deferred = true; }
    return (this.store.stmt(`SELECT coalesce(max(id), 0) + 1 AS n FROM ${table}`).get() as { n: number }).n;
  }

  /** Adds `pgs` to an owner that has none yet (positions 1..n), skipping NONPERSISTENT ones. */
  addPgs(o: Owner, pgs: readonly PropertyGroup[]): void {
    if (this.pgId === 0) this.pgId = this.nextId('pgs');
    if (this.propId === 0) this.propId = this.nextId('props');
    const svc = o.kind === 'service' ? o.id : null;
    const inst = o.kind === 'instance' ? o.id : null;
    const snap = o.kind === 'snapshot' ? o.id : null;
    const level = o.kind === 'snapshot' ? o.level : o.kind;
    let seq = 1;
    for (const pg of pgs) {
      if ((pg.flags & PG_FLAG_NONPERSISTENT) !== 0) continue;
      const id = this.pgId++;
      let k = this.pgs.next();
      const g = this.pgs.params;
      g[k] = id; g[k + 1] = svc; g[k + 2] = inst; g[k + 3] = snap; g[k + 4] = level;
      g[k + 5] = seq++; g[k + 6] = pg.name; g[k + 7] = pg.type; g[k + 8] = pg.flags; g[k + 9] = 1;
      const props = pg.properties;
      for (let i = 0; i < props.length; i++) {
        const p = props[i]!;
        const pid = this.propId++;
        k = this.props.next();
        const r = this.props.params;
        r[k] = pid; r[k + 1] = id; r[k + 2] = i + 1; r[k + 3] = p.name; r[k + 4] = p.type;
        const values = p.values;
        for (let j = 0; j < values.length; j++) {
          k = this.vals.next();
          const v = this.vals.params;
          v[k] = pid; v[k + 1] = j; v[k + 2] = encodeValue(p.type, values[j]!);
        }
      }
    }
  }

  /** Adds snapshot NAME of an instance that has none of that name; returns its id. With
   *  `serviceLive`, its service level is the service's current persistent pgs (schema v4). */
  addSnapshot(instId: number, name: string, takenAt: number, levelsOf: number | null, serviceLive = false): number {
    if (this.snapId === 0) this.snapId = this.nextId('snapshots');
    const id = this.snapId++;
    const k = this.snaps.next();
    const s = this.snaps.params;
    s[k] = id; s[k + 1] = instId; s[k + 2] = name; s[k + 3] = takenAt; s[k + 4] = levelsOf; s[k + 5] = serviceLive ? 1 : 0;
    return id;
  }

  /** Writes everything added; ids are read from the tables again afterwards. */
  flush(): void {
    this.snaps.flush();
    this.pgs.flush();
    this.props.flush();
    this.vals.flush();
    this.pgId = 0;
    this.propId = 0;
    this.snapId = 0;
  }
}
