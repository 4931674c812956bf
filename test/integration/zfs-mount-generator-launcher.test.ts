// bin/zfs-mount-generator's start-up path: the systemd run loads the one-file CommonJS bundle
// (dist/zfs-mount-generator.cjs) and starts Node without NODE_EXTRA_CA_CERTS (which Node would
// otherwise read and parse before any JS runs); --tsmf still goes through the ESM command bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const launcher = path.join(repo, 'bin/zfs-mount-generator');
const built = fs.existsSync(path.join(repo, 'dist/zfs-mount-generator.cjs')) && fs.existsSync(path.join(repo, 'dist/zfs-mount-generator.js'));
const skip = !built && 'dist/ is not built: run `npm run build`';

function withDirs(fn: (cache: string, out: string) => void): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zmg-launcher-'));
  try {
    const cache = path.join(tmp, 'cache');
    const out = path.join(tmp, 'out');
    fs.mkdirSync(cache);
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(cache, 'tank'),
      'tank/data\t/data\ton\ton\ton\ton\ton\toff\ton\toff\t-\tnone\t-\t-\t-\t-\t-\t-\t-\t-\n');
    fn(cache, out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

test('the systemd path ignores NODE_EXTRA_CA_CERTS (no certificate loading, no warning)', { skip }, () => {
  withDirs((cache, out) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: path.join(cache, 'no-such-ca.pem'), ZFS_LIST_CACHE_DIR: cache, ZFS_IMPORTED_POOLS: '' };
    delete env.ZFS_DEBUG;
    // Plain node warns about the unreadable file, so the check below can fail.
    const plain = spawnSync(process.execPath, ['-e', '0'], { env, encoding: 'utf8' });
    assert.match(plain.stderr, /extra certs/);
    const r = spawnSync(launcher, [out], { env, encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.deepEqual(fs.readdirSync(out).sort(), ['data.mount', 'local-fs.target.wants']);
    assert.match(fs.readFileSync(path.join(out, 'data.mount'), 'utf8'), /^What=tank\/data$/m);
  });
});

test('argument errors and --help come from the CommonJS bundle', { skip }, () => {
  const bad = spawnSync(launcher, ['a', 'b'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^zfs-mount-generator\[\d+\]: wrong argument count: 2\n$/);
  const help = spawnSync(launcher, ['--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: zfs-mount-generator \[OUTDIR \[EARLY LATE\]\]/);
});

test('--tsmf still runs through the ESM bundle', { skip }, () => {
  withDirs((cache) => {
    const r = spawnSync(launcher, ['--tsmf'], { env: { ...process.env, ZFS_LIST_CACHE_DIR: cache, ZFS_IMPORTED_POOLS: '' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /<service_bundle type='manifest' name='tsmf-zfs-mounts'>/);
    assert.match(r.stdout, /<service name='system\/filesystem\/zfs\/mount\/tank\/data' /);
  });
});
