// The svcs output modes on top of SvcsContext: the column listing (default, -a, -d, -D, -R, -p),
// -l and -L, each also as --json (-x: explain-mode.ts, loaded only for -x).
import fs from 'node:fs';
import path from 'node:path';
import {
  columnsByName, DEFAULT_COLUMNS, parseColumns, renderHeader, renderRow, VERBOSE_COLUMNS, wantsStar, type Column,
} from '../../core/listing/columns.js';
import { parseEntity } from '../../core/listing/entity.js';
import { instanceJson } from '../../core/listing/json.js';
import { entityStateText, renderLong, type LongContext } from '../../core/listing/long.js';
import { renderProcessLine } from '../../core/listing/processes.js';
import { type InstanceRow, restarterOf, shownByDefault } from '../../core/listing/row.js';
import { defaultSortKeys, parseSortKeys, sortRows } from '../../core/listing/sort.js';
import { systemLocal } from '../../core/listing/time-format.js';
import type { RestarterSummaryProp } from '../../repository/index.js';
import type { SvcsContext } from './context.js';
import { fileState } from './files.js';
import type { SvcsOptions } from './options.js';
import { ProcessTable } from './procfs.js';
import { addCommonName } from './source.js';

const out = (s: string) => process.stdout.write(s);


function dependencyTargets(ctx: SvcsContext, fmris: string[]): string[] {
  const res = new Set<string>();
  for (const f of fmris) {
    for (const g of ctx.row(f).dependencies) {
      if (g.grouping === 'exclude_all') continue;
      for (const text of g.entities) {
        const e = parseEntity(text);
        if (e.kind === 'instance' && ctx.instances().includes(e.fmri)) res.add(e.fmri);
        else if (e.kind === 'service') for (const i of ctx.instances()) if (i.startsWith(`${e.fmri}:`)) res.add(i);
      }
    }
  }
  return [...res];
}

function dependentsOf(ctx: SvcsContext, entities: string[]): string[] {
  const targets = new Set<string>();
  for (const e of entities) {
    targets.add(e);
    const inst = parseEntity(e);
    if (inst.kind === 'instance') targets.add(`svc:/${inst.service}`);
  }
  return ctx.instances().filter((f) => ctx.row(f).dependencies.some((g) => g.grouping !== 'exclude_all' && g.entities.some((t) => {
    const e = parseEntity(t);
    return (e.kind === 'instance' || e.kind === 'service') && targets.has(e.fmri);
  })));
}

/** The restarter properties a text listing shows or sorts by (JSON rows carry everything). */
function readsOf(columns: readonly Column[], keys: readonly { column: Column }[], o: SvcsOptions): RestarterSummaryProp[] {
  const out = new Set<string>(o.processes ? ['contract', 'transient_contract'] : []);
  for (const c of [...columns, ...keys.map((k) => k.column)]) for (const r of c.reads ?? []) out.add(r);
  return [...out] as RestarterSummaryProp[];
}

