// Tells a running restarter that repository content changed (svccfg import/refresh/apply/delete):
// sends a protocol `refresh` request with the affected FMRIs (docs/PROTOCOL.md).
// Must never fail the caller: if no daemon runs, the change is picked up when it starts; any other
// problem is returned in `message` for the caller to print as a warning if it wants.
import { connectDaemon, sendRequest } from './client.js';
import type { ImportResult } from '../../core/protocol/messages.js';

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

/**
 * svccfg import carried out by the restarter (protocol `import`), which then configures what it
 * wrote without reading it back. null when it cannot be: no restarter, one without `import`, or the
 * caller may not (only root and the daemon's own user may): svccfg imports by itself then.
 */
export async function importViaRestarter(
  root: string, file: string, opts: { strict: boolean; verbose: boolean; noValidate: boolean; dtd: string | undefined },
): Promise<ImportResult | null> {
  const c = await connectDaemon(root, { client: 'svccfg', timeoutMs: 10_000 });
  if (!c.ok) return null;
  try {
    if (!c.client.hello.features.includes('import')) return null;
    const r = await c.client.request({
      type: 'import', file, ...(opts.strict ? { strict: true } : {}), ...(opts.verbose ? { verbose: true } : {}),
      ...(opts.noValidate ? { noValidate: true } : {}), ...(opts.dtd ? { dtd: opts.dtd } : {}),
    }, { timeoutMs: 3_600_000 });
    if (r.ok && r.result.kind === 'import') return { status: r.result.status, lines: r.result.lines };
    // refused before anything was written: import here (a daemon stopping takes the change at its next start)
    if (!r.ok && r.kind === 'daemon' && (r.error.code === 'permission_denied' || r.error.code === 'shutting_down')) return null;
    const why = r.ok ? `unexpected reply ${r.result.kind}` : r.kind === 'daemon' ? r.error.message : r.message;
    return { status: 1, lines: [{ text: `import: ${file}: svc.startd: ${why}` }] };
  } finally {
    c.client.close();
  }
}
