#!/usr/bin/env node
// svcs benchmark: builds a repository of N instances (default 5,000: ../shared/bench/gen.mjs,
// `svccfg import`, then restarter states written through the repository API: a mix of online,
// offline, disabled and maintenance, so -x has root causes and impact to compute; contract ids above
// pid_max, so -p finds no members by process group), then times
// fresh `svcs` processes (-a, the default listing, -x, -p, -l of one instance), median of --runs,
// interleaved with a bare `node -e 0` start as the anchor. svcs and svccfg are bundled from src/
// into node_modules/.cache first, so the figures are those of the working tree.
//   node bench/svcs.mjs [--n 5000] [--runs 11] [--keep DIR]
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
const n = Number(opt('--n', '5000'));
const runs = Number(opt('--runs', '11'));

function fail(msg) { process.stderr.write(`bench/svcs: ${msg}\n`); process.exit(1); }
if (!fs.existsSync(GEN)) fail(`generator not found at ${GEN} (needs ../shared/bench)`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function buildCommands(dir) {
  const { build } = await import('esbuild');
  const names = ['svccfg', 'svcs'];
  await build({
    entryPoints: names.map((c) => path.join(ROOT, `src/cli/${c}.ts`)), outdir: dir, bundle: true, splitting: true,
    format: 'esm', platform: 'node', target: 'node20', external: ['better-sqlite3'], logLevel: 'error',
    banner: { js: "import { createRequire as __tsmfCreateRequire } from 'node:module'; const require = __tsmfCreateRequire(import.meta.url);" },
  });
  const launchers = {};
  for (const c of names) {
    launchers[c] = path.join(dir, `${c}-launcher.cjs`);
    fs.writeFileSync(launchers[c], fs.readFileSync(path.join(ROOT, 'bin', c), 'utf8').replace(`../dist/${c}.js`, `./${c}.js`));
  }
  return launchers;
}

// states through the repository API (run with tsx in a child: the API is TypeScript)
const STATES_SCRIPT = `
  import { Repository } from ${JSON.stringify(path.join(ROOT, 'src/repository/index.ts'))};
  const repo = Repository.openOrThrow(process.argv[1]);
  const mix = ['online', 'online', 'online', 'online', 'offline', 'disabled', 'online', 'maintenance'];
  const now = Math.floor(Date.now() / 1000);
  const batch = repo.listInstances().map((fmri, i) => ({ fmri, state: {
    state: mix[i % mix.length], next_state: 'none', state_timestamp: String(now - i * 60),
    ...(mix[i % mix.length] === 'online' ? { contract: String(10_000_000 + i) } : {}),
    ...(mix[i % mix.length] === 'maintenance' ? { auxiliary_state: 'method_failed' } : {}) } }));
  const r = repo.writeRestarterStates(batch);
  if (!r.ok) throw new Error(r.message);
  for (const [i, { fmri }] of batch.entries()) if (mix[i % mix.length] === 'disabled') repo.setEnabled(fmri, false);
  repo.close();`;

const work = opt('--keep') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-bench-svcs-'));
const cache = path.join(ROOT, 'node_modules', '.cache');
fs.mkdirSync(cache, { recursive: true });
const built = fs.mkdtempSync(path.join(cache, 'tsmf-bench-svcs-'));
try {
  const cmd = await buildCommands(built);
  const root = path.join(work, 'root');
  if (!fs.existsSync(path.join(root, 'etc/svc/repository.db'))) {
    const gen = spawnSync(process.execPath, [GEN, String(n), 'daemon', '--out', path.join(work, 'gen')], { encoding: 'utf8' });
    if (gen.status !== 0) fail(`gen.mjs failed: ${gen.stderr}`);
    const imp = spawnSync(process.execPath, [cmd.svccfg, '--root', root, 'import', path.join(work, 'gen', 'smf.xml')], { encoding: 'utf8' });
    if (imp.status !== 0) fail(`svccfg import failed: ${imp.stderr}`);
    const st = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', STATES_SCRIPT, path.join(root, 'etc/svc/repository.db')], { encoding: 'utf8', cwd: ROOT });
    if (st.status !== 0) fail(`state writes failed: ${st.stderr}`);
  }
  const one = `svc:/site/perf/s${String(Math.floor(n / 2)).padStart(4, '0')}:default`;
  const cases = [['svcs -a', ['-a']], ['svcs', []], ['svcs -x', ['-x']], ['svcs -p', ['-p']], ['svcs -l (one)', ['-l', one]]];
  const times = new Map(cases.map(([k]) => [k, []]));
  const lines = new Map();
  const bare = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t0);
    for (const [k, a] of cases) {
      t0 = performance.now();
      const s = spawnSync(process.execPath, [cmd.svcs, '--root', root, ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });
      times.get(k).push(performance.now() - t0);
      if (s.status !== 0 && k !== 'svcs -x') fail(`${k} failed (${s.status}): ${s.stderr}`);
      lines.set(k, s.stdout.split('\n').length - 1);
    }
  }
  const b = median(bare);
  process.stdout.write(`tsmf svcs benchmark, ${n} instances (${os.cpus().length} cpus, load ${os.loadavg()[0].toFixed(1)}, node ${process.version}), median of ${runs}\n`);
  process.stdout.write(`  ${'bare node -e 0'.padEnd(16)} ${b.toFixed(0).padStart(5)} ms\n`);
  for (const [k] of cases) {
    const m = median(times.get(k));
    process.stdout.write(`  ${k.padEnd(16)} ${m.toFixed(0).padStart(5)} ms  (own share ${(m - b).toFixed(0)} ms, ${lines.get(k)} lines)\n`);
  }
} finally {
  fs.rmSync(built, { recursive: true, force: true });
  if (!opt('--keep')) fs.rmSync(work, { recursive: true, force: true });
}
