// The repository (svc.configd) as a synchronous object over one SQLite file. Every public write
// is one transaction (BEGIN IMMEDIATE; nested calls become savepoints), so the daemon and the
// CLIs can share the file safely (WAL + busy_timeout). Reads never write.
//
// Layers: store.ts (rows) < read.ts / snapshots.ts / state.ts / import.ts (semantics) <
// base.ts (connection, entities, reads) < this facade (writes, snapshots, import, state).
import { PG_FLAG_NONPERSISTENT, type PropertyType } from '../core/model.js';
import { RepositoryBase, readonlyVersionError, type OpenOptions } from './base.js';
import { quietImage } from './quiet-image.js';
import { fnmatch } from '../core/glob.js';
import { applyProfile } from './apply.js';
import { readInstanceViews, type BulkReadOptions, type InstanceViews } from './bulk-read.js';
import { importBundle } from './import.js';
import { isValidName } from './names.js';
import { directOwner, fail, ok, stringValues } from './read.js';
import { migrate } from './schema.js';
import { copySnapshot, dropSnapshot, listSnapshots, readSnapshotLevels, restoreLevels, shareIntoAbsentSnapshot, takeSnapshot } from './snapshots.js';
import * as state from './state.js';
import {
  ROOT_VIEWER, VIEW_COMPOSED, type ApplyReport, type EntityAuthorizations, type ImportOptions, type ImportReport,
  type LoweredBundle, type RepoResult, type RestarterAction, type RestarterStateUpdate, type SnapshotInfo,
} from './types.js';

export type { BulkReadOptions, InstanceViews, OpenOptions };

/** Instances whose restarter-pg ids writeRestarterStates keeps at most (~150 bytes each). */
const MAX_KEPT_RESTARTER_IDS = 50_000;

export class Repository extends RepositoryBase {
  /** restarter pg ids by FMRI as given to writeRestarterStates (each checked when used) */
  private readonly restarterIds = new Map<string, state.RestarterPgIds>();

  private constructor(file: string, opts: OpenOptions) { super(file, opts); }

  /** Ids kept from writes that were undone may meet a generation that moved on by coincidence. */
  protected override rolledBack(): void { this.restarterIds.clear(); }

  /** Opens (creating and migrating when writable) the repository file. */
  static open(file: string, opts: OpenOptions = {}): RepoResult<Repository> {
    let repo: Repository;
    try {
      repo = new Repository(file, opts);
    } catch (e) {
      return fail('not-found', `cannot open repository ${file}: ${(e as Error).message}`);
    }
    let err: string | undefined;
    try {
      err = repo.readonly ? readonlyVersionError(repo.db) : migrate(repo.db);
    } catch (e) {
      // e.g. a reader who may not create the WAL index (-shm) in a directory it cannot write
      repo.close();
      if (repo.readonly && !opts.image && !opts.live) {
        // with no writer about (no -wal file), a copy of the file taken while it did not change
        // holds every committed transaction: read that (svcs and svcprop with no daemon running)
        const image = quietImage(file);
        if (image) return Repository.open(file, { ...opts, image });
      }
      const hint = repo.readonly ? ' (a reader who may not write its directory needs the -shm file that svc.startd keeps while it runs, or no write in progress; see docs/authorizations.md)' : '';
      return fail('invalid', `cannot read repository ${file}: ${(e as Error).message}${hint}`);
    }
    if (err) { repo.close(); return fail('invalid', `${file}: ${err}`); }
    return ok(repo);
  }

  /** Like open(), but throws (for the daemon's start-up and tests). */
  static openOrThrow(file: string, opts: OpenOptions = {}): Repository {
    const r = Repository.open(file, opts);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  }


