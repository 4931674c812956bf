// Contracts through the real daemon (smf-spec §2.6, §2.7, §4.5, §4.8, §5.1, §7.1): the stop method after all
// processes of a contract service exited, restarter/contract cleared by disabled and maintenance, a method's own
// contract shown by svcs -p while it runs (restarter/transient_contract), a working directory that cannot be
// entered (exit 96), and the timeout line written once with the contract's id.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { daemonUnavailable, disposeDaemon, makeRoot, runCli, startDaemon, waitFor, type DaemonHandle } from '../helpers/daemon.js';

const skip = daemonUnavailable();
let h: DaemonHandle | undefined;
const F = (name: string) => `svc:/site/ct/${name}:default`;
const at = (name: string) => path.join(h!.root, name);

function service(name: string, start: string, opts: { stop?: string; duration?: string; timeout?: number; context?: string } = {}): string {
  return `  <service name='site/ct/${name}' type='service' version='1'>
    <exec_method type='method' name='start' exec='${start}' timeout_seconds='${opts.timeout ?? 30}'>${opts.context ?? ''}</exec_method>
    <exec_method type='method' name='stop' exec='${opts.stop ?? ':kill'}' timeout_seconds='10'/>
    <property_group name='startd' type='framework'><propval name='duration' type='astring' value='${opts.duration ?? 'contract'}'/></property_group>
    <instance name='default' enabled='true'/>
  </service>
`;
}

async function prop(fmri: string, p: string): Promise<string | undefined> {
  const r = await h!.run('svcprop', ['-p', p, fmri]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}
const log = (name: string) => fs.readFileSync(path.join(h!.root, 'var/svc/log', `site-ct-${name}:default.log`), 'utf8');
const count = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l)).length;

