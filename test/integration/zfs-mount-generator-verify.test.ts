// Every unit the generator writes passes `systemd-analyze verify` with no output at all
// (test-infrastructure.md §6): the units of every golden case and of a synthetic cache that uses
// every feature (key-load units for prompt/file/https/other keylocations, imported and not
// imported pools, org.openzfs.systemd:* properties, nofail, non-ASCII mountpoints).
//
// One upstream defect is kept on purpose because the output must stay byte-identical: a '%' in a
// mountpoint is written raw to Where=, and systemd treats it as a specifier. Those units are
// listed, not verified (docs/recipes/zfs-mount-generator.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const casesDir = path.resolve(repo, '../shared/testdata/zfs-mount-generator/cases');
const generator = path.join(repo, 'bin/zfs-mount-generator');
const haveAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const built = fs.existsSync(path.join(repo, 'dist/zfs-mount-generator.js'));
const skip = !haveAnalyze ? 'systemd-analyze is not installed' : !built ? 'dist/ is not built: run `npm run build`' : false;

const T = (...f: string[]): string => f.join('\t');
const D = (n: string, mp: string, extra: Partial<Record<'canmount' | 'enc' | 'key' | 'req' | 'rmf' | 'before' | 'after' | 'wb' | 'rb' | 'nofail' | 'ro', string>> = {}): string =>
  T(n, mp, extra.canmount ?? 'on', 'on', 'on', 'on', 'on', extra.ro ?? 'off', 'on', 'off', extra.enc ?? '-', extra.key ?? 'none',
    extra.req ?? '-', extra.rmf ?? '-', extra.before ?? '-', extra.after ?? '-', extra.wb ?? '-', extra.rb ?? '-', extra.nofail ?? '-', '-');

/** A cache exercising every feature; pool "hot" is imported, "cold" is not. */
export const SYNTHETIC: Record<string, string> = {
  cold: [
    D('cold', '/cold'),
    D('cold/enc', '/cold/enc', { enc: 'cold/enc', key: 'prompt' }),
    D('cold/enc/child', '/cold/enc/child', { enc: 'cold/enc' }),
    D('cold/fk', '/srv/fk', { enc: 'cold/fk', key: 'file:///etc/zfs/keys/fk.key', req: 'network-online.target', rmf: '/var/lib' }),
    D('cold/web', '/srv/web', { enc: 'cold/web', key: 'https://keys.example/web', after: 'network-online.target' }),
    D('cold/odd', '/srv/odd', { enc: 'cold/odd', key: 'none' }),
    D('cold/svc', '/srv/svc', { before: 'smbd.service', after: 'iscsid.service', req: 'iscsid.service', rmf: '/srv /var' }),
    D('cold/wb', '/srv/wb', { wb: 'multi-user.target graphical.target' }),
    D('cold/rb', '/srv/rb', { rb: 'remote-fs.target' }),
    D('cold/nf-on', '/srv/nf-on', { nofail: 'on' }),
    D('cold/nf-off', '/srv/nf-off', { nofail: 'off' }),
    D('cold/noauto', '/srv/noauto', { canmount: 'noauto' }),
    D('cold/ro', '/srv/ro', { ro: 'on' }),
    D('cold/utf8', '/srv/caf\xc3\xa9/d\xc3\xa9j\xc3\xa0 vu'),
  ].join('\n') + '\n',
  hot: [
    D('hot', '/hot'),
    D('hot/enc', '/hot/enc', { enc: 'hot/enc', key: 'prompt', after: 'foo.service' }),
    D('hot/enc/x', '/hot/enc/x', { enc: 'hot/enc' }),
  ].join('\n') + '\n',
};

function generate(cacheDir: string, out: string, imported: string): void {
  const r = spawnSync(generator, [out], { env: { ...process.env, ZFS_LIST_CACHE_DIR: cacheDir, ZFS_IMPORTED_POOLS: imported }, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `generator crashed: ${r.stderr}`);
}

/** Verifies every unit file in OUT; returns the names skipped for '%' in Where=. */
function verifyAll(out: string, scratch: string): string[] {
  const units = fs.readdirSync(out, { encoding: 'latin1' }).filter((n) => /\.(mount|service)$/.test(n));
  const skipped: string[] = [];
  const args: string[] = [];
  units.forEach((name, i) => {
    const content = fs.readFileSync(path.join(out, name), 'latin1');
    if (/^Where=.*%/m.test(content)) { skipped.push(name); return; }
    // systemd-analyze splits FILE:ALIAS at ':', so hand it a ':'-free copy and the real name.
    const copy = path.join(scratch, `u${i}${path.extname(name)}`);
    fs.writeFileSync(copy, content, 'latin1');
    args.push(`${copy}:${name}`);
  });
  if (args.length) {
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', '--recursive-errors=no', ...args], {
      env: { ...process.env, SYSTEMD_UNIT_PATH: `${out}:` }, encoding: 'utf8',
    });
    assert.equal(r.stderr + r.stdout, '', `systemd-analyze verify output for ${units.join(' ')}`);
    assert.equal(r.status, 0, 'systemd-analyze verify exit status');
  }
  return skipped;
}

function withTmp(fn: (tmp: string) => void): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zmg-verify-'));
  try { fn(tmp); } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
}

test('units from every golden case pass systemd-analyze verify', { skip: skip || (!fs.existsSync(casesDir) && `no golden cases at ${casesDir}`) }, () => {
  let verified = 0;
  for (const c of fs.readdirSync(casesDir).sort()) {
    if (!fs.existsSync(path.join(casesDir, c, 'cache'))) continue;
    withTmp((tmp) => {
      const out = path.join(tmp, 'out');
      const scratch = path.join(tmp, 'scratch');
      fs.mkdirSync(out);
      fs.mkdirSync(scratch);
      for (const imported of ['', 'tank']) {
        fs.rmSync(out, { recursive: true, force: true });
        fs.mkdirSync(out);
        generate(path.join(casesDir, c, 'cache'), out, imported);
        const skipped = verifyAll(out, scratch);
        for (const s of skipped) assert.match(s, /\\x25/, `${c}: only '%' mountpoints are skipped`);
        verified += fs.readdirSync(out).filter((n) => /\.(mount|service)$/.test(n)).length - skipped.length;
      }
    });
  }
  assert.ok(verified > 50, `verified ${verified} units`);
});

test('units from a cache using every feature pass systemd-analyze verify', { skip }, () => {
  withTmp((tmp) => {
    const cache = path.join(tmp, 'cache');
    fs.mkdirSync(cache);
    for (const [pool, content] of Object.entries(SYNTHETIC)) fs.writeFileSync(path.join(cache, pool), content, 'latin1');
    const out = path.join(tmp, 'out');
    const scratch = path.join(tmp, 'scratch');
    fs.mkdirSync(out);
    fs.mkdirSync(scratch);
    generate(cache, out, 'hot');
    const names = fs.readdirSync(out, { encoding: 'latin1' });
    for (const expected of ['zfs-load-key@cold-enc.service', 'zfs-load-key@cold-fk.service', 'zfs-load-key@cold-web.service',
      'zfs-load-key@hot-enc.service', 'srv-caf\\xc3\\xa9-d\\xc3\\xa9j\\xc3\\xa0\\x20vu.mount', 'hot-enc-x.mount']) {
      assert.ok(names.includes(expected), `${expected} generated (got ${names.join(' ')})`);
    }
    assert.deepEqual(verifyAll(out, scratch), []);
  });
});
