// Administrative requests against the real svc.startd (temporary root, real processes, cgroup or
// process-group contracts): restart, refresh (runs the refresh method of a running instance),
// mark maintenance / clear, clear of a non-maintenance instance, base manifests at first start,
// SIGTERM leaves services running (and the next daemon adopts them), shutdown with stopServices.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Repository } from '../../src/repository/repository.js';
import { ROOT_VIEWER } from '../../src/repository/types.js';
import { connectDaemon, sendAdmin, sendRequest } from '../../src/cli/common/client.js';
import { repositoryPath } from '../../src/cli/common/root.js';
import { detectCgroup2Root } from '../../src/adapters/process/cgroup-path.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = 'svc:/site/web:default';
const MULTI_USER = 'svc:/milestone/multi-user:default';

let root = '';
let daemon: ChildProcess | undefined;
const cgroupParent = `tsmf-test-admin-${process.pid}-${Date.now()}`;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, TSMF_BOOT_ID: 'admin-boot', TSMF_CGROUP_PARENT: cgroupParent });

const LAUNCH = `
const [cmd, ...args] = process.argv.slice(2);
const { run } = await import(${JSON.stringify(path.join(repoRoot, 'src', 'cli'))} + '/' + cmd + '.ts');
process.exitCode = await run(args);
`;

const count = (what: string) => `echo x &gt;&gt; ${root}/fx/${what}`;
const manifest = () => `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="web">
  <service name="site/web" type="service" version="1">
    <create_default_instance enabled="true"/>
    <dependency name="multi-user" grouping="require_all" restart_on="none" type="service">
      <service_fmri value="svc:/milestone/multi-user"/>
    </dependency>
    <exec_method type="method" name="start" exec="/bin/sh -c '${count('starts')}; exec sleep 100000 &lt;/dev/null &gt;/dev/null 2&gt;&amp;1 &amp;'" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
    <exec_method type="method" name="refresh" exec="/bin/sh -c '${count('refreshes')}'" timeout_seconds="60"/>
  </service>
</service_bundle>
`;

function lines(name: string): number {
  try { return fs.readFileSync(path.join(root, 'fx', name), 'utf8').split('\n').filter(Boolean).length; } catch { return 0; }
}

function readProp(fmri: string, pg: string, prop: string): string | undefined {
  const repo = Repository.openOrThrow(repositoryPath(root), { readonly: true });
  try {
    const p = repo.getProperty(fmri, pg, prop, { viewer: ROOT_VIEWER });
    return p.ok ? p.value.values[0] : undefined;
  } finally { repo.close(); }
}

async function until(what: string, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const quiet = (fmri: string, state: string) => () => readProp(fmri, 'restarter', 'state') === state && readProp(fmri, 'restarter', 'next_state') === 'none';

function cli(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'launch.mts'), cmd, '--root', root, ...args], { cwd: repoRoot, env: env() });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('exit', (code) => resolve({ code, out }));
  });
}

