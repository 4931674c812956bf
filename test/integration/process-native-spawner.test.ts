// The native spawner (native/spawner.c) behind the method runner: methods cloned straight into
// their cgroup, the shell-free forms (a plain command; "plain command &"), and the Linux quirk of a
// cgroup once killed through cgroup.kill (CLONE_INTO_CGROUP children SIGKILLed at birth).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { appendLogLine, createProcessAdapters, detectCgroup2Root, InstanceLogFiles, locateNativeSpawner, NativeSpawner, type ProcessAdapters } from '../../src/adapters/process/index.js';
import type { ContractEvent } from '../../src/ports/process.js';
import { alive, cgroupUnavailable, removeCgroupParent, request, tempRoot, uniqueCgroupParent, waitFor } from '../fixtures/programs/helpers.js';

const binary = locateNativeSpawner();
const skip = cgroupUnavailable() ?? (binary ? null : 'build/Release/tsmf-spawner is not built (npm ci builds it)');
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

const log = () => path.join(root.dir, 'var/svc/log/native.log');
const file = (n: string) => path.join(root.dir, n);
const groupDir = (fmri: string) => ad.contracts.kind(fmri).slice('cgroup v2 '.length);
/** Resolves when a spawned child exits, rejects on its spawn error. */
const exited = (c: import('node:events').EventEmitter) =>
  new Promise<void>((resolve, reject) => { c.once('exit', () => resolve()); c.once('error', reject); });
const procStatus = (pid: number, field: string) => /^\S+:\s*(.*)$/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field + ':'))!)![1]!;

test('"cmd &": the method is done once cmd runs; cmd is the contract, ignores SIGINT/SIGQUIT, gets PWD', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/bg:default';
  const o = await ad.runner.run(request({ fmri, exec: '/bin/sleep 1000 &', logPath: log(), env: { PATH: '/usr/bin:/bin', X: 'y' } }));
  assert.deepEqual([o.exitCode, o.contractEmpty], [0, false]);
  const [pid] = ad.contracts.members(fmri);
  assert.ok(pid !== undefined && alive(pid));
  assert.equal(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), '/bin/sleep\x001000\x00');
  const ignored = BigInt('0x' + procStatus(pid, 'SigIgn'));
  assert.equal(ignored & 0b110n, 0b110n, 'SIGINT (2) and SIGQUIT (3) ignored, as in a shell\'s asynchronous list');
  const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).sort();
  assert.deepEqual(env, ['PATH=/usr/bin:/bin', 'PWD=/', 'X=y']);
  assert.ok(new NativeSpawnerProbe(ad).spawnerPids().includes(Number(procStatus(pid, 'PPid'))), 'a child of a spawner (its subreaper)');
  process.kill(pid, 'SIGKILL');
  await waitFor(() => events.filter((e) => e.fmri === fmri).length === 2, 10000, 'signal and empty events');
  assert.deepEqual(events.filter((e) => e.fmri === fmri).map((e) => e.kind), ['signal', 'empty']);
});

test('"missing &" exits 0 like the shell would, with an empty contract and a log line', { skip: skip ?? false }, async () => {
  const o = await ad.runner.run(request({ fmri: 'svc:/test/bgmissing:default', exec: '/nonexistent/daemon -f &', logPath: log() }));
  assert.deepEqual([o.exitCode, o.contractEmpty], [0, true]);
  assert.match(fs.readFileSync(log(), 'utf8'), /cannot execute "\/nonexistent\/daemon": ENOENT/);
});

