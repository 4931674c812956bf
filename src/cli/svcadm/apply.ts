// Carrying out an svcadm action on resolved instances: through the daemon's control socket when it
// runs (it writes the repository and acts), else by writing the repository directly as SMF's
// svcadm does (§2.8), so the daemon acts on the change when it starts.
import type { AdminFlags } from '../../core/protocol/index.js';
import { Repository } from '../../repository/repository.js';
import { repositoryPath, writable } from '../common/root.js';
import type { RestarterAction } from '../../repository/types.js';
import type { SvcadmCommand } from './options.js';
import { MASTER_RESTARTER } from '../../core/engine/types.js';

export type Delivery = 'daemon' | 'repository';
export interface ApplyOutcome { delivery: Delivery; failed: { fmri: string; message: string; hint?: string }[] }
export type ApplyResult = ({ ok: true } & ApplyOutcome) | { ok: false; message: string };

export function adminFlags(cmd: SvcadmCommand): AdminFlags | undefined {
  if (cmd.sub === 'mark') {
    const flags: AdminFlags = { state: cmd.markState!, immediate: cmd.immediate, tty: !!process.stdin.isTTY };
    if (!process.stdin.isTTY && process.env.SMF_FMRI) flags.auxiliaryFmri = process.env.SMF_FMRI;
    return flags;
  }
  if (cmd.sub === 'restart' && cmd.dump) return { dump: true };
  if (cmd.sub === 'milestone' && cmd.persistent) return { persistent: true };
  return undefined;
}

/** The restarter_actions property a non-enable/disable request writes (§2.8). */
export function actionProperty(cmd: SvcadmCommand, state: string | undefined): RestarterAction | undefined {
  switch (cmd.sub) {
    case 'restart': return 'restart';
    case 'refresh': return 'refresh';
    case 'clear': return state === 'degraded' ? 'restore' : 'maint_off';
    case 'mark':
      if (cmd.markState === 'degraded') return cmd.immediate ? 'degrade_immediate' : 'degraded';
      if (cmd.immediate) return cmd.temporary ? 'maint_on_immtemp' : 'maint_on_immediate';
      return cmd.temporary ? 'maint_on_temporary' : 'maint_on';
    default: return undefined;
  }
}

export async function applyViaDaemon(root: string, cmd: SvcadmCommand, fmris: string[]):
  Promise<ApplyResult | { ok: false; noDaemon: true }> {
  const { sendAdmin } = await import('../common/client.js');
  const options: Parameters<typeof sendAdmin>[3] = {};
  if (cmd.sub === 'enable' || cmd.sub === 'disable' || cmd.sub === 'mark') options.temporary = cmd.temporary;
  const flags = adminFlags(cmd);
  if (flags) options.flags = flags;
  const r = await sendAdmin(root, cmd.sub, fmris, options);
  if (!r.ok) {
    if (r.kind === 'no-daemon') return { ok: false, noDaemon: true };
    return { ok: false, message: r.kind === 'daemon' ? r.error.message : r.message };
  }
  const results = r.result.kind === 'admin' ? r.result.results : [];
  const failed = results.filter((x) => !x.ok).map((x) => ({ fmri: x.fmri, message: x.error?.message ?? 'failed', ...(x.error?.hint ? { hint: x.error.hint } : {}) }));
  return { ok: true, delivery: 'daemon', failed };
}

/** Through the daemon when it runs, else on the repository file of `root` (opened for writing, closed after). */
export async function applyDaemonOrRepository(root: string, cmd: SvcadmCommand, fmris: string[], stateOf: (f: string) => string | undefined): Promise<ApplyResult> {
  const r = await applyViaDaemon(root, cmd, fmris);
  if (r.ok || !('noDaemon' in r)) return r;
  // without a daemon the change is written to the file: a user who may not write it is refused as svcadm's
  // "FMRI: Permission denied." (whatever the authorizations: they are checked at the daemon's socket)
  const denied = (): ApplyResult => ({ ok: true, delivery: 'repository', failed: fmris.map((f) => ({ fmri: f, message: 'Permission denied.' })) });
  const file = repositoryPath(root);
  if (!writable(file)) return denied();
  const w = Repository.open(file);
  if (!w.ok) return { ok: false, message: w.message };
  try {
    return applyToRepository(w.value, cmd, fmris, stateOf);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) return denied();
    throw e;
  } finally {
    w.value.close();
  }
}

export function applyToRepository(repo: Repository, cmd: SvcadmCommand, fmris: string[], stateOf: (f: string) => string | undefined): ApplyResult {
  const failed: { fmri: string; message: string }[] = [];
  for (const f of fmris) {
    let r: { ok: boolean; message?: string };
    if (cmd.sub === 'enable' || cmd.sub === 'disable') r = repo.setEnabled(f, cmd.sub === 'enable', { temporary: cmd.temporary });
    // no restarter running: recorded for svc.startd to apply when it starts (options_ovr this boot, -d options)
    else if (cmd.sub === 'milestone') r = repo.setMilestone(MASTER_RESTARTER, f, !!cmd.persistent);
    else {
      if (cmd.sub === 'refresh') {
        const rr = repo.refresh(f);
        if (!rr.ok) { failed.push({ fmri: f, message: rr.message }); continue; }
      }
      const action = actionProperty(cmd, stateOf(f))!;
      const opts: { tty?: boolean; auxiliaryFmri?: string } = {};
      if (cmd.sub === 'mark' && cmd.markState === 'maintenance') {
        opts.tty = !!process.stdin.isTTY;
        if (!process.stdin.isTTY && process.env.SMF_FMRI) opts.auxiliaryFmri = process.env.SMF_FMRI;
      }
      if (cmd.sub === 'restart' && cmd.dump) repo.requestAction(f, 'do_dump');
      r = repo.requestAction(f, action, opts);
    }
    if (!r.ok) failed.push({ fmri: f, message: r.message ?? 'failed' });
  }
  return { ok: true, delivery: 'repository', failed };
}

export function verboseLine(cmd: SvcadmCommand, fmri: string, state: string | undefined): string {
  switch (cmd.sub) {
    case 'enable': return `${fmri} ${cmd.temporary ? 'temporarily ' : ''}enabled.`;
    case 'disable': return `${fmri} ${cmd.temporary ? 'temporarily ' : ''}disabled.`;
    default: return `Action ${actionProperty(cmd, state) ?? cmd.sub} set for ${fmri}.`;
  }
}
