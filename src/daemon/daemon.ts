// svc.startd: one process, one event loop. Start-up: open the repository, detect the boot
// (boot.ts), restore or start afresh (smf-spec §2.11), feed the graph into the engine, then serve
// the control socket. Requests become repository writes plus engine events; all state commits go
// through the batched StateWriter, flushed before every reply and at exit.
//
// Invariants:
// - svc.startd exiting never stops services (SIGTERM/shutdown leave them running and re-adoptable)
//   unless a shutdown request asks for it explicitly (stopServices).
// - After a restarter restart a running contract is adopted, never started a second time.
// - A failed service or an internal error for one instance never stops the daemon.
import fs from 'node:fs';
import path from 'node:path';
import { findPg, findProp } from '../core/model.js';
import { MASTER_RESTARTER, type AdminAction as EngineAdmin, type EngineEvent, type InstanceConfig, type RestoredInstance } from '../core/engine/types.js';
import type { AdminRequest, Caller, FmriResult, ImportRequest, ImportResult, InstanceAuthData, InstanceStatus, ReplyBody, Request } from '../core/protocol/index.js';
import { recordBoot } from './boot.js';
import { ControlServer, type ControlHandler } from './control-server.js';
import { CredentialResolver } from '../adapters/credentials.js';
import { GraphHost } from './graph-host.js';
import { instanceConfig } from './instance-config.js';
import { readGlobalEnvironment } from './method-request.js';
import type { Clock, DaemonRepository, EngineLike, InstanceView, ProcessPorts } from './ports.js';
import type { NewInstanceLevels } from '../repository/types.js';
import { RestarterHost } from './restarter-host.js';
import { pendingActions, restoreInstance } from './restore.js';
import { StateWriter } from './state-writer.js';
import { repositoryTransaction, StartSnapshotBatch } from './write-batch.js';

/**
 * Instances per bulk read of a reload (see readInstances). Small enough that a chunk's rows die
 * young instead of surviving scavenges into the old space (5,000 oneshot instances, peak RSS:
 * chunks of 500 175-188 MB, 100 156 MB, 50 147 MB; 100 and 50 cost the same CPU).
 */
const READ_CHUNK = 100;
/** admin events posted at a time for a request naming many instances, and the longest pacing (postPaced) */
const ADMIN_SLICE = 256;
const ADMIN_PACE_MS = 10_000;

export const DAEMON_NAME = 'tsmf svc.startd 0.1.0';
export const FEATURES = ['refresh', 'admin', 'status', 'shutdown', 'import'];

export interface DaemonDeps {
  root: string;
  runDir: string;
  socketPath: string;
  engine: EngineLike;
  repo: DaemonRepository;
  procs: ProcessPorts;
  clock: Clock;
  boot: { bootId: string; newBoot: boolean };
  log: (msg: string) => void;
}

type HandlerResult = ReplyBody | { error: { code: 'not_found' | 'invalid_state' | 'bad_request' | 'internal' | 'shutting_down'; message: string } };

