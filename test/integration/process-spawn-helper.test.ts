// The spawn helper (src/adapters/process/spawn-helper.ts): pid, output to the log, exit status,
// spawn errors, and what happens to running methods when the helper itself dies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpawnHelper, type HelperChild } from '../../src/adapters/process/spawn-helper.js';

const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const outcome = (c: HelperChild) => new Promise<{ exit?: [number | null, string | null]; error?: NodeJS.ErrnoException }>((resolve) => {
  c.on('exit', (code: number | null, sig: string | null) => resolve({ exit: [code, sig] }));
  c.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e }));
});

test('spawns detached with the log as output; reports pid, exit code, signal, ENOENT; a dead helper fails its methods and is replaced', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-helper-'));
  const h = new SpawnHelper();
  try {
    const log = path.join(dir, 'a.log');
    const c = h.spawn({ file: '/bin/sh', args: ['-c', 'echo "out $FOO"; echo err >&2; exit 3'], env: { ...env, FOO: 'bar' }, cwd: dir, logPath: log });
    let pid: number | undefined;
    c.once('spawn', () => { pid = c.pid; });
    assert.deepEqual((await outcome(c)).exit, [3, null]);
    assert.ok(pid && pid > 0, 'pid reported before the exit');
    assert.equal(fs.readFileSync(log, 'utf8'), 'out bar\nerr\n');

    const k = h.spawn({ file: '/bin/sh', args: ['-c', 'kill -TERM $$'], env, cwd: dir, logPath: log });
    assert.deepEqual((await outcome(k)).exit, [null, 'SIGTERM']);

    const missing = h.spawn({ file: path.join(dir, 'no-such-program'), args: [], env, cwd: dir, logPath: log });
    assert.equal((await outcome(missing)).error?.code, 'ENOENT');

    const badLog = h.spawn({ file: '/bin/true', args: [], env, cwd: dir, logPath: path.join(dir, 'no-dir', 'x.log') });
    assert.match((await outcome(badLog)).error?.message ?? '', /cannot open log file/);

    const long = h.spawn({ file: '/bin/sleep', args: ['30'], env, cwd: dir, logPath: log });
    await new Promise((r) => long.once('spawn', r));
    const first = h.helperPid!;
    process.kill(first, 'SIGKILL');
    assert.equal((await outcome(long)).error?.code, 'EHELPER', 'a method of a dead helper fails');
    process.kill(long.pid!, 'SIGKILL'); // the service itself survived the helper (own session)

    const again = h.spawn({ file: '/bin/true', args: [], env, cwd: dir, logPath: log });
    assert.deepEqual((await outcome(again)).exit, [0, null]);
    assert.notEqual(h.helperPid, first, 'a new helper was started');
  } finally {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
