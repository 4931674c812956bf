// Row-level access to the repository tables: entities, pgs (current or snapshot), properties and
// their ordered values. No transactions are opened here; callers (repository.ts and friends)
// wrap every public operation in one. Statements are prepared lazily and cached per connection.
//
// Invariants: seq columns give creation order (max+1 on insert); a property's values are always
// rewritten as a whole (delete + insert), so their seq is 0..n-1; every write to a current pg
// bumps its generation. A snapshot may share its service's current persistent pgs as its
// service level (snapshots.service_live, schema v4): reads of that level resolve to them, and
// every write to a persistent service pg first gives such snapshots their own copy
// (beforeServiceWrite), so a snapshot never changes.
import type Database from 'better-sqlite3';
import type { PgView, PropertyView } from './types.js';
import { PG_FLAG_NONPERSISTENT, type PropertyGroup, type Property } from '../core/model.js';
import { decodeValue, encodeValue } from './encode.js';

export type Owner =
  | { kind: 'service'; id: number }
  | { kind: 'instance'; id: number }
  | { kind: 'snapshot'; id: number; level: 'service' | 'instance' };

export interface PgRow { id: number; name: string; type: string; flags: number; generation: number }

const OWNER_COL = { service: 'service_id', instance: 'instance_id', snapshot: 'snapshot_id' } as const;

export class Store {
  private readonly cache = new Map<string, Database.Statement>();
  private readonly rawCache = new Map<string, Database.Statement>();
  constructor(readonly db: Database.Database) {}

  stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) { s = this.db.prepare(sql); this.cache.set(sql, s); }
    return s;
  }

  private ownerWhere(o: Owner, alias = ''): { sql: string; args: unknown[] } {
    return o.kind === 'snapshot'
      ? { sql: `${alias}snapshot_id = ? AND ${alias}level = ?`, args: [o.id, o.level] }
      : { sql: `${alias}${OWNER_COL[o.kind]} = ?`, args: [o.id] };
  }

  /** As ownerWhere, for reads: the service level of a snapshot sharing its service's pgs is
   *  those pgs, persistent ones only. */
  private readWhere(o: Owner, alias = ''): { sql: string; args: unknown[] } {
    if (o.kind === 'snapshot' && o.level === 'service') {
      const svc = this.sharedServiceOf(o.id);
      if (svc !== undefined) return { sql: `${alias}service_id = ? AND (${alias}flags & ${PG_FLAG_NONPERSISTENT}) = 0`, args: [svc] };
    }
    return this.ownerWhere(o, alias);
  }

  /** The service whose current persistent pgs are the service level of snapshot `snapId` (one
   *  that holds its own levels, with service_live set), if any. */
  sharedServiceOf(snapId: number): number | undefined {
    return (this.stmt(`SELECT i.service_id AS s FROM snapshots sn JOIN instances i ON i.id = sn.instance_id
      WHERE sn.id = ? AND sn.service_live = 1`).get(snapId) as { s: number } | undefined)?.s;
  }

  /**
   * Copy on write: before a change to service `svcId`'s persistent pgs, every snapshot sharing
   * them as its service level gets a copy of them as they are, and stops sharing.
   */
  beforeServiceWrite(svcId: number): void {
    const holders = this.stmt(`SELECT sn.id FROM instances i JOIN snapshots sn ON sn.instance_id = i.id
      WHERE i.service_id = ? AND sn.service_live = 1`).all(svcId) as { id: number }[];
    for (const { id } of holders) {
      this.copyAllPgs({ kind: 'service', id: svcId }, { kind: 'snapshot', id, level: 'service' }, true, true);
      this.stmt('UPDATE snapshots SET service_live = 0 WHERE id = ?').run(id);
    }
  }

  /** beforeServiceWrite for the service owning pg `pgId`, when it is a persistent service pg. */
  private beforePgWrite(pgId: number): void {
    const r = this.stmt('SELECT service_id AS s, flags FROM pgs WHERE id = ?').get(pgId) as { s: number | null; flags: number } | undefined;
    if (r && r.s !== null && (r.flags & PG_FLAG_NONPERSISTENT) === 0) this.beforeServiceWrite(r.s);
  }

  // ---- entities -------------------------------------------------------------------------

  serviceId(name: string): number | undefined {
    return (this.stmt('SELECT id FROM services WHERE name = ?').get(name) as { id: number } | undefined)?.id;
  }
  instanceId(serviceId: number, name: string): number | undefined {
    return (this.stmt('SELECT id FROM instances WHERE service_id = ? AND name = ?').get(serviceId, name) as { id: number } | undefined)?.id;
  }
  insertService(name: string): number {
    return Number(this.stmt('INSERT INTO services(name) VALUES (?)').run(name).lastInsertRowid);
  }
  insertInstance(serviceId: number, name: string): number {
    return Number(this.stmt('INSERT INTO instances(service_id, name) VALUES (?, ?)').run(serviceId, name).lastInsertRowid);
  }
  instancesOf(serviceId: number): { id: number; name: string }[] {
    return this.stmt('SELECT id, name FROM instances WHERE service_id = ? ORDER BY id').all(serviceId) as { id: number; name: string }[];
  }

  // ---- pgs ------------------------------------------------------------------------------

  pgRows(o: Owner): PgRow[] {
    const w = this.readWhere(o);
    return this.stmt(`SELECT id, name, type, flags, generation FROM pgs WHERE ${w.sql} ORDER BY seq`).all(...w.args) as PgRow[];
  }
  pgRow(o: Owner, name: string): PgRow | undefined {
    const w = this.readWhere(o);
    return this.stmt(`SELECT id, name, type, flags, generation FROM pgs WHERE ${w.sql} AND name = ?`).get(...w.args, name) as PgRow | undefined;
  }
  /** Next free pg position of an owner. */
  nextPgSeq(o: Owner): number {
    const w = this.ownerWhere(o);
    return (this.stmt(`SELECT coalesce(max(seq), 0) + 1 AS n FROM pgs WHERE ${w.sql}`).get(...w.args) as { n: number }).n;
  }
  /** Inserts an empty pg at position `seq` (default: after the owner's last pg). */
  insertPg(o: Owner, name: string, type: string, flags: number, generation = 1, seq?: number): number {
    if (o.kind === 'service' && (flags & PG_FLAG_NONPERSISTENT) === 0) this.beforeServiceWrite(o.id);
    const next = seq ?? this.nextPgSeq(o);
    const col = OWNER_COL[o.kind];
    const level = o.kind === 'snapshot' ? o.level : o.kind;
    return Number(this.stmt(`INSERT INTO pgs(${col}, level, seq, name, type, flags, generation) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(o.id, level, next, name, type, flags, generation).lastInsertRowid);
  }
  deletePg(pgId: number): void {
    this.beforePgWrite(pgId);
    this.stmt('DELETE FROM pgs WHERE id = ?').run(pgId);
  }
  /** Changes a pg's type (its generation is bumped by the caller, with its other changes). */
  setPgType(pgId: number, type: string): void {
    this.beforePgWrite(pgId);
    this.stmt('UPDATE pgs SET type = ? WHERE id = ?').run(type, pgId);
  }
  bump(pgId: number): void {
    this.beforePgWrite(pgId);
    this.stmt('UPDATE pgs SET generation = generation + 1 WHERE id = ?').run(pgId);
  }

  /** A cached statement returning rows as arrays (no object per row: the reads of a re-import
   *  of thousands of services made most of its garbage as row objects). */
  rawStmt(sql: string): Database.Statement {
    let s = this.rawCache.get(sql);
    if (!s) { s = this.db.prepare(sql).raw(true); this.rawCache.set(sql, s); }
    return s;
  }

  /** Whole pgs of an owner with their properties and values, in order (one query). */
  loadPgs(o: Owner, only?: string): PgView[] {
    const w = this.readWhere(o, 'g.');
    // columns: 0 gid, 1 gname, 2 gtype, 3 flags, 4 generation, 5 pid, 6 pname, 7 ptype, 8 value
    const rows = this.rawStmt(`
      SELECT g.id, g.name, g.type, g.flags, g.generation, p.id, p.name, p.type, v.value
      FROM pgs g LEFT JOIN props p ON p.pg_id = g.id LEFT JOIN vals v ON v.prop_id = p.id
      WHERE ${w.sql} AND (? IS NULL OR g.name = ?)
      ORDER BY g.seq, p.seq, v.seq`).all(...w.args, only ?? null, only ?? null) as unknown[][];
    const out: PgView[] = [];
    let pg: PgView | undefined; let gid = -1;
    let prop: PropertyView | undefined; let pid = -1;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r[0] !== gid) {
        gid = r[0] as number; pid = -1;
        pg = { name: r[1] as string, type: r[2] as string, flags: r[3] as number, generation: r[4] as number, properties: [] };
        out.push(pg);
      }
      if (r[5] === null) continue;
      if (r[5] !== pid) {
        pid = r[5] as number;
        prop = { name: r[6] as string, type: r[7] as PropertyView['type'], values: [] };
        pg!.properties.push(prop);
      }
      const value = r[8];
      if (value !== null && value !== undefined) prop!.values.push(decodeValue(r[7] as string, value));
    }
    return out;
  }

  loadPg(o: Owner, name: string): PgView | undefined {
    return this.loadPgs(o, name)[0];
  }

  // ---- properties -----------------------------------------------------------------------

  propRow(pgId: number, name: string): { id: number; type: string } | undefined {
    return this.stmt('SELECT id, type FROM props WHERE pg_id = ? AND name = ?').get(pgId, name) as { id: number; type: string } | undefined;
  }

  /** Creates or replaces a property (type and values), keeping its position if it exists. */
  setProp(pgId: number, name: string, type: string, values: readonly string[]): void {
    this.beforePgWrite(pgId);
    const row = this.propRow(pgId, name);
    let propId: number;
    if (row) {
      propId = row.id;
      if (row.type !== type) this.stmt('UPDATE props SET type = ? WHERE id = ?').run(type, propId);
      this.stmt('DELETE FROM vals WHERE prop_id = ?').run(propId);
    } else {
      const next = (this.stmt('SELECT coalesce(max(seq), 0) + 1 AS n FROM props WHERE pg_id = ?').get(pgId) as { n: number }).n;
      propId = Number(this.stmt('INSERT INTO props(pg_id, seq, name, type) VALUES (?, ?, ?, ?)').run(pgId, next, name, type).lastInsertRowid);
    }
    const ins = this.stmt('INSERT INTO vals(prop_id, seq, value) VALUES (?, ?, ?)');
    values.forEach((v, i) => ins.run(propId, i, encodeValue(type, v)));
  }

  deleteProp(pgId: number, name: string): boolean {
    this.beforePgWrite(pgId);
    return this.stmt('DELETE FROM props WHERE pg_id = ? AND name = ?').run(pgId, name).changes > 0;
  }

  /** Inserts a whole pg (used by import, snapshots, revert) at `seq` (default: last). Returns the new pg id. */
  writePg(o: Owner, pg: PropertyGroup | PgView, generation = 1, seq?: number): number {
    const id = this.insertPg(o, pg.name, pg.type, pg.flags, generation, seq);
    const insProp = this.stmt('INSERT INTO props(pg_id, seq, name, type) VALUES (?, ?, ?, ?)');
    const insVal = this.stmt('INSERT INTO vals(prop_id, seq, value) VALUES (?, ?, ?)');
    pg.properties.forEach((p, i) => {
      const pid = Number(insProp.run(id, i + 1, p.name, p.type).lastInsertRowid);
      p.values.forEach((v, j) => insVal.run(pid, j, encodeValue(p.type, v)));
    });
    return id;
  }

  /** Inserts pgs after the owner's last one, in order, skipping NONPERSISTENT ones if asked. */
  writePgs(o: Owner, pgs: readonly PropertyGroup[], opts: { persistentOnly?: boolean; fresh?: boolean } = {}): void {
    // a fresh owner (created in this transaction) has no pgs: no need to ask for the last position
    let seq = opts.fresh ? 1 : this.nextPgSeq(o);
    for (const pg of pgs) if (!opts.persistentOnly || (pg.flags & PG_FLAG_NONPERSISTENT) === 0) this.writePg(o, pg, 1, seq++);
  }

  /**
   * Copies every pg of `src` (optionally only persistent ones) to `dest`, which must hold no pg
   * of the same names: three set-based statements instead of one per property and value.
   */
  copyAllPgs(src: Owner, dest: Owner & { kind: 'snapshot' }, persistentOnly: boolean, destIsEmpty = false): void {
    const w = this.readWhere(src, 'op.');
    const filter = persistentOnly ? 'AND (op.flags & 1) = 0' : '';
    const join = 'JOIN pgs np ON np.snapshot_id = ? AND np.level = ? AND np.name = op.name';
    const seqBase = destIsEmpty ? 0 : this.nextPgSeq(dest) - 1;
    this.stmt(`INSERT INTO pgs(snapshot_id, level, seq, name, type, flags, generation)
      SELECT ?, ?, ? + op.seq, op.name, op.type, op.flags, op.generation FROM pgs op WHERE ${w.sql} ${filter} ORDER BY op.seq`)
      .run(dest.id, dest.level, seqBase, ...w.args);
    this.stmt(`INSERT INTO props(pg_id, seq, name, type)
      SELECT np.id, p.seq, p.name, p.type FROM pgs op JOIN props p ON p.pg_id = op.id ${join} WHERE ${w.sql} ${filter}`)
      .run(dest.id, dest.level, ...w.args);
    this.stmt(`INSERT INTO vals(prop_id, seq, value)
      SELECT npr.id, v.seq, v.value FROM pgs op JOIN props opr ON opr.pg_id = op.id JOIN vals v ON v.prop_id = opr.id
      ${join} JOIN props npr ON npr.pg_id = np.id AND npr.name = opr.name WHERE ${w.sql} ${filter}`)
      .run(dest.id, dest.level, ...w.args);
  }

  /** Replaces the content of an existing pg by `props` (type kept unless given). */
  replacePgContent(pgId: number, props: readonly Property[]): void {
    this.beforePgWrite(pgId);
    this.stmt('DELETE FROM props WHERE pg_id = ?').run(pgId);
    for (const p of props) this.setProp(pgId, p.name, p.type, p.values);
    this.bump(pgId);
  }

  /** Copies a pg (rows, not decoded values) to another owner, keeping its generation. */
  copyPg(srcPgId: number, dest: Owner): number {
    const src = this.stmt('SELECT name, type, flags, generation FROM pgs WHERE id = ?').get(srcPgId) as PgRow;
    const id = this.insertPg(dest, src.name, src.type, src.flags, src.generation);
    const props = this.stmt('SELECT id, seq, name, type FROM props WHERE pg_id = ? ORDER BY seq').all(srcPgId) as { id: number; seq: number; name: string; type: string }[];
    const insProp = this.stmt('INSERT INTO props(pg_id, seq, name, type) VALUES (?, ?, ?, ?)');
    const copyVals = this.stmt('INSERT INTO vals(prop_id, seq, value) SELECT ?, seq, value FROM vals WHERE prop_id = ?');
    for (const p of props) {
      const pid = Number(insProp.run(id, p.seq, p.name, p.type).lastInsertRowid);
      copyVals.run(pid, p.id);
    }
    return id;
  }
}