export function listing(ctx: SvcsContext, o: SvcsOptions): void {
  let columns: Column[] = columnsByName(o.verbose ? VERBOSE_COLUMNS : DEFAULT_COLUMNS);
  if (o.columns !== undefined) {
    const c = parseColumns(o.columns);
    if (!c.ok) { ctx.error(c.error); return; }
    columns = c.columns;
  }
  const keys = o.sort.length ? parseSortKeys(o.sort) : { ok: true as const, keys: defaultSortKeys(o.columns !== undefined) };
  if (!keys.ok) { ctx.error(keys.error); return; }

  let fmris: string[];
  if (o.dependents) ctx.preload(true, true); // every instance's groups are looked at
  else if (!o.dependencies && (o.all || o.operands.length === 0)) ctx.preload(false, false, o.json ? undefined : readsOf(columns, keys.keys, o));
  if (o.dependencies) fmris = dependencyTargets(ctx, ctx.resolve(o.operands));
  else if (o.dependents) fmris = dependentsOf(ctx, ctx.resolveEntities(o.operands));
  else if (o.operands.length) {
    if (o.all) process.stderr.write('svcs: -a ignored when used with arguments.\n');
    fmris = ctx.resolve(o.operands);
  } else fmris = o.all ? ctx.instances() : ctx.instances().filter((f) => shownByDefault(ctx.row(f)));
  let rows = fmris.map((f) => ctx.row(f));
  if (o.restarter !== undefined) {
    const e = parseEntity(o.restarter);
    const want = e.kind === 'instance' ? e.fmri : ctx.resolve([o.restarter])[0];
    rows = rows.filter((r) => restarterOf(r) === want);
  }
  if (ctx.repo && columns.some((c) => c.name === 'DESC')) for (const r of rows) addCommonName(ctx.repo, r);
  rows = sortRows(rows, keys.keys);
  const procs = o.processes ? new ProcessTable() : undefined;
  if (o.json) {
    out(JSON.stringify(rows.map((r) => instanceJson(r, procs?.members(r.fmri, r.contracts, r.transientContracts))), null, 2) + '\n');
    return;
  }
  const nowMs = Date.now();
  const rctx = { nowMs, toLocal: systemLocal, star: wantsStar(columns) };
  const lines: string[] = o.noHeader ? [] : [renderHeader(columns)];
  for (const r of rows) {
    lines.push(renderRow(r, columns, rctx));
    if (procs) for (const p of procs.members(r.fmri, r.contracts, r.transientContracts)) lines.push(renderProcessLine(p, nowMs, systemLocal));
  }
  if (lines.length) out(lines.join('\n') + '\n');
}

function longContext(ctx: SvcsContext, row: InstanceRow, o: SvcsOptions, procs: ProcessTable): LongContext {
  return {
    toLocal: systemLocal,
    instanceState: (f) => (ctx.instances().includes(f) ? ctx.row(f).state : undefined),
    serviceInstances: (s) => ctx.instances().filter((i) => i.startsWith(`${s}:`)),
    fileState,
    contractKind: procs.contractKind(row.fmri, row.contracts),
    processes: o.processes ? procs.members(row.fmri, row.contracts, row.transientContracts) : undefined,
    verboseProperties: o.verbose ? verboseProperties(ctx, row) : undefined,
  };
}

function verboseProperties(ctx: SvcsContext, row: InstanceRow): string[] {
  const r = ctx.repo?.listPgs(row.fmri, { view: { kind: 'effective' } });
  if (!r || !r.ok) return [];
  return r.value.filter((pg) => pg.type === 'application').flatMap((pg) =>
    pg.properties.map((p) => `${`${pg.name}/${p.name}`.padEnd(12)} ${p.type} ${p.values.join(' ')}`));
}

export function long(ctx: SvcsContext, o: SvcsOptions): void {
  const procs = new ProcessTable();
  const rows = ctx.resolve(o.operands).map((f) => ctx.row(f));
  for (const r of rows) if (ctx.repo) addCommonName(ctx.repo, r);
  if (o.json) {
    out(JSON.stringify(rows.map((r) => {
      const lc = longContext(ctx, r, o, procs);
      return {
        ...instanceJson(r, lc.processes),
        contract_kind: lc.contractKind ?? null,
        dependencies: r.dependencies.map((g) => ({
          name: g.name, grouping: g.grouping ?? null, restart_on: g.restartOn ?? null, type: g.type ?? null,
          entities: g.entities.map((e) => ({ fmri: e, state: entityStateText(e, lc) })),
        })),
      };
    }), null, 2) + '\n');
    return;
  }
  out(rows.map((r) => renderLong(r, longContext(ctx, r, o, procs)).join('\n') + '\n').join('\n'));
}

/** The instance's log file text (path as recorded, else under the root), undefined if unreadable. */
export function readLog(ctx: SvcsContext, row: InstanceRow): string | undefined {
  const p = ctx.logPath(row);
  for (const candidate of [p, path.join(ctx.root, p)]) {
    try { return fs.readFileSync(candidate, 'utf8'); } catch { /* next */ }
  }
  return undefined;
}

export function logs(ctx: SvcsContext, o: SvcsOptions): void {
  for (const f of ctx.resolve(o.operands)) {
    const row = ctx.row(f);
    if (!o.verbose) { out(ctx.logPath(row) + '\n'); continue; }
    const text = readLog(ctx, row);
    if (text === undefined) ctx.error(`${f}: cannot read log file ${ctx.logPath(row)}`);
    else out(text);
  }
}
