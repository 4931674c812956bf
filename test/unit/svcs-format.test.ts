// svcs listing formats (smf-spec §7.1, cases.md K1): columns, widths, STIME, sort order, -p lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  columnsByName, DEFAULT_COLUMNS, parseColumns, renderHeader, renderRow, VERBOSE_COLUMNS, wantsStar,
} from '../../src/core/listing/columns.js';
import { renderProcessLine } from '../../src/core/listing/processes.js';
import type { InstanceRow } from '../../src/core/listing/row.js';
import { defaultSortKeys, parseSortKeys, sortRows } from '../../src/core/listing/sort.js';
import { formatLongTime, formatStime, parseRepositoryTime, utcLocal } from '../../src/core/listing/time-format.js';

const NOW = Date.UTC(2026, 10, 21, 10, 30, 0); // Sat Nov 21 2026 10:30:00 UTC
const row = (name: string, state: string, stateTime: number | undefined, extra: Partial<InstanceRow> = {}): InstanceRow => ({
  fmri: `svc:/site/${name}:default`, service: `site/${name}`, instance: 'default', state, nextState: 'none',
  stateTime, contracts: [], dependencies: [], enabledPersistent: true, ...extra,
});
const render = (rows: InstanceRow[], names = DEFAULT_COLUMNS) => {
  const cols = columnsByName(names);
  const ctx = { nowMs: NOW, toLocal: utcLocal, star: wantsStar(cols) };
  return [renderHeader(cols), ...rows.map((r) => renderRow(r, cols, ctx))];
};

test('STIME: %k:%M:%S under 24 h (hour space-padded), %b_%d under 360 days, else the year', () => {
  assert.equal(formatStime(Date.UTC(2026, 10, 21, 9, 5, 7), NOW, utcLocal), ' 9:05:07');
  assert.equal(formatStime(Date.UTC(2026, 10, 20, 10, 30, 1), NOW, utcLocal), '10:30:01');
  assert.equal(formatStime(Date.UTC(2026, 10, 1, 8, 0, 0), NOW, utcLocal), 'Nov_01');
  assert.equal(formatStime(Date.UTC(2025, 11, 1), NOW, utcLocal), 'Dec_01');
  assert.equal(formatStime(Date.UTC(2025, 10, 20), NOW, utcLocal), '2025');
  assert.equal(formatStime(undefined, NOW, utcLocal), '-');
});

test('long time is the C-locale %a %b %e %H:%M:%S %Y', () => {
  assert.equal(formatLongTime(Date.UTC(2024, 10, 21, 10, 5, 3), utcLocal), 'Thu Nov 21 10:05:03 2024');
  assert.equal(formatLongTime(Date.UTC(2013, 7, 1, 6, 30, 18), utcLocal), 'Thu Aug  1 06:30:18 2013');
});

test('repository time values parse to epoch milliseconds', () => {
  assert.equal(parseRepositoryTime('1700000000.123456789'), 1700000000123);
  assert.equal(parseRepositoryTime('1700000000'), 1700000000000);
  assert.equal(parseRepositoryTime('garbage'), undefined);
});

test('default layout: STATE 15 chars, STIME 9, FMRI; * marks a transition', () => {
  const lines = render([
    row('z1', 'online', Date.UTC(2026, 10, 21, 9, 5, 7)),
    row('checker', 'offline', Date.UTC(2026, 10, 21, 10, 5, 4), { nextState: 'online' }),
  ]);
  assert.deepEqual(lines, [
    'STATE          STIME    FMRI',
    'online          9:05:07 svc:/site/z1:default',
    'offline*       10:05:04 svc:/site/checker:default',
  ]);
});

