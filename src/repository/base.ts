// Base of the Repository facade: the connection, transactions, entities, reads and the
// helpers every write uses (one transaction per public write; a failure value rolls back).
// repository.ts adds the writes, snapshots, import and restarter operations on top.
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PropertyType, ServiceData } from '../core/model.js';
import { canonicalize } from './encode.js';
import { deleteEntity } from './delete.js';
import { isValidName, isValidServiceName, parseEntity } from './names.js';
import { directOwner, fail, filterForViewer, ok, readPgs, resolve, snapshotId, type Resolved } from './read.js';
import { configureConnection, SCHEMA_VERSION } from './schema.js';
import { Store } from './store.js';
import { instanceSummaries, type InstanceSummary, type RestarterSummaryProp } from './summaries.js';
import { effectivePgsOfType } from './typed-pgs.js';
import {
  ANONYMOUS_VIEWER, VIEW_DIRECT, type PgView, type PropertyView, type ReadOptions, type RepoResult, type View,
} from './types.js';

/**
 * better-sqlite3, loaded when the first repository is opened: a command that never opens one
 * (svccfg handing an import to svc.startd, usage errors) does not pay the ~5-8 ms of loading
 * the native module at start.
 */
let sqlite: typeof Database | undefined;
function openDatabase(source: string | Buffer, options: Database.Options): Database.Database {
  sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new sqlite(source, options);
}

export interface OpenOptions {
  /** open read-only (svcprop, svcs); the file must exist */
  readonly?: boolean;
  /** clock for snapshot timestamps, seconds since the epoch (tests inject one) */
  now?: () => number;
  /**
   * Checkpoint the WAL in close() instead of in the commit that grows it past 1,000 pages
   * (SQLite's default): `svccfg import` notifies the daemon right after its commit, and the
   * checkpoint of a large import (copying megabytes into the database file, then an fsync) then
   * runs while the daemon starts the services instead of before it hears of them.
   */
  checkpointOnClose?: boolean;
  /**
   * read-only: the caller watches for changes (svcprop -w), so a reader that cannot use the
   * file's WAL index gets the error rather than a still copy of the file (see quiet-image.ts)
   */
  live?: boolean;
  /** @internal read-only: the file's bytes, opened in memory instead of the file (see quiet-image.ts) */
  image?: Buffer;
}

export class RepositoryBase {
  readonly db: Database.Database;
  /** @internal */ readonly store: Store;
  readonly readonly: boolean;
  /** @internal */ readonly now: () => number;
  /** OpenOptions.checkpointOnClose (never for a read-only connection) */
  private readonly checkpointOnClose: boolean;