test('a plain command is found on the PATH of the method environment; a missing one exits 127', { skip: skip ?? false }, async () => {
  const bin = file('bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'hello'), `#!/bin/sh\necho "hello $1" > ${file('hello.out')}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'noshebang'), `echo "plain $1" > ${file('plain.out')}\n`, { mode: 0o755 });
  const o = await ad.runner.run(request({ fmri: 'svc:/test/path:default', exec: 'hello world', logPath: log(), env: { PATH: `/nonexistent:${bin}:/usr/bin:/bin` } }));
  assert.equal(o.exitCode, 0, o.stderrTail);
  assert.equal(fs.readFileSync(file('hello.out'), 'utf8'), 'hello world\n');
  const s = await ad.runner.run(request({ fmri: 'svc:/test/path:default', exec: 'noshebang there', logPath: log(), env: { PATH: `${bin}:/usr/bin:/bin` } }));
  assert.equal(s.exitCode, 0, 'a script without #! runs under /bin/sh, as the shell would run it');
  assert.equal(fs.readFileSync(file('plain.out'), 'utf8'), 'plain there\n');
  const m = await ad.runner.run(request({ fmri: 'svc:/test/path:default', exec: 'no-such-program-here', logPath: log(), env: { PATH: bin } }));
  assert.equal(m.exitCode, 127);
});

test('a cgroup once killed through cgroup.kill still takes new methods (joined by cgroup.procs)', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/killed:default';
  const first = await ad.runner.run(request({ fmri, exec: '/bin/sleep 1000 &', logPath: log() }));
  assert.equal(first.contractEmpty, false);
  const [pid] = ad.contracts.members(fmri);
  fs.writeFileSync(path.join(groupDir(fmri), 'cgroup.kill'), '1');
  await waitFor(() => !alive(pid!), 10000, 'killed');
  await waitFor(() => ad.contracts.isEmpty(fmri), 10000, 'empty');
  const again = await ad.runner.run(request({ fmri, exec: '/bin/sleep 1000 &', logPath: log() }));
  assert.deepEqual([again.exitCode, again.contractEmpty], [0, false], 'the new process lives');
  const members = ad.contracts.members(fmri);
  assert.equal(members.length, 1);
  const own = fs.readFileSync(`/proc/${members[0]}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))!.slice(3);
  assert.ok(groupDir(fmri).endsWith(own), `${own} is the instance's group`);
  ad.contracts.kill(fmri, 'SIGKILL');
  await waitFor(() => ad.contracts.isEmpty(fmri), 10000, 'empty again');
});

test('the spawner reports a NUL byte as a refusal before anything runs, and survives bad requests of the runner', { skip: skip ?? false }, async () => {
  const s = new NativeSpawner(binary!);
  try {
    assert.throws(() => s.spawn({ file: '/bin/true', argv: ['true', 'a\0b'], env: {}, cwd: '/', logPath: log(), cgroupDir: null }), /NUL/);
    const exit = await new Promise<unknown[]>((resolve) => {
      const c = s.spawn({ file: '/bin/sh', argv: ['sh', '-c', 'exit 7'], env: {}, cwd: '/', logPath: log(), cgroupDir: null });
      c.on('exit', (code, sig) => resolve([code, sig]));
      c.on('error', (e) => resolve([e]));
    });
    assert.deepEqual(exit, [7, null]);
    const err = await new Promise<NodeJS.ErrnoException & { stage?: string }>((resolve) => {
      const c = s.spawn({ file: '/bin/true', argv: ['true'], env: {}, cwd: '/nonexistent-dir', logPath: log(), cgroupDir: null });
      c.on('error', resolve);
    });
    assert.deepEqual([err.code, err.stage], ['ENOENT', 'cwd']);
  } finally {
    s.close();
  }
});

/** The pid of the spawner behind the adapters' runner (its children are reparented to it). */
class NativeSpawnerProbe {
  constructor(private readonly a: ProcessAdapters) {}
  spawnerPids(): number[] {
    const runner = this.a.runner as unknown as { opts: { native: NativeSpawner | null } };
    return runner.opts.native?.pids ?? [];
  }
}

test('one inotify descriptor in the spawner watches the contracts: an empty event without an FSWatcher per group', { skip: skip ?? false }, async () => {
  const fmri = 'svc:/test/watched:default';
  const o = await ad.runner.run(request({ fmri, exec: '/bin/sleep 1000 &', logPath: log() }));
  assert.equal(o.contractEmpty, false);
  const [pid] = ad.contracts.members(fmri);
  // the spawner holds the watch (one inotify descriptor for all groups)
  const spawners = new NativeSpawnerProbe(ad).spawnerPids();
  const inotifyOf = (p: number) => fs.readdirSync(`/proc/${p}/fd`).filter((fd) => {
    try { return fs.readlinkSync(`/proc/${p}/fd/${fd}`) === 'anon_inode:inotify'; } catch { return false; }
  }).length;
  assert.ok(spawners.some((p) => inotifyOf(p) === 1), 'a spawner has the inotify descriptor');
  // the watch reports the emptiness (after the signal event of the member's death)
  process.kill(pid!, 'SIGKILL');
  await waitFor(() => events.filter((e) => e.fmri === fmri).length === 2, 10000, 'signal and empty events');
  assert.deepEqual(events.filter((e) => e.fmri === fmri).map((e) => e.kind), ['signal', 'empty']);
});

test('LOG: the spawner creates the file (and its directory), appends in order, rotates logadm style, reports errors', { skip: skip ?? false }, async () => {
  const s = new NativeSpawner(binary!, { processes: 2 });
  try {
    const p = file('logs/deep/er/a.log');
    const errors: string[] = [];
    const onError = (f: string, e: Error) => errors.push(`${f}: ${e.message}`);
    for (let i = 0; i < 50; i++) s.appendLog(p, `line ${i}\n`, { maxBytes: 0, keep: 3 }, onError);
    assert.equal(s.logPending(p), true);
    await s.whenLogWritten(p);
    assert.equal(s.logPending(p), false);
    assert.equal(s.whenLogWritten(p), null, 'nothing in flight');
    assert.equal(fs.readFileSync(p, 'utf8'), Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''));
    assert.equal(fs.statSync(p).mode & 0o777, 0o644);
    // over max bytes before a write: a -> a.0 (-> a.1), the new line starts a fresh file
    s.appendLog(p, 'after rotation\n', { maxBytes: 20, keep: 2 }, onError);
    s.appendLog(p, 'second\n', { maxBytes: 20, keep: 2 }, onError);
    await s.flushLogs();
    assert.equal(fs.readFileSync(p, 'utf8'), 'after rotation\nsecond\n', 'at 15 bytes, not over the limit: appended');
    assert.match(fs.readFileSync(`${p}.0`, 'utf8'), /^line 0\nline 1\n/);
    s.appendLog(p, 'third\n', { maxBytes: 20, keep: 2 }, onError);
    await s.flushLogs();
    assert.equal(fs.readFileSync(`${p}.1`, 'utf8').slice(0, 7), 'line 0\n', 'the oldest generation shifted');
    assert.equal(fs.readFileSync(`${p}.0`, 'utf8'), 'after rotation\nsecond\n');
    assert.equal(fs.readFileSync(p, 'utf8'), 'third\n');
    assert.deepEqual(errors, []);
    // a file that cannot be created: reported through onError, nothing waits forever
    const bad = file('logs/a-file/x.log');
    fs.writeFileSync(file('logs/a-file'), '');
    s.appendLog(bad, 'lost\n', { maxBytes: 0, keep: 0 }, onError);
    await s.whenLogWritten(bad);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /a-file\/x\.log: ENOTDIR \(not a directory\)$/);
    assert.throws(() => s.appendLog('/tmp/a\0b', 'x', { maxBytes: 0, keep: 0 }), /NUL/);
  } finally {
    s.close();
  }
});

