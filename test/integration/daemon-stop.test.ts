// svc.startd stopped (SIGTERM) in the middle of a boot: methods still completing and log lines
// still in flight must not act on the closed repository or start anything, and the process exits
// (it used to keep running: a spawner started again after the shutdown kept its event loop alive).
// A new daemon then brings every instance online. And a daemon stopped while a wait-model service
// runs (a child of its own process) and a start method is in flight exits all the same: it used to
// stay alive until the service exited, i.e. for ever (`tsmf up` ignored Ctrl-C).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { daemonUnavailable, disposeDaemon, startDaemon, type DaemonHandle } from '../helpers/daemon.js';

const skip = daemonUnavailable();
const N = 300;
let h: DaemonHandle | undefined;
let h2: DaemonHandle | undefined;
after(async () => { await disposeDaemon(h); await disposeDaemon(h2); });

/** N services, each a background sleep; service i requires service i-1 and i-7 (a deep, wide graph). */
function bundle(): string {
  const services = Array.from({ length: N }, (_, i) => {
    const deps = [i - 1, i - 7].filter((d) => d >= 0).map((d) => `
    <dependency name="d${d}" grouping="require_all" restart_on="none" type="service"><service_fmri value="svc:/site/stop/s${d}"/></dependency>`).join('');
    return `
  <service name="site/stop/s${i}" type="service" version="1">
    <create_default_instance enabled="true"/>${deps}
    <exec_method type="method" name="start" exec="/bin/sleep 100000 &amp;" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
  </service>`;
  }).join('');
  return `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="stop">${services}
</service_bundle>
`;
}

test('SIGTERM during a boot: the daemon exits at once, logs no internal error; the next one finishes the boot', { skip: skip ?? false, timeout: 180_000 }, async () => {
  h = await startDaemon();
  const file = path.join(h.root, 'stop.xml');
  fs.writeFileSync(file, bundle());
  const imp = await h.run('svccfg', ['import', file]);
  assert.equal(imp.code, 0, imp.stderr);
  // the import returns once the daemon has configured the instances: their starts are in flight
  assert.equal(await h.terminate(15000), true, `svc.startd did not exit within 15 s of SIGTERM\n${h.stderr}`);
  const log = fs.readFileSync(path.join(h.root, 'var/svc/log/svc.startd.log'), 'utf8');
  assert.match(log, /stopping: SIGTERM received/);
  assert.doesNotMatch(log, /internal error|repository write failed|cannot take start snapshots|not open/, log.slice(-3000));
  await h.start();
  const last = `svc:/site/stop/s${N - 1}:default`;
  await h.waitState(last, 'online', { timeoutMs: 120_000 });
  const listed = await h.run('svcs', ['-H', '-o', 'state', 'svc:/site/stop/*']);
  const states = listed.stdout.trim().split('\n');
  assert.equal(states.length, N);
  assert.deepEqual([...new Set(states)], ['online'], listed.stdout);
});

/** pids whose command line is exactly argv */
function pidsOf(...argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  return fs.readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d)).filter((d) => {
    try { return fs.readFileSync(`/proc/${d}/cmdline`, 'latin1') === want; } catch { return false; }
  }).map(Number);
}

test('SIGTERM with a wait-model service running and a start method in flight: the daemon exits, the service keeps running and is adopted', { skip: skip ?? false, timeout: 60_000 }, async () => {
  h2 = await startDaemon();
  const tag = String(process.pid);
  const file = path.join(h2.root, 'held.xml');
  fs.writeFileSync(file, `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="held">
  <service name="site/held/child" type="service" version="1">
    <create_default_instance enabled="true"/>
    <exec_method type="method" name="start" exec="/bin/sleep 1000${tag}" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
    <property_group name="startd" type="framework"><propval name="duration" type="astring" value="child"/></property_group>
  </service>
  <service name="site/held/slow" type="service" version="1">
    <create_default_instance enabled="true"/>
    <exec_method type="method" name="start" exec="/bin/sleep 2000${tag}" timeout_seconds="600"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
  </service>
</service_bundle>
`);
  const imp = await h2.run('svccfg', ['import', file]);
  assert.equal(imp.code, 0, imp.stderr);
  await h2.waitState('svc:/site/held/child:default', 'online');
  await h2.waitState('svc:/site/held/slow:default', 'offline', { next: 'online' }); // its start method runs
  const child = pidsOf('/bin/sleep', `1000${tag}`);
  assert.equal(child.length, 1, 'the wait-model service runs');
  assert.equal(await h2.terminate(5000), true, `svc.startd did not exit within 5 s of SIGTERM\n${h2.stderr}`);
  assert.deepEqual(pidsOf('/bin/sleep', `1000${tag}`), child, 'the service keeps running after the daemon exits');
  await h2.start();
  await h2.waitState('svc:/site/held/child:default', 'online');
  assert.deepEqual(pidsOf('/bin/sleep', `1000${tag}`), child, 'adopted, not started twice');
});
