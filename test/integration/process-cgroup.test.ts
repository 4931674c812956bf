// Real processes in real cgroups (v2): tracking of forked, double-forked and setsid'd
// descendants, the event-driven 'empty' event, kill via the contract, timeout SIGKILL,
// exit codes, :kill with waitForEmpty, and adoption by a new ContractManager (daemon restart).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createProcessAdapters, CgroupContracts, defaultCgroupParent, type ProcessAdapters } from '../../src/adapters/process/index.js';
import type { ContractEvent } from '../../src/ports/process.js';
import { alive, cgroupUnavailable, prog, readPid, removeCgroupParent, request, tempRoot, uniqueCgroupParent, waitFor } from '../fixtures/programs/helpers.js';

const skip = cgroupUnavailable();
const parent = uniqueCgroupParent();
let root: { dir: string; cleanup: () => void };
let ad: ProcessAdapters;
const events: ContractEvent[] = [];

before(() => {
  if (skip) return;
  root = tempRoot();
  ad = createProcessAdapters({ contracts: 'cgroup', cgroupParent: parent });
  ad.contracts.onEvent((e) => events.push(e));
});
after(async () => {
  if (skip) return;
  ad.contracts.close();
  await removeCgroupParent(parent);
  root.cleanup();
});

const log = () => path.join(root.dir, 'var/svc/log/test.log');
const file = (n: string) => path.join(root.dir, n);

test('a daemon and its double-forked, setsid\'d descendant are both in the contract; empty event when all exit', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/daemons:default';
  const o1 = await ad.runner.run(request({ fmri, exec: `${prog('daemon.sh')} ${file('d1.pid')}`, logPath: log() }));
  assert.equal(o1.exitCode, 0);
  assert.equal(o1.contractEmpty, false);
  const o2 = await ad.runner.run(request({ fmri, exec: `${prog('double-fork.sh')} ${file('d2.pid')}`, logPath: log() }));
  assert.equal(o2.exitCode, 0);
  const p1 = readPid(file('d1.pid'));
  const p2 = readPid(file('d2.pid'));
  const members = ad.contracts.members(fmri);
  assert.ok(members.includes(p1), `daemon ${p1} in ${members}`);
  assert.ok(members.includes(p2), `setsid'd grandchild ${p2} in ${members}`);
  assert.match(ad.contracts.kind(fmri), new RegExp(`^cgroup v2 /.*/${parent}/test%2Fdaemons:default$`));
  assert.equal(ad.contracts.contractId(fmri), fs.statSync(ad.contracts.kind(fmri).slice('cgroup v2 '.length)).ino);
  assert.equal(ad.contracts.isEmpty(fmri), false);
  // killed from outside: each death is a 'signal' event (smf-spec 5.1/5.4), the last one also empties the contract
  process.kill(p1, 'SIGTERM');
  await waitFor(() => !alive(p1));
  await waitFor(() => events.some((e) => e.fmri === fmri), 10000, 'signal event');
  assert.deepEqual(events.filter((e) => e.fmri === fmri).map((e) => e.kind), ['signal'], 'no empty event while a member is left');
  process.kill(p2, 'SIGTERM');
  await waitFor(() => events.filter((e) => e.fmri === fmri).length === 3, 10000, 'signal and empty events');
  assert.deepEqual(events.filter((e) => e.fmri === fmri).map((e) => e.kind), ['signal', 'signal', 'empty'], 'the signal comes before the emptiness it caused');
  assert.equal(ad.contracts.isEmpty(fmri), true);
  assert.match(fs.readFileSync(log(), 'utf8'), /daemon\.sh started/);
});

test('members exiting on their own are no events until the last one; a core-dumping signal is a core event', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/exits:default';
  const stop = file('exits.stop');
  const loop = `while [ ! -f ${stop} ]; do sleep 0.05; done`;
  const o = await ad.runner.run(request({ fmri, exec: `/bin/sh -c "(${loop}) & (${loop}) & exit 0"`, logPath: log() }));
  assert.equal(o.contractEmpty, false);
  fs.writeFileSync(stop, '');
  await waitFor(() => events.some((e) => e.fmri === fmri), 10000, 'empty event');
  assert.deepEqual(events.filter((e) => e.fmri === fmri).map((e) => e.kind), ['empty']);

  const fmri2 = 'svc:/test/cores:default';
  const o2 = await ad.runner.run(request({ fmri: fmri2, exec: `${prog('daemon.sh')} ${file('core.pid')}`, logPath: log() }));
  assert.equal(o2.contractEmpty, false);
  process.kill(readPid(file('core.pid')), 'SIGSEGV'); // (a shell's background job ignores SIGQUIT)
  await waitFor(() => events.filter((e) => e.fmri === fmri2).length === 2, 10000, 'core and empty events');
  assert.deepEqual(events.filter((e) => e.fmri === fmri2).map((e) => e.kind), ['core', 'empty']);
});

