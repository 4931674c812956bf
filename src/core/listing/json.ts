// `--json` output of svcs: stable, documented field names (docs/svcs.1.md). snake_case like the
// repository's property names; times as ISO-8601 UTC plus the raw epoch seconds; absent values are
// null (never omitted) so consumers can rely on every key being present.
import type { Analysis } from './explain-analysis.js';
import { reasonLines } from './explain-render.js';
import type { ProcessInfo } from './processes.js';
import { effectiveEnabled, type InstanceRow, restarterOf } from './row.js';
import { inTransition } from './states.js';


export interface InstanceJson {
  fmri: string;
  service: string;
  instance: string;
  state: string | null;
  next_state: string;
  state_time: string | null;
  state_timestamp: number | null;
  contract_ids: number[];
  enabled: boolean;
  temporary: boolean;
  restarter: string;
  auxiliary_state: string | null;
  logfile: string | null;
  description: string | null;
  processes?: { pid: number; start_time: string | null; command: string; args: string | null }[];
}

export function instanceJson(row: InstanceRow, processes?: ProcessInfo[]): InstanceJson {
  const out: InstanceJson = {
    fmri: row.fmri,
    service: row.service,
    instance: row.instance,
    state: row.state ?? null,
    next_state: inTransition(row.nextState) ? row.nextState! : 'none',
    state_time: row.stateTime === undefined ? null : new Date(row.stateTime).toISOString(),
    state_timestamp: row.stateTime === undefined ? null : row.stateTime / 1000,
    contract_ids: [...row.contracts],
    enabled: effectiveEnabled(row),
    temporary: row.enabledOverride !== undefined && row.enabledOverride !== (row.enabledPersistent ?? false),
    restarter: restarterOf(row),
    auxiliary_state: row.auxState ?? null,
    logfile: row.logfile ?? null,
    description: row.commonName ?? null,
  };
  if (processes) {
    out.processes = processes.map((p) => ({
      pid: p.pid, start_time: p.startMs === undefined ? null : new Date(p.startMs).toISOString(),
      command: p.comm, args: p.args ?? null,
    }));
  }
  return out;
}

export interface ExplainJson extends InstanceJson {
  reasons: { text: string; code: string; path: string[] | null }[];
  impacted: string[];
}

export function explainJson(fmri: string, a: Analysis): ExplainJson {
  return {
    ...instanceJson(a.row(fmri)!),
    reasons: reasonLines(fmri, a).map((r) => ({ text: r.text, code: r.code, path: r.path ?? null })),
    impacted: a.impacted(fmri),
  };
}
