// svcs against a real SQLite repository written through the Repository API (no daemon): default
// selection (general or general_ovr enabled), -a, operands and their errors, -l/-x/-d/-D from
// dependency pgs, --json, and the bulk fast path agreeing with the per-instance reads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { bulkRows } from '../../src/cli/svcs/bulk.js';
import { allDependencies, readRow } from '../../src/cli/svcs/source.js';
import { Repository } from '../../src/repository/repository.js';
import { daemonUnavailable, makeRoot, runCli } from '../helpers/daemon.js';

const skip = daemonUnavailable();
let root = '';
const now = Math.floor(Date.now() / 1000);

function add(repo: Repository, name: string, state: string, opts: { enabled?: boolean; ovr?: boolean; next?: string; age?: number; contract?: number; aux?: string; ws?: number } = {}) {
  const f = `svc:/site/${name}:default`;
  assert.ok(repo.addService(`svc:/site/${name}`).ok);
  assert.ok(repo.addInstance(f).ok);
  if (opts.enabled !== undefined) repo.setEnabled(f, opts.enabled);
  if (opts.ovr !== undefined) repo.setEnabled(f, opts.ovr, { temporary: true });
  const upd: Record<string, string | number | null> = { state, next_state: opts.next ?? 'none', state_timestamp: String(now - (opts.age ?? 60)) };
  if (opts.contract !== undefined) upd.contract = opts.contract;
  if (opts.aux) upd.auxiliary_state = opts.aux;
  if (opts.ws !== undefined) upd.start_method_waitstatus = opts.ws;
  assert.ok(repo.writeRestarterState(f, upd).ok);
}

function dep(repo: Repository, entity: string, pg: string, grouping: string, entities: string[], type = 'service') {
  assert.ok(repo.addPg(entity, pg, 'dependency').ok);
  repo.setProperty(entity, pg, 'grouping', 'astring', [grouping]);
  repo.setProperty(entity, pg, 'restart_on', 'astring', ['none']);
  repo.setProperty(entity, pg, 'type', 'astring', [type]);
  repo.setProperty(entity, pg, 'entities', 'fmri', entities);
}

before(() => {
  if (skip) return;
  root = makeRoot('tsmf-svcs-');
  const repo = Repository.openOrThrow(`${root}/etc/svc/repository.db`);
  add(repo, 'web', 'online', { enabled: true, contract: 123 });
  add(repo, 'db', 'maintenance', { enabled: true, aux: 'method_failed', ws: 96 << 8 });
  add(repo, 'old', 'disabled', { enabled: false, age: 400 * 86400 });
  add(repo, 'tmp', 'disabled', { enabled: true, ovr: false });
  add(repo, 'app', 'offline', { enabled: true, age: 5 });
  add(repo, 'starting', 'offline', { enabled: true, next: 'online', age: 1 });
  // service-level general/enabled is used when the instance has none
  assert.ok(repo.addService('svc:/site/svclevel').ok);
  assert.ok(repo.addInstance('svc:/site/svclevel:default').ok);
  repo.addPg('svc:/site/svclevel', 'general', 'framework');
  repo.setProperty('svc:/site/svclevel', 'general', 'enabled', 'boolean', ['true']);
  dep(repo, 'svc:/site/app', 'need-db', 'require_all', ['svc:/site/db:default']);
  dep(repo, 'svc:/site/app', 'block', 'exclude_all', [`file://localhost${root}/block`], 'path');
  dep(repo, 'svc:/site/web', 'need-app', 'optional_all', ['svc:/site/app']);
  assert.ok(repo.refresh('svc:/site/app:default').ok);
  assert.ok(repo.refresh('svc:/site/web:default').ok);
  repo.close();
});
after(() => { if (root) fs.rmSync(root, { recursive: true, force: true }); });

const svcs = (...args: string[]) => runCli(root, 'svcs', args);