async function startDaemon(extra: string[] = []): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'launch.mts'), 'svc.startd', '--root', root, ...extra], {
    cwd: repoRoot, env: env(), stdio: ['ignore', 'ignore', 'pipe'],
  });
  daemon = child;
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  await until(`svc.startd answering (${err})`, () => child.exitCode === null && fs.existsSync(path.join(root, 'run', 'tsmf', 'svc.startd.pid')) &&
    fs.readFileSync(path.join(root, 'run', 'tsmf', 'svc.startd.pid'), 'utf8').trim() === String(child.pid));
  for (;;) {
    const c = await connectDaemon(root, { client: 'test', timeoutMs: 2000 });
    if (c.ok) { c.client.close(); return; }
    if (child.exitCode !== null) assert.fail(`svc.startd exited: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function serviceAlive(): boolean {
  const pid = Number(readProp(WEB, 'restarter', 'start_pid'));
  const cg = detectCgroup2Root();
  if (cg) {
    const dir = path.join(cg, cgroupParent, 'site%2Fweb:default');
    try { return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim() !== ''; } catch { return false; }
  }
  try { process.kill(-Number(readProp(WEB, 'restarter', 'contract')), 0); return true; } catch { void pid; return false; }
}

function removeCgroups(): void {
  const cg = detectCgroup2Root();
  const parent = cg && path.join(cg, cgroupParent);
  if (!parent || !fs.existsSync(parent)) return;
  for (let i = 0; i < 200; i++) {
    const dirs = fs.readdirSync(parent, { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const e of dirs) {
      try { fs.writeFileSync(path.join(parent, e.name, 'cgroup.kill'), '1'); } catch { /* gone */ }
      try { fs.rmdirSync(path.join(parent, e.name)); } catch { /* still emptying */ }
    }
    try { fs.rmdirSync(parent); return; } catch { /* retry */ }
    const until = Date.now() + 10;
    while (Date.now() < until) { /* teardown only */ }
  }
}

describe('svc.startd administrative actions', () => {
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-daemon-admin-'));
    fs.mkdirSync(path.join(root, 'fx'));
    fs.writeFileSync(path.join(root, 'launch.mts'), LAUNCH);
    fs.writeFileSync(path.join(root, 'fx', 'web.xml'), manifest());
  });

  after(async () => {
    try {
      if (daemon && daemon.exitCode === null) { daemon.kill('SIGKILL'); await exited(daemon); }
      if (!detectCgroup2Root()) {
        const pid = Number(readProp(WEB, 'restarter', 'contract'));
        if (pid) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
      }
      removeCgroups();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('first start imports the base manifests; the milestones come online; a dependent site service starts', async () => {
    await startDaemon();
    await until('multi-user online', quiet(MULTI_USER, 'online'));
    for (const f of ['svc:/system/svc/restarter:default', 'svc:/milestone/network:default', 'svc:/system/filesystem/local:default']) {
      assert.equal(readProp(f, 'restarter', 'state'), 'online', f);
    }
    const r = await cli('svccfg', ['import', path.join(root, 'fx', 'web.xml')]);
    assert.equal(r.code, 0, r.out);
    await until('web online', quiet(WEB, 'online'));
    assert.equal(lines('starts'), 1);
  });

  test('independent services start in parallel (each start method waits for the other one to begin)', async () => {
    const pair = (me: string, other: string) => `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="${me}">
  <service name="site/${me}" type="service" version="1">
    <create_default_instance enabled="true"/>
    <exec_method type="method" name="start" exec="/bin/sh -c 'touch ${root}/fx/${me}.began; i=0; until [ -f ${root}/fx/${other}.began ]; do i=$((i+1)); [ $i -gt 600 ] &amp;&amp; exit 1; sleep 0.05; done'" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":true" timeout_seconds="60"/>
    <property_group name="startd" type="framework"><propval name="duration" type="astring" value="transient"/></property_group>
  </service>
</service_bundle>
`;
    fs.writeFileSync(path.join(root, 'fx', 'left.xml'), pair('left', 'right'));
    fs.writeFileSync(path.join(root, 'fx', 'right.xml'), pair('right', 'left'));
    const r = await cli('svccfg', ['import', path.join(root, 'fx', 'left.xml')]);
    assert.equal(r.code, 0, r.out);
    const r2 = await cli('svccfg', ['import', path.join(root, 'fx', 'right.xml')]);
    assert.equal(r2.code, 0, r2.out);
    await until('both online', () => quiet('svc:/site/left:default', 'online')() && quiet('svc:/site/right:default', 'online')());
  });

  test('refresh runs the refresh method of the running instance; restart re-runs start', async () => {
    const r1 = await sendAdmin(root, 'refresh', [WEB], { client: 'test' });
    assert.ok(r1.ok, JSON.stringify(r1));
    await until('refresh method ran', () => lines('refreshes') === 1 && quiet(WEB, 'online')());
    const r2 = await sendAdmin(root, 'restart', [WEB], { client: 'test' });
    assert.ok(r2.ok, JSON.stringify(r2));
    await until('restarted', () => lines('starts') === 2 && quiet(WEB, 'online')());
  });

  test('svccfg delete of a running instance: stopped with its last configuration, then gone', async () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="doomed">
  <service name="site/doomed" type="service" version="1">
    <create_default_instance enabled="true"/>
    <exec_method type="method" name="start" exec="/bin/sh -c 'sleep 100000 &lt;/dev/null &gt;/dev/null 2&gt;&amp;1 &amp; echo $! &gt; ${root}/fx/doomed.pid'" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec="/bin/sh -c 'echo %{config/word} &gt;&gt; ${root}/fx/doomed.stops; kill $(cat ${root}/fx/doomed.pid)'" timeout_seconds="60"/>
    <property_group name="config" type="application"><propval name="word" type="astring" value="bye"/></property_group>
  </service>
</service_bundle>
`;
    fs.writeFileSync(path.join(root, 'fx', 'doomed.xml'), xml);
    const r = await cli('svccfg', ['import', path.join(root, 'fx', 'doomed.xml')]);
    assert.equal(r.code, 0, r.out);
    const doomed = 'svc:/site/doomed:default';
    await until('doomed online', quiet(doomed, 'online'));
    const d = await cli('svccfg', ['delete', '-f', 'svc:/site/doomed']);
    assert.equal(d.code, 0, d.out);
    await until('stop method ran with its configuration', () => fs.existsSync(path.join(root, 'fx', 'doomed.stops')));
    assert.equal(fs.readFileSync(path.join(root, 'fx', 'doomed.stops'), 'utf8'), 'bye\n');
    const pid = Number(fs.readFileSync(path.join(root, 'fx', 'doomed.pid'), 'utf8'));
    await until('its process is gone', () => { try { process.kill(pid, 0); return false; } catch { return true; } });
  });

  test('SIGHUP re-reads the repository without disturbing running services', async () => {
    daemon!.kill('SIGHUP');
    const r = await sendRequest(root, { type: 'status', fmris: [WEB] }, { client: 'test' });
    assert.ok(r.ok && r.result.kind === 'status', JSON.stringify(r));
    assert.equal(r.result.instances[0]!.state, 'online');
    assert.equal(daemon!.exitCode, null);
    assert.equal(lines('starts'), 2);
    assert.equal(lines('refreshes'), 1);
  });

  test('mark maintenance stops the service; clear brings it back; clear of an online instance is refused', async () => {
    const m = await sendAdmin(root, 'mark', [WEB], { flags: { state: 'maintenance', tty: true }, client: 'test' });
    assert.ok(m.ok, JSON.stringify(m));
    await until('maintenance', quiet(WEB, 'maintenance'));
    assert.equal(readProp(WEB, 'restarter', 'auxiliary_state'), 'administrative_request');
    await until('processes stopped', () => !serviceAlive());
    const c = await sendAdmin(root, 'clear', [WEB], { client: 'test' });
    assert.ok(c.ok && c.result.kind === 'admin' && c.result.results[0]!.ok, JSON.stringify(c));
    await until('online again', () => lines('starts') === 3 && quiet(WEB, 'online')());
    const again = await sendAdmin(root, 'clear', [WEB], { client: 'test' });
    assert.ok(again.ok && again.result.kind === 'admin');
    assert.equal(again.result.results[0]!.ok, false);
    assert.equal(again.result.results[0]!.error?.code, 'invalid_state');
    const missing = await sendAdmin(root, 'restart', ['svc:/site/nonexistent:default'], { client: 'test' });
    assert.ok(missing.ok && missing.result.kind === 'admin');
    assert.equal(missing.result.results[0]!.error?.code, 'not_found');
  });

  test('SIGTERM stops svc.startd but not the services; the next daemon adopts them', async () => {
    const child = daemon!;
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    assert.ok(serviceAlive(), 'service processes survive svc.startd exiting');
    assert.equal(fs.existsSync(path.join(root, 'run', 'tsmf', 'control.sock')), false);
    await startDaemon();
    await until('still online', quiet(WEB, 'online'));
    assert.equal(lines('starts'), 3, 'not started again');
  });

  test('a restart requested in the repository while no daemon ran is carried out when it starts', async () => {
    const child = daemon!;
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    const repo = Repository.openOrThrow(repositoryPath(root));
    try { assert.ok(repo.requestAction(WEB, 'restart').ok); } finally { repo.close(); }
    await startDaemon();
    await until('restarted by the pending action', () => lines('starts') === 4 && quiet(WEB, 'online')());
    assert.equal(readProp(WEB, 'restarter_actions', 'restart'), undefined, 'the action was consumed');
  });

  test('shutdown with stopServices stops every service, then the daemon', async () => {
    const child = daemon!;
    const r = await sendRequest(root, { type: 'shutdown', stopServices: true }, { client: 'test' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(await exited(child), 0);
    assert.equal(serviceAlive(), false);
    assert.equal(readProp(WEB, 'restarter', 'state'), 'disabled');
  });
});
