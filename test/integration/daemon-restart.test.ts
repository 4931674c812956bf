// The real svc.startd on a temporary root with real processes (cgroup v2 contracts when available):
// refresh after import starts an enabled instance; kill -9 of the daemon followed by a restart
// re-adopts running contracts (start methods are not run again, states and temporary overrides are
// kept); a simulated reboot (new boot id, service processes killed) discards NONPERSISTENT data
// (temporary enable, maintenance) and evaluates everything afresh (smf-spec §2.11, cases.md J1).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Repository } from '../../src/repository/repository.js';
import { ROOT_VIEWER } from '../../src/repository/types.js';
import { connectDaemon, sendAdmin } from '../../src/cli/common/client.js';
import { repositoryPath } from '../../src/cli/common/root.js';
import { detectCgroup2Root } from '../../src/adapters/process/cgroup-path.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DAEMON = 'svc:/site/countd:default';
const TEMP = 'svc:/site/tmpd:default';
const BROKEN = 'svc:/site/broken:default';

let root = '';
let daemon: ChildProcess | undefined;
const cgroupParent = `tsmf-test-${process.pid}-${Date.now()}`;
const env = (bootId: string): NodeJS.ProcessEnv => ({ ...process.env, TSMF_BOOT_ID: bootId, TSMF_CGROUP_PARENT: cgroupParent });

const LAUNCH = `
const [cmd, ...args] = process.argv.slice(2);
const { run } = await import(${JSON.stringify(path.join(repoRoot, 'src', 'cli'))} + '/' + cmd + '.ts');
process.exitCode = await run(args);
`;

function manifest(name: string, enabled: boolean, start: string, duration = 'contract'): string {
  return `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="${name}">
  <service name="site/${name}" type="service" version="1">
    <create_default_instance enabled="${enabled}"/>
    <exec_method type="method" name="start" exec="${start}" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
    <property_group name="startd" type="framework"><propval name="duration" type="astring" value="${duration}"/></property_group>
  </service>
</service_bundle>
`;
}

/** `count daemon` of cases.md: append to NAME.starts, leave a process running in the contract. */
const countDaemon = (name: string) => `/bin/sh -c 'echo x &gt;&gt; ${root}/fx/${name}.starts; exec sleep 100000 &lt;/dev/null &gt;/dev/null 2&gt;&amp;1 &amp;'`;
const countFail = (name: string) => `/bin/sh -c 'echo x &gt;&gt; ${root}/fx/${name}.starts; exit 1'`;

function starts(name: string): number {
  try { return fs.readFileSync(path.join(root, 'fx', `${name}.starts`), 'utf8').split('\n').filter(Boolean).length; } catch { return 0; }
}

function readProp(fmri: string, pg: string, prop: string): string[] | undefined {
  const repo = Repository.openOrThrow(repositoryPath(root), { readonly: true });
  try {
    const p = repo.getProperty(fmri, pg, prop, { viewer: ROOT_VIEWER });
    return p.ok ? p.value.values : undefined;
  } finally { repo.close(); }
}
const stateOf = (fmri: string) => `${readProp(fmri, 'restarter', 'state')?.[0] ?? 'none'}/${readProp(fmri, 'restarter', 'next_state')?.[0] ?? 'none'}`;