test('a method follows the restarter\'s lines sent before it, without waiting for them (same spawner, request order)', { skip: skip ?? false }, async () => {
  const s = new NativeSpawner(binary!, { processes: 4 });
  const dir = file('ordered');
  fs.mkdirSync(dir, { recursive: true });
  try {
    const runs = Array.from({ length: 24 }, (_, i) => {
      const logPath = path.join(dir, `m${i}.log`);
      s.appendLog(logPath, `[ Executing start method for m${i} ]\n`, { maxBytes: 0, keep: 0 });
      const c = s.spawn({ file: '/bin/echo', argv: ['echo', `output of m${i}`], env: {}, cwd: '/', logPath, cgroupDir: null });
      return exited(c).then(() => logPath);
    });
    for (const [i, logPath] of (await Promise.all(runs)).entries()) {
      assert.equal(fs.readFileSync(logPath, 'utf8'), `[ Executing start method for m${i} ]\noutput of m${i}\n`);
    }
  } finally {
    s.close();
  }
});

test('requests of one long turn of the loop reach the spawner before the turn ends (a reload starting hundreds)', { skip: skip ?? false }, async () => {
  const s = new NativeSpawner(binary!, { processes: 1 });
  const dir = file('early');
  fs.mkdirSync(dir, { recursive: true });
  try {
    const runs = Array.from({ length: 40 }, (_, i) => {
      const c = s.spawn({ file: '/bin/sh', argv: ['sh', '-c', `: > ${dir}/m${i}`], env: {}, cwd: '/', logPath: path.join(dir, 'log'), cgroupDir: null });
      return exited(c);
    });
    // still in the same turn: the first methods run meanwhile
    const deadline = Date.now() + 5000;
    while (!fs.existsSync(path.join(dir, 'm0')) && Date.now() < deadline) { /* busy: the loop does not turn */ }
    assert.ok(fs.existsSync(path.join(dir, 'm0')), 'the first method ran before the turn that asked for it ended');
    await Promise.all(runs);
    assert.equal(fs.readdirSync(dir).filter((f) => f.startsWith('m')).length, 40);
  } finally {
    s.close();
  }
});

