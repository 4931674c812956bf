// The repository (svc.configd) as a synchronous object over one SQLite file. Every public write
// is one transaction (BEGIN IMMEDIATE; nested calls become savepoints), so the daemon and the
// CLIs can share the file safely (WAL + busy_timeout). Reads never write.
//
// Layers: store.ts (rows) < read.ts / snapshots.ts / state.ts / import.ts (semantics) < this facade.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { PropertyType, ServiceData } from '../core/model.js';
import { canonicalize } from './encode.js';
import { globToRegExp } from './glob.js';
import { applyProfile, importBundle } from './import.js';
import { isValidName, isValidServiceName, parseEntity } from './names.js';
import { directOwner, fail, filterForViewer, ok, readPgs, resolve, snapshotId, stringValues, type Resolved } from './read.js';
import { configureConnection, migrate, SCHEMA_VERSION } from './schema.js';
import { copySnapshot, listSnapshots, readSnapshotLevels, restoreLevels, takeSnapshot } from './snapshots.js';
import * as state from './state.js';
import { Store } from './store.js';
import {
  ANONYMOUS_VIEWER, VIEW_COMPOSED, VIEW_DIRECT, type ApplyReport, type EntityAuthorizations, type ImportOptions, type ImportReport,
  type LoweredBundle, type PgView, type PropertyView, type ReadOptions, type RepoResult, type RestarterAction,
  type RestarterStateUpdate, type SnapshotInfo, type View,
} from './types.js';
import { deleteEntity } from './delete.js';

export interface OpenOptions {
  /** open read-only (svcprop, svcs); the file must exist */
  readonly?: boolean;
  /** clock for snapshot timestamps, seconds since the epoch (tests inject one) */
  now?: () => number;
}

export class Repository {
  readonly db: Database.Database;
  /** @internal */ readonly store: Store;
  readonly readonly: boolean;
  /** @internal */ readonly now: () => number;

  private constructor(readonly file: string, opts: OpenOptions) {
    this.readonly = !!opts.readonly;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    if (!this.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file, { readonly: this.readonly, fileMustExist: this.readonly });
    configureConnection(this.db, this.readonly);
    this.store = new Store(this.db);
  }

  /** Opens (creating and migrating when writable) the repository file. */
  static open(file: string, opts: OpenOptions = {}): RepoResult<Repository> {
    let repo: Repository;
    try {
      repo = new Repository(file, opts);
    } catch (e) {
      return fail('not-found', `cannot open repository ${file}: ${(e as Error).message}`);
    }
    const err = repo.readonly ? readonlyVersionError(repo.db) : migrate(repo.db);
    if (err) { repo.close(); return fail('invalid', `${file}: ${err}`); }
    return ok(repo);
  }

  /** Like open(), but throws (for the daemon's start-up and tests). */
  static openOrThrow(file: string, opts: OpenOptions = {}): Repository {
    const r = Repository.open(file, opts);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  }

  close(): void { if (this.db.open) this.db.close(); }

  /** Runs fn in one write transaction (savepoint when nested). */
  transaction<T>(fn: () => T): T { return this.db.transaction(fn).immediate(); }

  /** Changes whenever another connection commits (PRAGMA data_version): cheap change polling. */
  dataVersion(): number { return this.db.pragma('data_version', { simple: true }) as number; }

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

  // ---- pg / property writes (always on the directly attached pg) --------------------------