test('default listing: enabled or temporarily-enabled instances, STATE/STIME/FMRI order', { skip }, async () => {
  const r = await svcs();
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'STATE          STIME    FMRI');
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0] + ' ' + l.split(/\s+/).at(-1)), [
    'disabled svc:/site/tmp:default', 'online svc:/site/web:default',
    'offline svc:/site/app:default', 'offline* svc:/site/starting:default',
    'maintenance svc:/site/db:default', '- svc:/site/svclevel:default',
  ]);
  const all = (await svcs('-a')).stdout.trimEnd().split('\n');
  assert.match(all[1]!, /^disabled       \d{4}     svc:\/site\/old:default$/);
  const warn = await svcs('-a', 'web');
  assert.equal(warn.stderr, 'svcs: -a ignored when used with arguments.\n');
});

test('operands, -v, errors and exit codes', { skip }, async () => {
  const v = await svcs('-v', 'web', 'nope', 'starting');
  assert.equal(v.code, 1);
  assert.equal(v.stderr, "svcs: Pattern 'nope' doesn't match any instances\n");
  const lines = v.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'STATE          NSTATE        STIME    CTID   FMRI');
  assert.match(lines[1]!, /^online         -             [ \d]\d:\d\d:\d\d    123 svc:\/site\/web:default$/);
  assert.match(lines[2]!, /^offline        online        [ \d]\d:\d\d:\d\d      - svc:\/site\/starting:default$/);
  const bad = await svcs('-k');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^svcs: illegal option -- k\nUsage: svcs/);
  const r = await svcs('-H', '-o', 'state,fmri', '-R', 'svc:/system/svc/restarter:default', 'web', 'db');
  assert.deepEqual([r.code, r.stdout], [0, 'maintenance    svc:/site/db:default\nonline         svc:/site/web:default\n']);
  assert.equal((await svcs('-H', '-R', 'svc:/network/inetd:default')).stdout, '');
  const glob = await svcs('-H', '-o', 'fmri', 'site/s*');
  assert.equal(glob.stdout, 'svc:/site/starting:default\nsvc:/site/svclevel:default\n');
});

test('-d, -D, -l, -x from the running snapshot', { skip }, async () => {
  assert.equal((await svcs('-H', '-o', 'fmri', '-d', 'app')).stdout, 'svc:/site/db:default\n');
  assert.equal((await svcs('-H', '-o', 'fmri', '-D', 'db')).stdout, 'svc:/site/app:default\n');
  assert.equal((await svcs('-H', '-o', 'fmri', '-D', 'app')).stdout, 'svc:/site/web:default\n');
  const l = (await svcs('-l', 'app')).stdout.split('\n');
  assert.ok(l.includes('dependency   require_all/none svc:/site/db:default (maintenance)'), l.join('\n'));
  assert.ok(l.includes(`dependency   exclude_all/none file://localhost${root}/block (absent)`), l.join('\n'));
  const x = (await svcs('-x')).stdout;
  assert.match(x, /^svc:\/site\/db:default \(\?\)\n State: maintenance since .*\nReason: Start method exited with \$SMF_EXIT_ERR_CONFIG\.\nImpact: 1 dependent service is not running\.  \(Use -v for list\.\)\n/);
  assert.match(x, /\nsvc:\/site\/starting:default \(\?\)\n State: offline since .*\nReason: Start method is running\.\nImpact: This service is not running\.\n/);
  const xa = (await svcs('-xv', 'app')).stdout.split('\n');
  assert.deepEqual(xa.slice(2, 5), ['Reason: Service svc:/site/db:default is not running because a method failed.',
    '  Path: svc:/site/app:default', '          svc:/site/db:default']);
  const j = JSON.parse((await svcs('-x', '--json', 'app')).stdout);
  assert.equal(j[0].reasons[0].code, 'SMF-8000-GE');
});

test('bulk fast path agrees with per-instance reads', { skip }, () => {
  const repo = Repository.openOrThrow(`${root}/etc/svc/repository.db`, { readonly: true });
  try {
    const fmris = repo.listInstances();
    const bulk = bulkRows(repo);
    assert.deepEqual(bulk.map((r) => r.fmri), fmris, 'repository order');
    for (const r of bulk) assert.deepEqual(r, readRow(repo, r.fmri, { dependencies: false }), r.fmri);
    const deps = allDependencies(repo);
    assert.ok(deps.size > 0);
    for (const f of fmris) assert.deepEqual(deps.get(f) ?? [], readRow(repo, f, { dependencies: true }).dependencies, f);
  } finally {
    repo.close();
  }
});