  protected constructor(readonly file: string, opts: OpenOptions) {
    this.readonly = !!opts.readonly;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    if (!this.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = openDatabase(this.readonly && opts.image ? opts.image : file, { readonly: this.readonly, fileMustExist: this.readonly });
    configureConnection(this.db, this.readonly);
    this.checkpointOnClose = !this.readonly && !!opts.checkpointOnClose;
    if (this.checkpointOnClose) this.db.pragma('wal_autocheckpoint = 0');
    this.store = new Store(this.db);
  }

  close(): void {
    if (!this.db.open) return;
    if (this.checkpointOnClose) {
      // PASSIVE: copies what no reader still needs, never waits; the last connection to close
      // checkpoints everything anyway
      try { this.db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: a later commit's checkpoint does it */ }
    }
    this.db.close();
  }

  /** Runs fn in one write transaction (savepoint when nested). */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      this.rolledBack();
      throw e;
    }
  }
  /** Called when a transaction (or savepoint) of this connection was rolled back. */
  protected rolledBack(): void {}
  /**
   * A write transaction committed without fsync (synchronous = NORMAL in WAL mode: atomic and
   * consistent, survives a crash of the process, may be lost with the last moments before a power
   * failure or kernel crash). For the restarter's own bookkeeping (NONPERSISTENT states, `start`
   * snapshots), which a reboot rebuilds anyway. Nested in another transaction: that one's rules.
   */
  relaxedTransaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.withoutFsync(() => this.transaction(fn));
  }

  /** Runs fn (which opens a transaction) with synchronous = NORMAL, unless a transaction is open already. */
  protected withoutFsync<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    // prepared once: db.pragma() compiles its statement at every call (two per restarter batch)
    this.store.stmt('PRAGMA synchronous = NORMAL').run();
    try {
      return fn();
    } finally {
      this.store.stmt('PRAGMA synchronous = FULL').run();
    }
  }

  /** Changes whenever another connection commits (PRAGMA data_version): cheap change polling. */
  dataVersion(): number { return this.store.stmt('PRAGMA data_version').pluck().get() as number; }

  // ---- entities ---------------------------------------------------------------------------

  listServices(): string[] {
    return (this.store.stmt('SELECT name FROM services ORDER BY id').all() as { name: string }[]).map((r) => r.name);
  }
  /** Instance FMRIs, of one service (name or FMRI) or of all. */
  listInstances(service?: string): string[] {
    const rows = this.store.stmt(`SELECT s.name AS s, i.name AS i FROM instances i JOIN services s ON s.id = i.service_id
      WHERE ? IS NULL OR s.name = ? ORDER BY s.id, i.id`).all(service ?? null, service === undefined ? null : (parseEntity(service)?.service ?? service)) as { s: string; i: string }[];
    return rows.map((r) => `svc:/${r.s}:${r.i}`);
  }
  /** Every entity FMRI (for operand resolution): services and instances. */
  listEntities(): { services: string[]; instances: string[] } {
    return { services: this.listServices().map((s) => `svc:/${s}`), instances: this.listInstances() };
  }
  entityKind(fmri: string): 'service' | 'instance' | undefined {
    const r = resolve(this.store, fmri);
    return r.ok ? r.value.kind : undefined;
  }

  addService(fmri: string): RepoResult<string> {
    const e = parseEntity(fmri);
    if (!e || e.instance !== undefined || !isValidServiceName(e.service)) return fail('invalid', `"${fmri}" is not a valid service name`);
    return this.transaction(() => {
      if (this.store.serviceId(e.service) !== undefined) return fail('exists', `service svc:/${e.service} already exists`);
      this.store.insertService(e.service);
      return ok(`svc:/${e.service}`);
    });
  }
  addInstance(fmri: string): RepoResult<string> {
    const e = parseEntity(fmri);
    if (!e || e.instance === undefined || !isValidName(e.instance)) return fail('invalid', `"${fmri}" is not a valid instance FMRI`);
    return this.transaction(() => {
      const svc = this.store.serviceId(e.service);
      if (svc === undefined) return fail('not-found', `service svc:/${e.service} does not exist`);
      if (this.store.instanceId(svc, e.instance!) !== undefined) return fail('exists', `instance svc:/${e.service}:${e.instance} already exists`);
      this.store.insertInstance(svc, e.instance!);
      return ok(`svc:/${e.service}:${e.instance}`);
    });
  }
  /** Deletes a service (with its instances) or an instance, and the dependency pgs it injected (§3.6). */
  deleteEntity(fmri: string): RepoResult<{ removedDependencies: string[] }> {
    return this.transaction(() => {
      const r = resolve(this.store, fmri);
      return r.ok ? ok(deleteEntity(this.store, r.value)) : r;
    });
  }

  /** Direct (editing) configuration of a service and its instances, for export. */
  getServiceData(fmri: string, opts: { viewer?: ReadOptions['viewer'] } = {}): RepoResult<ServiceData> {
    const r = resolve(this.store, fmri);
    if (!r.ok) return r;
    const viewer = opts.viewer ?? ANONYMOUS_VIEWER;
    const svc = { kind: 'service' as const, svcId: r.value.svcId, service: r.value.service, fmri: `svc:/${r.value.service}` };
    return ok({
      name: r.value.service,
      pgs: filterForViewer(this.store.loadPgs(directOwner(svc)), viewer),
      instances: this.store.instancesOf(r.value.svcId).map((i) => ({
        name: i.name, pgs: filterForViewer(this.store.loadPgs({ kind: 'instance', id: i.id }), viewer),
      })),
    });
  }

  // ---- reads ------------------------------------------------------------------------------

  /** State columns of every instance in two queries (svcs listings), in listInstances() order. */
  instanceSummaries(only?: readonly RestarterSummaryProp[]): InstanceSummary[] { return instanceSummaries(this.store, only); }
  /** Effective pgs of one type (e.g. "dependency") of every instance, in three queries (see typed-pgs.ts). */
  effectivePgsOfType(type: string, nameGlobs: readonly string[] = []): Map<string, PgView[]> {
    return effectivePgsOfType(this.store, type, nameGlobs);
  }

  listPgs(fmri: string, opts: ReadOptions = {}): RepoResult<PgView[]> {
    const r = this.read(fmri, opts.view ?? VIEW_DIRECT);
    return r.ok ? ok(filterForViewer(r.value, opts.viewer ?? ANONYMOUS_VIEWER)) : r;
  }
  getPg(fmri: string, pg: string, opts: ReadOptions = {}): RepoResult<PgView> {
    const r = this.read(fmri, opts.view ?? VIEW_DIRECT, pg);
    if (!r.ok) return r;
    const found = r.value[0];
    if (!found) return fail('not-found', `property group "${pg}" does not exist in ${this.canonical(fmri)}`);
    return ok(filterForViewer([found], opts.viewer ?? ANONYMOUS_VIEWER)[0]!);
  }
  getProperty(fmri: string, pg: string, prop: string, opts: ReadOptions = {}): RepoResult<PropertyView> {
    const g = this.getPg(fmri, pg, opts);
    if (!g.ok) return g;
    const p = g.value.properties.find((x) => x.name === prop);
    return p ? ok(p) : fail('not-found', `property "${pg}/${prop}" does not exist in ${this.canonical(fmri)}`);
  }
  /** Opaque token that changes whenever the pg changes in `view` (svcprop -w polls it). */
  pgVersion(fmri: string, pg: string, view: View = VIEW_DIRECT): string | undefined {
    const r = resolve(this.store, fmri);
    if (!r.ok) return undefined;
    const ent = r.value;
    const gen = (o: Parameters<Store['pgRow']>[0]) => this.store.pgRow(o, pg)?.generation ?? '-';
    if (ent.kind === 'service' || view.kind === 'current-direct') return `${gen(directOwner(ent))}`;
    const current = `${gen({ kind: 'instance', id: ent.instId })}:${gen({ kind: 'service', id: ent.svcId })}`;
    if (view.kind === 'current-composed') return current;
    const snap = snapshotId(this.store, ent.instId, view.kind === 'snapshot' ? view.name : 'running');
    if (snap === undefined) return `-:${current}`;
    // effective: NONPERSISTENT current pgs show through, so the current generations count too
    return `${snap}:${gen({ kind: 'snapshot', id: snap, level: 'instance' })}:${gen({ kind: 'snapshot', id: snap, level: 'service' })}:${current}`;
  }

  // ---- internals --------------------------------------------------------------------------

  protected canonical(fmri: string): string {
    const e = parseEntity(fmri);
    return e ? (e.instance === undefined ? `svc:/${e.service}` : `svc:/${e.service}:${e.instance}`) : fmri;
  }
  protected read(fmri: string, view: View, only?: string): RepoResult<PgView[]> {
    const r = resolve(this.store, fmri);
    return r.ok ? readPgs(this.store, r.value, view, only) : r;
  }
  protected instance(fmri: string): RepoResult<Resolved & { kind: 'instance' }> {
    const r = resolve(this.store, fmri);
    if (!r.ok) return r;
    return r.value.kind === 'instance' ? ok(r.value) : fail('invalid', `${r.value.fmri} is a service; an instance is required`);
  }
  /** Runs fn in a transaction; a failure value rolls everything back. */
  protected guard<T>(fn: () => RepoResult<T>): RepoResult<T> {
    try {
      return this.transaction(() => { const r = fn(); if (!r.ok) throw new RollBack(r); return r; });
    } catch (e) {
      if (e instanceof RollBack) return e.result as RepoResult<T>;
      // the caller may read the repository file but not write it (not root, no write permission)
      if (WRITE_DENIED.has((e as { code?: string }).code ?? '')) return fail('permission-denied', 'Permission denied.');
      throw e;
    }
  }
  protected write<T>(fmri: string, fn: (ent: Resolved) => RepoResult<T>): RepoResult<T> {
    return this.guard(() => { const r = resolve(this.store, fmri); return r.ok ? fn(r.value) : r; });
  }
  protected writeInstance<T>(fmri: string, fn: (ent: Resolved & { kind: 'instance' }) => RepoResult<T>): RepoResult<T> {
    return this.guard(() => { const r = this.instance(fmri); return r.ok ? fn(r.value) : r; });
  }
  protected writeProp(fmri: string, pg: string, prop: string, type: PropertyType | undefined,
    next: (old: string[], exists: boolean) => readonly string[] | undefined): RepoResult {
    if (!isValidName(prop)) return fail('invalid', `"${prop}" is not a valid property name`);
    return this.write(fmri, (ent) => {
      const row = this.store.pgRow(directOwner(ent), pg);
      if (!row) return fail('not-found', `property group "${pg}" does not exist in ${ent.fmri}`);
      const cur = this.store.propRow(row.id, prop);
      if (cur && type && cur.type !== type) return fail('type-mismatch', `property "${pg}/${prop}" of ${ent.fmri} has type ${cur.type}, not ${type}`);
      const t = type ?? cur?.type;
      if (!t) return fail(cur ? 'invalid' : 'not-found', `property "${pg}/${prop}" does not exist in ${ent.fmri}; give a type to create it`);
      const old = cur ? (this.store.loadPg(directOwner(ent), pg)!.properties.find((p) => p.name === prop)!.values) : [];
      const values = next(old, !!cur);
      if (values === undefined) return fail('not-found', `property "${pg}/${prop}" does not exist in ${ent.fmri}`);
      const c = canonicalize(t, values);
      if (!c.ok) return fail('invalid', `${ent.fmri}: property "${pg}/${prop}": ${c.error}`);
      this.store.setProp(row.id, prop, t, c.values);
      this.store.bump(row.id);
      return ok(undefined);
    });
  }
}

/** SQLite's answers to a write into a file the process may only read. */
const WRITE_DENIED = new Set(['SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'SQLITE_READONLY_DIRECTORY', 'SQLITE_PERM', 'SQLITE_CANTOPEN', 'SQLITE_AUTH']);

export class RollBack extends Error {
  constructor(readonly result: { ok: false }) { super('rollback'); }
}

export function readonlyVersionError(db: Database.Database): string | undefined {
  const v = db.pragma('user_version', { simple: true }) as number;
  if (v === 0) return 'repository is not initialised (no schema); import a manifest first';
  if (v > SCHEMA_VERSION) return `repository schema version ${v} is newer than this program supports (${SCHEMA_VERSION}); upgrade tsmf`;
  return undefined;
}