  addPg(fmri: string, name: string, type: string, flags = 0): RepoResult {
    if (!isValidName(name)) return fail('invalid', `"${name}" is not a valid property group name`);
    if (!type) return fail('invalid', `property group "${name}" needs a type`);
    return this.write(fmri, (ent) => {
      if (this.store.pgRow(directOwner(ent), name)) return fail('exists', `property group "${name}" already exists in ${ent.fmri}`);
      this.store.insertPg(directOwner(ent), name, type, flags);
      return ok(undefined);
    });
  }
  deletePg(fmri: string, name: string): RepoResult {
    return this.write(fmri, (ent) => {
      const row = this.store.pgRow(directOwner(ent), name);
      if (!row) return fail('not-found', `property group "${name}" does not exist in ${ent.fmri}`);
      this.store.deletePg(row.id);
      return ok(undefined);
    });
  }
  /** Creates or replaces a property. `type` is required to create; a different type than the existing one is an error. */
  setProperty(fmri: string, pg: string, prop: string, type: PropertyType | undefined, values: readonly string[]): RepoResult {
    return this.writeProp(fmri, pg, prop, type, (old) => {
      void old;
      return values;
    });
  }
  addPropertyValue(fmri: string, pg: string, prop: string, type: PropertyType | undefined, value: string): RepoResult {
    return this.writeProp(fmri, pg, prop, type, (old) => [...old, value]);
  }
  /** Removes the values matching a glob; returns how many were removed. */
  deletePropertyValues(fmri: string, pg: string, prop: string, glob: string): RepoResult<number> {
    const re = globToRegExp(glob);
    let removed = 0;
    const r = this.writeProp(fmri, pg, prop, undefined, (old, exists) => {
      if (!exists) return undefined;
      const kept = old.filter((v) => !re.test(v));
      removed = old.length - kept.length;
      return kept;
    });
    return r.ok ? ok(removed) : r;
  }
  deleteProperty(fmri: string, pg: string, prop: string): RepoResult {
    return this.write(fmri, (ent) => {
      const row = this.store.pgRow(directOwner(ent), pg);
      if (!row) return fail('not-found', `property group "${pg}" does not exist in ${ent.fmri}`);
      if (!this.store.deleteProp(row.id, prop)) return fail('not-found', `property "${pg}/${prop}" does not exist in ${ent.fmri}`);
      this.store.bump(row.id);
      return ok(undefined);
    });
  }

  // ---- snapshots --------------------------------------------------------------------------

  listSnapshots(fmri: string): RepoResult<SnapshotInfo[]> {
    const r = this.instance(fmri);
    return r.ok ? ok(listSnapshots(this.store, r.value.instId)) : r;
  }
  /** Snapshot NAME := current configuration (both levels). */
  takeSnapshot(fmri: string, name: string): RepoResult {
    if (!isValidName(name)) return fail('invalid', `"${name}" is not a valid snapshot name`);
    return this.writeInstance(fmri, (ent) => { takeSnapshot(this.store, ent, name, this.now()); return ok(undefined); });
  }
  copySnapshot(fmri: string, from: string, to: string): RepoResult {
    if (!isValidName(to)) return fail('invalid', `"${to}" is not a valid snapshot name`);
    return this.writeInstance(fmri, (ent) => copySnapshot(this.store, ent.instId, from, to, this.now())
      ? ok(undefined) : fail('not-found', `No such snapshot "${from}" for ${ent.fmri}.`));
  }
  deleteSnapshot(fmri: string, name: string): RepoResult {
    return this.writeInstance(fmri, (ent) => this.store.stmt('DELETE FROM snapshots WHERE instance_id = ? AND name = ?').run(ent.instId, name).changes
      ? ok(undefined) : fail('not-found', `No such snapshot "${name}" for ${ent.fmri}.`));
  }
  /** svccfg revert: takes `previous` from current, then copies snapshot NAME back into current (both levels). */
  revert(fmri: string, name = 'previous'): RepoResult {
    return this.writeInstance(fmri, (ent) => {
      const levels = readSnapshotLevels(this.store, ent.instId, name);
      if (!levels) return fail('not-found', `No such snapshot "${name}" for ${ent.fmri}.`);
      takeSnapshot(this.store, ent, 'previous', this.now());
      restoreLevels(this.store, ent, levels);
      return ok(undefined);
    });
  }
  /** Retakes `running` from the current configuration: of the instance, or of every instance of a service. Returns the instances refreshed. */
  refresh(fmri: string): RepoResult<string[]> {
    return this.write(fmri, (ent) => {
      const insts = ent.kind === 'instance' ? [{ id: ent.instId, name: ent.instance }] : this.store.instancesOf(ent.svcId);
      for (const i of insts) takeSnapshot(this.store, { instId: i.id, svcId: ent.svcId }, 'running', this.now());
      return ok(insts.map((i) => `svc:/${ent.service}:${i.name}`));
    });
  }

