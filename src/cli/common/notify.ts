// Tells a running restarter that repository content changed (svccfg import/refresh/apply/delete):
// sends a protocol `refresh` request with the affected FMRIs (docs/PROTOCOL.md).
// Must never fail the caller: if no daemon runs, the change is picked up when it starts; any other
// problem is returned in `message` for the caller to print as a warning if it wants.
import { sendRequest } from './client.js';

/** reread: only immediate properties (general/enabled, general_ovr...) changed: no refresh (§6.4). */
export async function notifyRestarter(root: string, fmris: string[], opts: { reread?: boolean } = {}): Promise<{ delivered: boolean; message?: string }> {
  try {
    const r = await sendRequest(root, { type: 'refresh', fmris, ...(opts.reread ? { reread: true } : {}) }, { client: 'svccfg', timeoutMs: 10_000 });
    if (r.ok) return { delivered: true };
    if (r.kind === 'no-daemon') return { delivered: false };
    if (r.kind === 'daemon') return { delivered: false, message: `svc.startd: ${r.error.message}` };
    return { delivered: false, message: r.message };
  } catch (e) {
    return { delivered: false, message: `could not notify svc.startd: ${(e as Error).message}` };
  }
}
