// svcprop as a separate process against a real repository file (smf-spec §7.4, cases A2/L1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Repository, type RepoResult } from '../../src/repository/index.js';
import { bundle, dependent, general, pg, poolImport, prop } from '../fixtures/repository/bundles.js';
import { buildSvcprop, cleanupBuild, REPO_ROOT, runSvcprop, spawnSvcprop } from '../fixtures/repository/svcprop-runner.js';

let root: string;
let launcher: string;
const I = 'svc:/site/pool-import:default';
const S = 'svc:/site/pool-import';
const dbPath = () => path.join(root, 'etc/svc/repository.db');
const sp = (...args: string[]) => runSvcprop(launcher, root, args);
function must<T>(r: RepoResult<T>): T { if (!r.ok) assert.fail(r.message); return r.value; }
function withRepo(fn: (r: Repository) => void): void {
  const repo = Repository.openOrThrow(dbPath());
  try { fn(repo); } finally { repo.close(); }
}

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-svcprop-'));
  launcher = await buildSvcprop();
  withRepo((repo) => {
    const svc = poolImport();
    svc.pgs.push(pg('cfg', 'application', prop('a', 'integer', '1'), prop('b', 'integer', '2')));
    svc.pgs.push(pg('strs', 'application', prop('empty', 'astring', ''), prop('meta', 'astring', 'a;b&c(d)|e^f<g>h i\tj\\k"l\'m`n'),
      prop('multi', 'astring', 'x y', 'z'), prop('none', 'astring'), prop('u', 'ustring', 'é ü')));
    svc.instances[0]!.pgs.push(pg('cfg', 'application', prop('a', 'integer', '10')));
    const b = bundle(svc, { name: 'network/smb/server', pgs: [], instances: [{ name: 'default', pgs: [general(true)] }] },
      { name: 'site/two', pgs: [pg('cfg', 'application', prop('a', 'count', '5'))], instances: [{ name: 'one', pgs: [general(false)] }, { name: 'two', pgs: [general(true)] }] });
    b.dependents = [dependent(S, 'pool-import_smb', 'svc:/network/smb/server', 'require_all', 'restart')];
    must(repo.importBundle(b));
    must(repo.writeRestarterState(I, { state: 'online', next_state: 'none' }));
    must(repo.addService('svc:/site/secret'));
    must(repo.addPg('svc:/site/secret', 'creds', 'application'));
    must(repo.setProperty('svc:/site/secret', 'creds', 'read_authorization', 'astring', ['site.read']));
    must(repo.setProperty('svc:/site/secret', 'creds', 'password', 'astring', ['hunter2']));
  });
});
after(() => {
  if (launcher) cleanupBuild(launcher);
  fs.rmSync(root, { recursive: true, force: true });
});

test('spec §7.4 examples', () => {
  assert.deepEqual(sp('-p', 'start/exec', 'pool-import'), { code: 0, stdout: '/lib/svc/method/pool-import\\ start\n', stderr: '' });
  assert.equal(sp('-p', 'restarter/state', '-p', 'restarter/next_state', 'pool-import').stdout, 'online\nnone\n');
  assert.equal(sp('-t', '-p', 'general/enabled', 'pool-import').stdout, 'general/enabled boolean true\n');
  assert.equal(sp('-f', '-c', '-p', 'general/enabled', 'pool-import').stdout, `${I}/:properties/general/enabled boolean true\n`);
  assert.equal(sp('-p', 'start', 'pool-import').stdout,
    'start/exec astring /lib/svc/method/pool-import\\ start\nstart/timeout_seconds count 0\nstart/type astring method\n');
});

test('composition (cases L1): composed by default, -C direct only', () => {
  assert.equal(sp('-p', 'cfg', 'pool-import').stdout, 'cfg/a integer 10\ncfg/b integer 2\n');
  assert.equal(sp('-C', '-p', 'cfg', 'pool-import').stdout, 'cfg/a integer 10\n');
  assert.equal(sp('-p', 'cfg', 'site/pool-import').stdout, 'cfg/a integer 1\ncfg/b integer 2\n', 'a service FMRI selects the service');
});

test('injected dependency and dependents pg (cases A2)', () => {
  assert.equal(sp('-p', 'pool-import_smb/entities', 'network/smb/server:default').stdout, 'svc:/site/pool-import\n');
  assert.equal(sp('-p', 'pool-import_smb/external', 'network/smb/server:default').stdout, 'true\n');
  assert.equal(sp('-p', 'dependents', 'site/pool-import:default').stdout, 'dependents/pool-import_smb fmri svc:/network/smb/server\n');
});