  /**
   * Current-composed and effective views (as root sees them) of many instances in three queries,
   * keyed by the FMRI as given; non-instances are absent. Equal to two listPgs() per instance
   * (`current` limited to opts.currentPgs when given).
   */
  readInstanceViews(fmris: readonly string[], opts: BulkReadOptions = {}): Map<string, InstanceViews> {
    return readInstanceViews(this.store, fmris, opts);
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
    let removed = 0;
    const r = this.writeProp(fmri, pg, prop, undefined, (old, exists) => {
      if (!exists) return undefined;
      const kept = old.filter((v) => !fnmatch(glob, v));
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
  /**
   * Snapshot TO := snapshot FROM, sharing its pgs. When the instance has no TO yet (the `start`
   * snapshot of its first start, the common case of a boot) that is one statement and no savepoint.
   */
  copySnapshot(fmri: string, from: string, to: string): RepoResult {
    if (!isValidName(to)) return fail('invalid', `"${to}" is not a valid snapshot name`);
    const r = this.instance(fmri);
    if (r.ok && shareIntoAbsentSnapshot(this.store, r.value.instId, from, to, this.now())) return ok(undefined);
    return this.writeInstance(fmri, (ent) => copySnapshot(this.store, ent.instId, from, to, this.now())
      ? ok(undefined) : fail('not-found', `No such snapshot "${from}" for ${ent.fmri}.`));
  }
  deleteSnapshot(fmri: string, name: string): RepoResult {
    return this.writeInstance(fmri, (ent) => dropSnapshot(this.store, ent.instId, name)
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
    // an import writes new pages, it hardly re-reads any: a small page cache (2 MiB instead of
    // better-sqlite3's 16 MiB) saves ~15 MiB of peak RSS on 5,000 services at no cost in time
    const cache = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma('cache_size = -2000');
    try {
      return this.guard(() => importBundle(this.store, bundle, opts, opts.now ?? this.now()));
    } finally {
      this.db.pragma(`cache_size = ${cache}`);
    }
  }
  /** svccfg apply semantics: profile values onto existing entities, then refresh. */
  applyProfile(bundle: LoweredBundle): RepoResult<ApplyReport> {
    return this.guard(() => applyProfile(this.store, bundle, this.now()));
  }

  // ---- restarter and svcadm writes --------------------------------------------------------

  writeRestarterState(fmri: string, upd: RestarterStateUpdate): RepoResult {
    return this.writeRestarterStates([{ fmri, state: upd }]);
  }
  /**
   * Many state writes in one transaction, committed without fsync (NONPERSISTENT data, see DESIGN).
   * An instance written before is written through the ids kept then (state.writeRestarterStateFast),
   * which checks they still hold: no FMRI resolution and no read per write.
   */
  writeRestarterStates(batch: readonly { fmri: string; state: RestarterStateUpdate }[]): RepoResult {
    return this.withoutFsync(() => this.guard(() => {
      for (const { fmri, state: upd } of batch) {
        const kept = this.restarterIds.get(fmri);
        if (kept && state.writeRestarterStateFast(this.store, kept, upd)) continue;
        this.restarterIds.delete(fmri);
        const r = this.instance(fmri);
        if (!r.ok) return r;
        const ids = state.restarterPgIds(this.store, r.value.instId);
        if (!state.writeRestarterStateFast(this.store, ids, upd)) {
          const err = state.writeRestarterState(this.store, r.value.instId, upd);
          if (err) return fail('invalid', `${r.value.fmri}: ${err}`);
          this.restarterIds.set(fmri, state.restarterPgIds(this.store, r.value.instId));
        } else this.restarterIds.set(fmri, ids);
        // a cache: the ids of instances deleted since are never asked for again
        if (this.restarterIds.size > MAX_KEPT_RESTARTER_IDS) this.restarterIds.clear();
      }
      return ok(undefined);
    }));
  }
  /** svcadm enable/disable [-t]: persistent = general/enabled (and drop the override); temporary = general_ovr/enabled. */
  setEnabled(fmri: string, enabled: boolean, opts: { temporary?: boolean } = {}): RepoResult {
    return this.writeInstance(fmri, (ent) => { state.setEnabled(this.store, ent.instId, enabled, !!opts.temporary); return ok(undefined); });
  }
  /**
   * svcadm milestone [-d] (smf-spec §2.10), as illumos set_milestone: temporary = `options_ovr/milestone`
   * (NONPERSISTENT, until the next boot); persistent = `options/milestone` (the boot milestone), then the override
   * deleted, so that the new milestone is also the current one. Framework pgs are created as needed.
   */
  setMilestone(restarter: string, target: string, persistent: boolean): RepoResult {
    const [pg, flags] = persistent ? ['options', 0] : ['options_ovr', PG_FLAG_NONPERSISTENT];
    return this.guard(() => {
      if (!this.getPg(restarter, pg, { viewer: ROOT_VIEWER }).ok) {
        const a = this.addPg(restarter, pg, 'framework', flags);
        if (!a.ok) return a;
      }
      const r = this.setProperty(restarter, pg, 'milestone', 'astring', [target]);
      if (!r.ok) return r;
      if (persistent) {
        const d = this.deleteProperty(restarter, 'options_ovr', 'milestone');
        if (!d.ok && d.code !== 'not-found') return d;
      }
      return ok(undefined);
    });
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

}