test('after close() the pool starts no spawner: a log line is appended directly, a spawn fails with EHELPER', { skip: skip ?? false }, async () => {
  const s = new NativeSpawner(binary!, { processes: 1 });
  const logPath = path.join(file('closed'), 'sub', 'x.log');
  s.appendLog(logPath, 'before\n', { maxBytes: 0, keep: 0 });
  await s.whenLogWritten(logPath);
  const pids = s.pids;
  s.close();
  const errors: string[] = [];
  s.appendLog(logPath, 'after close\n', { maxBytes: 0, keep: 0 }, (_f, e) => errors.push(e.message));
  s.appendLog(path.join(file('closed'), 'new', 'y.log'), 'new file\n', { maxBytes: 0, keep: 0 }, (_f, e) => errors.push(e.message));
  const c = s.spawn({ file: '/bin/true', argv: ['true'], env: {}, cwd: '/', logPath, cgroupDir: null });
  await assert.rejects(exited(c), /the spawner is closed/);
  assert.deepEqual(errors, []);
  assert.equal(fs.readFileSync(logPath, 'utf8'), 'before\nafter close\n');
  assert.equal(fs.readFileSync(path.join(file('closed'), 'new', 'y.log'), 'utf8'), 'new file\n');
  await waitFor(() => pids.every((p) => !alive(p)), 5000, 'the closed spawner to exit');
  assert.deepEqual(s.pids, [], 'no spawner process started after close()');
});

test('InstanceLogFiles with the spawner as writer: bracketed lines; appendLogLine joins lines in flight instead of overtaking them', { skip: skip ?? false }, async () => {
  const s = new NativeSpawner(binary!, { processes: 2 });
  try {
    const logs = new InstanceLogFiles({ dir: file('var/svc/log2'), writer: s, utc: true });
    const fmri = 'svc:/site/writer:default';
    const p = logs.pathFor(fmri);
    const when = new Date(Date.UTC(2026, 10, 21, 12, 0, 0));
    logs.append(fmri, 'Executing start method ("x")', when);
    assert.notEqual(logs.whenWritten(p), null, 'in flight');
    appendLogLine(p, 'from the method runner', when, true);
    logs.append(fmri, 'Method "start" exited with status 0.', when);
    await logs.flush();
    assert.equal(fs.readFileSync(p, 'utf8'), [
      '[ Nov 21 12:00:00 Executing start method ("x") ]',
      '[ Nov 21 12:00:00 from the method runner ]',
      '[ Nov 21 12:00:00 Method "start" exited with status 0. ]', ''].join('\n'));
    // nothing in flight: appendLogLine writes at once
    appendLogLine(p, 'direct', when, true);
    assert.match(fs.readFileSync(p, 'utf8'), /direct \]\n$/);
  } finally {
    s.close();
  }
});

test('the spawner reports whether the cgroup is still populated with each exit and each cgroup.events change', { skip: skip ?? false }, async () => {
  const s = new NativeSpawner(binary!, { processes: 1 });
  const dir = path.join(detectCgroup2Root()!, parent, 'populated-probe');
  fs.mkdirSync(dir, { recursive: true });
  const changes: (boolean | undefined)[] = [];
  const watch = s.watch(path.join(dir, 'cgroup.events'), (p) => changes.push(p), () => assert.fail('watch refused'));
  const run = (argv: string[], background = false) => new Promise<boolean | undefined>((resolve, reject) => {
    const c = s.spawn({ file: argv[0]!, argv, env: { PATH: '/usr/bin:/bin' }, cwd: '/', logPath: log(), cgroupDir: dir, background });
    c.once('exit', () => resolve(c.populatedAtExit));
    c.once('error', reject);
  });
  try {
    assert.equal(await run(['/bin/true']), false, 'nothing left behind');
    assert.equal(await run(['/bin/sh', '-c', '/bin/sleep 1000 & exit 0']), true, 'a daemon left behind');
    assert.equal(await run(['/bin/sleep', '1000'], true), true, '"cmd &": the service runs');
    await waitFor(() => changes.includes(true), 10000, 'a populated change');
    for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    await waitFor(() => changes.at(-1) === false, 10000, 'the change to empty, with its value');
  } finally {
    watch.close();
    s.close();
    await waitFor(() => { try { fs.rmdirSync(dir); return true; } catch { return false; } }, 10000, 'cgroup removed');
  }
});
