// The MethodRunner with real processes: credentials (run as nobody), working directory,
// environment, log appending, built-ins, configuration errors, the wait (child) model.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createProcessAdapters, InstanceLogFiles, type ProcessAdapters } from '../../src/adapters/process/index.js';
import { ProcessMethodRunner } from '../../src/adapters/process/method-runner.js';
import { SystemUserDatabase } from '../../src/adapters/process/users.js';
import { buildMethodEnvironment, defaultMethodContext, type MethodContextSpec } from '../../src/core/method/index.js';
import { cgroupUnavailable, prog, removeCgroupParent, request, tempRoot, uniqueCgroupParent, waitFor } from '../fixtures/programs/helpers.js';

const isRoot = process.getuid?.() === 0;
const parent = uniqueCgroupParent();
const useCgroup = cgroupUnavailable() === null;
let root: { dir: string; cleanup: () => void };
let ad: ProcessAdapters;
let logs: InstanceLogFiles;

before(() => {
  root = tempRoot();
  ad = createProcessAdapters({ contracts: useCgroup ? 'cgroup' : 'pgroup', cgroupParent: parent });
  logs = new InstanceLogFiles({ dir: path.join(root.dir, 'var/svc/log') });
});
after(async () => {
  ad.contracts.close();
  if (useCgroup) await removeCgroupParent(parent);
  root.cleanup();
});

const report = (f: string) => Object.fromEntries(fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => {
  const i = l.indexOf('=');
  return [l.slice(0, i), l.slice(i + 1)];
}));
const ctx = (over: Partial<MethodContextSpec>): MethodContextSpec => ({ ...defaultMethodContext(), ...over });

test('runs as nobody with its group, cwd = working_directory, environment exactly as given', { skip: isRoot ? false : 'needs root to switch user' }, async () => {
  const fmri = 'svc:/test/creds:default';
  const out = path.join(root.dir, 'report-nobody');
  const work = path.join(root.dir, 'work');
  fs.mkdirSync(work);
  fs.chmodSync(root.dir, 0o777);
  const { env } = buildMethodEnvironment({ fmri, method: 'start', zonename: 'testhost', methodEnvironment: ['FOO=bar baz'] });
  const o = await ad.runner.run(request({
    fmri, exec: `${prog('report.sh')} ${out}`, logPath: logs.pathFor(fmri), env,
    context: ctx({ credentialsGiven: true, user: 'nobody', group: 'nogroup', workingDirectory: work }),
  }));
  assert.equal(o.exitCode, 0, o.stderrTail);
  const r = report(out);
  assert.equal(r.uid, '65534');
  assert.equal(r.gid, '65534');
  assert.equal(r.groups, '65534');
  assert.equal(r.cwd, work);
  assert.equal(r['env:SMF_FMRI'], fmri);
  assert.equal(r['env:SMF_METHOD'], 'start');
  assert.equal(r['env:SMF_ZONENAME'], 'testhost');
  assert.equal(r['env:FOO'], 'bar baz');
  assert.equal(r['env:HOME'], undefined, 'nothing is inherited from the daemon');
});

test('supplementary groups and capabilities through setpriv', { skip: isRoot ? false : 'needs root to switch user' }, async () => {
  const fmri = 'svc:/test/supp:default';
  const out = path.join(root.dir, 'report-supp');
  const o = await ad.runner.run(request({
    fmri, exec: `/bin/sh -c 'grep CapAmb /proc/self/status >> ${out}.caps; exec ${prog('report.sh')} ${out}'`, logPath: logs.pathFor(fmri),
    context: ctx({ credentialsGiven: true, user: 'nobody', group: 'nogroup', suppGroups: 'daemon,disk', privileges: 'basic,net_privaddr', workingDirectory: '/' }),
  }));
  assert.equal(o.exitCode, 0, o.stderrTail);
  assert.deepEqual(report(out).groups!.split(' ').map(Number).sort((a, b) => a - b), [1, 6, 65534]);
  assert.match(fs.readFileSync(`${out}.caps`, 'utf8'), /CapAmb:\s+0+400/); // CAP_NET_BIND_SERVICE = bit 10
});

test(':default working directory is the home of the user; root when no credentials', async () => {
  const fmri = 'svc:/test/cwd:default';
  const out = path.join(root.dir, 'report-cwd');
  const o = await ad.runner.run(request({ fmri, exec: `${prog('report.sh')} ${out}`, logPath: logs.pathFor(fmri), context: ctx({ workingDirectory: ':default' }) }));
  assert.equal(o.exitCode, 0);
  const home = new SystemUserDatabase().userById(process.getuid!())?.home || '/';
  assert.equal(report(out).cwd, fs.realpathSync(home));
});

test(':default working directory comes from the password database, not from the daemon\'s $HOME', async () => {
  const saved = process.env.HOME;
  process.env.HOME = '/nonexistent/daemon-home';
  try {
    const runner = new ProcessMethodRunner({ contracts: ad.contracts });
    const fmri = 'svc:/test/cwd2:default';
    const out = path.join(root.dir, 'report-cwd2');
    const o = await runner.run(request({ fmri, exec: `${prog('report.sh')} ${out}`, logPath: logs.pathFor(fmri), context: ctx({ workingDirectory: ':default' }) }));
    assert.equal(o.exitCode, 0, o.stderrTail);
    assert.equal(report(out).cwd, fs.realpathSync(new SystemUserDatabase().userById(process.getuid!())?.home || '/'));
  } finally {
    process.env.HOME = saved;
  }
});

