// Durability: a child process imports big bundles / sets many properties in a loop and is
// SIGKILLed at random points. After each kill the file must pass integrity_check and hold
// exactly the last committed state or the one being written (never a mixture).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Repository, VIEW_DIRECT, snapshotView } from '../../src/repository/index.js';
import { bigBundle, DURABILITY_PROPS as PROPS, DURABILITY_SERVICES as SERVICES } from '../fixtures/repository/bundles.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/repository/durability-child.ts');
const ITERATIONS = Number(process.env.TSMF_DURABILITY_ITERATIONS || 16);

/**
 * Starts the child and kills it with SIGKILL `delayMs` after its `afterCommits`-th commit (so the
 * kill lands while it is writing); returns the last tag it reported committed.
 */
function runAndKill(db: string, mode: string, start: number, afterCommits: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, mode, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = ''; let last = start - 1; let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
        const m = /^committed (\d+)$/.exec(line);
        if (m) last = Number(m[1]);
        if (m && last - start + 1 === afterCommits) setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`child exited ${code}: ${stderr}`));
    });
  });
}

function tagsOf(repo: Repository, pgName: string): Set<string> {
  const tags = new Set<string>();
  for (let s = 0; s < SERVICES; s++) {
    const g = repo.getPg(`svc:/bulk/svc${s}`, pgName, { view: VIEW_DIRECT });
    assert.ok(g.ok, `svc${s}/${pgName} missing`);
    assert.equal(g.value.properties.length, PROPS, `svc${s}/${pgName} has all properties`);
    for (const p of g.value.properties) tags.add(/^(t\d+)[-:]/.exec(p.values[0]!)![1]!);
  }
  return tags;
}

test(`kill -9 during imports and property transactions never leaves a partial state (${ITERATIONS} kills)`, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-durable-'));
  const db = path.join(dir, 'etc/svc/repository.db');
  try {
    let repo = Repository.openOrThrow(db);
    assert.ok(repo.importBundle(bigBundle('t0', SERVICES, PROPS)).ok);
    for (let s = 0; s < SERVICES; s++) {
      assert.ok(repo.addPg(`svc:/bulk/svc${s}`, 'admin', 'application').ok);
    }
    repo.transaction(() => {
      for (let s = 0; s < SERVICES; s++) for (let p = 0; p < PROPS; p++) repo.setProperty(`svc:/bulk/svc${s}`, 'admin', `p${p}`, 'astring', [`t0-${s}-${p}`]);
    });
    repo.close();
    const next = { import: 1, setprop: 1 };
    let sawInFlight = 0;
    let withCommits = 0;
    for (let it = 0; it < ITERATIONS; it++) {
      const mode = it % 2 === 0 ? 'import' : 'setprop';
      const delay = Math.floor(Math.random() * 300);
      const last = await runAndKill(db, mode, next[mode], 1 + (it % 3), delay);
      repo = Repository.openOrThrow(db);
      try {
        assert.equal(repo.db.pragma('integrity_check', { simple: true }), 'ok');
        assert.deepEqual(repo.db.pragma('foreign_key_check'), []);
        const pgName = mode === 'import' ? 'config' : 'admin';
        const tags = tagsOf(repo, pgName);
        assert.equal(tags.size, 1, `iteration ${it} (${mode}): mixed states ${[...tags].join(',')}`);
        const tag = Number([...tags][0]!.slice(1));
        assert.ok(tag === last || tag === last + 1, `iteration ${it}: found t${tag}, last committed t${last}`);
        if (tag === last + 1) sawInFlight++;
        if (last >= next[mode]) withCommits++;
        if (mode === 'import') {
          // import refreshes: running snapshot matches the imported config
          const run = repo.getPg('svc:/bulk/svc0:default', 'config', { view: snapshotView('running') });
          assert.ok(run.ok);
          assert.match(run.value.properties[0]!.values[0]!, new RegExp(`^t${tag}-`));
        }
        next[mode] = tag + 1;
      } finally {
        repo.close();
      }
    }
    t.diagnostic(`${withCommits}/${ITERATIONS} kills came after at least one commit; ${sawInFlight} found the in-flight write committed`);
    // the kills must land while writes are going on, or the test proves nothing
    assert.equal(withCommits, ITERATIONS, `only ${withCommits} iterations committed anything before the kill`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpointOnClose: a large commit leaves the WAL to close() while another connection stays open', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-ckpt-'));
  try {
    const file = path.join(dir, 'repository.db');
    const daemon = Repository.openOrThrow(file); // the daemon's connection, open throughout
    const dbSize = () => fs.statSync(file).size;
    for (const deferred of [false, true]) {
      const cli = Repository.openOrThrow(file, { checkpointOnClose: deferred });
      const before = dbSize();
      // ~8 MB in one commit: past SQLite's 1,000-page autocheckpoint
      const table = `filler_${deferred ? 'deferred' : 'default'}`;
      cli.db.exec(`CREATE TABLE ${table}(x)`);
      cli.transaction(() => { const ins = cli.db.prepare(`INSERT INTO ${table} VALUES (randomblob(4000))`); for (let i = 0; i < 2000; i++) ins.run(); });
      const afterCommit = dbSize();
      cli.close();
      const afterClose = dbSize();
      if (deferred) {
        assert.equal(afterCommit, before, 'the commit did not copy its pages into the database file');
        assert.ok(afterClose > before + 4_000_000, `close() checkpointed (${before} -> ${afterClose})`);
      } else {
        assert.ok(afterCommit > before + 4_000_000, `SQLite's default: the commit checkpointed (${before} -> ${afterCommit})`);
      }
      assert.deepEqual(daemon.db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), { n: 2000 }, 'the other connection sees the data either way');
    }
    daemon.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
