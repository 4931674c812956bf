#!/usr/bin/env node
// Writes a seeded, realistic zfs-list.cache for the generator benchmark.
// Usage: node bench/zfs-mount-generator-cache.mjs N OUTFILE [SEED]
// Datasets form a tree (pool -> ~sqrt(N) children -> leaves); a mix of canmount=on/noauto/off,
// legacy/none mountpoints, option combinations, encryption roots with prompt/file keys, and
// org.openzfs.systemd:* properties, so every code path of the generator is exercised.
import fs from 'node:fs';

export function makeCache(n, seed = 42, pool = 'bench') {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const onoff = (p) => (rnd() < p ? 'on' : 'off');
  const lines = [];
  const fanout = Math.max(2, Math.round(Math.sqrt(n)));
  const names = [pool];
  lines.push(`${pool}\t/${pool}\ton\ton\ton\ton\ton\toff\ton\toff\t-\tnone\t-\t-\t-\t-\t-\t-\t-\t-`);
  for (let i = 1; i < n; i++) {
    const parent = i <= fanout ? pool : names[1 + Math.floor(rnd() * Math.min(fanout, names.length - 1))];
    const name = `${parent}/ds${i}${rnd() < 0.05 ? '-x' : ''}`;
    names.push(name);
    const r = rnd();
    const canmount = r < 0.8 ? 'on' : r < 0.95 ? 'noauto' : 'off';
    const m = rnd();
    const mountpoint = m < 0.02 ? 'legacy' : m < 0.03 ? 'none' : m < 0.06 ? `/srv/data ${i}` : '/' + name;
    const enc = i % 97 === 0 ? name : '-';
    const keyloc = enc === '-' ? 'none' : pick(['prompt', `file:///etc/zfs/keys/k${i}`, 'https://keys.example/k']);
    const dep = (p) => (rnd() < p ? pick(['network-online.target', 'iscsid.service', 'smbd.service nfs-server.service']) : '-');
    lines.push([name, mountpoint, canmount, onoff(0.9), onoff(0.9), onoff(0.5), onoff(0.8), onoff(0.1), onoff(0.7), onoff(0.05),
      enc, keyloc, dep(0.05), rnd() < 0.03 ? '/var/lib' : '-', dep(0.03), dep(0.05), rnd() < 0.02 ? 'multi-user.target' : '-',
      rnd() < 0.01 ? 'remote-fs.target' : '-', pick(['-', '-', '-', 'on', 'off']), rnd() < 0.01 ? 'on' : '-'].join('\t'));
  }
  return lines.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, out, seed] = process.argv.slice(2);
  if (!n || !out) { console.error('usage: zfs-mount-generator-cache.mjs N OUTFILE [SEED]'); process.exit(2); }
  fs.writeFileSync(out, makeCache(Number(n), Number(seed ?? 42)));
}