test('value escaping, empty strings, multiple values, empty property', () => {
  assert.equal(sp('-p', 'strs/empty', 'pool-import').stdout, '""\n');
  assert.equal(sp('-p', 'strs/meta', 'pool-import').stdout, 'a\\;b\\&c\\(d\\)\\|e\\^f\\<g\\>h\\ i\\\tj\\\\k\\"l\\\'m\\`n\n');
  assert.equal(sp('-p', 'strs/multi', 'pool-import').stdout, 'x\\ y z\n');
  assert.equal(sp('-p', 'strs/none', 'pool-import').stdout, '\n');
  assert.equal(sp('-t', '-p', 'strs/none', 'pool-import').stdout, 'strs/none astring \n');
  assert.equal(sp('-p', 'strs/u', 'pool-import').stdout, 'é\\ ü\n');
});

test('typed format for mixed -p forms; full FMRIs when an operand matches several entities', () => {
  assert.equal(sp('-p', 'cfg/a', '-p', 'start', 'pool-import').stdout.split('\n')[0], 'cfg/a integer 10');
  const out = sp('-p', 'general/enabled', 'site/two:*').stdout;
  assert.equal(out, 'svc:/site/two:one/:properties/general/enabled boolean false\nsvc:/site/two:two/:properties/general/enabled boolean true\n');
});

test('property and pg FMRI operands; -p with a property operand is a usage error', () => {
  assert.equal(sp(`${I}/:properties/start/exec`).stdout, '/lib/svc/method/pool-import\\ start\n');
  assert.equal(sp(`${I}/:properties/cfg`).stdout, 'cfg/a integer 10\ncfg/b integer 2\n');
  assert.equal(sp('-p', 'a', `${I}/:properties/cfg`).stdout, '10\n');
  assert.equal(sp('-p', 'x', `${I}/:properties/start/exec`).code, 2);
  const bad = sp(`${I}/:properties/nope/x`);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /doesn't match any entities/);
});

test('missing pg/property: message, exit 1 after the remaining output; -q exits 1 silently; -q alone exits 0', () => {
  const r = sp('-p', 'start/nope', '-p', 'start/exec', 'pool-import');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `svcprop: Couldn't find property \`start/nope' for instance \`${I}'.\n`);
  assert.equal(r.stdout, '/lib/svc/method/pool-import\\ start\n');
  assert.equal(sp('-p', 'nopg/x', 'site/pool-import').stderr, "svcprop: Couldn't find property group `nopg' for service `svc:/site/pool-import'.\n");
  assert.deepEqual(sp('-q', '-p', 'start/nope', 'pool-import'), { code: 1, stdout: '', stderr: '' });
  assert.deepEqual(sp('-q', '-p', 'start/exec', 'pool-import'), { code: 0, stdout: '', stderr: '' });
  const v = sp('-q', '-v', '-p', 'start/nope', 'pool-import');
  assert.equal(v.code, 1);
  assert.match(v.stderr, /Couldn't find property/);
  assert.equal(v.stdout, '');
  const nm = sp('-p', 'start/exec', 'nomatch', 'pool-import');
  assert.equal(nm.code, 1);
  assert.equal(nm.stderr, "svcprop: Pattern 'nomatch' doesn't match any entities\n");
  assert.equal(nm.stdout, '/lib/svc/method/pool-import\\ start\n', 'other operands still processed');
});

test('snapshots: -s NAME, No such snapshot, services have none; effective view lags until refresh', () => {
  withRepo((repo) => must(repo.setProperty(S, 'config', 'pool', 'astring', ['other'])));
  assert.equal(sp('-p', 'config/pool', 'pool-import').stdout, 'main\n');
  assert.equal(sp('-c', '-p', 'config/pool', 'pool-import').stdout, 'other\n');
  assert.equal(sp('-s', 'initial', '-p', 'config/pool', 'pool-import').stdout, 'main\n');
  assert.deepEqual(sp('-s', 'nosuch', '-p', 'config/pool', 'pool-import'), { code: 1, stdout: '', stderr: 'svcprop: No such snapshot.\n' });
  assert.equal(sp('-s', 'initial', '-p', 'config/pool', 'site/pool-import').stderr, 'svcprop: Only instances have snapshots.\n');
  withRepo((repo) => must(repo.refresh(I)));
  assert.equal(sp('-p', 'config/pool', 'pool-import').stdout, 'other\n');
  withRepo((repo) => { must(repo.setProperty(S, 'config', 'pool', 'astring', ['main'])); must(repo.refresh(I)); });
});

