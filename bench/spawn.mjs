#!/usr/bin/env node
// Per-spawn overhead of the method path: ProcessMethodRunner + contract (cgroup v2 or process
// group) against bare child_process.spawn, N runs of /bin/true (default 1000).
// Usage: node bench/spawn.mjs [N] [CONCURRENCY]     (cgroup rows need root and cgroup v2)
// Not a test: prints a table and the ratios; nothing asserts on time.
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

async function pool(n, fn) {
  let next = 0;
  const worker = async () => { while (next < n) await fn(next++); };
  await Promise.all(Array.from({ length: Math.min(CONC, n) }, worker));
}

async function measure(name, fn) {
  await pool(Math.min(20, N), fn); // warm-up
  const t0 = process.hrtime.bigint();
  await pool(N, fn);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { name, ms, perSpawnMs: ms / N };
}

const bare = (file, args) => () => new Promise((resolve, reject) => {
  const fd = fs.openSync(logPath, 'a');
  const c = spawn(file, args, { stdio: ['ignore', fd, fd], env, detached: true });
  fs.closeSync(fd);
  c.on('error', reject);
  c.on('exit', resolve);
});

const runnerCase = (ad, model, distinct) => async (i) => {
  const fmri = distinct ? `svc:/bench/s${i % 5000}:default` : 'svc:/bench/one:default';
  const o = await ad.runner.run({ fmri, method: 'start', exec: '/bin/true', model, context: { ...defaultMethodContext(), workingDirectory: '/' }, env, timeoutMs: 60000, logPath });
  if (o.exitCode !== 0) throw new Error(`run failed: ${JSON.stringify(o)}`);
};

const rows = [];
rows.push(await measure('bare spawn /bin/true', bare('/bin/true', [])));
rows.push(await measure('bare spawn sh -c "exec /bin/true"', bare('/bin/sh', ['-c', 'exec /bin/true'])));
const pg = createProcessAdapters({ contracts: 'pgroup' });
rows.push(await measure('runner, process group, transient (direct exec)', runnerCase(pg, 'transient', false)));
rows.push(await measure('runner, process group, contract start', runnerCase(pg, 'contract', false)));
pg.contracts.close();
const parent = `tsmf-bench-${process.pid}`;
if (process.getuid?.() === 0 && detectCgroup2Root()) {
  const cg = createProcessAdapters({ contracts: 'cgroup', cgroupParent: parent });
  rows.push(await measure('runner, cgroup, transient (mkdir+rmdir per run)', runnerCase(cg, 'transient', false)));
  rows.push(await measure('runner, cgroup, contract start (same instance)', runnerCase(cg, 'contract', false)));
  rows.push(await measure('runner, cgroup, contract start (distinct instances)', runnerCase(cg, 'contract', true)));
  for (const fmri of [...Array(Math.min(N, 5000)).keys()].map((i) => `svc:/bench/s${i}:default`).concat('svc:/bench/one:default')) cg.contracts.abandon(fmri);
  cg.contracts.sweep();
  cg.contracts.close();
  try { fs.rmdirSync(path.join(detectCgroup2Root(), parent)); } catch { /* leftovers */ }
}
fs.rmSync(tmp, { recursive: true, force: true });

const base = rows[0].perSpawnMs;
console.log(`N=${N} concurrency=${CONC} node ${process.version} ${os.cpus().length} cpus`);
for (const r of rows) console.log(`${r.name.padEnd(56)} ${r.perSpawnMs.toFixed(3).padStart(8)} ms/spawn  x${(r.perSpawnMs / base).toFixed(2)}`);
