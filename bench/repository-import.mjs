// Child of bench/repository.mjs (run with `node --import tsx`): parse + lower + import one
// manifest through the repository API into a fresh file; prints one JSON line of timings.
// argv: DB MANIFEST
import { performance } from 'node:perf_hooks';

const [db, manifest] = process.argv.slice(2);
let io;
try {
  io = await import('../src/cli/svccfg/bundle-io.js');
} catch (e) {
  process.stderr.write(`bench/repository: the manifest parser is not available (src/cli/svccfg/bundle-io.ts, src/core/manifest/): ${e.message}\n`);
  process.exit(3);
}
const { Repository } = await import('../src/repository/index.js');

const t0 = performance.now();
const loaded = io.loadAndLower(manifest);
if (!loaded.ok) { process.stderr.write(loaded.errors.join('\n') + '\n'); process.exit(1); }
const t1 = performance.now();
const repo = Repository.openOrThrow(db);
const r = repo.importBundle(loaded.lowered, { manifestPath: manifest });
if (!r.ok) { process.stderr.write(`import failed: ${r.message}\n`); process.exit(1); }
const t2 = performance.now();
// a re-import of the same manifest (upgrade path, nothing changes)
const r2 = repo.importBundle(loaded.lowered, { manifestPath: manifest });
if (!r2.ok) { process.stderr.write(`re-import failed: ${r2.message}\n`); process.exit(1); }
const t3 = performance.now();
// restarter state writes: one transaction each, then batched
const insts = r.value.notify;
const N = 2000;
for (let i = 0; i < N; i++) repo.writeRestarterState(insts[i % insts.length], { state: 'online', next_state: 'none', state_timestamp: `${1700000000 + i}.5` });
const t4 = performance.now();
const batch = [];
for (let i = 0; i < 20 * N; i++) batch.push({ fmri: insts[i % insts.length], state: { state: 'offline', next_state: 'online', state_timestamp: `${1700000000 + i}` } });
for (let i = 0; i < batch.length; i += 1000) repo.writeRestarterStates(batch.slice(i, i + 1000));
const t5 = performance.now();
repo.close();
process.stdout.write(JSON.stringify({
  services: loaded.lowered.services.length, instances: insts.length,
  parseMs: t1 - t0, importMs: t2 - t1, reimportMs: t3 - t2,
  singleStateWritesPerSec: N / ((t4 - t3) / 1000), batchedStateWritesPerSec: (20 * N) / ((t5 - t4) / 1000),
  maxRssMB: process.resourceUsage().maxRSS / 1024,
}) + '\n');