test('-v layout: NSTATE replaces the *, CTID right-aligned in 6', () => {
  const lines = render([
    row('pool-import', 'online', Date.UTC(2026, 10, 21, 10, 5, 3), { contracts: [123] }),
    row('checker', 'offline', Date.UTC(2026, 10, 21, 10, 5, 4), { nextState: 'online' }),
  ], VERBOSE_COLUMNS);
  assert.deepEqual(lines, [
    'STATE          NSTATE        STIME    CTID   FMRI',
    'online         -             10:05:03    123 svc:/site/pool-import:default',
    'offline        online        10:05:04      - svc:/site/checker:default',
  ]);
});

test('-o sta,nsta and -o fmri,state; unknown columns are reported', () => {
  assert.deepEqual(render([row('z1', 'online', NOW)], ['sta', 'nsta']), ['STA  NSTA', 'ON   -']);
  const lines = render([row('z1', 'online', NOW)], ['fmri', 'state']);
  assert.equal(lines[0], 'FMRI'.padEnd(51) + 'STATE');
  assert.equal(lines[1], 'svc:/site/z1:default'.padEnd(51) + 'online');
  assert.deepEqual(parseColumns('state,bogus'), { ok: false, error: 'Unrecognized column "bogus".' });
  const ok = parseColumns('S,N,SN,ctid');
  assert.ok(ok.ok);
  if (ok.ok) {
    assert.deepEqual(ok.columns.map((c) => c.name), ['S', 'N', 'SN', 'CTID']);
    const ctx = { nowMs: NOW, toLocal: utcLocal, star: wantsStar(ok.columns) };
    assert.equal(renderRow(row('a', 'offline', NOW, { nextState: 'online', contracts: [5, 6] }), ok.columns, ctx), '0  1 01     5*');
  }
});

test('long FMRIs overflow and shift later columns', () => {
  const long = row('a-very-long-service-name-that-goes-on-and-on-and-on', 'online', NOW);
  const lines = render([long], ['fmri', 'state']);
  assert.equal(lines[1], `${long.fmri} online`);
});

test('default sort: state order, then STIME seconds, then FMRI', () => {
  const t = Date.UTC(2026, 10, 21, 10, 0, 0);
  const rows = [
    row('m', 'maintenance', t), row('b', 'offline', t + 500), row('a', 'offline', t + 100),
    row('c', 'offline', t - 5000, { nextState: 'online' }), row('on', 'online', t + 9000),
    row('dis', 'disabled', t + 9000), row('un', 'uninitialized', t), row('weird', 'bogus', t),
    row('dg', 'degraded', t),
  ];
  const sorted = sortRows(rows, defaultSortKeys(false)).map((r) => r.fmri.split('/')[2]);
  assert.deepEqual(sorted, ['dis:default', 'on:default', 'dg:default', 'c:default', 'a:default', 'b:default',
    'm:default', 'un:default', 'weird:default']);
});

test('-s/-S keys and FMRI tie break', () => {
  const t = Date.UTC(2026, 10, 21, 10, 0, 0);
  const rows = [row('b', 'online', t), row('a', 'maintenance', t), row('c', 'disabled', t)];
  const keys = parseSortKeys([{ name: 'state', descending: true }]);
  assert.ok(keys.ok);
  if (keys.ok) assert.deepEqual(sortRows(rows, keys.keys).map((r) => r.state), ['maintenance', 'online', 'disabled']);
  const byFmri = parseSortKeys([{ name: 'FMRI', descending: false }]);
  if (byFmri.ok) assert.deepEqual(sortRows(rows, byFmri.keys).map((r) => r.service), ['site/a', 'site/b', 'site/c']);
  assert.equal(parseSortKeys([{ name: 'nope', descending: false }]).ok, false);
});

test('-p process line: 15 spaces, STIME in 8, 3 spaces, pid in 6, command', () => {
  assert.equal(renderProcessLine({ pid: 4242, startMs: Date.UTC(2026, 10, 21, 10, 5, 3), comm: 'zpool' }, NOW, utcLocal),
    '               10:05:03     4242 zpool');
  assert.equal(renderProcessLine({ pid: 7, comm: 'a-very-long-command-name' }, NOW, utcLocal),
    '               -               7 a-very-long-comm');
});