before(async () => {
  if (skip) return;
  h = await startDaemon();
  const bin = at('bin');
  fs.mkdirSync(bin);
  // a daemon that exits 0 by itself once `gone` exists (its start removes `gone`); a stop method that records its
  // runs and stops the daemon
  fs.writeFileSync(path.join(bin, 'exiter'), `#!/bin/sh\nrm -f "$1"\n(while [ ! -e "$1" ]; do sleep 0.05; done) >/dev/null 2>&1 &\nexit 0\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'stop'), `#!/bin/sh\necho stop >> "$1"\ntouch "$2"\nexit 0\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'waitfor'), `#!/bin/sh\nwhile [ ! -e "$1" ]; do sleep 0.05; done\nexit 0\n`, { mode: 0o755 });
  const file = at('ct.xml');
  fs.writeFileSync(file, `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type='manifest' name='ct'>
${service('exit', `${bin}/exiter ${at('gone')}`, { stop: `${bin}/stop ${at('stops')} ${at('gone')}` })}${service('slow', `${bin}/waitfor ${at('go')}`, { duration: 'transient' })}${service('badwd', '/bin/sleep 1000 &amp;', { context: "<method_context working_directory='/nonexistent/tsmf-dir'/>" })}${service('hang', '/bin/sleep 1000', { timeout: 1 })}</service_bundle>
`);
  const r = await h.run('svccfg', ['import', file]);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => { await disposeDaemon(h); });

test('all processes exited: the stop method runs against the emptied contract, then the instance starts again', { skip }, async () => {
  await h!.waitState(F('exit'), 'online');
  fs.writeFileSync(at('gone'), '');
  await waitFor('the stop method to run', () => (fs.existsSync(at('stops')) ? true : undefined));
  await waitFor('a second start', () => (count(log('exit'), /Executing start method/) >= 2 ? true : undefined));
  await h!.waitState(F('exit'), 'online');
  const text = log('exit');
  assert.ok(text.indexOf('Stopping because all processes in service exited.') < text.lastIndexOf('Executing stop method'), text);
  assert.equal(fs.readFileSync(at('stops'), 'utf8'), 'stop\n');
  // online -> offline kept the contract for the next start; disable abandons it: no contract id left
  assert.match((await prop(F('exit'), 'restarter/contract')) ?? '', /^\d+$/);
  const d = await h!.run('svcadm', ['disable', '-s', F('exit')]);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(await prop(F('exit'), 'restarter/contract'), undefined, 'disabled abandons the primary contract');
  assert.equal((await h!.run('svcs', ['-H', '-o', 'ctid', F('exit')])).stdout, '     -\n');
  assert.equal(fs.readFileSync(at('stops'), 'utf8'), 'stop\nstop\n');
});

test('a transient start method\'s processes are listed by svcs -p while it runs; its contract is gone after', { skip }, async () => {
  await h!.waitState(F('slow'), 'offline', { next: 'online' });
  const tc = await waitFor('restarter/transient_contract', async () => prop(F('slow'), 'restarter/transient_contract'));
  assert.match(tc, /^\d+$/);
  const p = await h!.run('svcs', ['-p', '-H', F('slow')]);
  assert.equal(p.code, 0, p.stderr);
  const lines = p.stdout.split('\n').filter(Boolean);
  assert.match(lines[0]!, /^offline\*\s+\S+\s+svc:\/site\/ct\/slow:default$/);
  assert.ok(lines.slice(1).some((l) => /^\s+\S+\s+\d+ waitfor$/.test(l)), p.stdout);
  fs.writeFileSync(at('go'), '');
  await h!.waitState(F('slow'), 'online');
  await waitFor('transient_contract removed', async () => ((await prop(F('slow'), 'restarter/transient_contract')) === undefined ? true : undefined));
});

test('a working directory that cannot be entered: exit 96 (SMF_EXIT_ERR_CONFIG), maintenance, no contract left', { skip }, async () => {
  await h!.waitState(F('badwd'), 'maintenance');
  assert.equal(await prop(F('badwd'), 'restarter/auxiliary_state'), 'method_failed');
  assert.equal(await prop(F('badwd'), 'restarter/start_method_waitstatus'), String(96 << 8));
  assert.equal(await prop(F('badwd'), 'restarter/contract'), undefined);
  const x = await h!.run('svcs', ['-x', F('badwd')]);
  assert.match(x.stdout, /Reason: Start method exited with \$SMF_EXIT_ERR_CONFIG\./);
  const text = log('badwd');
  assert.equal(count(text, /Method "start" exited with status 96\./), 1, text);
  assert.equal(count(text, /working directory "\/nonexistent\/tsmf-dir" does not exist/), 1, text);
});

test('a start method killed by its timeout: one log line per timeout, naming the contract; three tries', { skip }, async () => {
  await h!.waitState(F('hang'), 'maintenance', { timeoutMs: 30_000 });
  assert.equal(await prop(F('hang'), 'restarter/auxiliary_state'), 'fault_threshold_reached');
  const text = log('hang');
  assert.equal(count(text, /exit timed out/), 3, text);
  assert.equal(count(text, /Method or service exit timed out\. Killing contract \d+\./), 3, text);
  // then the method's own end, as illumos method_run logs it
  assert.equal(text.match(/Killing contract \d+\. \]\n\[ [^\]]* Method "start" failed due to signal KILL\. \]/g)?.length, 3, text);
  assert.equal(await prop(F('hang'), 'restarter/contract'), undefined);
});

