#!/usr/bin/env node
// Per-spawn overhead of the method path: ProcessMethodRunner + contract (cgroup v2 or process
// group) against bare child_process.spawn, N runs of /bin/true (default 1000) per case.
// Usage: node bench/spawn.mjs [N] [CONCURRENCY]     (cgroup rows need root and cgroup v2)
// Not a test: prints a table and the ratios; nothing asserts on time.
// Note: moving a process into a cgroup takes cgroup_threadgroup_rwsem for writing, which waits
// for an RCU grace period unless another migration happened just before (or the cgroup2 mount
// has `favordynmods`): the first cgroup case of each round pays it, the next ones do not.
import { register } from 'tsx/esm/api';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

register();
const { createProcessAdapters, detectCgroup2Root } = await import('../src/adapters/process/index.ts');
const { defaultMethodContext } = await import('../src/core/method/context.ts');

const N = Number(process.argv[2] ?? 1000);
const CONC = Number(process.argv[3] ?? 1);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-bench-'));
const logPath = path.join(tmp, 'bench.log');
const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

const bare = (file, args) => () => new Promise((resolve, reject) => {
  const fd = fs.openSync(logPath, 'a');
  const c = spawn(file, args, { stdio: ['ignore', fd, fd], env, detached: true });
  fs.closeSync(fd);
  c.on('error', reject);
  c.on('exit', resolve);
});

const runnerCase = (ad, model, distinct) => async (i) => {
  const fmri = distinct ? `svc:/bench/s${i}:default` : `svc:/bench/${model}:default`;
  const o = await ad.runner.run({ fmri, method: 'start', exec: '/bin/true', model, context: { ...defaultMethodContext(), workingDirectory: '/' }, env, timeoutMs: 60000, logPath });
  if (o.exitCode !== 0) throw new Error(`run failed: ${JSON.stringify(o)}`);
};

const cases = [
  ['bare spawn /bin/true', bare('/bin/true', [])],
  ['bare spawn sh -c "exec /bin/true"', bare('/bin/sh', ['-c', 'exec /bin/true'])],
];
const pg = createProcessAdapters({ contracts: 'pgroup' });
cases.push(['runner, process group, transient (direct exec)', runnerCase(pg, 'transient', false)]);
cases.push(['runner, process group, contract start', runnerCase(pg, 'contract', false)]);
const parent = `tsmf-bench-${process.pid}`;
const cgOk = process.getuid?.() === 0 && detectCgroup2Root();
const cg = cgOk ? createProcessAdapters({ contracts: 'cgroup', cgroupParent: parent }) : null;
// the same through a fork of this process instead of the spawn helper (TSMF_SPAWN_HELPER=0)
const cgFork = cgOk ? createProcessAdapters({ contracts: 'cgroup', cgroupParent: `${parent}-fork`, spawnHelper: false }) : null;
if (cg) {
  cases.push(['runner, cgroup, contract start, forked by the daemon', runnerCase(cgFork, 'contract', false)]);
  cases.push(['runner, cgroup, contract start (same instance)', runnerCase(cg, 'contract', false)]);
  cases.push(['runner, cgroup, contract start (new instance: mkdir)', runnerCase(cg, 'contract', true)]);
  cases.push(['runner, cgroup, transient (reused method group)', runnerCase(cg, 'transient', false)]);
}

// Interleaved (one run of each case per round) so that load from other processes on the
// machine hits every case alike; concurrency runs CONC rounds at once.
const totals = cases.map(() => 0n);
async function round(i) {
  for (let c = 0; c < cases.length; c++) {
    const t0 = process.hrtime.bigint();
    await cases[c][1](i);
    totals[c] += process.hrtime.bigint() - t0;
  }
}
for (let i = 0; i < Math.min(20, N); i++) await round(N + i); // warm-up
totals.fill(0n);
let next = 0;
await Promise.all(Array.from({ length: Math.min(CONC, N) }, async () => { while (next < N) await round(next++); }));
const rows = cases.map(([name], c) => ({ name, perSpawnMs: Number(totals[c]) / 1e6 / N }));

pg.contracts.close();
if (cg) {
  for (let i = 0; i < N + 20; i++) cg.contracts.abandon(`svc:/bench/s${i}:default`);
  cg.contracts.abandon('svc:/bench/contract:default');
  cg.contracts.close();
  cgFork.contracts.abandon('svc:/bench/contract:default');
  cgFork.contracts.close();
}
fs.rmSync(tmp, { recursive: true, force: true });

const base = rows[0].perSpawnMs;
console.log(`N=${N} concurrency=${CONC} (latency per spawn, cases interleaved) node ${process.version} ${os.cpus().length} cpus`);
for (const r of rows) console.log(`${r.name.padEnd(56)} ${r.perSpawnMs.toFixed(3).padStart(8)} ms/spawn  x${(r.perSpawnMs / base).toFixed(2)}`);
