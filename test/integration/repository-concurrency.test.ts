// Several processes writing one repository file at the same time (the daemon, svccfg and
// svcadm do): WAL + BEGIN IMMEDIATE + busy_timeout must serialise them without a single
// SQLITE_BUSY failure or lost write, while a reader keeps reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Repository, ROOT_VIEWER, VIEW_EFFECTIVE } from '../../src/repository/index.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/repository/concurrent-writer.ts');
const WRITERS = ['a', 'b', 'c'];
const N = 150;

function runChild(db: string, tag: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, db, tag, String(N)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d) => { stderr += d; });
    c.on('exit', (code) => resolve({ code, stderr }));
  });
}

test(`${WRITERS.length} writer processes and a reader share the file without errors or lost writes`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-conc-'));
  const db = path.join(dir, 'repository.db');
  const repo = Repository.openOrThrow(db);
  try {
    for (const t of WRITERS) {
      assert.ok(repo.addService(`svc:/conc/${t}`).ok);
      assert.ok(repo.addInstance(`svc:/conc/${t}:default`).ok);
      assert.ok(repo.addPg(`svc:/conc/${t}`, 'cfg', 'application').ok);
    }
    let reads = 0;
    let readerErr: unknown;
    const reader = setInterval(() => {
      try { for (const t of WRITERS) repo.listPgs(`svc:/conc/${t}`, { viewer: ROOT_VIEWER }); reads++; } catch (e) { readerErr = e; }
    }, 5);
    const results = await Promise.all(WRITERS.map((t) => runChild(db, t)));
    clearInterval(reader);
    assert.equal(readerErr, undefined);
    assert.ok(reads > 0);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    for (const t of WRITERS) {
      const pg = repo.getPg(`svc:/conc/${t}`, 'cfg', { viewer: ROOT_VIEWER });
      assert.ok(pg.ok);
      assert.equal(pg.value.properties.length, N, `all writes of ${t} present`);
      assert.equal(pg.value.generation, 1 + N, 'one generation per committed write');
      const st = repo.getProperty(`svc:/conc/${t}:default`, 'restarter', 'start_pid', { view: VIEW_EFFECTIVE, viewer: ROOT_VIEWER });
      assert.ok(st.ok);
      assert.equal(st.value.values[0], String(Math.floor((N - 1) / 10) * 10));
    }
    assert.equal(repo.db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    repo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
