#!/usr/bin/env node
// Repository benchmark: import of a generated N-service manifest through the repository API
// (time, peak RSS, re-import, restarter state writes), and `svcprop -p start/exec` latency
// (median of R runs, each a fresh process as users run it).
//   node bench/repository.mjs [--n 1000] [--runs 20] [--keep DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GEN = path.resolve(ROOT, '../shared/bench/gen.mjs');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const n = Number(opt('--n', '1000'));
const runs = Number(opt('--runs', '20'));

function fail(msg) { process.stderr.write(`bench/repository: ${msg}\n`); process.exit(1); }
if (!fs.existsSync(GEN)) fail(`generator not found at ${GEN} (needs ../shared/bench)`);

const work = opt('--keep') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-bench-repo-'));
const cleanup = () => { if (!opt('--keep')) fs.rmSync(work, { recursive: true, force: true }); };
try {
  const gen = spawnSync(process.execPath, [GEN, String(n), 'daemon', '--out', path.join(work, 'gen')], { encoding: 'utf8' });
  if (gen.status !== 0) fail(`gen.mjs failed: ${gen.stderr}`);
  const manifest = path.join(work, 'gen', 'smf.xml');
  const root = path.join(work, 'root');
  const db = path.join(root, 'etc', 'svc', 'repository.db');

  const imp = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'repository-import.mjs'), db, manifest], { encoding: 'utf8', cwd: ROOT });
  if (imp.status === 3) fail(imp.stderr.trim());
  if (imp.status !== 0) fail(`import child failed (${imp.status}): ${imp.stderr}`);
  const r = JSON.parse(imp.stdout.trim().split('\n').pop());

  // svcprop: the installed launcher when dist/ is built, else a private bundle of src/cli/svcprop.ts
  let launcher = path.join(ROOT, 'bin', 'svcprop');
  let built;
  if (!fs.existsSync(path.join(ROOT, 'dist', 'svcprop.js'))) {
    const { build } = await import('esbuild');
    built = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'tsmf-bench-svcprop-'));
    await build({
      entryPoints: [path.join(ROOT, 'src/cli/svcprop.ts')], outdir: built, bundle: true, splitting: true, format: 'esm',
      platform: 'node', target: 'node20', external: ['better-sqlite3'], logLevel: 'error',
      banner: { js: "import { createRequire as __tsmfCreateRequire } from 'node:module'; const require = __tsmfCreateRequire(import.meta.url);" },
    });
    launcher = path.join(built, 'launcher.mjs');
    fs.writeFileSync(launcher, fs.readFileSync(path.join(ROOT, 'bin/svcprop'), 'utf8').replace('../dist/svcprop.js', './svcprop.js'));
  }
  const target = `svc:/site/perf/s${String(Math.floor(n / 2)).padStart(4, '0')}:default`;
  const times = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const s = spawnSync(process.execPath, [launcher, '--root', root, '-p', 'start/exec', target], { encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (s.status !== 0) fail(`svcprop failed: ${s.stderr}`);
    out = s.stdout.trim();
  }
  if (built) fs.rmSync(built, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const nodeBare = [];
  for (let i = 0; i < 5; i++) { const t0 = performance.now(); spawnSync(process.execPath, ['-e', '0']); nodeBare.push(performance.now() - t0); }
  nodeBare.sort((a, b) => a - b);

  const rows = [
    ['services / instances imported', `${r.services} / ${r.instances}`],
    ['parse + lower manifest', `${r.parseMs.toFixed(0)} ms`],
    ['import (one transaction)', `${r.importMs.toFixed(0)} ms`],
    ['re-import, unchanged', `${r.reimportMs.toFixed(0)} ms`],
    ['peak RSS of the import process', `${r.maxRssMB.toFixed(0)} MiB`],
    ['repository file size', `${(fs.statSync(db).size / 1048576).toFixed(1)} MiB (+ WAL ${fs.existsSync(db + '-wal') ? (fs.statSync(db + '-wal').size / 1048576).toFixed(1) : 0} MiB)`],
    ['restarter state writes, 1 per transaction', `${r.singleStateWritesPerSec.toFixed(0)} /s`],
    ['restarter state writes, batched by 1000', `${r.batchedStateWritesPerSec.toFixed(0)} /s`],
    [`svcprop -p start/exec (median of ${runs})`, `${median.toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)}; bare node ${nodeBare[2].toFixed(1)} ms)`],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  process.stdout.write(`tsmf repository benchmark, N=${n} (${os.cpus().length} cpus, node ${process.version})\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
  process.stdout.write(`  (svcprop printed: ${out})\n`);
} finally {
  cleanup();
}
