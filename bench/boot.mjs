#!/usr/bin/env node
// Boot benchmark: the N-service graphs of ../shared/bench (seed 42; daemon and oneshot variants) started by tsmf and by
// the peers that install here (runit, supervisord, pm2), plus the spawn floors (C fork+exec loop, Node spawn loop),
// all in one run, then the harness's report (medians and ratios).
//   node bench/boot.mjs [--n 100,1000,5000] [--reps 3] [--managers tsmf,runit,supervisord,pm2] [--variants daemon,oneshot]
// Results go to bench/out/<timestamp>/ (main.jsonl, floor.jsonl, report.txt).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'bench');
const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf('--' + k); return i >= 0 ? args[i + 1] : d; };
if (!fs.existsSync(path.join(SHARED, 'bench.mjs'))) { console.error(`bench/boot: ${SHARED} not found`); process.exit(1); }
const out = path.join(ROOT, 'bench', 'out', new Date().toISOString().replace(/[:.]/g, '-'));
fs.mkdirSync(out, { recursive: true });
const n = opt('n', '100,1000,5000');
const reps = opt('reps', '3');
const step = (what, cmd, a, extra = {}) => {
  process.stderr.write(`bench/boot: ${what}\n`);
  const r = spawnSync(cmd, a, { stdio: 'inherit', cwd: ROOT, ...extra });
  if (r.status !== 0) { console.error(`bench/boot: ${what} failed (${r.status})`); process.exit(1); }
};
step('setup (peers and C helpers)', 'bash', [path.join(SHARED, 'setup.sh')]);
step('spawn floor', process.execPath, [path.join(SHARED, 'floor.mjs'), '--n', n, '--reps', reps, '--out', path.join(out, 'floor.jsonl')]);
step('managers', process.execPath, [path.join(SHARED, 'bench.mjs'), '--managers', opt('managers', 'tsmf,runit,supervisord,pm2'),
  '--n', n, '--variants', opt('variants', 'daemon,oneshot'), '--reps', reps, '--out', path.join(out, 'main.jsonl')]);
const rep = spawnSync(process.execPath, [path.join(SHARED, 'report.mjs'), path.join(out, 'main.jsonl'), '--floor', path.join(out, 'floor.jsonl')], { encoding: 'utf8', cwd: ROOT });
fs.writeFileSync(path.join(out, 'report.txt'), rep.stdout + rep.stderr);
process.stdout.write(rep.stdout);
console.error(`bench/boot: results in ${out}`);
