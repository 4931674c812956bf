// Test helpers for the repository tests on real SQLite files: unwrap a result or fail with its
// code and message, and check that a file is intact (integrity and every foreign key).
import assert from 'node:assert/strict';
import type { Repository, RepoResult } from '../../src/repository/index.js';

export function must<T>(r: RepoResult<T>): T {
  if (!r.ok) assert.fail(`${r.code}: ${r.message}`);
  return r.value;
}

export function assertHealthy(repo: Repository): void {
  assert.equal(repo.db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(repo.db.pragma('foreign_key_check'), []);
}