  // ---- import / apply ---------------------------------------------------------------------

  /** svccfg import semantics (§8, §3.6, §6.4) in one transaction. */
  importBundle(bundle: LoweredBundle, opts: ImportOptions = {}): RepoResult<ImportReport> {
    return this.guard(() => importBundle(this.store, bundle, opts, opts.now ?? this.now()));
  }
  /** svccfg apply semantics: profile values onto existing entities, then refresh. */
  applyProfile(bundle: LoweredBundle): RepoResult<ApplyReport> {
    return this.guard(() => applyProfile(this.store, bundle, this.now()));
  }

  // ---- restarter and svcadm writes --------------------------------------------------------

  writeRestarterState(fmri: string, upd: RestarterStateUpdate): RepoResult {
    return this.writeRestarterStates([{ fmri, state: upd }]);
  }
  /** Many state writes in one transaction, committed without fsync (NONPERSISTENT data, see DESIGN). */
  writeRestarterStates(batch: readonly { fmri: string; state: RestarterStateUpdate }[]): RepoResult {
    const relax = !this.db.inTransaction;
    if (relax) this.db.pragma('synchronous = NORMAL');
    try {
      return this.guard(() => {
        for (const { fmri, state: upd } of batch) {
          const r = this.instance(fmri);
          if (!r.ok) return r;
          const err = state.writeRestarterState(this.store, r.value.instId, upd);
          if (err) return fail('invalid', `${r.value.fmri}: ${err}`);
        }
        return ok(undefined);
      });
    } finally {
      if (relax) this.db.pragma('synchronous = FULL');
    }
  }
  /** svcadm enable/disable [-t]: persistent = general/enabled (and drop the override); temporary = general_ovr/enabled. */
  setEnabled(fmri: string, enabled: boolean, opts: { temporary?: boolean } = {}): RepoResult {
    return this.writeInstance(fmri, (ent) => { state.setEnabled(this.store, ent.instId, enabled, !!opts.temporary); return ok(undefined); });
  }
  /** Records a pending action (restarter_actions/ACTION = value, an integer timestamp). */
  requestAction(fmri: string, action: RestarterAction, opts: { value?: bigint | number; tty?: boolean; auxiliaryFmri?: string } = {}): RepoResult {
    const value = String(opts.value ?? process.hrtime.bigint());
    return this.writeInstance(fmri, (ent) => {
      state.writeAction(this.store, ent.instId, action, value, { tty: opts.tty, fmri: opts.auxiliaryFmri });
      return ok(undefined);
    });
  }
  /** The restarter consumed an action. Returns whether it was pending. */
  clearAction(fmri: string, action: RestarterAction): RepoResult<boolean> {
    return this.writeInstance(fmri, (ent) => ok(state.clearAction(this.store, ent.instId, action)));
  }
  /**
   * Atomically reads and removes every pending action of an instance (restarter_actions
   * properties), so an action svcadm writes meanwhile is never lost. Returns name -> values.
   */
  takeActions(fmri: string): RepoResult<Record<string, string[]>> {
    return this.writeInstance(fmri, (ent) => {
      const pg = this.store.loadPg({ kind: 'instance', id: ent.instId }, 'restarter_actions');
      const out: Record<string, string[]> = {};
      if (!pg || pg.properties.length === 0) return ok(out);
      for (const p of pg.properties) out[p.name] = p.values;
      const row = this.store.pgRow({ kind: 'instance', id: ent.instId }, 'restarter_actions')!;
      this.store.replacePgContent(row.id, []);
      return ok(out);
    });
  }
  /** "Reboot": drop every NONPERSISTENT pg (general_ovr, restarter, restarter_actions, options_ovr). */
  discardNonPersistent(): number {
    return this.transaction(() => state.discardNonPersistent(this.store));
  }
  bootId(): string | undefined {
    return (this.store.stmt("SELECT value FROM meta WHERE key = 'boot_id'").get() as { value: string } | undefined)?.value;
  }
  /** Records the current boot id; if a different one was stored, discards NONPERSISTENT pgs first (one transaction). */
  noteBoot(bootId: string): { rebooted: boolean } {
    return this.transaction(() => {
      const old = this.bootId();
      if (old === bootId) return { rebooted: false };
      // first boot ever recorded: nothing volatile can predate it except pre-daemon svcadm -t writes
      if (old !== undefined) state.discardNonPersistent(this.store);
      this.store.stmt("INSERT INTO meta(key, value) VALUES ('boot_id', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(bootId);
      return { rebooted: old !== undefined };
    });
  }

  /** Authorization properties (§6.7), composed current view, for the daemon and svcadm to enforce. */
  authorizationsFor(fmri: string): RepoResult<EntityAuthorizations> {
    const r = this.read(fmri, VIEW_COMPOSED);
    if (!r.ok) return r;
    const general = r.value.find((pg) => pg.name === 'general');
    const out: EntityAuthorizations = {
      action: general ? stringValues(general, 'action_authorization') : [],
      generalValue: general ? stringValues(general, 'value_authorization') : [],
      pgs: {},
    };
    for (const pg of r.value) {
      out.pgs[pg.name] = { type: pg.type, read: stringValues(pg, 'read_authorization'), value: stringValues(pg, 'value_authorization'), modify: stringValues(pg, 'modify_authorization') };
    }
    return ok(out);
  }

  // ---- internals --------------------------------------------------------------------------

  private canonical(fmri: string): string {
    const e = parseEntity(fmri);
    return e ? (e.instance === undefined ? `svc:/${e.service}` : `svc:/${e.service}:${e.instance}`) : fmri;
  }
  private read(fmri: string, view: View, only?: string): RepoResult<PgView[]> {
    const r = resolve(this.store, fmri);
    return r.ok ? readPgs(this.store, r.value, view, only) : r;
  }
  private instance(fmri: string): RepoResult<Resolved & { kind: 'instance' }> {
    const r = resolve(this.store, fmri);
    if (!r.ok) return r;
    return r.value.kind === 'instance' ? ok(r.value) : fail('invalid', `${r.value.fmri} is a service; an instance is required`);
  }
  /** Runs fn in a transaction; a failure value rolls everything back. */
  private guard<T>(fn: () => RepoResult<T>): RepoResult<T> {
    try {
      return this.transaction(() => { const r = fn(); if (!r.ok) throw new RollBack(r); return r; });
    } catch (e) {
      if (e instanceof RollBack) return e.result as RepoResult<T>;
      throw e;
    }
  }
  private write<T>(fmri: string, fn: (ent: Resolved) => RepoResult<T>): RepoResult<T> {
    return this.guard(() => { const r = resolve(this.store, fmri); return r.ok ? fn(r.value) : r; });
  }
  private writeInstance<T>(fmri: string, fn: (ent: Resolved & { kind: 'instance' }) => RepoResult<T>): RepoResult<T> {
    return this.guard(() => { const r = this.instance(fmri); return r.ok ? fn(r.value) : r; });
  }
  private writeProp(fmri: string, pg: string, prop: string, type: PropertyType | undefined,
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

class RollBack extends Error {
  constructor(readonly result: { ok: false }) { super('rollback'); }
}

function readonlyVersionError(db: Database.Database): string | undefined {
  const v = db.pragma('user_version', { simple: true }) as number;
  if (v === 0) return 'repository is not initialised (no schema); import a manifest first';
  if (v > SCHEMA_VERSION) return `repository schema version ${v} is newer than this program supports (${SCHEMA_VERSION}); upgrade tsmf`;
  return undefined;
}
