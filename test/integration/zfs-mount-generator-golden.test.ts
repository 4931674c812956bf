// Golden cases: every directory under ../shared/testdata/zfs-mount-generator/cases is run through
// the real command (`bin/tsmf zfs-mount-generator OUTDIR`, and the standalone bin/zfs-mount-generator)
// and its output tree, stderr and exit status are compared with expected/.
//
// Case layout: cache/ (the zfs-list.cache directory), expected/{tree.txt,stderr,rc}, optional
// `imported` (or imported-pools / imported_pools: newline-separated pool names that count as
// imported; default none), optional `env` (KEY=VALUE lines), optional `args` (extra arguments,
// one per line, appended after OUTDIR: e.g. the EARLY and LATE directories).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listTree } from '../../src/zfs/tree-listing.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const casesDir = path.resolve(repo, '../shared/testdata/zfs-mount-generator/cases');

function readOpt(dir: string, names: string[]): string | undefined {
  for (const n of names) {
    const p = path.join(dir, n);
    if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8');
  }
  return undefined;
}

export function runCase(caseDir: string, command: string[]): { tree: string; stderr: string; rc: number } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zmg-golden-'));
  try {
    const out = path.join(tmp, 'out');
    fs.mkdirSync(out);
    const env: NodeJS.ProcessEnv = { ...process.env, ZFS_LIST_CACHE_DIR: path.join(caseDir, 'cache'), ZFS_IMPORTED_POOLS: '' };
    delete env.ZFS_DEBUG;
    const imported = readOpt(caseDir, ['imported', 'imported-pools', 'imported_pools', 'imported_pools.txt']);
    if (imported !== undefined) env.ZFS_IMPORTED_POOLS = imported;
    for (const line of (readOpt(caseDir, ['env']) ?? '').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    const extra = (readOpt(caseDir, ['args']) ?? '').split('\n').filter((a) => a !== '');
    const r = spawnSync(command[0]!, [...command.slice(1), out, ...extra], { env, encoding: 'latin1' });
    if (r.error) throw r.error;
    const stderr = r.stderr.split(`[${r.pid}]`).join('[PID]').split(out).join('OUTDIR');
    return { tree: listTree(out), stderr, rc: r.status ?? -1 };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const cases = fs.existsSync(casesDir) ? fs.readdirSync(casesDir).sort().filter((c) => fs.existsSync(path.join(casesDir, c, 'expected'))) : [];
// `tsmf zfs-mount-generator` is wired by src/cli/tsmf.ts (not ours); compare with it once it is.
const tsmfWired = fs.existsSync(path.join(repo, 'src/cli/tsmf.ts')) && fs.readFileSync(path.join(repo, 'src/cli/tsmf.ts'), 'utf8').includes('tsmf-zfs');
const built = fs.existsSync(path.join(repo, 'dist/zfs-mount-generator.js')) && fs.existsSync(path.join(repo, 'dist/tsmf.js'));

test('golden cases exist', { skip: !fs.existsSync(casesDir) && `no golden cases at ${casesDir}` }, () => {
  assert.ok(cases.length >= 10, `expected the public golden cases, found ${cases.length}`);
});

for (const c of cases) {
  const caseDir = path.join(casesDir, c);
  test(`golden ${c}`, { skip: !built && 'dist/ is not built: run `npm run build`' }, () => {
    const expected = {
      tree: fs.readFileSync(path.join(caseDir, 'expected/tree.txt'), 'latin1'),
      stderr: fs.readFileSync(path.join(caseDir, 'expected/stderr'), 'latin1'),
      rc: Number(fs.readFileSync(path.join(caseDir, 'expected/rc'), 'utf8').trim()),
    };
    const got = runCase(caseDir, [path.join(repo, 'bin/zfs-mount-generator')]);
    assert.equal(got.tree, expected.tree, 'output tree');
    assert.equal(got.stderr, expected.stderr, 'stderr');
    assert.equal(got.rc, expected.rc, 'exit status');
    if (tsmfWired) {
      assert.deepEqual(runCase(caseDir, [path.join(repo, 'bin/tsmf'), 'zfs-mount-generator']), got, 'tsmf zfs-mount-generator agrees');
    }
  });
}
