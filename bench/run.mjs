#!/usr/bin/env node
// `npm run bench`: every benchmark of the project, one after the other, each printing its own table.
//   node bench/run.mjs [NAME ...] [--BOOT-OPTION ...]
//     NAME in: repository, engine, spawn, zfs-mount-generator, boot (default: all); options from the first `--x` on
//     go to bench/boot.mjs (e.g. `npm run bench -- boot --reps 1 --budget-min 10`; `--plan` prints its plan only).
// "boot" is the service-manager comparison of ../shared/bench (tsmf beside runit, supervisord and pm2, and the
// spawn floors) within a time budget (default 15 min, see bench/README.md); it needs root for cgroups and installs
// the peers on first use.
// Benchmarks report figures and ratios against the anchor measured in the same run; nothing here asserts on time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = (script, ...args) => [process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', script), ...args]];
const SUITES = {
  repository: () => [node('repository.mjs')],
  engine: () => [node('engine.mjs', '5000')],
  spawn: () => [node('spawn.mjs', '1000')],
  'zfs-mount-generator': () => [node('zfs-mount-generator.mjs')],
  boot: () => [[process.execPath, [path.join(ROOT, 'bench', 'boot.mjs'), ...bootArgs]]],
};
const argv = process.argv.slice(2);
const firstOption = argv.findIndex((a) => a.startsWith('--'));
const bootArgs = firstOption >= 0 ? argv.slice(firstOption) : [];
const names = firstOption >= 0 ? argv.slice(0, firstOption) : argv;
const wanted = names.length ? names : Object.keys(SUITES);
let failed = 0;
for (const name of wanted) {
  const suite = SUITES[name];
  if (!suite) { console.error(`bench: unknown benchmark "${name}" (known: ${Object.keys(SUITES).join(', ')})`); process.exit(2); }
  for (const [cmd, args] of suite()) {
    const script = args.find((a) => a.endsWith('.mjs'));
    if (script && !fs.existsSync(script)) { console.error(`bench: ${name}: ${script} is missing`); failed++; continue; }
    process.stdout.write(`\n== ${name} ==\n`);
    const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT });
    if (r.status !== 0) { failed++; console.error(`bench: ${name} exited with ${r.status}`); }
  }
}
process.exit(failed ? 1 : 0);
