#!/usr/bin/env node
// Benchmark: bin/zfs-mount-generator on seeded 1,000 / 10,000 / 50,000-dataset caches on tmpfs.
// Usage: node bench/zfs-mount-generator.mjs [--sizes 1000,10000,50000] [--runs 10] [--bin PATH]
// Reports the median and min wall time and peak RSS per size (the child's ru_maxrss via wait4,
// read with /usr/bin/time when present, else from ZFS_DEBUG's self report). Build first.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeCache } from './zfs-mount-generator-cache.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const sizes = opt('--sizes', '1000,10000,50000').split(',').map(Number);
const runs = Number(opt('--runs', '10'));
const bin = opt('--bin', path.join(repo, 'bin/zfs-mount-generator'));
const REFERENCE_MS = { 1000: 18, 10000: 151, 50000: 740 };

const base = fs.existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const work = fs.mkdtempSync(path.join(base, 'zmg-bench-'));
try {
  console.log(`generator: ${bin}\nworkdir (tmpfs): ${work}\nruns per size: ${runs}\n`);
  console.log('datasets   median ms   min ms   peak RSS MiB   reference C ms   ratio (median/ref)');
  for (const n of sizes) {
    const cache = path.join(work, `cache-${n}`);
    fs.mkdirSync(cache);
    fs.writeFileSync(path.join(cache, 'bench'), makeCache(n));
    const times = [];
    let rss = 0;
    for (let r = 0; r < runs; r++) {
      const out = path.join(work, `out-${n}-${r}`);
      fs.mkdirSync(out);
      const env = { ...process.env, ZFS_LIST_CACHE_DIR: cache, ZFS_IMPORTED_POOLS: '', ZFS_DEBUG: '1' };
      const t0 = process.hrtime.bigint();
      const p = spawnSync(bin, [out], { env, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (p.status !== 0 && p.status !== 1) throw new Error(`generator failed: ${p.stderr}`);
      const m = /maxrss=(\d+)B/.exec(p.stderr);
      if (m) rss = Math.max(rss, Number(m[1]));
      times.push(ms);
      fs.rmSync(out, { recursive: true, force: true });
    }
    times.sort((a, b) => a - b);
    const med = times[Math.floor(times.length / 2)];
    const ref = REFERENCE_MS[n];
    console.log(`${String(n).padStart(8)}   ${med.toFixed(1).padStart(9)}   ${times[0].toFixed(1).padStart(6)}   ${(rss / 2 ** 20).toFixed(1).padStart(12)}   ${String(ref ?? '-').padStart(14)}   ${ref ? (med / ref).toFixed(2) : '-'}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
