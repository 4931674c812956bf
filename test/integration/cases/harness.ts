// Scenario harness: each case runs against its own real daemon on a fresh temporary root, and is
// skipped (with the reason) when the daemon or a command is not available in this build.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { daemonUnavailable, disposeDaemon, startDaemon, type DaemonHandle } from '../../helpers/daemon.js';
import { Workspace, type ServiceSpec } from './fixtures.js';

export interface CaseContext { h: DaemonHandle; ws: Workspace }

export function caseTest(name: string, fn: (c: CaseContext, t: TestContext) => Promise<void>, opts: { skip?: string; timeoutMs?: number } = {}): void {
  const skip = opts.skip ?? daemonUnavailable();
  test(name, { skip, timeout: opts.timeoutMs ?? 120_000 }, async (t) => {
    const h = await startDaemon();
    try {
      await fn({ h, ws: new Workspace(h.root) }, t);
    } finally {
      await disposeDaemon(h);
    }
  });
}

export async function importSpec(c: CaseContext, spec: ServiceSpec): Promise<void> {
  const file = c.ws.manifest(spec);
  const r = await c.h.run('svccfg', ['import', file]);
  assert.equal(r.code, 0, `svccfg import ${spec.name} failed:\n${r.stderr}`);
}

export const fmri = (name: string) => `svc:/${name.includes('/') ? name : `site/${name}`}:default`;

/** Runs a CLI and asserts its exit code, returning stdout. */
export async function ok(c: CaseContext, cmd: 'svcs' | 'svcadm' | 'svccfg' | 'svcprop', args: string[], code = 0): Promise<string> {
  const r = await c.h.run(cmd, args);
  assert.equal(r.code, code, `${cmd} ${args.join(' ')} exited ${r.code}, expected ${code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/**
 * Data lines of an svcs listing as [state, stime, fmri], only the scenario's own services
 * (svc:/site/..., or those given): the daemon's base manifests (milestones, filesystems) are
 * listed too.
 */
export function svcsLines(out: string, prefixes: string[] = ['svc:/site/']): string[][] {
  return out.trim().split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/))
    .filter((f) => prefixes.some((p) => f[f.length - 1]!.startsWith(p)));
}

/** Raw data lines of the scenario's own services. */
export function ownLines(out: string, prefixes: string[] = ['svc:/site/']): string[] {
  return out.split('\n').filter((l) => prefixes.some((p) => l.includes(` ${p}`)));
}
