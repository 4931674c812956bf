// svcadm without a daemon (writes the repository as SMF's svcadm does, smf-spec §2.8) and with the
// real daemon (-s waiting and its exit codes, §2.9).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Repository } from '../../src/repository/repository.js';
import { ROOT_VIEWER, VIEW_COMPOSED } from '../../src/repository/types.js';
import { daemonUnavailable, disposeDaemon, makeRoot, runCli, startDaemon } from '../helpers/daemon.js';
import { Workspace, type ServiceSpec } from './cases/fixtures.js';

const skip = daemonUnavailable();

function seed(root: string): void {
  const repo = Repository.openOrThrow(`${root}/etc/svc/repository.db`);
  for (const [svc, inst, state] of [['site/web', 'default', 'online'], ['site/web', 'backup', 'online'], ['site/db', 'default', 'maintenance'], ['site/app', 'default', 'disabled']] as const) {
    repo.addService(`svc:/${svc}`);
    repo.addInstance(`svc:/${svc}:${inst}`);
    repo.setEnabled(`svc:/${svc}:${inst}`, state !== 'disabled');
    repo.writeRestarterState(`svc:/${svc}:${inst}`, { state, next_state: 'none', state_timestamp: '1700000000' });
  }
  repo.close();
}

function prop(root: string, fmri: string, pg: string, name: string): string[] | undefined {
  const repo = Repository.openOrThrow(`${root}/etc/svc/repository.db`, { readonly: true });
  try {
    const r = repo.getProperty(fmri, pg, name, { view: VIEW_COMPOSED, viewer: ROOT_VIEWER });
    return r.ok ? r.value.values : undefined;
  } finally {
    repo.close();
  }
}

