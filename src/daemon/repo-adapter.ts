// DaemonRepository over the SQLite Repository (src/repository): the daemon reads as root (nothing
// withheld), composes the effective view (running snapshot + NONPERSISTENT pgs) for configuration
// and the current composed view for enabled flags and authorizations.
import type { PropertyGroup } from '../core/model.js';
import { MASTER_RESTARTER } from '../core/engine/types.js';
import type { Repository } from '../repository/repository.js';
import { ROOT_VIEWER, VIEW_COMPOSED, VIEW_EFFECTIVE, type EntityAuthorizations, type ImportOptions, type ImportReport, type LoweredBundle, type NewInstanceLevels, type RepoResult, type RestarterStateUpdate } from '../repository/types.js';
import { viewsOfNewInstance } from '../repository/bulk-read.js';
import type { DaemonRepository, InstanceView, RepoOutcome } from './ports.js';

/** The current pgs the daemon looks at (InstanceView.current): enabled flags, restarter state, actions. */
const CURRENT_PGS = ['general', 'general_ovr', 'restarter', 'restarter_actions'];

const done = (r: { ok: true } | { ok: false; code: string; message: string }): RepoOutcome =>
  r.ok ? { ok: true } : { ok: false, code: r.code, message: r.message };

export class RepositoryAdapter implements DaemonRepository {
  constructor(readonly repo: Repository) {}

  listInstances(): string[] {
    return this.repo.listInstances();
  }

  private pgs(fmri: string, view: typeof VIEW_COMPOSED | typeof VIEW_EFFECTIVE): PropertyGroup[] | undefined {
    const r = this.repo.listPgs(fmri, { view, viewer: ROOT_VIEWER });
    return r.ok ? r.value : undefined;
  }

  readInstance(fmri: string): InstanceView | undefined {
    const current = this.pgs(fmri, VIEW_COMPOSED);
    if (!current) return undefined;
    return { fmri, current, effective: this.pgs(fmri, VIEW_EFFECTIVE) ?? current };
  }

  /** Three queries for all of them (bulk-read.ts); `current` limited to the pgs the daemon reads. */
  readInstances(fmris: readonly string[]): Map<string, InstanceView> {
    const out = new Map<string, InstanceView>();
    for (const [fmri, v] of this.repo.readInstanceViews(fmris, { currentPgs: CURRENT_PGS })) {
      out.set(fmri, { fmri, ...v });
    }
    return out;
  }

  importBundle(bundle: LoweredBundle, opts: ImportOptions): RepoResult<ImportReport> {
    return this.repo.importBundle(bundle, opts);
  }

  viewOfNewInstance(fmri: string, levels: NewInstanceLevels): InstanceView {
    return { fmri, ...viewsOfNewInstance(levels, { currentPgs: CURRENT_PGS }) };
  }

  readEffective(fmri: string): PropertyGroup[] | undefined {
    return this.pgs(fmri, VIEW_EFFECTIVE);
  }

  writeRestarterStates(batch: ReadonlyMap<string, RestarterStateUpdate>): void {
    const list = [...batch].map(([fmri, state]) => ({ fmri, state }));
    const r = this.repo.writeRestarterStates(list);
    if (r.ok) return;
    // One bad instance (e.g. deleted meanwhile) must not lose the others' states.
    for (const item of list) this.repo.writeRestarterState(item.fmri, item.state);
  }

  setEnabled(fmri: string, enabled: boolean, temporary: boolean): RepoOutcome {
    return done(this.repo.setEnabled(fmri, enabled, { temporary }));
  }

  setTemporaryEnabled(fmri: string, value: boolean | null): RepoOutcome {
    if (value !== null) return this.setEnabled(fmri, value, true);
    const r = this.repo.deleteProperty(fmri, 'general_ovr', 'enabled');
    return r.ok || r.code === 'not-found' ? { ok: true } : done(r);
  }

  refreshInstance(fmri: string): RepoOutcome {
    return done(this.repo.refresh(fmri));
  }

  /** illumos libscf_snapshots_poststart: `start` := `running` (shared levels, no copy); a missing `running` is taken first. */
  takeStartSnapshots(fmri: string): RepoOutcome {
    const r = this.repo.copySnapshot(fmri, 'running', 'start');
    if (r.ok || r.code !== 'not-found') return done(r);
    const taken = this.repo.takeSnapshot(fmri, 'running');
    if (!taken.ok) return done(taken);
    return done(this.repo.copySnapshot(fmri, 'running', 'start'));
  }

  takeMissingRunning(fmris: readonly string[]): { fmri: string; message: string }[] {
    const failed: { fmri: string; message: string }[] = [];
    for (const fmri of fmris) {
      const r = this.repo.takeSnapshot(fmri, 'running');
      if (!r.ok) failed.push({ fmri, message: r.message });
    }
    return failed;
  }

  /** Reads and clears restarter_actions in one transaction: an action svcadm writes meanwhile is never lost. */
  takeRestarterActions(fmri: string): Record<string, string[]> {
    const r = this.repo.takeActions(fmri);
    return r.ok ? r.value : {};
  }

  setMilestone(target: string, persistent: boolean): RepoOutcome {
    return done(this.repo.setMilestone(MASTER_RESTARTER, target, persistent));
  }

  bootMilestone(): string | undefined {
    for (const pg of ['options_ovr', 'options']) {
      const r = this.repo.getProperty(MASTER_RESTARTER, pg, 'milestone', { viewer: ROOT_VIEWER });
      if (r.ok && r.value.values[0]) return r.value.values[0];
    }
    return undefined;
  }

  discardNonPersistent(): void {
    this.repo.discardNonPersistent();
  }

  authorizations(fmri: string): EntityAuthorizations | undefined {
    const r = this.repo.authorizationsFor(fmri);
    return r.ok ? r.value : undefined;
  }

  close(): void {
    this.repo.close();
  }
}