/** Waits (polling, generous deadline) until every instance is in the wanted quiescent state. */
async function waitFor(want: Record<string, string>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = Object.fromEntries(Object.keys(want).map((f) => [f, stateOf(f)]));
    if (Object.entries(want).every(([f, s]) => now[f] === `${s}/none`)) return;
    if (Date.now() > deadline) assert.fail(`${what}: wanted ${JSON.stringify(want)}, have ${JSON.stringify(now)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function cli(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'launch.mts'), cmd, '--root', root, ...args], { cwd: repoRoot, env: env('unused') });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('exit', (code) => resolve({ code, out }));
  });
}

async function startDaemon(bootId: string): Promise<void> {
  daemon = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'launch.mts'), 'svc.startd', '--root', root, '--no-base-manifests'], {
    cwd: repoRoot, env: env(bootId), stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  daemon.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  // Ready = the handshake answers with this boot's id (a killed daemon leaves its socket file behind).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (daemon.exitCode !== null) assert.fail(`svc.startd exited (${daemon.exitCode}): ${err}`);
    const c = await connectDaemon(root, { client: 'test', timeoutMs: 2000 });
    if (c.ok) {
      c.client.close();
      if (c.client.hello.bootId === bootId) return;
    }
    if (Date.now() > deadline) assert.fail(`svc.startd did not answer on its control socket: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function killDaemon(): Promise<void> {
  if (!daemon || daemon.exitCode !== null || daemon.signalCode !== null) return;
  const exited = new Promise((r) => daemon!.once('exit', r));
  daemon.kill('SIGKILL');
  await exited;
}

/** The "reboot" half that kills every service process: each instance cgroup, else each contract pid. */
function killAllServiceProcesses(): void {
  const cg = detectCgroup2Root();
  const parent = cg ? path.join(cg, cgroupParent) : undefined;
  if (parent && fs.existsSync(parent)) {
    for (const e of fs.readdirSync(parent, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      try { fs.writeFileSync(path.join(parent, e.name, 'cgroup.kill'), '1'); } catch { /* gone */ }
    }
  }
  if (parent) return;
  for (const f of [DAEMON, TEMP, BROKEN]) {
    // process-group fallback: the contract id is the process group id
    const c = readProp(f, 'restarter', 'contract')?.[0];
    if (c) try { process.kill(-Number(c), 'SIGKILL'); } catch { /* gone */ }
  }
}

function removeCgroups(): void {
  const cg = detectCgroup2Root();
  if (!cg) return;
  const parent = path.join(cg, cgroupParent);
  if (!fs.existsSync(parent)) return;
  killAllServiceProcesses();
  for (let i = 0; i < 100; i++) {
    for (const e of fs.readdirSync(parent, { withFileTypes: true })) if (e.isDirectory()) try { fs.rmdirSync(path.join(parent, e.name)); } catch { /* still populated */ }
    try { fs.rmdirSync(parent); return; } catch { /* retry */ }
    const until = Date.now() + 20;
    while (Date.now() < until) { /* short busy wait in teardown */ }
  }
}

function pidsOf(fmri: string): string {
  const cg = detectCgroup2Root();
  if (cg) {
    const dir = fs.readdirSync(path.join(cg, cgroupParent)).find((d) => d.includes('countd'));
    return dir ? fs.readFileSync(path.join(cg, cgroupParent, dir, 'cgroup.procs'), 'utf8').trim() : '';
  }
  return readProp(fmri, 'restarter', 'contract')?.[0] ?? '';
}

describe('svc.startd restart and reboot', () => {
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-daemon-restart-'));
    fs.mkdirSync(path.join(root, 'fx'));
    fs.writeFileSync(path.join(root, 'launch.mts'), LAUNCH);
    fs.writeFileSync(path.join(root, 'fx', 'countd.xml'), manifest('countd', true, countDaemon('countd')));
    fs.writeFileSync(path.join(root, 'fx', 'tmpd.xml'), manifest('tmpd', false, countDaemon('tmpd')));
    fs.writeFileSync(path.join(root, 'fx', 'broken.xml'), manifest('broken', true, countFail('broken')));
  });

  after(async () => {
    try {
      await killDaemon();
      removeCgroups();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('svccfg import has the daemon import (and configure) the manifest, which starts the enabled instances', async () => {
    await startDaemon('boot-A');
    for (const m of ['countd', 'tmpd', 'broken']) {
      const r = await cli('svccfg', ['import', path.join(root, 'fx', `${m}.xml`)]);
      assert.equal(r.code, 0, r.out);
    }
    await waitFor({ [DAEMON]: 'online', [TEMP]: 'disabled', [BROKEN]: 'maintenance' }, 'after import');
    const daemonLog = fs.readFileSync(path.join(root, 'var/svc/log/svc.startd.log'), 'utf8');
    assert.match(daemonLog, /svc\.startd\[\d+\]: import of .*\/fx\/countd\.xml: written, configured in \d+ ms/);
    // the method library, where method scripts source it (the illumos path under the root)
    assert.match(daemonLog, /installed .*\/lib\/svc\/share\/smf_include\.sh/);
    assert.match(fs.readFileSync(path.join(root, 'lib/svc/share/smf_include.sh'), 'utf8'), /^SMF_EXIT_ERR_CONFIG=96\b/m);
    assert.equal(starts('countd'), 1);
    assert.equal(starts('broken'), 3, 'a start method that always exits 1 runs exactly 3 times');
    const r = await sendAdmin(root, 'enable', [TEMP], { temporary: true, client: 'test' });
    assert.ok(r.ok, JSON.stringify(r));
    await waitFor({ [TEMP]: 'online' }, 'after enable -t');
    assert.deepEqual(readProp(TEMP, 'general_ovr', 'enabled'), ['true']);
    assert.equal(starts('tmpd'), 1);
  });

  test('kill -9 of svc.startd and a restart: contracts adopted, nothing started twice, states and overrides kept', async () => {
    const before = pidsOf(DAEMON);
    assert.notEqual(before, '');
    await killDaemon();
    await startDaemon('boot-A');
    await waitFor({ [DAEMON]: 'online', [TEMP]: 'online', [BROKEN]: 'maintenance' }, 'after restarter restart');
    assert.equal(starts('countd'), 1, 'start method of the running daemon service not re-run');
    assert.equal(starts('tmpd'), 1);
    assert.equal(starts('broken'), 3, 'maintenance survives a restarter restart');
    assert.equal(pidsOf(DAEMON), before, 'same processes');
    assert.deepEqual(readProp(TEMP, 'general_ovr', 'enabled'), ['true'], 'temporary enable survives a restarter restart');
    // The adopted contract is watched: its processes exiting is noticed and the service restarted.
    killAllServiceProcesses();
    await waitFor({ [DAEMON]: 'online', [TEMP]: 'online' }, 'after the adopted processes died');
    const deadline = Date.now() + 30_000;
    while (starts('countd') < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(starts('countd'), 2);
  });

  test('processes that died while no daemon ran: the next daemon of the same boot restarts them', async () => {
    await waitFor({ [DAEMON]: 'online', [TEMP]: 'online' }, 'before');
    const deadline = Date.now() + 30_000;
    while (starts('tmpd') < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(starts('tmpd'), 2);
    await killDaemon();
    killAllServiceProcesses();
    await startDaemon('boot-A');
    const until = Date.now() + 30_000;
    while ((starts('countd') < 3 || starts('tmpd') < 3) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await waitFor({ [DAEMON]: 'online', [TEMP]: 'online', [BROKEN]: 'maintenance' }, 'after restart with dead contracts');
    assert.equal(starts('countd'), 3, 'restarted once');
    assert.equal(starts('tmpd'), 3, 'still temporarily enabled: restarted once');
    assert.equal(starts('broken'), 3, 'maintenance is kept, not retried');
  });

  test('simulated reboot: NONPERSISTENT data gone, maintenance gone, services started afresh', async () => {
    await killDaemon();
    killAllServiceProcesses();
    // an empty group nobody owns any more (a killed daemon's method group): removed at start-up
    const cg = detectCgroup2Root();
    const leftover = cg ? path.join(cg, cgroupParent, 'site-gone~m1.1') : undefined;
    if (leftover) fs.mkdirSync(leftover);
    await startDaemon('boot-B');
    if (leftover) assert.equal(fs.existsSync(leftover), false, 'empty leftover group removed');
    await waitFor({ [DAEMON]: 'online', [TEMP]: 'disabled', [BROKEN]: 'maintenance' }, 'after reboot');
    assert.equal(starts('countd'), 4, 'daemon service started afresh after the reboot');
    assert.equal(starts('tmpd'), 3, 'temporarily enabled service not started after the reboot');
    assert.equal(readProp(TEMP, 'general_ovr', 'enabled'), undefined, 'temporary enable lost at reboot');
    assert.equal(starts('broken'), 6, 'maintenance did not survive the reboot: retried 3 more times');
  });
});