test('usage errors exit 2', () => {
  for (const args of [[], ['-c', '-C', 'x'], ['-s', 'running', '-c', 'x'], ['-w', '-c', 'x'], ['-p', 'a/b/c', 'x'], ['-p', '1bad', 'x'], ['-X', 'x'], ['-w', 'a', 'b'], ['-p']]) {
    const r = sp(...args);
    assert.equal(r.code, 2, `svcprop ${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
  assert.match(sp().stderr, /^Usage: svcprop \[-fqtv\]/);
  assert.equal(sp('-p', '1bad', 'x').stderr, "svcprop: Invalid component name `1bad'.\n");
});

test('-z is ignored with a note', () => {
  const r = sp('-z', 'global', '-p', 'start/exec', 'pool-import');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '/lib/svc/method/pool-import\\ start\n');
  assert.match(r.stderr, /-z global ignored/);
});

test('read-protected values: root sees them; others get no values, or Permission denied when named', { skip: process.getuid?.() !== 0 && 'needs root to switch to an unprivileged uid' }, () => {
  assert.equal(sp('-p', 'creds/password', 'site/secret').stdout, 'hunter2\n');
  fs.chmodSync(root, 0o755);
  fs.chmodSync(path.dirname(launcher), 0o755);
  for (const d of ['etc', 'etc/svc']) fs.chmodSync(path.join(root, d), 0o755);
  for (const f of fs.readdirSync(path.dirname(dbPath()))) fs.chmodSync(path.join(path.dirname(dbPath()), f), 0o644);
  const nobody = (args: string[]) => spawnSync(process.execPath, [launcher, '--root', root, ...args], { encoding: 'utf8', uid: 65534, gid: 65534 });
  const named = nobody(['-p', 'creds/password', 'site/secret']);
  assert.equal(named.status, 1, named.stderr);
  assert.equal(named.stderr, 'svcprop: Permission denied.\n');
  const all = nobody(['site/secret']);
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, /^creds\/password astring \n/m);
  assert.doesNotMatch(all.stdout, /hunter2/);
  // svccfg export -a needs the read authorization of every protected pg (smf-spec §9), not root
  const svccfgBin = path.join(REPO_ROOT, 'bin/svccfg');
  const exportAll = () => spawnSync(svccfgBin, ['export', '-a', 'site/secret'], { encoding: 'utf8', uid: 65534, gid: 65534, env: { ...process.env, TSMF_ROOT: root } });
  const built = fs.existsSync(path.join(REPO_ROOT, 'dist/svccfg.js'));
  if (built) {
    const refused = exportAll();
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /export: Permission denied: -a needs the read authorization of svc:\/site\/secret.*creds/);
  }
  // an authorization granted to the user (the pg's read_authorization, or a wildcard of solaris.smf.modify) shows them
  for (const auths of ['site.read', 'solaris.smf.*']) {
    fs.writeFileSync(path.join(root, 'etc/user_attr'), `nobody::::auths=${auths}\n`, { mode: 0o644 });
    const granted = nobody(['-p', 'creds/password', 'site/secret']);
    assert.deepEqual([granted.status, granted.stdout], [0, 'hunter2\n'], `${auths}: ${granted.stderr}`);
    if (built) {
      const x = exportAll();
      assert.equal(x.status, 0, `${auths}: ${x.stderr}`);
      assert.match(x.stdout, /hunter2/);
    }
  }
  fs.rmSync(path.join(root, 'etc/user_attr'));
});

test('-w waits for a change of the pg generation, then prints', async () => {
  const child = spawnSvcprop(launcher, root, ['-w', '-p', 'config/pool', 'site/pool-import']);
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  // write until the child reports (it may not have taken its first reading yet)
  let n = 0;
  const timer = setInterval(() => withRepo((repo) => must(repo.setProperty(S, 'config', 'pool', 'astring', [`w${++n}`]))), 200);
  const code = await exited;
  clearInterval(timer);
  assert.equal(code, 0);
  assert.match(out, /^w\d+\n$/);
  withRepo((repo) => must(repo.setProperty(S, 'config', 'pool', 'astring', ['main'])));
  const nf = sp('-w', '-p', 'nope/x', 'site/pool-import');
  assert.deepEqual([nf.code, nf.stderr], [1, 'svcprop: Not found.\n']);
  assert.equal(sp('-w', 'site/pool-import').stderr, 'svcprop: Cannot wait for a service.\n');
});

test('missing repository: clear error, exit 1', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-svcprop-empty-'));
  try {
    const r = runSvcprop(launcher, empty, ['-p', 'a/b', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^svcprop: Could not connect to configuration repository: .*repository\.db/);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('bin/svcprop (the installed launcher) works when dist/ is built', { skip: !fs.existsSync(path.join(REPO_ROOT, 'dist/svcprop.js')) && 'dist/ not built (npm run build)' }, () => {
  const r = spawnSync(path.join(REPO_ROOT, 'bin/svcprop'), ['--root', root, '-p', 'start/exec', 'pool-import'], { encoding: 'utf8' });
  assert.equal(r.stdout, '/lib/svc/method/pool-import\\ start\n', r.stderr);
  assert.equal(r.status, 0);
});