/** svc://localhost/S:I, /S:I, S:I -> svc:/S:I */
function canonicalFmri(f: string): string {
  const body = f.replace(/^svc:/, '').replace(/^\/\/localhost\//, '/').replace(/^\/+/, '');
  return `svc:/${body}`;
}

export class Daemon implements ControlHandler {
  readonly graph: GraphHost;
  readonly host: RestarterHost;
  readonly states: StateWriter;
  readonly startSnapshots: StartSnapshotBatch;
  private readonly tx: <T>(fn: () => T) => T;
  /** admin events of the request being applied, posted once its transaction committed */
  private deferredAdmin: EngineEvent[] | null = null;
  /** engine events of the current admin request still to be posted, paced (postPaced) */
  private adminBacklog: EngineEvent[] | null = null;
  private readonly creds: CredentialResolver;
  private server: ControlServer | undefined;
  private known = new Set<string>();
  /** wait-model instances whose child the previous daemon started (adopted at a restarter restart): see start() */
  private readonly adoptedChildren = new Set<string>();
  private stopping: Promise<void> | undefined;
  private unsubscribeContracts: (() => void) | undefined;
  private globalEnv: string[];

  constructor(private readonly d: DaemonDeps) {
    this.graph = new GraphHost(d.engine, d.clock, d.log);
    this.tx = repositoryTransaction(d.repo);
    // State commits and queued start snapshots share one write transaction, committed without
    // fsync: restarter bookkeeping that a reboot rebuilds (docs/DESIGN-repository.md). Snapshots
    // whose own timer comes first are committed the same way (with an fsync each, 36 of them
    // stalled the loop during a 1,000-service boot).
    const relaxed = repositoryTransaction(d.repo, { relaxed: true });
    this.startSnapshots = new StartSnapshotBatch((f) => d.repo.takeStartSnapshots(f), relaxed, d.clock, d.log);
    const logs = d.procs.logs;
    this.states = new StateWriter((b) => relaxed(() => { this.startSnapshots.takeAll(); d.repo.writeRestarterStates(b); }), d.clock,
      (e) => d.log(`repository write failed: ${(e as Error).message}`), 5, logs.flush ? () => logs.flush!() : undefined);
    this.globalEnv = readGlobalEnvironment(d.root);
    this.host = new RestarterHost({
      repo: d.repo, procs: d.procs, states: this.states, clock: d.clock, log: d.log,
      post: (ev) => this.graph.post(ev), globalEnvironment: () => this.globalEnv, startSnapshots: this.startSnapshots,
    });
    this.graph.setExecutor(this.host);
    this.creds = new CredentialResolver(d.root, d.log);
  }

  /** Loads the graph (restoring or starting afresh) and starts serving the control socket. */
  async start(): Promise<void> {
    const { repo, procs, boot } = this.d;
    this.unsubscribeContracts = procs.contracts.onEvent((ev) => {
      this.d.log(`${ev.fmri}: contract ${ev.contractId} event ${ev.kind}`);
      if (!this.known.has(ev.fmri)) return;
      // a wait-model child adopted from the previous daemon is not our child: its group emptying is its exit
      // (status unknown, as illumos wait_register without being the parent)
      if (ev.kind === 'empty' && this.adoptedChildren.delete(ev.fmri)) this.graph.post({ kind: 'childExited', fmri: ev.fmri });
      else this.graph.post({ kind: 'contractEvent', fmri: ev.fmri, contractEvent: ev.kind });
    });
    const fmris = repo.listInstances();
    const configs = [];
    const restored: RestoredInstance[] = [];
    const version = this.host.repositoryVersion({ fresh: true }); // before the reads (see remember)
    const withoutRunning: string[] = [];
    for (const [fmri, view] of this.readInstances(fmris)) {
      if (!view) continue;
      const config = instanceConfig(view);
      configs.push(config);
      this.host.remember(fmri, view.effective, version);
      this.known.add(fmri);
      if (view.withoutRunning) withoutRunning.push(fmri);
      if (!boot.newBoot) {
        const r = restoreInstance(fmri, view.current, procs.contracts, this.d.log);
        if (r) restored.push(r.restored);
        if (r?.restored.contractAlive && config.startd.duration === 'child') this.adoptedChildren.add(fmri);
      }
    }
    this.d.log(`${boot.newBoot ? 'new boot' : 'restarter restart'} (boot id ${boot.bootId}): ${configs.length} instance(s), ${restored.length} restored`);
    this.takeMissingRunning(withoutRunning);
    this.sweepContracts();
    // the milestone in force: options/milestone at a new boot (options_ovr was discarded), the current one
    // (options_ovr) after a restarter restart; applied by the configure itself, before anything starts
    const milestone = repo.bootMilestone();
    this.graph.post({ kind: 'configure', instances: configs, initial: true, ...(boot.newBoot ? {} : { restored }), ...(milestone ? { milestone } : {}) });
    this.prepareContracts(configs);
    for (const fmri of fmris) this.consumePendingActions(fmri);
    recordBoot(this.d.runDir, boot.bootId);
    this.server = new ControlServer({
      socketPath: this.d.socketPath, daemonName: DAEMON_NAME, bootId: boot.bootId, handler: this, log: this.d.log,
      // `import` only over a repository that can import: svccfg then imports by itself, as with no daemon
      features: repo.importBundle ? FEATURES : FEATURES.filter((f) => f !== 'import'),
    });
    await this.server.listen();
    this.flushWrites();
    // A CLI that committed after our reads but before the socket listened found no daemon to
    // notify (svccfg import, svcadm): its change would wait for the next reload. Re-read now.
    const now = this.host.repositoryVersion({ fresh: true });
    if (version !== undefined && now !== undefined && now !== version) {
      this.d.log('the repository changed while starting: re-reading it');
      this.startSnapshots.flush();
      this.reload([], false);
      for (const fmri of this.d.repo.listInstances()) this.consumePendingActions(fmri);
    }
  }

  /**
   * The instances' views in chunks (bulk reads of READ_CHUNK instances when the repository offers
   * them): each chunk's rows and intermediate pgs become garbage before the next is read, which
   * bounds the reload's peak heap. Yields [fmri, undefined] for an instance that does not exist.
   */
  private *readInstances(fmris: readonly string[]): Generator<[string, InstanceView | undefined]> {
    const repo = this.d.repo;
    if (!repo.readInstances) {
      for (const fmri of fmris) yield [fmri, repo.readInstance(fmri)];
      return;
    }
    for (let i = 0; i < fmris.length; i += READ_CHUNK) {
      const chunk = fmris.slice(i, i + READ_CHUNK);
      const views = repo.readInstances(chunk);
      for (const fmri of chunk) yield [fmri, views.get(fmri)];
    }
  }

  /** Views of new instances an import of ours wrote, built one at a time (each one's levels let go once used). */
  private *handedViews(fmris: readonly string[], handed: Map<string, NewInstanceLevels>): Generator<[string, InstanceView | undefined]> {
    for (const f of fmris) {
      const levels = handed.get(f)!;
      handed.delete(f);
      yield [f, this.d.repo.viewOfNewInstance!(f, levels)];
    }
  }

  /**
   * smf-spec §6.4: svc.startd creates `running` when an instance enters the graph without one (added
   * with svccfg add, or created as a <dependent> target); it holds what the engine was configured with.
   */
  private takeMissingRunning(fmris: readonly string[]): void {
    if (!fmris.length || !this.d.repo.takeMissingRunning) return;
    for (const f of this.d.repo.takeMissingRunning(fmris)) this.d.log(`${f.fmri}: cannot take the running snapshot: ${f.message}`);
  }

  /** Pending state commits and start snapshots, written now. */
  private flushWrites(): void {
    this.states.flush();
    this.startSnapshots.flush();
  }

  /**
   * Empty groups nobody tracks after the restoration (a killed daemon's method groups, groups
   * emptied while no daemon ran) would make every start that meets one probe it on the event loop.
   */
  private sweepContracts(): void {
    const contracts = this.d.procs.contracts as { sweep?: () => string[] };
    if (typeof contracts.sweep !== 'function') return;
    const removed = contracts.sweep();
    if (removed.length) this.d.log(`removed ${removed.length} empty contract group(s) left from an earlier run`);
  }

  /**
   * Lets the contract backend create the groups of instances likely to start soon ahead of time.
   * Called after their configure event: those starting at once (no dependencies) have made their
   * group by then, on the spot, instead of racing a background mkdir of the same directory.
   */
  private prepareContracts(configs: readonly InstanceConfig[]): void {
    const contracts = this.d.procs.contracts as { prepare?: (fmris: readonly string[]) => void };
    if (typeof contracts.prepare !== 'function') return;
    const fmris = configs.filter((c) => c.enabled && c.startd.duration !== 'transient' && (!c.restarter || c.restarter === MASTER_RESTARTER)
      && c.methods.start !== undefined && !c.methods.start.exec.startsWith(':')).map((c) => c.fmri);
    if (fmris.length) contracts.prepare(fmris);
  }

  /** restarter_actions written while no daemon ran (svcadm as root without a daemon). */
  private consumePendingActions(fmri: string): void {
    for (const action of pendingActions(this.d.repo.takeRestarterActions(fmri))) {
      if (action === 'refresh') this.refreshInstance(fmri);
      else this.graph.post({ kind: 'admin', fmri, action });
    }
  }

  // ---- ControlHandler ------------------------------------------------------------------------

  caller(cred: { pid: number; uid: number; gid: number }): Caller {
    return this.creds.resolve(cred);
  }

  authData(fmri: string): InstanceAuthData | undefined {
    const a = this.d.repo.authorizations(fmri);
    if (!a) return undefined;
    return { action: a.action, modifyGeneral: a.pgs.general?.modify ?? [], valueGeneral: a.generalValue };
  }

  async handle(req: Request, caller: Caller): Promise<HandlerResult> {
    // Snapshots of starts already done go in before anything of this request (refresh retakes running).
    this.startSnapshots.flush();
    let result: HandlerResult;
    switch (req.type) {
      case 'refresh': {
        const t0 = performance.now();
        const results = this.reload(req.fmris, !req.reread);
        this.d.log(`refresh notification for ${req.fmris.length} entit${req.fmris.length === 1 ? 'y' : 'ies'}: read and configured in ${Math.round(performance.now() - t0)} ms`);
        result = { kind: 'refresh', results };
        break;
      }
      case 'admin': {
        result = this.admin(req, caller);
        const backlog = this.adminBacklog;
        this.adminBacklog = null;
        if (backlog) await this.postPaced(backlog);
        break;
      }
      case 'import': {
        const t0 = performance.now();
        const r = await this.importFile(req);
        if (r.status === 0) this.d.log(`import of ${req.file}: written, configured in ${Math.round(performance.now() - t0)} ms`);
        result = { kind: 'import', status: r.status, lines: r.lines };
        break;
      }
      case 'status': result = { kind: 'status', instances: this.status(req.fmris) }; break;
      case 'shutdown':
        setImmediate(() => void this.stop(req.stopServices ? 'shutdown request (stopping services)' : 'shutdown request', !!req.stopServices));
        result = { kind: 'shutdown' };
        break;
    }
    await this.graph.idle();
    // the log lines of what the request caused are in their files before the states are committed
    await this.d.procs.logs.flush?.();
    this.flushWrites();
    return result;
  }

  /**
   * svccfg import done here (protocol `import`): the same lines and status as svccfg's own, then
   * the imported instances refreshed as its notification would, new instances of new services
   * configured from what was written (no read-back: the write and the configure are one turn).
   */
  private async importFile(req: ImportRequest): Promise<ImportResult> {
    const repo = this.d.repo;
    if (!repo.importBundle) return { status: 1, lines: [{ text: 'import: this svc.startd cannot import; run svccfg with TSMF_IMPORT_LOCAL=1' }] };
    const { importFile } = await import('../cli/svccfg/import-file.js');
    const out = importFile((b, o) => repo.importBundle!(b, o), req.file,
      { strict: !!req.strict, verbose: !!req.verbose, validate: !req.noValidate, dtd: req.dtd });
    const report = out.report;
    if (report?.notify.length) this.reload(report.notify, true, repo.viewOfNewInstance ? report.handover : undefined);
    return { status: out.status, lines: out.lines };
  }

  /**
   * Re-reads the named instances (or every instance of a named service, or all when empty).
   * asRefresh (svccfg import/refresh/apply notifications): instances already in the graph get a
   * refresh (their running snapshot was retaken; a running one runs its refresh method), new ones are
   * configured together; vanished ones are removed. Otherwise (SIGHUP) everything is re-configured.
   */
  private reload(fmris: string[], asRefresh: boolean, handed?: Map<string, NewInstanceLevels>): FmriResult[] {
    const all = this.d.repo.listInstances();
    const wanted = new Set<string>();
    const results: FmriResult[] = [];
    if (fmris.length === 0) for (const f of [...all, ...this.known]) wanted.add(f);
    for (const f of fmris) {
      const canon = canonicalFmri(f);
      const isInstance = canon.slice('svc:/'.length).includes(':');
      const matches = isInstance ? [canon] : [...all, ...this.known].filter((i) => i.startsWith(canon + ':'));
      for (const m of matches) wanted.add(m);
      results.push({ fmri: canon, ok: true });
    }
    const fresh = [];
    const existing = [];
    const withoutRunning: string[] = [];
    const version = this.host.repositoryVersion(); // before the reads (see remember)
    // instances an import of ours just wrote and nobody knew: configured as written, the rest read
    const given: string[] = [];
    const toRead: string[] = [];
    for (const f of wanted) (handed?.has(f) && !this.known.has(f) ? given : toRead).push(f);
    for (const [fmri, view] of chain(handed ? this.handedViews(given, handed) : [], this.readInstances(toRead))) {
      if (!view) {
        if (this.known.delete(fmri)) this.graph.post({ kind: 'remove', fmri });
        continue;
      }
      if (view.withoutRunning) withoutRunning.push(fmri);
      const cfg = instanceConfig(view);
      this.host.remember(fmri, view.effective, version);
      if (this.known.has(fmri)) existing.push(cfg); else fresh.push(cfg);
      this.known.add(fmri);
    }
    this.takeMissingRunning(withoutRunning);
    if (fresh.length) {
      this.graph.post({ kind: 'configure', instances: fresh });
      this.prepareContracts(fresh);
    }
    if (asRefresh) for (const config of existing) this.graph.post({ kind: 'refresh', config });
    else if (existing.length) this.graph.post({ kind: 'configure', instances: existing });
    return results;
  }

  private refreshInstance(fmri: string): FmriResult {
    const r = this.d.repo.refreshInstance(fmri);
    if (!r.ok) return { fmri, ok: false, error: { code: 'not_found', message: r.message } };
    const view = this.d.repo.readInstance(fmri);
    if (!view) return { fmri, ok: false, error: { code: 'not_found', message: `Pattern '${fmri}' doesn't match any instances` } };
    this.known.add(fmri);
    this.host.remember(fmri, view.effective);
    this.graph.post({ kind: 'refresh', config: instanceConfig(view) });
    return { fmri, ok: true };
  }

  private currentState(fmri: string): string | undefined {
    const pending = this.states.peek(fmri)?.state;
    if (typeof pending === 'string') return pending;
    const view = this.d.repo.readInstance(fmri);
    return findProp(findPg(view?.current ?? [], 'restarter'), 'state')?.values[0];
  }

  private admin(req: AdminRequest, caller: Caller): HandlerResult {
    if (req.action === 'milestone') {
      const raw = req.fmris[0]!;
      const target = raw === 'all' || raw === 'none' ? raw : canonicalFmri(raw);
      if (target !== 'all' && target !== 'none' && !this.d.repo.readInstance(target)) {
        return { error: { code: 'not_found', message: `milestone ${target} does not exist` } };
      }
      const r = this.d.repo.setMilestone(target, !!req.flags?.persistent);
      if (!r.ok) return { error: { code: 'bad_request', message: r.message } };
      this.graph.post({ kind: 'milestone', target });
      return { kind: 'admin', results: [{ fmri: target, ok: true }] };
    }
    // One write transaction (one WAL sync) for all the instances of the request; their engine
    // events go in once it committed (svcadm disable of 5,000 FMRIs: 5,000 syncs before).
    const events: EngineEvent[] = [];
    this.deferredAdmin = events;
    let results: FmriResult[];
    try {
      results = this.tx(() => req.fmris.map((fmri) => this.adminOne(req, canonicalFmri(fmri), caller)));
    } finally {
      this.deferredAdmin = null;
    }
    if (events.length > ADMIN_SLICE) this.adminBacklog = events;
    else for (const ev of events) this.graph.post(ev);
    return { kind: 'admin', results };
  }

  /**
   * The engine events of a request naming thousands of instances (svcadm disable of 5,000 FMRIs)
   * go in ADMIN_SLICE at a time: the next slice once fewer than ADMIN_SLICE methods run, so that
   * 5,000 stops are not all in flight together (the daemon's RSS rose by ~25 MB). SMF's svcadm
   * sends one request per instance; the end state is the same. The waits are bounded (at most
   * ADMIN_PACE_MS in all), so a request never waits on methods that hang.
   */
  private async postPaced(events: readonly EngineEvent[]): Promise<void> {
    const deadline = Date.now() + ADMIN_PACE_MS;
    for (let i = 0; i < events.length; i += ADMIN_SLICE) {
      for (const ev of events.slice(i, i + ADMIN_SLICE)) this.graph.post(ev);
      await this.graph.idle();
      while (this.host.running.size >= ADMIN_SLICE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    }
  }

  private adminOne(req: AdminRequest, fmri: string, caller: Caller): FmriResult {
    const notFound: FmriResult = { fmri, ok: false, error: { code: 'not_found', message: `Instance "${fmri}" does not exist.` } };
    // the protocol takes resolved instance FMRIs only (svc:/S:I); a service FMRI names no instance
    if (!/^svc:\/[^:]+:[^:/]+$/.test(fmri)) return { fmri, ok: false, error: { code: 'not_found', message: `"${fmri}" is not an instance FMRI (svc:/SERVICE:INSTANCE).` } };
    // enable/disable of a known instance: the repository write itself says when it is gone (no full read)
    const toggle = req.action === 'enable' || req.action === 'disable';
    if (!(toggle && this.known.has(fmri)) && !this.d.repo.readInstance(fmri)) return notFound;
    // Created while nobody told us (e.g. svccfg without a daemon): put it into the graph first.
    if (!this.known.has(fmri)) this.reload([fmri], false);
    const post = (action: EngineAdmin) => {
      const ev: EngineEvent = { kind: 'admin', fmri, action };
      if (this.deferredAdmin) this.deferredAdmin.push(ev); else this.graph.post(ev);
      return { fmri, ok: true };
    };
    const repoFail = (message: string): FmriResult => ({ fmri, ok: false, error: { code: 'internal', message } });
    switch (req.action) {
      case 'enable':
      case 'disable': {
        const enabled = req.action === 'enable';
        const r = this.d.repo.setEnabled(fmri, enabled, !!req.temporary);
        if (!r.ok) return r.code === 'not-found' ? notFound : repoFail(r.message);
        this.known.add(fmri);
        return post(enabled ? { type: 'enable', temporary: !!req.temporary } : { type: 'disable', temporary: !!req.temporary });
      }
      case 'restart':
        return post(req.flags?.dump ? { type: 'restart', dump: true } : { type: 'restart' });
      case 'refresh':
        return this.refreshInstance(fmri);
      case 'clear': {
        const state = this.currentState(fmri);
        if (state === 'maintenance') { this.graph.forgetFault(fmri); return post({ type: 'clear' }); }
        if (state === 'degraded') return post({ type: 'restore' });
        return { fmri, ok: false, error: { code: 'invalid_state', message: `Instance "${fmri}" is not in a maintenance or degraded state.` } };
      }
      case 'mark': {
        if (req.temporary) return { fmri, ok: true }; // [doc≠code] -t is not consumed by svc.startd (§2.8)
        const aux = req.flags?.tty ? 'administrative_request' as const : 'service_request' as const;
        const auxFmri = req.flags?.auxiliaryFmri;
        void caller;
        const immediate = !!req.flags?.immediate;
        if (req.flags?.state === 'degraded') {
          if (this.currentState(fmri) !== 'online') return { fmri, ok: false, error: { code: 'invalid_state', message: `Instance "${fmri}" is not online.` } };
          return post(immediate ? { type: 'degradeImmediate' } : { type: 'degraded' });
        }
        const base = auxFmri ? { aux, auxFmri } : { aux };
        return post(immediate ? { type: 'maintOnImmediate', ...base } : { type: 'maintOn', ...base });
      }
      case 'milestone':
        return { fmri, ok: false, error: { code: 'bad_request', message: 'milestone is not a per-instance action' } };
    }
  }

  private status(fmris: string[] | undefined): InstanceStatus[] {
    const list = fmris && fmris.length ? fmris : this.d.repo.listInstances();
    const out: InstanceStatus[] = [];
    for (const fmri of list) {
      const view = this.d.repo.readInstance(fmri);
      if (!view) continue;
      const pg = findPg(view.current, 'restarter');
      const pending = this.states.peek(fmri);
      const get = (p: string) => findProp(pg, p)?.values[0];
      const s: InstanceStatus = {
        fmri,
        state: (typeof pending?.state === 'string' ? pending.state : get('state')) ?? 'uninitialized',
        nextState: (typeof pending?.next_state === 'string' ? pending.next_state : get('next_state')) ?? 'none',
      };
      const aux = get('auxiliary_state');
      if (aux) s.auxiliaryState = aux;
      const c = this.d.procs.contracts.contractId(fmri);
      if (c !== null) s.contract = c;
      const cfg = instanceConfig(view);
      if (cfg.enabled !== undefined) s.enabled = cfg.enabled;
      out.push(s);
    }
    return out;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Re-reads the whole repository and the global environment (SIGHUP). */
  reloadAll(): void {
    this.startSnapshots.flush();
    this.globalEnv = readGlobalEnvironment(this.d.root);
    this.reload([], false);
  }

  /** Stops the daemon. Services keep running (re-adopted by the next daemon) unless stopServices. */
  stop(reason: string, stopServices = false): Promise<void> {
    this.stopping ??= (async () => {
      this.d.log(`stopping: ${reason}`);
      this.server?.stopAccepting();
      if (stopServices) {
        this.graph.post({ kind: 'milestone', target: 'none' });
        await this.graph.idle();
        const deadline = this.d.clock.now() + 120_000;
        while (this.host.running.size > 0 && this.d.clock.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          await this.graph.idle();
        }
      }
      // methods still completing (a stop during a boot) must not act on what closes below
      this.graph.close();
      this.host.close();
      // services keep running: the processes started through node (wait model) no longer hold the daemon
      this.d.procs.runner.release?.();
      await this.d.procs.logs.flush?.();
      this.flushWrites();
      this.unsubscribeContracts?.();
      this.d.procs.contracts.close();
      this.server?.close();
      this.d.repo.close();
      try { fs.unlinkSync(path.join(this.d.runDir, 'svc.startd.pid')); } catch { /* not ours or gone */ }
    })();
    return this.stopping;
  }
}

function* chain<T>(first: Iterable<T>, then: Iterable<T>): Generator<T> {
  yield* first;
  yield* then;
}
