// zfs-mount-generator --tsmf end to end: the bundle written by the real command imports with
// `svccfg import` into a fresh repository, and the dependencies show up in `svcs -d`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const need = ['dist/zfs-mount-generator.js', 'dist/svccfg.js', 'dist/svcs.js', 'dist/svcprop.js'].filter((f) => !fs.existsSync(path.join(repo, f)));
const skip = need.length ? `not built (${need.join(', ')}): run \`npm run build\`` : false;

test('--tsmf bundle imports with svccfg; svcs -d shows the mount ordering', { skip }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zmg-tsmf-'));
  try {
    const cache = path.join(tmp, 'cache');
    fs.mkdirSync(cache);
    const row = (n: string, mp: string, enc = '-', key = 'none'): string => [n, mp, 'on', 'on', 'on', 'on', 'on', 'off', 'on', 'off', enc, key, '-', '-', '-', '-', '-', '-', '-', '-'].join('\t');
    fs.writeFileSync(path.join(cache, 'tank'), [row('tank', '/tank'), row('tank/a', '/tank/a', 'tank/a', 'prompt'), row('tank/a/b', '/tank/a/b', 'tank/a')].join('\n') + '\n');
    const xml = path.join(tmp, 'zfs.xml');
    const env = { ...process.env, ZFS_LIST_CACHE_DIR: cache, ZFS_IMPORTED_POOLS: '' };
    const g = spawnSync(path.join(repo, 'bin/zfs-mount-generator'), ['--tsmf', '--output', xml, '--import-fmri', 'svc:/site/zpool-%p:default'], { env, encoding: 'utf8' });
    assert.equal(g.stderr, '');
    assert.equal(g.status, 0);
    // written atomically: no temporary file left beside it; an unwritable place is named, and
    // nothing is written
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['cache', 'zfs.xml']);
    const nowhere = path.join(tmp, 'missing', 'zfs.xml');
    const bad = spawnSync(path.join(repo, 'bin/zfs-mount-generator'), ['--tsmf', '--output', nowhere], { env, encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, new RegExp(`cannot write ${nowhere.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: No such file or directory`));
    assert.equal(fs.existsSync(path.join(tmp, 'missing')), false);
    const root = path.join(tmp, 'root');
    const cmd = (name: string, ...args: string[]): string => {
      const r = spawnSync(path.join(repo, 'bin', name), ['--root', root, ...args], { encoding: 'utf8', env: { ...process.env, TSMF_ROOT: root } });
      assert.equal(r.status, 0, `${name} ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    cmd('svccfg', 'import', xml);
    assert.equal(cmd('svcprop', '-p', 'zfs/dataset', 'svc:/system/filesystem/zfs/mount/tank/a/b:default').trim(), 'tank/a/b');
    const d = cmd('svcs', '-H', '-o', 'fmri', '-d', 'svc:/system/filesystem/zfs/mount/tank/a/b:default').trim().split('\n').sort();
    assert.deepEqual(d, ['svc:/system/filesystem/zfs/load-key/tank/a:default', 'svc:/system/filesystem/zfs/mount/tank/a:default']);
    const imp = cmd('svcprop', '-p', 'zfs-pool-import/entities', 'svc:/system/filesystem/zfs/mount/tank:default').trim();
    assert.equal(imp, 'svc:/site/zpool-tank:default');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
