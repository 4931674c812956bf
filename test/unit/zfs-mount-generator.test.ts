// Pure zfs-mount-generator core: escaping, cache line reading, the generator with an in-memory
// output directory, and the cache file format. Golden cases run here too, without processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mountUnitName, simplifyPath, systemdEscape, systemdEscapePath } from '../../src/core/zfs/escape.js';
import { looksCanmountOn, processingOrder, splitCacheFile, tokenize } from '../../src/core/zfs/cache-lines.js';
import { generate } from '../../src/core/zfs/plan.js';
import { MemorySink } from '../../src/core/zfs/memory-sink.js';
import { cacheContent, rejectedOptionalProperty, validPoolName } from '../../src/core/zfs/list-cache.js';

const casesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/testdata/zfs-mount-generator/cases');

const row = (name: string, mp: string, over: Record<number, string> = {}): string => {
  const f = [name, mp, 'on', 'on', 'on', 'on', 'on', 'off', 'on', 'off', '-', 'none', '-', '-', '-', '-', '-', '-', '-', '-'];
  for (const [i, v] of Object.entries(over)) f[Number(i)] = v;
  return f.join('\t');
};
function run(files: Record<string, string>, imported: string[] = []): { sink: MemorySink; messages: string[]; status: number } {
  const sink = new MemorySink();
  const r = generate({ files: Object.entries(files).map(([name, content]) => ({ name, content })), importedPools: new Set(imported), destdir: 'OUT', pid: 7 }, sink);
  return { sink, messages: r.messages, status: r.status };
}

test('systemd path escaping matches systemd-escape -p', () => {
  const cases: Array<[string, string]> = [
    ['/', '-'], ['/tank', 'tank'], ['/srv/a-b', 'srv-a\\x2db'], ['/.hidden', '\\x2ehidden'], ['/srv/.dot/x.y', 'srv-.dot-x.y'],
    ['/srv/my data', 'srv-my\\x20data'], ['/a_b.c:d', 'a_b.c:d'], ['/back\\slash', 'back\\x5cslash'], ['/pct%20', 'pct\\x2520'],
    // Non-ASCII: one \xNN per byte (UTF-8 "é" is c3 a9), as systemd-escape does; upstream wrote \xffffffc3.
    ['/caf\xc3\xa9', 'caf\\xc3\\xa9'], ['/\xff', '\\xff'], ['/x/', 'x'], ['/-', '\\x2d'],
  ];
  for (const [p, want] of cases) assert.equal(systemdEscapePath(p, '', ''), want, p);
  assert.equal(systemdEscape('tank/secret', 'zfs-load-key@', '.service'), 'zfs-load-key@tank-secret.service');
  assert.equal(systemdEscape('.x/y', '', ''), '\\x2ex-y');
  assert.equal(mountUnitName('//srv//data/'), 'srv-data.mount');
});

test('path simplification and abnormal paths', () => {
  assert.equal(simplifyPath('//a///b//'), '/a/b/');
  for (const p of ['/a/./b', '/a/../b', '/a/.', '/a/..']) assert.equal(systemdEscapePath(p, '', '.mount'), null, p);
});

