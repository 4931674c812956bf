// `svcs -l` (smf-spec §7.1): one `label value` line per fact, label left-justified in 13 columns
// (at least one space after it), a blank line between instances (added by the caller).
// Dependency lines show `grouping/restart_on` (or `?`) then every entity of the group with its state
// in parentheses: an instance's state, for a service the single instance's state / `multiple` /
// `absent`, `invalid` for unparsable entities, files `online`/`absent`/`unknown` evaluated live.
// One line per dependency group, as illumos svcs does (the spec's example splits a two-file group
// over two lines; cases.md A2.1 and illumos agree on one line).
import { parseEntity } from './entity.js';
import { renderLongProcessLine, type ProcessInfo } from './processes.js';
import { type InstanceRow, restarterOf } from './row.js';
import { formatLongTime, type ToLocal } from './time-format.js';

export type FileState = 'present' | 'absent' | 'unknown';

export interface LongContext {
  toLocal: ToLocal;
  /** state of an instance FMRI, undefined when it does not exist */
  instanceState(fmri: string): string | undefined;
  /** instance FMRIs of a service (canonical `svc:/S`), empty when none or absent */
  serviceInstances(serviceFmri: string): string[];
  fileState(path: string): FileState;
  /** describes the instance's contract (e.g. `cgroup v2 /sys/fs/cgroup/...`), [ext] */
  contractKind?: string;
  processes?: ProcessInfo[];
  /** extra `pg/prop type value` lines for -v */
  verboseProperties?: string[];
}

export function label(name: string, value: string): string {
  return `${name.padEnd(12)} ${value}`;
}

export function entityStateText(text: string, ctx: LongContext): string {
  const e = parseEntity(text);
  switch (e.kind) {
    case 'invalid': return 'invalid';
    case 'file': {
      const s = ctx.fileState(e.path);
      return s === 'present' ? 'online' : s;
    }
    case 'instance': return ctx.instanceState(e.fmri) ?? 'absent';
    case 'service': {
      const insts = ctx.serviceInstances(e.fmri);
      if (insts.length === 0) return 'absent';
      if (insts.length > 1) return 'multiple';
      return ctx.instanceState(insts[0]!) ?? 'absent';
    }
  }
}

export function renderLong(row: InstanceRow, ctx: LongContext): string[] {
  const lines: string[] = [label('fmri', row.fmri)];
  if (row.commonName) lines.push(label('name', row.commonName));
  const enabled = row.enabledOverride ?? row.enabledPersistent ?? false;
  const temporary = row.enabledOverride !== undefined && row.enabledOverride !== (row.enabledPersistent ?? false);
  lines.push(label('enabled', `${enabled}${temporary ? ' (temporary)' : ''}`));
  lines.push(label('state', row.state ?? '-'));
  lines.push(label('next_state', row.nextState ?? 'none'));
  lines.push(label('state_time', row.stateTime === undefined ? '-' : formatLongTime(row.stateTime, ctx.toLocal)));
  if (row.altLogfile) lines.push(label('alt_logfile', row.altLogfile));
  if (row.logfile) lines.push(label('logfile', row.logfile));
  lines.push(label('restarter', restarterOf(row)));
  lines.push(label('contract_id', row.contracts.map((c) => `${c} `).join('')));
  if (ctx.contractKind) lines.push(label('contract_kind', ctx.contractKind));
  for (const g of row.dependencies) {
    const head = `${g.grouping ?? '?'}/${g.restartOn ?? '?'}`;
    const ents = g.entities.map((e) => ` ${e} (${entityStateText(e, ctx)})`).join('');
    lines.push(label('dependency', head + ents));
  }
  for (const p of ctx.processes ?? []) lines.push(renderLongProcessLine(p));
  for (const v of ctx.verboseProperties ?? []) lines.push(v);
  return lines;
}
