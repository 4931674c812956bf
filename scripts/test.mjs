#!/usr/bin/env node
// Runs every test file (test/**/*.test.ts) with node:test through tsx.
// Usage: node scripts/test.mjs [DIR|FILE ...]   (default: test/)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function collect(p, out) {
  const st = fs.statSync(p);
  if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) collect(path.join(p, e), out);
  else if (/\.test\.(ts|mjs)$/.test(p)) out.push(p);
  return out;
}
const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((r) => collect(r, []));
if (!files.length) { console.error('no test files under', roots.join(' ')); process.exit(1); }
const concurrency = process.env.TSMF_TEST_CONCURRENCY || '2';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