test('no daemon: enable/disable/-t write general and general_ovr; actions go to restarter_actions', { skip }, async () => {
  const root = makeRoot('tsmf-svcadm-');
  try {
    seed(root);
    const run = (...a: string[]) => runCli(root, 'svcadm', a);
    let r = await run('-v', 'enable', 'app');
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'svc:/site/app:default enabled.\n', '']);
    assert.deepEqual(prop(root, 'svc:/site/app:default', 'general', 'enabled'), ['true']);
    r = await run('-v', 'disable', '-t', 'app');
    assert.equal(r.stdout, 'svc:/site/app:default temporarily disabled.\n');
    assert.deepEqual(prop(root, 'svc:/site/app:default', 'general_ovr', 'enabled'), ['false']);
    await run('enable', 'app');
    assert.equal(prop(root, 'svc:/site/app:default', 'general_ovr', 'enabled'), undefined, 'persistent enable drops the override');

    r = await run('restart', 'web');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "svcadm: Partial FMRI 'web' matches multiple instances:\n\tsvc:/site/web:default\n\tsvc:/site/web:backup\n");
    r = await run('restart', 'site/web');
    assert.equal(r.code, 0, 'an exact service FMRI acts on all its instances');
    assert.match(prop(root, 'svc:/site/web:backup', 'restarter_actions', 'restart')?.[0] ?? '', /^\d+$/);
    r = await run('mark', 'maintenance', 'web:default');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(prop(root, 'svc:/site/web:default', 'restarter_actions', 'maint_on'));
    assert.deepEqual(prop(root, 'svc:/site/web:default', 'restarter_actions', 'auxiliary_tty'), ['false']);
    r = await run('clear', 'app', 'db');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'svcadm: Instance "svc:/site/app:default" is not in a maintenance or degraded state.\n');
    assert.ok(prop(root, 'svc:/site/db:default', 'restarter_actions', 'maint_off'));
    r = await run('-S', 'maintenance', 'refresh');
    assert.equal(r.code, 0);
    assert.ok(prop(root, 'svc:/site/db:default', 'restarter_actions', 'refresh'));
    r = await run('enable', 'nothing-here');
    assert.deepEqual([r.code, r.stderr], [1, "svcadm: Pattern 'nothing-here' doesn't match any instances\n"]);
    r = await run('enable', '-s', 'app');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^svcadm: svc\.startd is not running: svc:\/site\/app:default enabled in the repository, but cannot wait/);
    r = await run('disable', '-s', 'app');
    assert.equal(r.code, 4);
    r = await run('milestone', 'network');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^svcadm: "network" is not a valid major milestone\.\nUsage: svcadm milestone \[-d\] <milestone>\n[^]*\tsvc:\/milestone\/multi-user-server:default\n$/);
    r = await run('mark', '-t', 'degraded', 'web:default');
    assert.deepEqual([r.code, r.stderr], [2, 'svcadm: -t may not be used with degraded.\n']);
    r = await run('-S', 'online', 'clear');
    assert.deepEqual([r.code, r.stderr], [1, "svcadm: State must be 'maintenance' or 'degraded'\n"]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('with the daemon: enable -s / disable -s wait; maintenance ends the wait with exit 3', { skip, timeout: 120_000 }, async () => {
  const h = await startDaemon();
  try {
    const ws = new Workspace(h.root);
    const good = ws.script('good', 'sleep 1\nexit 0');
    const bad = ws.script('bad', 'exit 95');
    for (const [name, exec] of [['good', good], ['bad', bad]]) {
      const file = ws.manifest({ name: `site/${name}`, model: 'transient', enabled: false, start: exec });
      assert.equal((await h.run('svccfg', ['import', file])).code, 0);
    }
    await h.waitState('svc:/site/good:default', 'disabled');
    let r = await h.run('svcadm', ['enable', '-s', 'svc:/site/good:default']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await h.state('svc:/site/good:default'), { state: 'online', next: 'none' });
    r = await h.run('svcadm', ['enable', '-s', 'svc:/site/bad:default']);
    assert.deepEqual([r.code, r.stderr], [3, 'svcadm: Instance "svc:/site/bad:default" is in maintenance state.\n']);
    // an operand that matches nothing decides the exit status: 1 wins over 3 (illumos: error > 0)
    r = await h.run('svcadm', ['enable', '-s', 'svc:/site/bad:default', 'zzz-nothing']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Pattern 'zzz-nothing' doesn't match any instances\n[^]*is in maintenance state\.\n$/);
    r = await h.run('svcadm', ['disable', '-s', 'svc:/site/good:default', 'svc:/site/bad:default']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await h.state('svc:/site/bad:default'), { state: 'disabled', next: 'none' });
  } finally {
    await disposeDaemon(h);
  }
});

test('enable -s: a dependency that can never come up ends the wait with 4 (never-initialized, excluded)', { skip, timeout: 120_000 }, async () => {
  const h = await startDaemon();
  try {
    const ws = new Workspace(h.root);
    const ok = ws.script('ok', 'exit 0');
    // an instance created by hand has no general/enabled: it stays uninitialized for ever
    assert.equal((await h.run('svccfg', ['add', 'site/ghost'])).code, 0);
    assert.equal((await h.run('svccfg', ['-s', 'site/ghost', 'add', 'default'])).code, 0);
    const specs: ServiceSpec[] = [
      { name: 'site/needs', model: 'transient', enabled: false, start: ok, deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/ghost:default'] }] },
      { name: 'site/rival', model: 'transient', enabled: true, start: ok },
      { name: 'site/shy', model: 'transient', enabled: false, start: ok, deps: [{ grouping: 'exclude_all', restartOn: 'none', entities: ['svc:/site/rival:default'] }] },
    ];
    for (const spec of specs) assert.equal((await h.run('svccfg', ['import', ws.manifest(spec)])).code, 0);
    await h.waitState('svc:/site/rival:default', 'online');
    await h.waitState('svc:/site/needs:default', 'disabled');
    let r = await h.run('svcadm', ['enable', '-s', 'site/needs']);
    assert.deepEqual([r.code, r.stderr], [4, 'svcadm: Instance "svc:/site/needs:default" has unsatisfied dependencies.\n']);
    assert.deepEqual(await h.state('svc:/site/needs:default'), { state: 'offline', next: 'none' });
    r = await h.run('svcadm', ['enable', '-s', 'site/shy']);
    assert.deepEqual([r.code, r.stderr], [4, 'svcadm: Instance "svc:/site/shy:default" has unsatisfied dependencies.\n']);
    // once the obstacle goes, the same instance comes up and -s succeeds
    assert.equal((await h.run('svcadm', ['disable', '-s', 'site/rival'])).code, 0);
    r = await h.run('svcadm', ['enable', '-s', 'site/shy']);
    assert.equal(r.code, 0, r.stderr);

    // an instance delegated to a restarter that does not run stays uninitialized whatever is asked (§3.8)
    const deleg = ws.manifest({ name: 'site/deleg', model: 'transient', enabled: true, start: ok });
    fs.writeFileSync(deleg, fs.readFileSync(deleg, 'utf8').replace(/(<create_default_instance[^>]*>)/,
      "$1\n    <restarter><service_fmri value='svc:/network/inetd:default'/></restarter>"));
    assert.equal((await h.run('svccfg', ['import', deleg])).code, 0);
    r = await h.run('svcadm', ['enable', '-s', 'site/deleg']);
    assert.deepEqual([r.code, r.stderr], [4, 'svcadm: Instance "svc:/site/deleg:default" has unsatisfied dependencies.\n']);
    r = await h.run('svcadm', ['disable', '-s', 'site/deleg']);
    assert.deepEqual([r.code, r.stderr], [4, 'svcadm: Restarter for instance "svc:/site/deleg:default" is unavailable.\n']);
    assert.equal((await h.run('svcadm', ['mark', 'maintenance', 'site/deleg'])).code, 0);
    assert.equal((await h.run('svcadm', ['enable', 'site/deleg'])).code, 0);
    await new Promise((res) => setTimeout(res, 500));
    // general/enabled acts at once (smf-spec §6.4): svccfg setprop tells the daemon, no refresh needed or done
    assert.equal((await h.run('svccfg', ['-s', 'site/rival:default', 'setprop', 'general/enabled', '=', 'boolean:', 'true'])).code, 0);
    await h.waitState('svc:/site/rival:default', 'online');
    assert.doesNotMatch(fs.readFileSync(`${h.root}/var/svc/log/site-rival:default.log`, 'utf8'), /Rereading configuration/);
    // no state was ever recorded for it (the STATE column's '-'), nothing ran
    assert.equal((await h.run('svcs', ['-H', '-o', 'state', 'site/deleg'])).stdout.trim(), '-');
  } finally {
    await disposeDaemon(h);
  }
});

test('enable -s: someone else disabling ends the wait with 3; a vanished daemon ends it with 1', { skip, timeout: 120_000 }, async () => {
  const h = await startDaemon();
  try {
    const ws = new Workspace(h.root);
    const hang = ws.script('hang', 'while :; do sleep 0.2; done');
    for (const name of ['hang1', 'hang2']) {
      const file = ws.manifest({ name: `site/${name}`, model: 'transient', enabled: false, startTimeout: 0, start: hang });
      assert.equal((await h.run('svccfg', ['import', file])).code, 0);
    }
    await h.waitState('svc:/site/hang1:default', 'disabled');
    const waiting = h.run('svcadm', ['enable', '-s', 'svc:/site/hang1:default']);
    await h.waitState('svc:/site/hang1:default', 'offline', { next: 'online' });
    assert.equal((await h.run('svcadm', ['disable', 'svc:/site/hang1:default'])).code, 0);
    const r = await waiting;
    assert.deepEqual([r.code, r.stderr], [3, 'svcadm: Instance "svc:/site/hang1:default" has been disabled by another entity.\n']);

    const waiting2 = h.run('svcadm', ['enable', '-s', 'svc:/site/hang2:default']);
    await h.waitState('svc:/site/hang2:default', 'offline', { next: 'online' });
    await h.killDaemonOnly();
    const r2 = await waiting2;
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /^svcadm: svc\.startd is not running; gave up waiting for "svc:\/site\/hang2:default" to come online/);
  } finally {
    await disposeDaemon(h);
  }
});