test('configuration errors are spawnError values with a message naming the property; a working directory that cannot be entered exits 96', async () => {
  const fmri = 'svc:/test/bad:default';
  const logPath = logs.pathFor(fmri);
  const badUser = await ad.runner.run(request({ fmri, exec: '/bin/true', logPath, context: ctx({ credentialsGiven: true, user: 'no-such-user-xyz' }) }));
  assert.equal(badUser.spawnError, 'config');
  assert.match(badUser.message!, /user "no-such-user-xyz"/);
  const badCwd = await ad.runner.run(request({ fmri, exec: '/bin/true', logPath, context: ctx({ workingDirectory: '/no/such/dir' }) }));
  // as SMF's child does (smf-spec §4.5): exit 96, SMF_EXIT_ERR_CONFIG, with that wait status
  assert.deepEqual([badCwd.spawnError, badCwd.exitCode, badCwd.waitStatus], [undefined, 96, 96 << 8]);
  assert.match(badCwd.message!, /working directory "\/no\/such\/dir"/);
  const badKill = await ad.runner.run(request({ fmri, method: 'stop', exec: ':kill -NOPE', logPath }));
  assert.equal(badKill.spawnError, 'config');
  const nul = await ad.runner.run(request({ fmri, exec: '/bin/true', env: { PATH: '/bin', BAD: 'a\0b' }, logPath }));
  assert.equal(nul.spawnError, 'config');
  assert.match(fs.readFileSync(logPath, 'utf8'), /\[ \w{3} [ \d]\d \d\d:\d\d:\d\d working directory "\/no\/such\/dir" does not exist/);
});

test('built-ins: :true runs nothing; a missing program exits 127 (contract) or is "missing" (wait model)', async () => {
  const fmri = 'svc:/test/builtin:default';
  const t = await ad.runner.run(request({ fmri, exec: ':true', logPath: logs.pathFor(fmri) }));
  assert.deepEqual([t.exitCode, t.pid, t.spawnError], [0, undefined, undefined]);
  const m = await ad.runner.run(request({ fmri, exec: '/no/such/program', logPath: logs.pathFor(fmri) }));
  assert.equal(m.exitCode, 127);
  const w = await ad.runner.run(request({ fmri, model: 'child', exec: '/no/such/program', logPath: logs.pathFor(fmri) }));
  assert.equal(w.spawnError, 'missing');
});

test('wait model: pid known at once, outcome when the child exits (no timeout applies)', async () => {
  const fmri = 'svc:/test/wait:default';
  const flag = path.join(root.dir, 'wait-flag');
  const h = ad.runner.start(request({ fmri, model: 'child', exec: `${prog('loop-until.sh')} ${flag}`, timeoutMs: 50, logPath: logs.pathFor(fmri) }));
  assert.ok(h.pid && h.pid > 0);
  let done = false;
  void h.outcome.then(() => { done = true; });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(done, false, 'still running past the (ignored) timeout');
  fs.writeFileSync(flag, '');
  const o = await h.outcome;
  assert.deepEqual([o.exitCode, o.timedOut, o.pid], [0, false, h.pid]);
});

test('child killed by a signal reports the signal name', async () => {
  const fmri = 'svc:/test/signal:default';
  // cwd = the temp root, so a core file (if core dumps are enabled here) lands there
  const h = ad.runner.start(request({ fmri, model: 'child', exec: `${prog('stubborn.sh')}`, logPath: logs.pathFor(fmri), context: ctx({ workingDirectory: root.dir }) }));
  await waitFor(() => ad.contracts.members(fmri).length > 0 || !useCgroup);
  process.kill(h.pid!, 'SIGSEGV');
  const o = await h.outcome;
  assert.equal(o.signal, 'SIGSEGV');
  assert.equal(o.coreDumped, true);
  ad.contracts.kill(fmri, 9);
  await waitFor(() => ad.contracts.isEmpty(fmri));
});

test('method output and restarter lines are appended to the instance log, never truncated', async () => {
  const fmri = 'svc:/test/log:default';
  const p = logs.pathFor(fmri);
  assert.equal(path.basename(p), 'test-log:default.log');
  logs.append(fmri, 'Executing start method ("echo one").');
  await ad.runner.run(request({ fmri, exec: 'echo one', logPath: p }));
  await ad.runner.run(request({ fmri, exec: 'echo two >&2', logPath: p }));
  logs.append(fmri, 'Method "start" exited with status 0.');
  const lines = fs.readFileSync(p, 'utf8').split('\n');
  assert.match(lines[0]!, /^\[ \w{3} [ \d]\d \d\d:\d\d:\d\d Executing start method \("echo one"\)\. \]$/);
  assert.deepEqual(lines.slice(1, 3), ['one', 'two']);
  assert.match(lines[3]!, /Method "start" exited with status 0\. \]$/);
});

test('log rotation by size keeps N old files', () => {
  const dir = path.join(root.dir, 'rot');
  const small = new InstanceLogFiles({ dir, maxBytes: 100, keep: 2 });
  const fmri = 'svc:/test/rot:default';
  for (let i = 0; i < 20; i++) small.append(fmri, `line ${i} ${'x'.repeat(20)}`);
  const names = fs.readdirSync(dir).sort();
  assert.deepEqual(names, ['test-rot:default.log', 'test-rot:default.log.0', 'test-rot:default.log.1']);
  assert.match(fs.readFileSync(path.join(dir, names[0]!), 'utf8'), /line 19/);
  assert.ok(fs.statSync(path.join(dir, names[0]!)).size <= 200);
});
