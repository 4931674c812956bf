// share/smf_include.sh, the library SMF method scripts source (`. /lib/svc/share/smf_include.sh`):
// exit codes (the ones the engine acts on), environment helpers, smf_kill_contract on a
// process-group contract and on a real cgroup contract found by its inode; and its installation
// under the state root (installMethodLibrary), which svc.startd does at start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectCgroup2Root } from '../../src/adapters/process/cgroup-path.js';
import { EXIT_NODAEMON, EXIT_TEMP_DISABLE, EXIT_TEMP_TRANSIENT } from '../../src/core/engine/policy.js';
import { installMethodLibrary, methodLibraryPath, packagedMethodLibrary } from '../../src/daemon/method-library.js';
import { alive, cgroupUnavailable, removeCgroupParent, tempRoot, uniqueCgroupParent, waitFor } from '../fixtures/programs/helpers.js';

const LIB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../share/smf_include.sh');

function sh(script: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', `. '${LIB}'; ${script}`], { env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Pids whose process group is `pgid`. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

function detachedGroup(script: string): ChildProcess {
  const c = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  c.unref();
  return c;
}

test('exit codes are the ones svc.startd acts on; environment helpers', () => {
  const codes = sh('echo $SMF_EXIT_OK $SMF_EXIT_NODAEMON $SMF_EXIT_ERR_FATAL $SMF_EXIT_ERR_CONFIG $SMF_EXIT_MON_DEGRADE $SMF_EXIT_MON_OFFLINE $SMF_EXIT_ERR_NOSMF $SMF_EXIT_ERR_PERM $SMF_EXIT_TEMP_DISABLE $SMF_EXIT_TEMP_TRANSIENT');
  assert.equal(codes.stdout.trim(), `0 ${EXIT_NODAEMON} 95 96 97 98 99 100 ${EXIT_TEMP_DISABLE} ${EXIT_TEMP_TRANSIENT}`);
  assert.equal(sh('smf_present; echo $?', { SMF_FMRI: 'svc:/site/x:default' }).stdout.trim(), '0');
  assert.equal(sh('smf_present; echo $?', { TSMF_ROOT: '/nonexistent' }).stdout.trim(), '1');
  const cleared = sh('smf_clear_env; echo "${SMF_FMRI-unset} ${SMF_METHOD-unset} ${SMF_RESTARTER-unset} ${SMF_ZONENAME-unset} $KEEP"',
    { SMF_FMRI: 'svc:/site/x:default', SMF_METHOD: 'start', SMF_RESTARTER: 'svc:/system/svc/restarter:default', SMF_ZONENAME: 'h', KEEP: 'kept' });
  assert.equal(cleared.stdout.trim(), 'unset unset unset unset kept');
  assert.equal(sh('smf_zonename', { SMF_ZONENAME: 'storage1' }).stdout.trim(), 'storage1');
  assert.equal(sh('smf_zonename').stdout.trim(), spawnSync('uname', ['-n'], { encoding: 'utf8' }).stdout.trim());
  // the host's initial PID namespace is the global zone; a new PID namespace (a container, a zone) is not
  const hostNs = fs.readlinkSync('/proc/self/ns/pid') === 'pid:[4026531836]';
  assert.equal(sh('smf_is_globalzone; echo $?').stdout.trim(), hostNs ? '0' : '1');
  assert.equal(sh('smf_is_nonglobalzone; echo $?').stdout.trim(), hostNs ? '1' : '0');
  if (process.getuid?.() === 0) {
    const inner = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '/bin/sh', '-c', `. '${LIB}'; smf_is_globalzone; echo $?`], { encoding: 'utf8' });
    if (inner.status === 0) assert.equal(inner.stdout.trim(), '1', 'inside a new PID namespace');
  }
  const exit = sh('smf_method_exit $SMF_EXIT_TEMP_DISABLE no_config "nothing to serve yet"; echo not-reached');
  assert.equal(exit.status, 101);
  assert.equal(exit.stdout, '');
  assert.equal(exit.stderr.trim(), 'nothing to serve yet (no_config)');
});