test('a member killed while a stop holds the contract is no event', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/held:default';
  const o = await ad.runner.run(request({ fmri, exec: `${prog('daemon.sh')} ${file('held.pid')}`, logPath: log() }));
  assert.equal(o.contractEmpty, false);
  const stop = await ad.runner.run(request({ fmri, method: 'stop', exec: ':kill', logPath: log(), waitForEmpty: true }));
  assert.equal(stop.exitCode, 0);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(events.filter((e) => e.fmri === fmri).map((e) => e.kind), []);
});

test('start exiting 0 with an already empty contract reports contractEmpty and emits no event', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/forgot-transient:default';
  const o = await ad.runner.run(request({ fmri, exec: prog('exit.sh') + ' 0', logPath: log() }));
  assert.equal(o.exitCode, 0);
  assert.equal(o.contractEmpty, true);
  assert.equal(o.waitStatus, 0);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(events.filter((e) => e.fmri === fmri).length, 0);
  // the empty group removed behind the manager's back (e.g. by an operator): the next start recreates it
  fs.rmdirSync(ad.contracts.kind(fmri).slice('cgroup v2 '.length));
  const again = await ad.runner.run(request({ fmri, exec: prog('exit.sh') + ' 0', logPath: log() }));
  assert.deepEqual([again.exitCode, again.contractEmpty], [0, true]);
});

test('exit codes and stderr tail are surfaced', { skip: skip ?? false }, async () => {
  const o = await ad.runner.run(request({ fmri: 'svc:/test/exit:default', exec: `${prog('exit.sh')} 95`, logPath: log() }));
  assert.equal(o.exitCode, 95);
  assert.equal(o.waitStatus, 95 << 8);
  assert.equal(o.timedOut, false);
  assert.match(o.stderrTail, /exit\.sh exiting with 95/);
});

test('timeout: the whole method cgroup gets SIGKILL, including a TERM-ignoring child', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/timeout:default';
  const o = await ad.runner.run(request({ fmri, exec: `${prog('stubborn.sh')} ${file('s.pid')}`, timeoutMs: 300, logPath: log() }));
  assert.equal(o.timedOut, true);
  assert.equal(o.signal, 'SIGKILL');
  assert.equal(o.exitCode, undefined);
  assert.equal(ad.contracts.isEmpty(fmri), true, 'drained before the outcome');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(events.filter((e) => e.fmri === fmri).length, 0, 'the timeout outcome reports it; no late empty event');
  // the contract killed is reported for the restarter's log line (written once, by the engine)
  assert.equal(typeof o.contractId, 'number');
  assert.doesNotMatch(fs.readFileSync(log(), 'utf8'), /timed out/);
});

test('stop with :kill and waitForEmpty; a TERM-ignoring member is SIGKILLed at the deadline', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/stop:default';
  const start = await ad.runner.run(request({ fmri, exec: `${prog('daemon.sh')} ${file('k.pid')}`, logPath: log() }));
  assert.equal(start.exitCode, 0);
  const stop = await ad.runner.run(request({ fmri, method: 'stop', exec: ':kill', waitForEmpty: true, timeoutMs: 5000, logPath: log() }));
  assert.deepEqual([stop.exitCode, stop.timedOut], [0, false]);
  assert.equal(alive(readPid(file('k.pid'))), false);
  // stubborn: :kill (TERM) is ignored, so the stop times out and the contract is SIGKILLed
  const start2 = ad.runner.start(request({ fmri, exec: `${prog('stubborn.sh')} ${file('st.pid')}`, logPath: log() }));
  await waitFor(() => fs.existsSync(file('st.pid')));
  const stop2 = await ad.runner.run(request({ fmri, method: 'stop', exec: ':kill -TERM', waitForEmpty: true, timeoutMs: 300, logPath: log() }));
  assert.equal(stop2.timedOut, true);
  assert.equal((await start2.outcome).signal, 'SIGKILL');
  await waitFor(() => ad.contracts.isEmpty(fmri));
  assert.equal(events.filter((e) => e.fmri === fmri).length, 0, 'the stop itself reports emptiness; no event');
});

