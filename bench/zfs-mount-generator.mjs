#!/usr/bin/env node
// Benchmark: bin/zfs-mount-generator on seeded 1,000 / 10,000 / 50,000-dataset caches on tmpfs.
// Usage: node bench/zfs-mount-generator.mjs [--sizes 1000,10000,50000] [--runs 10] [--bin PATH] [--ref PATH] [--cpu]
// Reports median and min wall time and peak RSS (ZFS_DEBUG's self report) per size. Build first.
// --cpu: also run both under /usr/bin/time and report the median CPU time (user + system, 10 ms
// resolution) and peak RSS of each: on a loaded machine CPU time moves much less than wall time.
// --ref PATH: also time a reference generator (e.g. the OpenZFS C one, built to read
// $ZFS_LIST_CACHE_DIR) in alternation with ours, so both see the same machine load; the ratio
// is then against that measurement instead of the quoted figures (18/151/740 ms).
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
const ref = opt('--ref', undefined);
const cpu = args.includes('--cpu') && fs.existsSync('/usr/bin/time');
const REFERENCE_MS = { 1000: 18, 10000: 151, 50000: 740 };

const base = fs.existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const work = fs.mkdtempSync(path.join(base, 'zmg-bench-'));
try {
  console.log(`generator: ${bin}\nworkdir (tmpfs): ${work}\nruns per size: ${runs}\n`);
  console.log(`datasets   median ms   min ms   peak RSS MiB   ${ref ? 'ref median ms   ref min ms' : 'reference C ms'}   ratio (median/ref)`);
  for (const n of sizes) {
    const cache = path.join(work, `cache-${n}`);
    fs.mkdirSync(cache);
    fs.writeFileSync(path.join(cache, 'bench'), makeCache(n));
    const times = [];
    const refTimes = [];
    let rss = 0;
    const once = (program, r, tag) => {
      const out = path.join(work, `out-${n}-${r}-${tag}`);
      fs.mkdirSync(out);
      const env = { ...process.env, ZFS_LIST_CACHE_DIR: cache, ZFS_IMPORTED_POOLS: '', ZFS_DEBUG: '1' };
      const timeFile = path.join(work, 'time');
      const t0 = process.hrtime.bigint();
      const p = cpu
        ? spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, program, out], { env, encoding: 'utf8' })
        : spawnSync(program, [out], { env, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (p.status !== 0 && p.status !== 1) throw new Error(`${program} failed: ${p.stderr}`);
      fs.rmSync(out, { recursive: true, force: true });
      if (!cpu) return { ms, stderr: p.stderr };
      const [user, sys, rssKiB] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      return { ms, stderr: p.stderr, cpuMs: (user + sys) * 1000, rssKiB };
    };
    const cpuOurs = [];
    const cpuRef = [];
    let rssRef = 0;
    for (let r = 0; r < runs; r++) {
      if (ref) {
        const t = once(ref, r, 'ref');
        refTimes.push(t.ms);
        if (cpu) { cpuRef.push(t.cpuMs); rssRef = Math.max(rssRef, t.rssKiB); }
      }
      const { ms, stderr, cpuMs } = once(bin, r, 'ts');
      if (cpu) cpuOurs.push(cpuMs);
      const m = /maxrss=(\d+)B/.exec(stderr);
      if (m) rss = Math.max(rss, Number(m[1]));
      times.push(ms);
    }
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const med = median(times);
    const refMed = ref ? median(refTimes) : REFERENCE_MS[n];
    const refCols = ref ? `${refMed.toFixed(1).padStart(13)}   ${Math.min(...refTimes).toFixed(1).padStart(10)}` : String(refMed ?? '-').padStart(14);
    console.log(`${String(n).padStart(8)}   ${med.toFixed(1).padStart(9)}   ${Math.min(...times).toFixed(1).padStart(6)}   ${(rss / 2 ** 20).toFixed(1).padStart(12)}   ${refCols}   ${refMed ? (med / refMed).toFixed(2) : '-'}`);
    if (cpu) {
      const refCpu = ref ? `; reference CPU median ${median(cpuRef).toFixed(0)} ms, peak RSS ${(rssRef / 1024).toFixed(1)} MiB; CPU ratio ${(median(cpuOurs) / median(cpuRef)).toFixed(2)}` : '';
      console.log(`          CPU (user+sys) median ${median(cpuOurs).toFixed(0)} ms${refCpu}`);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