test('smf_kill_contract: a process-group contract; bad arguments; a signal ignored until the timeout', async () => {
  assert.equal(sh('smf_kill_contract; echo $?').stdout.trim(), '2');
  assert.equal(sh('smf_kill_contract x TERM; echo $?').stdout.trim(), '2');
  assert.equal(sh('smf_kill_contract 12345 TERM 7; echo $?').stdout.trim(), '2');
  assert.equal(sh("smf_kill_contract 12345 'TERM;id' 1; echo $?").stdout.trim(), '2', 'no command through the signal');

  const g = detachedGroup('sleep 1000 & sleep 1000 & wait');
  await waitFor(() => groupMembers(g.pid!).length === 3, 10_000, 'three processes in the group');
  assert.equal(sh(`smf_kill_contract ${g.pid} TERM 1 10; echo $?`).stdout.trim(), '0');
  assert.deepEqual(groupMembers(g.pid!), []);

  const stubborn = detachedGroup("trap '' TERM; sleep 1000 & wait");
  await waitFor(() => groupMembers(stubborn.pid!).length === 2, 10_000, 'two processes in the group');
  try {
    assert.equal(sh(`smf_kill_contract ${stubborn.pid} TERM 1 1; echo $?`).stdout.trim(), '1', 'still there after 1 s');
    assert.equal(groupMembers(stubborn.pid!).length, 2);
    assert.equal(sh(`smf_kill_contract ${stubborn.pid} 9 1 10; echo $?`).stdout.trim(), '0', 'a numeric signal');
  } finally {
    try { process.kill(-stubborn.pid!, 'SIGKILL'); } catch { /* gone */ }
  }
});

test('smf_kill_contract: a cgroup contract, found by the inode number restarter/contract holds', { skip: cgroupUnavailable() ?? false }, async () => {
  const parent = uniqueCgroupParent();
  const dir = path.join(detectCgroup2Root()!, parent, 'site-x:default');
  fs.mkdirSync(dir, { recursive: true });
  try {
    // two processes that are not a process group: only the cgroup holds them together
    const a = spawn('sleep', ['1000'], { stdio: 'ignore' });
    const b = spawn('sleep', ['1000'], { stdio: 'ignore', detached: true });
    for (const p of [a, b]) fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(p.pid));
    const ino = fs.statSync(dir).ino;
    assert.equal(sh(`smf_kill_contract ${ino} TERM 1 10; echo $?`).stdout.trim(), '0');
    await waitFor(() => !alive(a.pid!) && !alive(b.pid!), 10_000, 'both killed');
    assert.match(fs.readFileSync(path.join(dir, 'cgroup.events'), 'utf8'), /populated 0/);
  } finally {
    await removeCgroupParent(parent);
  }
});

test('installMethodLibrary: installed under the root, rewritten only when different, never half-written', () => {
  const root = tempRoot('tsmf-lib-');
  try {
    const first = installMethodLibrary(root.dir);
    assert.deepEqual(first, { ok: true, changed: true, path: methodLibraryPath(root.dir) });
    assert.equal(methodLibraryPath(root.dir), path.join(root.dir, 'lib/svc/share/smf_include.sh'));
    assert.deepEqual(fs.readFileSync(methodLibraryPath(root.dir)), fs.readFileSync(packagedMethodLibrary()!));
    assert.equal(fs.statSync(methodLibraryPath(root.dir)).mode & 0o777, 0o644);
    assert.deepEqual(installMethodLibrary(root.dir), { ok: true, changed: false, path: methodLibraryPath(root.dir) });
    fs.writeFileSync(methodLibraryPath(root.dir), 'SMF_EXIT_OK=1\n');
    assert.equal((installMethodLibrary(root.dir) as { changed: boolean }).changed, true, 'a changed copy is replaced');
    assert.deepEqual(fs.readFileSync(methodLibraryPath(root.dir)), fs.readFileSync(LIB));
    assert.deepEqual(fs.readdirSync(path.dirname(methodLibraryPath(root.dir))), ['smf_include.sh'], 'no temporary file left');
    fs.writeFileSync(path.join(root.dir, 'afile'), '');
    const bad = installMethodLibrary(path.join(root.dir, 'afile'));
    assert.equal(bad.ok, false);
    assert.match((bad as { message: string }).message, /cannot install .*afile\/lib\/svc\/share\/smf_include\.sh/);
  } finally {
    root.cleanup();
  }
});