test('-x with msg/base configured adds the SMF-8000 See: line; -xL appends the last 5 log lines', { skip }, async () => {
  const r2 = makeRoot('tsmf-svcs-msg-');
  try {
    const repo = Repository.openOrThrow(`${r2}/etc/svc/repository.db`);
    repo.addService('svc:/system/svc/restarter');
    repo.addInstance('svc:/system/svc/restarter:default');
    repo.addPg('svc:/system/svc/restarter:default', 'msg', 'application');
    repo.setProperty('svc:/system/svc/restarter:default', 'msg', 'base', 'astring', ['http://illumos.org/msg/']);
    repo.addService('svc:/site/e1');
    repo.addInstance('svc:/site/e1:default');
    repo.setEnabled('svc:/site/e1:default', true);
    const log = `${r2}/e1.log`;
    fs.writeFileSync(log, ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7'].join('\n') + '\n');
    repo.writeRestarterState('svc:/site/e1:default', { state: 'maintenance', next_state: 'none', auxiliary_state: 'fault_threshold_reached', start_method_waitstatus: 256, logfile: log, state_timestamp: String(now) });
    repo.close();
    const out = (await runCli(r2, 'svcs', ['-xL', 'e1'])).stdout.trimEnd().split('\n');
    assert.deepEqual(out.slice(2), [
      'Reason: Start method failed repeatedly, last exited with status 1.',
      '   See: http://illumos.org/msg/SMF-8000-KS',
      `   See: ${log}`,
      'Impact: This service is not running.',
      '   Last log entries:',
      '     l3', '     l4', '     l5', '     l6', '     l7',
    ]);
    assert.equal((await runCli(r2, 'svcs', ['-L', 'e1'])).stdout, `${log}\n`);
    assert.equal((await runCli(r2, 'svcs', ['-Lv', 'e1'])).stdout, fs.readFileSync(log, 'utf8'));
  } finally {
    fs.rmSync(r2, { recursive: true, force: true });
  }
});

test('a partial operand that only matches at a later occurrence: no match (as libscf), and a hint naming the instance', { skip }, async () => {
  const r2 = makeRoot('tsmf-svcs-partial-');
  try {
    const repo = Repository.openOrThrow(`${r2}/etc/svc/repository.db`);
    repo.addService('svc:/site/c');
    repo.addInstance('svc:/site/c:default');
    repo.setEnabled('svc:/site/c:default', true);
    repo.close();
    // a script reading stderr gets exactly SMF's message; a person (a terminal, or TSMF_HINTS=1) also the hint
    const plain = await runCli(r2, 'svcs', ['-H', '-o', 'fmri', 'c']);
    assert.equal(plain.code, 1);
    assert.equal(plain.stderr, "svcs: Pattern 'c' doesn't match any instances\n");
    const miss = await runCli(r2, 'svcs', ['-H', '-o', 'fmri', 'c'], { env: { TSMF_HINTS: '1' } });
    assert.equal(miss.code, 1);
    assert.equal(miss.stdout, '');
    const [first, hint, ...rest] = miss.stderr.split('\n');
    assert.equal(first, "svcs: Pattern 'c' doesn't match any instances");
    assert.match(hint!, /^svcs: 'c' only counts where it first occurs in an FMRI \(as in SMF\), so it does not select svc:\/site\/c:default;/);
    assert.deepEqual(rest, ['']);
    for (const op of ['c:default', 'site/c']) assert.equal((await runCli(r2, 'svcs', ['-H', '-o', 'fmri', op])).stdout, 'svc:/site/c:default\n', op);
    assert.equal((await runCli(r2, 'svcadm', ['disable', 'c'])).stderr, "svcadm: Pattern 'c' doesn't match any instances\n");
    const adm = await runCli(r2, 'svcadm', ['disable', 'c'], { env: { TSMF_HINTS: '1' } });
    assert.equal(adm.code, 1);
    assert.match(adm.stderr, /^svcadm: Pattern 'c' doesn't match any instances\nsvcadm: 'c' only counts where it first occurs/);
  } finally {
    fs.rmSync(r2, { recursive: true, force: true });
  }
});
