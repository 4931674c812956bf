#!/usr/bin/env node
// `npm run bench`: every benchmark of the project, one after the other, each printing its own table.
//   node bench/run.mjs [NAME ...]      NAME in: repository, engine, spawn, zfs-mount-generator, boot (default: all)
// "boot" is the service-manager comparison of ../shared/bench (tsmf beside runit, supervisord and pm2, and the
// spawn floors) and takes long; it needs root for cgroups and installs the peers on first use.
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
  boot: () => [[process.execPath, [path.join(ROOT, 'bench', 'boot.mjs')]]],
};
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SUITES);
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