test('an instance without a running snapshot (added by hand) gets one from svc.startd as it enters the graph', { skip }, async () => {
  const root = makeRoot('tsmf-running-');
  let d: DaemonHandle | undefined;
  try {
    const add = await runCli(root, 'svccfg', [], { input: 'add site/hand\nselect site/hand\nadd default\nselect default\naddpg general framework\nsetprop general/enabled = boolean: false\n' });
    assert.equal(add.code, 0, add.stderr);
    assert.equal((await runCli(root, 'svccfg', ['-s', 'site/hand:default', 'listsnap'])).stdout, '');
    d = await startDaemon({ root });
    await d.waitState('svc:/site/hand:default', 'disabled');
    assert.equal((await d.run('svccfg', ['-s', 'site/hand:default', 'listsnap'])).stdout, 'running\n');
    assert.equal((await d.run('svcprop', ['-s', 'running', '-p', 'general/enabled', 'site/hand:default'])).stdout, 'false\n');
  } finally {
    await disposeDaemon(d);
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('svcadm milestone -d without a daemon is recorded; at the next boot nothing outside the milestone starts', { skip }, async () => {
  const root = makeRoot('tsmf-milestone-');
  let d: DaemonHandle | undefined;
  try {
    d = await startDaemon({ root });
    const marks = path.join(root, 'marks');
    fs.writeFileSync(path.join(root, 'mark'), `#!/bin/sh\necho start >> "$1"\nsleep 1000 >/dev/null 2>&1 &\nexit 0\n`, { mode: 0o755 });
    const file = path.join(root, 'outside.xml');
    fs.writeFileSync(file, `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type='manifest' name='o'>
${service('outside', `${path.join(root, 'mark')} ${marks}`)}</service_bundle>
`);
    assert.equal((await d.run('svccfg', ['import', file])).code, 0);
    await d.waitState(F('outside'), 'online');
    await d.stop();
    const m = await runCli(root, 'svcadm', ['milestone', '-d', 'single-user']);
    assert.equal(m.code, 0, m.stderr);
    assert.equal((await runCli(root, 'svcprop', ['-c', '-p', 'options/milestone', 'svc:/system/svc/restarter:default'])).stdout, 'svc:/milestone/single-user:default\n');
    await d.reboot();
    await d.waitState('svc:/milestone/single-user:default', 'online');
    await d.waitState(F('outside'), 'disabled');
    assert.equal(fs.readFileSync(marks, 'utf8'), 'start\n', 'not started in the new boot');
    const all = await d.run('svcadm', ['milestone', 'all']);
    assert.equal(all.code, 0, all.stderr);
    await d.waitState(F('outside'), 'online');
    assert.equal(fs.readFileSync(marks, 'utf8'), 'start\nstart\n');
  } finally {
    await disposeDaemon(d);
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a wait-model child adopted after a kill -9 of svc.startd is still watched: its exit restarts it', { skip, timeout: 90_000 }, async () => {
  const w = await startDaemon();
  try {
    const file = path.join(w.root, 'waitd.xml');
    fs.writeFileSync(file, `<?xml version='1.0'?>
<!DOCTYPE service_bundle SYSTEM '/usr/share/lib/xml/dtd/service_bundle.dtd.1'>
<service_bundle type='manifest' name='waitd'>
  <service name='site/waitd' type='service' version='1'>
    <exec_method type='method' name='start' exec='/bin/sleep 100000' timeout_seconds='30'/>
    <exec_method type='method' name='stop' exec=':kill' timeout_seconds='10'/>
    <property_group name='startd' type='framework'><propval name='duration' type='astring' value='child'/></property_group>
    <instance name='default' enabled='true'/>
  </service>
</service_bundle>
`);
    assert.equal((await w.run('svccfg', ['import', file])).code, 0);
    const fmri = 'svc:/site/waitd:default';
    await w.waitState(fmri, 'online');
    const pidOf = async () => Number((await w.run('svcprop', ['-p', 'restarter/start_pid', fmri])).stdout.trim());
    const first = await pidOf();
    assert.ok(first > 1);
    await w.killDaemonOnly();
    await w.start();
    await w.waitState(fmri, 'online');
    assert.equal(await pidOf(), first, 'adopted, not started again');
    process.kill(first, 'SIGTERM');
    await waitFor('the adopted child to be restarted', async () => {
      const p = await pidOf();
      return p !== first && (await w.state(fmri)).state === 'online' ? true : undefined;
    }, { timeoutMs: 20_000 });
  } finally {
    await disposeDaemon(w);
  }
});
