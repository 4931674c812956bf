// svcadm -s (smf-spec §2.9): after the request, wait until every instance is online/degraded
// (enable) or disabled (disable), by polling the restarter pg in the repository. Early exits:
// maintenance or enabled flipped by someone else -> 3; enable whose dependencies can never be
// satisfied (the engine's potentialSatisfiable over the stored states, core/listing/stored-graph.ts)
// -> 4 (3 wins over 4); disable of an instance delegated to a restarter that is not running -> 4. It never hangs silently:
// a start method that keeps running (e.g. timeout 0) is waited for, with progress on a terminal;
// a daemon that goes away ends the wait with a clear message (enable: 1; disable: 4, "restarter
// unavailable").
import { effectiveEnabled, type InstanceRow } from '../../core/listing/row.js';
import { isRunningState } from '../../core/listing/states.js';
import type { Repository } from '../../repository/repository.js';
import { readRow } from '../svcs/source.js';
import { storedGraphOf } from './targets.js';

export interface WaitOptions {
  root: string;
  enable: boolean;
  pollMs?: number;
  /** daemon liveness probe */
  daemonAlive(): Promise<boolean>;
  warn(msg: string): void;
}

type Verdict = 'done' | 'waiting' | 3 | 4;

interface Potential { canComeUp(): boolean; restarterAvailable(): boolean }

function verdict(row: InstanceRow, enable: boolean, p: Potential): Verdict {
  const settled = row.nextState === undefined || row.nextState === 'none';
  if (effectiveEnabled(row) !== enable) return 3;
  // not running yet: offline, uninitialized, or still disabled (the restarter has not acted on the enable)
  const waitingState = row.state === undefined || row.state === 'uninitialized' || row.state === 'offline' || row.state === 'disabled';
  if (enable) {
    if (row.state === 'maintenance' && settled) return 3;
    if (isRunningState(row.state) && settled) return 'done';
    // an uninitialized instance too: one delegated to a restarter that is not running never comes up
    if (waitingState && settled && !p.canComeUp()) return 4;
    return 'waiting';
  }
  if (row.state === 'disabled' && settled) return 'done';
  if (row.state === 'maintenance' && settled) return 3;
  if (settled && !p.restarterAvailable()) return 4;
  return 'waiting';
}

export async function waitForStates(repo: Repository, fmris: string[], o: WaitOptions): Promise<number> {
  const pending = new Set(fmris);
  let code = 0;
  const pollMs = o.pollMs ?? 200;
  let lastProbe = Date.now();
  let lastProgress = Date.now();
  for (;;) {
    let graph: ReturnType<typeof storedGraphOf> | undefined;
    const stored = () => (graph ??= storedGraphOf(repo));
    for (const f of [...pending]) {
      const row = readRow(repo, f, { dependencies: false });
      const v = verdict(row, o.enable, { canComeUp: () => stored().potentialSatisfiable(f), restarterAvailable: () => stored().restarterAvailable(f) });
      if (v === 'waiting') continue;
      pending.delete(f);
      if (v === 3) {
        if (effectiveEnabled(row) !== o.enable) o.warn(`Instance "${f}" has been ${o.enable ? 'disabled' : 'enabled'} by another entity.`);
        else o.warn(`Instance "${f}" is in maintenance state.`);
        code = 3;
      } else if (v === 4) {
        o.warn(o.enable ? `Instance "${f}" has unsatisfied dependencies.` : `Restarter for instance "${f}" is unavailable.`);
        if (code === 0) code = 4;
      }
    }
    if (pending.size === 0) return code;
    if (Date.now() - lastProbe > 2000) {
      lastProbe = Date.now();
      if (!(await o.daemonAlive())) {
        for (const f of pending) {
          o.warn(o.enable
            ? `svc.startd is not running; gave up waiting for "${f}" to come online (start the daemon, then check with svcs -x).`
            : `Instance "${f}": its restarter (svc.startd) is unavailable; it will be disabled when the daemon starts.`);
        }
        return code === 3 ? 3 : o.enable ? 1 : 4;
      }
    }
    if (process.stderr.isTTY && Date.now() - lastProgress > 10_000) {
      lastProgress = Date.now();
      for (const f of pending) {
        const row = readRow(repo, f, { dependencies: false });
        const doing = row.nextState && row.nextState !== 'none' ? `${row.state} -> ${row.nextState} (method running)` : row.state;
        o.warn(`still waiting for ${f}: ${doing}`);
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