test('cache lines: newline handling, NUL, strtok fields, upstream processing order', () => {
  assert.deepEqual(splitCacheFile('p', 'a\nb').map((l) => l.text), ['a', 'b'], 'a last line without newline keeps its last character');
  assert.deepEqual(splitCacheFile('p', 'a\n\nb\n').map((l) => [l.lineNo, l.text]), [[1, 'a'], [2, ''], [3, 'b']]);
  assert.deepEqual(splitCacheFile('p', 'ab\0cd\n').map((l) => l.text), ['ab']);
  assert.deepEqual(tokenize('\ta\t\tb\t'), ['a', 'b']);
  assert.deepEqual(tokenize('\t\t'), []);
  // The split() fast path (no empty field) and the strtok loop agree, limit included.
  assert.deepEqual(tokenize('a\tb c\t-'), ['a', 'b c', '-']);
  assert.deepEqual(tokenize('a\tb\tc\td', 3), ['a', 'b', 'c']);
  assert.deepEqual(tokenize('a\tb\t\tc\td', 3), ['a', 'b', 'c']);
  assert.deepEqual(tokenize('abc'), ['abc']);
  assert.deepEqual(tokenize(''), []);
  assert.deepEqual(tokenize('a\tb\r'), ['a', 'b\r']);
  assert.equal(looksCanmountOn('x\t/m\ton\t'), true);
  assert.equal(looksCanmountOn('x\t/m\t\tonx'), true, 'prefix test after tab runs, as upstream');
  assert.equal(looksCanmountOn('x\t/m\tnoauto'), false);
  const order = processingOrder([{ name: 'b', content: 'b1\t/1\tnoauto\nb2\t/2\ton\n' }, { name: 'a', content: 'a1\t/1\toff\na2\t/2\ton\n' }]);
  assert.deepEqual(order.map((l) => l.text.split('\t')[0]), ['b2', 'a2', 'a1', 'b1'], 'files in given order; not-on lines reversed');
});

test('blank and all-tabs lines are skipped with a warning (upstream crashes)', () => {
  const r = run({ tank: `${row('tank', '/tank')}\n\n\t\t\n` });
  assert.equal(r.status, 0);
  assert.deepEqual(r.messages, ['zfs-mount-generator[7]: tank:3: skipping blank line', 'zfs-mount-generator[7]: tank:2: skipping blank line']);
  assert.ok(r.sink.files.has('tank.mount'));
});

test('wanted-by/required-by words that are not unit names are refused, nothing escapes OUTDIR', () => {
  const r = run({ tank: row('tank/a', '/a', { 16: '../../etc/evil multi-user.target a/b', 17: 'x\x01y.target' }) + '\n' });
  assert.equal(r.status, 1);
  assert.deepEqual([...r.sink.links.keys()], ['multi-user.target.wants']);
  assert.equal(r.messages.length, 3);
  assert.match(r.messages[0]!, /tank\/a: tank:1: refusing org.openzfs.systemd:wanted-by entry "\.\.\/\.\.\/etc\/evil"/);
  assert.match(r.messages[2]!, /refusing org.openzfs.systemd:required-by entry "x\\x01y.target"/);
  assert.ok(r.sink.files.has('a.mount'), 'the mount unit itself is still written');
});

test('imported pools lose the zfs-import.target dependency; key-load units for every keylocation kind', () => {
  const cache = [
    row('hot/k', '/k', { 10: 'hot/k', 11: 'file:///etc/keys/k', 12: 'iscsid.service', 13: '/var' }),
    row('cold/w', '/w', { 10: 'cold/w', 11: 'https://h/k' }),
    row('cold/n', '/n', { 10: 'cold/n', 11: 'none' }),
  ].join('\n') + '\n';
  const r = run({ pools: cache }, ['hot']);
  assert.deepEqual(r.messages, ['zfs-mount-generator[7]: cold/n: unknown non-URI keylocation=none']);
  const k = r.sink.files.get('zfs-load-key@hot-k.service')!;
  assert.match(k, /\nWants=\nAfter=\nRequires=iscsid.service\nRequiresMountsFor=\/var\nRequiresMountsFor='\/etc\/keys\/k'\n\n\[Service\]/);
  assert.match(k, /ExecStart=\/bin\/sh -euc '\[ "\$\$\(\/sbin\/zfs get -H -o value keystatus "hot\/k"\)" = "unavailable" \] \|\| exit 0;exec \/sbin\/zfs load-key "hot\/k"'\n/);
  assert.match(r.sink.files.get('k.mount')!, /\nAfter=zfs-load-key@hot-k.service\nWants=\nBindsTo=zfs-load-key@hot-k.service\nRequires=iscsid.service\n/);
  assert.match(r.sink.files.get('zfs-load-key@cold-w.service')!, /\nWants=zfs-import.target\nAfter=zfs-import.target\nWants=network-online.target\nAfter=network-online.target\n\n/);
  assert.match(r.sink.files.get('zfs-load-key@cold-n.service')!, /systemd-ask-password/);
});