test('killContract with a signal name reaches every member', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/kill:default';
  await ad.runner.run(request({ fmri, exec: `${prog('double-fork.sh')} ${file('kk.pid')}`, logPath: log() }));
  const pid = readPid(file('kk.pid'));
  assert.equal(ad.contracts.kill(fmri, 'HUP'), 1);
  await waitFor(() => !alive(pid));
  await waitFor(() => events.some((e) => e.fmri === fmri && e.kind === 'empty'));
});

test('a new ContractManager adopts an existing cgroup by id (daemon restart); abandon leaves processes running', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/adopt:default';
  await ad.runner.run(request({ fmri, exec: `${prog('daemon.sh')} ${file('a.pid')}`, logPath: log() }));
  const pid = readPid(file('a.pid'));
  const id = ad.contracts.contractId(fmri)!;
  ad.contracts.abandon(fmri);
  // The old manager keeps watching the abandoned group to remove it once empty. Two managers of
  // one group in one process (a real restart has one): let its watch become active first, or it
  // may remove the group before the kill below reaches the new manager's watch.
  await (ad.runner as unknown as { opts: { native: { sync(): Promise<void> } | null } }).opts.native?.sync();
  assert.equal(alive(pid), true, 'abandon does not kill');
  assert.equal(ad.contracts.has(fmri), false);
  const restarted = new CgroupContracts({ root: path.dirname(ad.contracts.kind('svc:/x:y').slice('cgroup v2 '.length).replace(/\/[^/]+$/, '')), parent });
  try {
    const got: ContractEvent[] = [];
    restarted.onEvent((e) => got.push(e));
    assert.equal(restarted.adopt(fmri, id + 1), false, 'wrong id');
    assert.equal(restarted.adopt(fmri, id), true);
    assert.deepEqual(restarted.members(fmri), [pid]);
    assert.equal(restarted.contractId(fmri), id);
    restarted.kill(fmri, 'KILL');
    await waitFor(() => got.length > 0, 10000, 'empty event after adoption');
    assert.deepEqual(got.map((e) => [e.fmri, e.kind, e.contractId]), [[fmri, 'empty', id]]);
    assert.equal(restarted.adopt('svc:/test/none:default'), false);
  } finally {
    restarted.close();
  }
});

test('a transient start runs in a throw-away group; processes left behind are not tracked', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/transient:default';
  const o = await ad.runner.run(request({ fmri, model: 'transient', exec: `${prog('daemon.sh')} ${file('t.pid')}`, logPath: log() }));
  assert.equal(o.exitCode, 0);
  assert.equal(o.contractEmpty, undefined);
  assert.equal(ad.contracts.has(fmri), false);
  const pid = readPid(file('t.pid'));
  assert.equal(alive(pid), true);
  const k = await ad.runner.run(request({ fmri, model: 'transient', method: 'stop', exec: ':kill', logPath: log() }));
  assert.equal(k.spawnError, 'config');
  process.kill(pid, 'SIGKILL');
});

test('state roots get their own parent group; close() removes empty groups and the parent', { skip: skip ?? false }, async () => {
  assert.equal(defaultCgroupParent('/'), 'tsmf');
  assert.equal(defaultCgroupParent(undefined), 'tsmf');
  const a = defaultCgroupParent('/tmp/tsmf-x/root one');
  assert.match(a, /^tsmf\/root_one-[0-9a-f]{8}$/);
  assert.notEqual(a, defaultCgroupParent('/tmp/tsmf-y/root one'));
  const own = createProcessAdapters({ contracts: 'cgroup', cgroupParent: `${parent}/sub` });
  const fmri = 'svc:/test/close:default';
  const o = await own.runner.run(request({ fmri, exec: '/bin/true', logPath: log() }));
  assert.equal(o.exitCode, 0);
  const dir = own.contracts.kind(fmri).slice('cgroup v2 '.length);
  assert.equal(fs.existsSync(dir), true);
  own.contracts.close();
  assert.equal(fs.existsSync(dir), false);
  assert.equal(fs.existsSync(path.dirname(dir)), false);
});

test('empty method groups of a daemon that died are removed by the next manager', { skip: skip ?? false }, () => {
  const cgRoot = path.dirname(ad.contracts.kind('svc:/x:y').slice('cgroup v2 '.length).replace(/\/[^/]+$/, ''));
  const dir = path.join(cgRoot, parent, 'test%2Fstale:default~m999999999.1');
  const live = path.join(cgRoot, parent, `test%2Fstale:default~m${process.pid}.77`);
  fs.mkdirSync(dir);
  fs.mkdirSync(live);
  const next = new CgroupContracts({ root: cgRoot, parent });
  next.close();
  assert.equal(fs.existsSync(dir), false);
  assert.equal(fs.existsSync(live), true, 'groups of a live daemon are left alone');
  fs.rmdirSync(live);
});
