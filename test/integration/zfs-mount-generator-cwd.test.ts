// runGenerator works from inside OUTDIR (relative names, as upstream's openat): the caller's
// working directory is restored, and a relative OUTDIR is taken from the caller's directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runGenerator, insideDir } from '../../src/zfs/generator.js';

const LINE = 'tank/a\t/srv/a\ton\ton\ton\ton\ton\toff\ton\toff\t-\tnone\t-\t-\t-\t-\tweb.service\t-\t-\t-\n';

test('a relative OUTDIR is written from the caller\'s directory, which is restored', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zmg-cwd-'));
  const before = process.cwd();
  try {
    fs.mkdirSync(path.join(tmp, 'cache'));
    fs.mkdirSync(path.join(tmp, 'out'));
    fs.writeFileSync(path.join(tmp, 'cache', 'tank'), LINE);
    process.chdir(tmp);
    let err = '';
    const rc = runGenerator({ destdir: 'out', env: { ZFS_LIST_CACHE_DIR: 'cache', ZFS_IMPORTED_POOLS: '' }, pid: 1, write: (t) => { err += t; } });
    assert.equal(process.cwd(), fs.realpathSync(tmp));
    assert.equal(rc, 0, err);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'out')).sort(), ['srv-a.mount', 'web.service.wants']);
    assert.equal(fs.readlinkSync(path.join(tmp, 'out', 'web.service.wants', 'srv-a.mount')), '../srv-a.mount');
  } finally {
    process.chdir(before);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('insideDir: prefix "" inside the directory, "DIR/" when it cannot be entered; cwd restored after a throw', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zmg-cwd-'));
  const before = process.cwd();
  try {
    assert.equal(insideDir(tmp, (base) => `${base}|${process.cwd()}`), `|${fs.realpathSync(tmp)}`);
    assert.equal(process.cwd(), before);
    const missing = path.join(tmp, 'missing');
    assert.equal(insideDir(missing, (base) => base), missing + '/');
    assert.throws(() => insideDir(tmp, () => { throw new Error('boom'); }), /boom/);
    assert.equal(process.cwd(), before);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