test('duplicate mountpoints across pools: files in byte order, first canmount=on wins', () => {
  const r = run({ b: row('b/x', '/same') + '\n', a: row('a/x', '/same') + '\n', B: row('B/x', '/same') + '\n' });
  assert.match(r.sink.files.get('same.mount')!, /What=B\/x\n/, "'B' sorts before 'a' and 'b'");
  assert.deepEqual(r.messages, ['zfs-mount-generator[7]: a/x: same.mount already exists. Skipping.', 'zfs-mount-generator[7]: b/x: same.mount already exists. Skipping.']);
});

test('names longer than NAME_MAX fail like upstream (status 1), the rest goes on', () => {
  const long = '/' + 'x'.repeat(300);
  const r = run({ tank: `${row('tank/long', long)}\n${row('tank/ok', '/ok')}\n` });
  assert.equal(r.status, 1);
  assert.deepEqual(r.messages, [`zfs-mount-generator[7]: tank/long: couldn't open ${'x'.repeat(300)}.mount under OUT: File name too long`]);
  assert.ok(r.sink.files.has('ok.mount'));
});

test('cache file format: 20 columns, defaults for missing properties, byte order', () => {
  const queried = ['name', 'mountpoint', 'canmount', 'atime', 'devices', 'exec', 'readonly', 'setuid', 'nbmand',
    'org.openzfs.systemd:requires', 'org.openzfs.systemd:requires-mounts-for', 'org.openzfs.systemd:before', 'org.openzfs.systemd:after',
    'org.openzfs.systemd:wanted-by', 'org.openzfs.systemd:required-by', 'org.openzfs.systemd:nofail', 'org.openzfs.systemd:ignore'];
  const out = cacheContent('p/b\t/b\ton\ton\ton\ton\toff\ton\toff\t-\t-\t-\t-\tx.target\t-\t-\t-\np\t/p\ton\toff\ton\ton\toff\ton\toff\t-\t-\t-\t-\t-\t-\t-\t-\n', queried);
  assert.equal(out, 'p\t/p\ton\toff\ton\ton\ton\toff\ton\toff\t-\tnone\t-\t-\t-\t-\t-\t-\t-\t-\n' +
    'p/b\t/b\ton\ton\ton\ton\ton\toff\ton\toff\t-\tnone\t-\t-\t-\t-\tx.target\t-\t-\t-\n');
  assert.equal(cacheContent('', queried), '');
  assert.equal(rejectedOptionalProperty("bad property list: invalid property 'relatime'\n"), 'relatime');
  assert.equal(rejectedOptionalProperty("bad property list: invalid property 'mountpoint'\n"), null);
  assert.equal(validPoolName('tank'), true);
  assert.equal(validPoolName('../etc'), false);
});

const cases = fs.existsSync(casesDir) ? fs.readdirSync(casesDir).sort().filter((c) => fs.existsSync(path.join(casesDir, c, 'expected/tree.txt'))) : [];
test('golden cases (pure, in memory)', { skip: cases.length === 0 && `no golden cases at ${casesDir}` }, () => {
  for (const c of cases) {
    const cacheDir = path.join(casesDir, c, 'cache');
    const files = fs.readdirSync(cacheDir).map((name) => ({ name, content: fs.readFileSync(path.join(cacheDir, name), 'latin1') }));
    const sink = new MemorySink();
    const r = generate({ files, importedPools: new Set(), destdir: 'OUTDIR', pid: 0 }, sink);
    const expected = (f: string): string => fs.readFileSync(path.join(casesDir, c, 'expected', f), 'latin1');
    assert.equal(sink.listing(), expected('tree.txt'), `${c}: tree`);
    assert.equal(r.messages.map((m) => m.replace('[0]', '[PID]') + '\n').join(''), expected('stderr'), `${c}: stderr`);
    assert.equal(r.status, Number(expected('rc').trim()), `${c}: status`);
  }
});
