// svcs columns (smf-spec §7.1): names, widths, cell text, sort keys, and the line layout (each field
// left-justified in width+1 characters, CTID right-justified in 6 plus a space, longer values
// overflow and shift later columns, trailing blanks trimmed).
// Invariants: column names are matched case-insensitively; the `*` transition marker is appended to
// STATE/STA/S only when no next-state column (NSTATE, NSTA, N, SN) is displayed.
import type { InstanceRow } from './row.js';
import { abbrevState, charState, inTransition, stateRank } from './states.js';
import { formatStime, type ToLocal } from './time-format.js';

export interface RenderContext {
  nowMs: number;
  toLocal: ToLocal;
  /** append `*` to state columns of instances in transition */
  star: boolean;
}

export interface Column {
  name: string;
  width: number;
  /** restarter properties the cell and sort key read (svcs reads only those of the columns shown) */
  reads?: readonly string[];
  rightAlign?: boolean;
  cell(row: InstanceRow, ctx: RenderContext): string;
  sortKey(row: InstanceRow): string | number;
}

const star = (row: InstanceRow, ctx: RenderContext) => (ctx.star && inTransition(row.nextState) ? '*' : '');
const next = (row: InstanceRow) => (inTransition(row.nextState) ? row.nextState : undefined);
const stimeKey = (row: InstanceRow) => (row.stateTime === undefined ? -1 : Math.floor(row.stateTime / 1000));

export const COLUMNS: readonly Column[] = [
  { name: 'STATE', reads: ['state', 'next_state'], width: 14, cell: (r, c) => (r.state ?? '-') + star(r, c), sortKey: (r) => stateRank(r.state) },
  { name: 'NSTATE', reads: ['next_state'], width: 13, cell: (r) => next(r) ?? '-', sortKey: (r) => (next(r) ? stateRank(next(r)) : -1) },
  { name: 'STA', reads: ['state', 'next_state'], width: 4, cell: (r, c) => abbrevState(r.state) + star(r, c), sortKey: (r) => stateRank(r.state) },
  { name: 'NSTA', reads: ['next_state'], width: 4, cell: (r) => (next(r) ? abbrevState(next(r)) : '-'), sortKey: (r) => (next(r) ? stateRank(next(r)) : -1) },
  { name: 'S', reads: ['state', 'next_state'], width: 2, cell: (r, c) => charState(r.state) + star(r, c), sortKey: (r) => stateRank(r.state) },
  { name: 'N', reads: ['next_state'], width: 1, cell: (r) => (next(r) ? charState(next(r)) : '-'), sortKey: (r) => (next(r) ? stateRank(next(r)) : -1) },
  {
    name: 'SN', reads: ['state', 'next_state'], width: 2, cell: (r) => charState(r.state) + (next(r) ? charState(next(r)) : '-'),
    sortKey: (r) => stateRank(r.state) * 100 + (next(r) ? stateRank(next(r)) : 99),
  },
  { name: 'STIME', reads: ['state_timestamp'], width: 8, cell: (r, c) => formatStime(r.stateTime, c.nowMs, c.toLocal), sortKey: stimeKey },
  { name: 'CTID', reads: ['contract'], width: 6, rightAlign: true, cell: (r) => ctidText(r.contracts), sortKey: (r) => r.contracts[0] ?? -1 },
  { name: 'FMRI', width: 50, cell: (r) => r.fmri, sortKey: (r) => r.fmri.slice(0, 50) },
  { name: 'SVC', width: 20, cell: (r) => r.service, sortKey: (r) => r.service },
  { name: 'INST', width: 20, cell: (r) => r.instance, sortKey: (r) => r.instance },
  { name: 'SCOPE', width: 20, cell: () => 'localhost', sortKey: () => 'localhost' },
  { name: 'DESC', width: 100, cell: (r) => r.commonName ?? '-', sortKey: (r) => r.commonName ?? '' },
  { name: 'ZONE', width: 16, cell: () => 'global', sortKey: () => 'global' },
];

const NEXT_STATE_COLUMNS = new Set(['NSTATE', 'NSTA', 'N', 'SN']);

export function ctidText(contracts: readonly number[]): string {
  if (contracts.length === 0) return '-';
  return contracts.length === 1 ? String(contracts[0]) : `${contracts[0]}*`;
}

export function findColumn(name: string): Column | undefined {
  const up = name.trim().toUpperCase();
  return COLUMNS.find((c) => c.name === up);
}

export type ColumnsResult = { ok: true; columns: Column[] } | { ok: false; error: string };

/** Parses a `-o` list (`state,stime,fmri`); names are case-insensitive. */
export function parseColumns(list: string): ColumnsResult {
  const columns: Column[] = [];
  for (const part of list.split(',')) {
    const col = findColumn(part);
    if (!col) return { ok: false, error: `Unrecognized column "${part}".` };
    columns.push(col);
  }
  return { ok: true, columns };
}

export const DEFAULT_COLUMNS = ['STATE', 'STIME', 'FMRI'];
export const VERBOSE_COLUMNS = ['STATE', 'NSTATE', 'STIME', 'CTID', 'FMRI'];

export function columnsByName(names: readonly string[]): Column[] {
  return names.map((n) => {
    const c = findColumn(n);
    if (!c) throw new Error(`internal: unknown column ${n}`);
    return c;
  });
}

/** Whether the `*` marker applies for this set of displayed columns. */
export function wantsStar(columns: readonly Column[]): boolean {
  return !columns.some((c) => NEXT_STATE_COLUMNS.has(c.name));
}

function field(text: string, col: Column): string {
  if (col.rightAlign) return text.padStart(col.width) + ' ';
  return text.padEnd(col.width + 1);
}

function joinLine(cells: string[]): string {
  return cells.join('').replace(/\s+$/, '');
}

export function renderHeader(columns: readonly Column[]): string {
  return joinLine(columns.map((c) => c.name.padEnd(c.width + 1)));
}

export function renderRow(row: InstanceRow, columns: readonly Column[], ctx: RenderContext): string {
  return joinLine(columns.map((c) => {
    const text = c.cell(row, ctx);
    return text.length > c.width ? text + ' ' : field(text, c);
  }));
}
