// A reader that may not create the WAL index (-shm) reads a still copy of the repository when no
// writer is about (no daemon, no svccfg): svcprop and svcs as an unprivileged user (quiet-image.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Repository } from '../../src/repository/index.js';
import { quietImage } from '../../src/repository/quiet-image.js';
import { bundle, general, pg, prop } from '../fixtures/repository/bundles.js';
import { buildSvcprop, cleanupBuild } from '../fixtures/repository/svcprop-runner.js';

const isRoot = process.getuid?.() === 0;
let root: string;
let launcher: string;
const dbPath = () => path.join(root, 'etc/svc/repository.db');

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-quiet-'));
  launcher = await buildSvcprop();
  const repo = Repository.openOrThrow(dbPath());
  const r = repo.importBundle(bundle({ name: 'site/quiet', pgs: [pg('config', 'application', prop('port', 'count', '8080'))], instances: [{ name: 'default', pgs: [general(true)] }] }));
  assert.ok(r.ok);
  repo.close(); // the last connection: the WAL is checkpointed and removed, and so is the -shm
  for (const d of [root, path.join(root, 'etc'), path.join(root, 'etc/svc'), path.dirname(launcher)]) fs.chmodSync(d, 0o755);
  fs.chmodSync(dbPath(), 0o644);
});

after(() => {
  fs.rmSync(root, { recursive: true, force: true });
  cleanupBuild(launcher);
});

const nobody = (args: string[]) => spawnSync(process.execPath, [launcher, '--root', root, ...args], { encoding: 'utf8', uid: 65534, gid: 65534, timeout: 20_000 });

test('no writer about: the image is the file with its header switched to rollback mode', () => {
  assert.deepEqual(fs.readdirSync(path.dirname(dbPath())), ['repository.db']);
  const image = quietImage(dbPath());
  assert.ok(image);
  const file = fs.readFileSync(dbPath());
  assert.deepEqual([file[18], file[19], image[18], image[19]], [2, 2, 1, 1]);
  assert.ok(image.subarray(20).equals(file.subarray(20)));
  // opened read-only in memory, it reads like the file
  const repo = Repository.openOrThrow(dbPath(), { readonly: true, image });
  try {
    assert.deepEqual(repo.listInstances(), ['svc:/site/quiet:default']);
    assert.equal(repo.setProperty('svc:/site/quiet', 'config', 'port', 'count', ['1']).ok, false);
  } finally { repo.close(); }
});

test('a -wal file (a writer about, or one that crashed): no image', () => {
  fs.writeFileSync(`${dbPath()}-wal`, '');
  try { assert.equal(quietImage(dbPath()), undefined); } finally { fs.rmSync(`${dbPath()}-wal`); }
});

test('svcprop as an unprivileged user with no daemon and no -shm reads the repository', { skip: !isRoot && 'needs root to switch to an unprivileged uid' }, () => {
  const r = nobody(['-p', 'config/port', 'site/quiet']);
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, '8080\n', '']);
  assert.deepEqual(fs.readdirSync(path.dirname(dbPath())), ['repository.db'], 'the reader wrote nothing');
  // while a writer's WAL may hold commits the file lacks, the reader says why it cannot read
  fs.writeFileSync(`${dbPath()}-wal`, '');
  try {
    const w = nobody(['-p', 'config/port', 'site/quiet']);
    assert.equal(w.status, 1);
    assert.match(w.stderr, /Could not connect to configuration repository: .*-shm file that svc\.startd keeps while it runs, or no write in progress/);
  } finally { fs.rmSync(`${dbPath()}-wal`); }
  // -w watches for changes: a still copy would never show one, so it gets the error
  const wait = nobody(['-w', '-p', 'config/port', 'site/quiet']);
  assert.equal(wait.status, 1, wait.stderr);
  assert.match(wait.stderr, /Could not connect to configuration repository/);
});
