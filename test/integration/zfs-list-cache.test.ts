// `tsmf zfs-list-cache refresh POOL` against a scripted `zfs` that behaves like zfs-fuse (it
// rejects relatime, encroot and keylocation one at a time): defaults are written, rows sorted,
// the file replaced atomically and only on change; a failing `zfs list` leaves it alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refreshCache } from '../../src/zfs/list-cache-main.js';

const FAKE_ZFS = `#!/bin/sh
# args: list -H -t filesystem -o PROPS -r POOL
props="$6"; pool="$8"
for p in relatime encroot keylocation; do
  case ",$props," in *",$p,"*) echo "bad property list: invalid property '$p'" >&2; exit 2;; esac
done
[ "$pool" = tank ] || { echo "cannot open '$pool': dataset does not exist" >&2; exit 1; }
echo "$props" > "$(dirname "$0")/last-props"
printf 'tank/b\\t/tank/b\\ton\\ton\\ton\\ton\\toff\\ton\\toff\\t-\\t-\\t-\\t-\\tmulti-user.target\\t-\\t-\\t-\\n'
printf 'tank\\t/tank\\ton\\ton\\ton\\ton\\toff\\ton\\toff\\t-\\t-\\t-\\t-\\t-\\t-\\t-\\t-\\n'
`;

test('refresh with a ZFS lacking relatime/encroot/keylocation', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zfs-list-cache-'));
  try {
    const zfs = path.join(tmp, 'zfs');
    fs.writeFileSync(zfs, FAKE_ZFS, { mode: 0o755 });
    const dir = path.join(tmp, 'cache');
    const opts = { dir, zfs, ifTracked: false, env: process.env };

    assert.deepEqual(refreshCache({ ...opts, pool: 'tank', ifTracked: true }), { ok: true, changed: false, file: path.join(dir, 'tank'), defaulted: [] }, '--if-tracked: untracked pool untouched');
    assert.equal(fs.existsSync(dir), false);

    const r = refreshCache({ ...opts, pool: 'tank' });
    assert.deepEqual(r, { ok: true, changed: true, file: path.join(dir, 'tank'), defaulted: ['relatime', 'encroot', 'keylocation'] });
    assert.equal(fs.readFileSync(path.join(dir, 'tank'), 'utf8'),
      'tank\t/tank\ton\ton\ton\ton\ton\toff\ton\toff\t-\tnone\t-\t-\t-\t-\t-\t-\t-\t-\n' +
      'tank/b\t/tank/b\ton\ton\ton\ton\ton\toff\ton\toff\t-\tnone\t-\t-\t-\t-\tmulti-user.target\t-\t-\t-\n');
    assert.equal(fs.readFileSync(path.join(tmp, 'last-props'), 'utf8').trim(),
      'name,mountpoint,canmount,atime,devices,exec,readonly,setuid,nbmand,org.openzfs.systemd:requires,' +
      'org.openzfs.systemd:requires-mounts-for,org.openzfs.systemd:before,org.openzfs.systemd:after,' +
      'org.openzfs.systemd:wanted-by,org.openzfs.systemd:required-by,org.openzfs.systemd:nofail,org.openzfs.systemd:ignore');
    assert.deepEqual(fs.readdirSync(dir), ['tank'], 'no temporary file left where the generator reads');

    const ino = fs.statSync(path.join(dir, 'tank')).ino;
    assert.equal((refreshCache({ ...opts, pool: 'tank' }) as { changed: boolean }).changed, false);
    assert.equal(fs.statSync(path.join(dir, 'tank')).ino, ino, 'unchanged: not rewritten');

    fs.writeFileSync(path.join(dir, 'gone'), 'old\n');
    const bad = refreshCache({ ...opts, pool: 'gone' });
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /dataset does not exist/);
    assert.equal(fs.readFileSync(path.join(dir, 'gone'), 'utf8'), 'old\n', 'a failed zfs list leaves the cache alone');

    const evil = refreshCache({ ...opts, pool: '../x' });
    assert.deepEqual(evil, { ok: false, error: 'invalid pool name "../x"' });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
