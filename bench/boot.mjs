#!/usr/bin/env node
// Boot benchmark: the N-service graphs of ../shared/bench (seed 42; daemon and oneshot variants) started by tsmf and by
// the peers that install here (runit, supervisord, pm2), plus the spawn floors, in one run within a time budget, then
// the harness's report (medians and ratios). See bench/README.md.
//   node bench/boot.mjs [--managers tsmf,runit,supervisord,pm2] [--n 100,1000,5000] [--variants daemon,oneshot]
//     [--reps 3] [--status-reps 3] [--budget-min 15] [--cell-budget-s 120] [--cell-max-s 200] [--cell-timeout-s 600]
//     [--only CELLS] [--skip CELLS] [--no-floor] [--no-setup] [--wait] [--kill-leftovers] [--no-interleave] [--plan]
//   node bench/boot.mjs --report bench/out/<timestamp>      (the report of an earlier run again)
//   CELLS: comma-separated manager:n:variant patterns, `*` matches anything (e.g. supervisord:5000:*,pm2:*:daemon).
// Each (manager, N, variant) cell is one bench.mjs run. Cells whose per-repetition time is known (last successful run
// in bench/out/*/cells.jsonl, else the table below) to exceed --cell-max-s are skipped unless named by --only; reps
// are trimmed (then peer cells dropped) until the plan fits --budget-min; a cell still running after
// --cell-timeout-s is killed. Every process of a cell (its cgroup perfbench-MANAGER) is killed after the cell.
// Results go to bench/out/<timestamp>/ (main.jsonl, floor.jsonl, cells.jsonl, report.txt).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'bench');
const OUT_BASE = path.join(ROOT, 'bench', 'out');
const CG_ROOT = '/sys/fs/cgroup/unified';
const args = process.argv.slice(2);
const flag = (k) => args.includes('--' + k);
const opt = (k, d) => { const i = args.indexOf('--' + k); return i >= 0 ? args[i + 1] : d; };
const list = (k, d) => opt(k, d).split(',').map((s) => s.trim()).filter(Boolean);
const log = (...a) => process.stderr.write(`bench/boot [${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`);

// Wall seconds per repetition (launch, start, 3 status listings, stop, teardown), measured here on 2026-11-21 (2 cores,
// reps 1; tsmf from docs/performance.md). Infinity = cannot work here. Overridden by the last successful measurement.
const KNOWN = {
  'tsmf:100:daemon': 3, 'tsmf:100:oneshot': 3, 'tsmf:1000:daemon': 10, 'tsmf:1000:oneshot': 6, 'tsmf:5000:daemon': 40, 'tsmf:5000:oneshot': 20,
  'runit:100:daemon': 5, 'runit:1000:daemon': 10, 'runit:5000:daemon': 45,
  'supervisord:100:daemon': 6, 'supervisord:100:oneshot': 5, 'supervisord:1000:daemon': 17, 'supervisord:1000:oneshot': 26,
  'supervisord:5000:daemon': 354, 'supervisord:5000:oneshot': 288,
  'pm2:100:daemon': 11, 'pm2:100:oneshot': 4, 'pm2:1000:daemon': 100, 'pm2:1000:oneshot': 22, 'pm2:5000:oneshot': 90,
  'pm2:5000:daemon': Infinity, // its daemon dies with EMFILE near 3,300 apps (open-files hard limit 20,000)
  'floor:100': 3, 'floor:1000': 12, 'floor:5000': 58,
};
const WHY = {
  'pm2:5000:daemon': 'pm2 cannot hold 5,000 daemons here (EMFILE near 3,300 apps)',
  'supervisord:5000:daemon': 'supervisord closes minfds (19,900) fds in Python in every child; status of 5,000 takes ~45 s',
};

const managers = list('managers', 'tsmf,runit,supervisord,pm2');
const Ns = list('n', '100,1000,5000').map(Number);
const variants = list('variants', 'daemon,oneshot');
const reps = +opt('reps', '3');
const budgetS = 60 * +opt('budget-min', '15');
const cellBudgetS = +opt('cell-budget-s', '120');
const cellMaxS = +opt('cell-max-s', '200');
const cellTimeoutS = +opt('cell-timeout-s', '600');
const pattern = (p) => new RegExp('^' + p.split(':').map((x) => (x === '*' ? '[^:]+' : x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join(':') + '$');
const only = list('only', '').map(pattern);
const skip = list('skip', '').map(pattern);
const env = { ...process.env, PERFSVC: path.join(SHARED, 'bin', 'perfsvc') }; // floor.c looks for bin/perfsvc in the cwd otherwise
if (!fs.existsSync(path.join(SHARED, 'bench.mjs'))) { console.error(`bench/boot: ${SHARED} not found`); process.exit(1); }

// ---- history: the last successful per-rep wall time of each cell
function history() {
  const h = {};
  if (!fs.existsSync(OUT_BASE)) return h;
  for (const d of fs.readdirSync(OUT_BASE).sort()) {
    const f = path.join(OUT_BASE, d, 'cells.jsonl');
    if (!fs.existsSync(f)) continue;
    for (const l of fs.readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
      try { const c = JSON.parse(l); if (c.status === 'ok' && c.reps_done > 0) h[c.cell] = { s: c.wall_s / c.reps_done, from: d }; } catch { /* partial line */ }
    }
  }
  return h;
}
const hist = history();
const estimate = (cell) => hist[cell]?.s ?? KNOWN[cell] ?? (cell.startsWith('floor:') ? 0.01 * +cell.split(':')[1] + 2 : 0.03 * +cell.split(':')[1] + 5);

// ---- plan
async function variantsOf(m) {
  try { return (await import(path.join(SHARED, 'adapters', `${m}.mjs`))).default.variants; } catch { return null; }
}
async function makePlan() {
  const cells = []; const skipped = [];
  for (const m of managers) {
    const vs = await variantsOf(m);
    if (!vs) { skipped.push({ cell: `${m}:*:*`, reason: 'no adapter in ../shared/bench/adapters' }); continue; }
    for (const n of Ns) for (const v of variants) {
      const cell = `${m}:${n}:${v}`;
      if (!vs.includes(v)) continue; // e.g. runit has no oneshots
      const est = estimate(cell);
      const named = only.some((r) => r.test(cell));
      if (only.length && !named) continue;
      if (skip.some((r) => r.test(cell))) { skipped.push({ cell, reason: '--skip' }); continue; }
      if (est > cellMaxS && !named) { skipped.push({ cell, reason: `${Number.isFinite(est) ? `~${est.toFixed(0)} s per rep` : 'cannot work'} > --cell-max-s ${cellMaxS}${WHY[cell] ? ` (${WHY[cell]})` : ''}` }); continue; }
      cells.push({ cell, manager: m, n, variant: v, est, reps: Math.min(reps, Math.max(1, Math.floor(cellBudgetS / est))) });
    }
  }
  const floor = flag('no-floor') ? [] : Ns.map((n) => ({ cell: `floor:${n}`, n, est: estimate(`floor:${n}`), reps }));
  const total = () => [...floor, ...cells].reduce((a, c) => a + c.est * c.reps, 0);
  // over budget: take reps off the costliest cells (peers first), then drop the costliest peer cells
  const byCost = (xs) => xs.filter((c) => c.reps > 1).sort((a, b) => b.est * b.reps - a.est * a.reps)[0];
  while (total() > budgetS) {
    const c = byCost(cells.filter((x) => x.manager !== 'tsmf')) ?? byCost([...floor, ...cells]);
    if (!c) break;
    c.reps--;
  }
  while (total() > budgetS) {
    const peers = cells.filter((c) => c.manager !== 'tsmf').sort((a, b) => b.est - a.est);
    if (!peers.length) break;
    cells.splice(cells.indexOf(peers[0]), 1);
    skipped.push({ cell: peers[0].cell, reason: `plan over --budget-min ${budgetS / 60}` });
  }
  // run order: tsmf's cells first, then the peers' (each by N, then variant, then manager). Several peer
  // adapters delete thousands of files between repetitions (supervisord its log directory, every
  // adapter the previous work directory), and on ext4 creating files shortly after deleting many is
  // several times slower (bench/README.md, "Hygiene"): the cells after them would pay for it.
  const tsmfFirst = (c) => (c.manager === 'tsmf' ? 0 : 1);
  cells.sort((a, b) => tsmfFirst(a) - tsmfFirst(b) || a.n - b.n || variants.indexOf(a.variant) - variants.indexOf(b.variant) || managers.indexOf(a.manager) - managers.indexOf(b.manager));
  return { cells, floor, skipped, total: total() };
}

// ---- processes: preflight, per-cell cleanup, leftovers
const readText = (f) => { try { return fs.readFileSync(f, 'latin1'); } catch { return ''; } };
const pids = () => fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
const comm = (p) => readText(`/proc/${p}/comm`).trim();
const cmdline = (p) => readText(`/proc/${p}/cmdline`).replace(/\0/g, ' ').trim();
const live = (p) => !/^\d+ \(.*\) Z/.test(readText(`/proc/${p}/stat`));
function census() {
  const c = { perfsvc: [], runsv: [], supervisord: [], pm2: [], harness: [] };
  for (const p of pids()) {
    if (p === process.pid || !live(p)) continue;
    const k = comm(p); const cl = cmdline(p);
    if (k === 'perfsvc') c.perfsvc.push(p);
    else if (k === 'runsv' || k === 'runsvdir') c.runsv.push(p);
    else if (k === 'supervisord') c.supervisord.push(p);
    else if (cl.startsWith('PM2 ')) c.pm2.push(p);
    else if (/\/shared\/bench\/(bench|floor)\.mjs/.test(cl)) c.harness.push(p);
  }
  return c;
}
const cgProcs = (dir) => {
  if (!fs.existsSync(dir)) return [];
  const out = readText(path.join(dir, 'cgroup.procs')).split('\n').filter(Boolean).map(Number);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) out.push(...cgProcs(path.join(dir, e.name)));
  return out;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until no live perfsvc process is left (at most limitMs; zombies, as floor.mjs, do not count); whether none is. */
async function waitForNoPerfsvc(limitMs) {
  const end = Date.now() + limitMs;
  while (census().perfsvc.length > 0) {
    if (Date.now() > end) return false;
    await sleep(200);
  }
  return true;
}
/** Kill every process left in the harness's cgroup of `name` (perfbench-MANAGER / perffloor-*); returns how many. */
async function killCgroup(name) {
  const dir = path.join(CG_ROOT, name);
  const first = cgProcs(dir).length;
  for (let i = 0; i < 100; i++) { // again until empty: a supervisor may fork while we kill
    const left = cgProcs(dir);
    if (!left.length) break;
    try { fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1'); } // Linux 5.14+: the whole subtree at once
    catch { for (const p of left) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } }
    await sleep(100);
  }
  return first;
}
const ourCgroups = () => (fs.existsSync(CG_ROOT) ? fs.readdirSync(CG_ROOT).filter((d) => d.startsWith('perfbench-') || d.startsWith('perffloor-')) : []);
const pm2HomeGod = () => {
  const pid = +readText(path.join(os.homedir(), '.pm2', 'pm2.pid')).trim();
  return pid && live(pid) && /PM2.*God/.test(cmdline(pid)) ? pid : 0;
};

async function preflight() {
  for (let waited = 0; ; waited += 5) {
    const c = census();
    const busy = [...c.perfsvc, ...c.harness];
    if (!busy.length) return;
    const leftovers = ourCgroups().reduce((a, d) => a + cgProcs(path.join(CG_ROOT, d)).length, 0);
    if (leftovers && !c.harness.length && flag('kill-leftovers')) { log(`killing ${leftovers} leftover processes of an earlier run (cgroups ${ourCgroups().join(' ')})`); for (const d of ourCgroups()) await killCgroup(d); continue; }
    if (!flag('wait') || waited > 1800) {
      console.error(`bench/boot: another benchmark is running (harness pids ${c.harness.join(' ') || '-'}, ${c.perfsvc.length} perfsvc processes${leftovers ? `, ${leftovers} processes in the harness's cgroups ${ourCgroups().join(' ')}` : ''}); figures would mix. ` +
        `Retry later, pass --wait, or --kill-leftovers when they are an earlier run's leftovers.`);
      process.exit(3);
    }
    if (waited % 60 === 0) log(`waiting for the other benchmark (${c.perfsvc.length} perfsvc, harness ${c.harness.join(' ') || '-'})`);
    await sleep(5000);
  }
}

// ---- steps
let child = null; let stopping = false;
function runChild(what, cmd, a, timeoutS) {
  if (stopping) return new Promise(() => {}); // never resolves: the signal handler exits
  log(what);
  return new Promise((resolve) => {
    const t0 = Date.now();
    child = spawn(cmd, a, { stdio: 'inherit', cwd: ROOT, env });
    let timedOut = false;
    const to = timeoutS ? setTimeout(() => { timedOut = true; log(`${what}: over ${timeoutS} s, killing it`); child.kill('SIGTERM'); }, timeoutS * 1000) : null;
    child.on('close', (code, sig) => { clearTimeout(to); child = null; resolve({ code, sig, timedOut, wall_s: (Date.now() - t0) / 1000 }); });
  });
}
function installExeclineIfMissing() {
  // the runit run files of gen.mjs start with `#!/usr/bin/execlineb -P`; without execline every runsv fails to exec them
  if (fs.existsSync('/usr/bin/execlineb')) return true;
  log('installing execline (runit run files are execline scripts)');
  const apt = (...a) => spawnSync('apt-get', a, { stdio: 'inherit', env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  const inst = () => apt('install', '-y', '-q', '--no-install-recommends', 'execline');
  return inst() || (apt('update', '-q') && inst()) || fs.existsSync('/usr/bin/execlineb');
}
const countLines = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

async function main() {
  const plan = await makePlan();
  const show = (c) => `  ${c.cell.padEnd(26)} ~${c.est.toFixed(0).padStart(4)} s/rep x ${c.reps}${hist[c.cell] ? ` (measured ${hist[c.cell].from})` : ''}`;
  log(`plan (~${(plan.total / 60).toFixed(1)} min, budget ${budgetS / 60} min):\n${[...plan.floor, ...plan.cells].map(show).join('\n')}` +
    (plan.skipped.length ? `\n  skipped:\n${plan.skipped.map((s) => `  ${s.cell.padEnd(26)} ${s.reason}`).join('\n')}` : ''));
  if (flag('plan')) return 0;
  await preflight();
  const out = path.join(OUT_BASE, new Date().toISOString().replace(/[:.]/g, '-'));
  fs.mkdirSync(out, { recursive: true });
  const main = path.join(out, 'main.jsonl'); const floorOut = path.join(out, 'floor.jsonl'); const cellsOut = path.join(out, 'cells.jsonl');
  const record = (c) => fs.appendFileSync(cellsOut, JSON.stringify({ ...c, ts: new Date().toISOString() }) + '\n');
  for (const s of plan.skipped) record({ cell: s.cell, status: 'skipped', reason: s.reason });
  const pm2Before = pm2HomeGod();
  const onSignal = async (sig) => {
    if (stopping) return;
    stopping = true; log(`${sig}: stopping`); if (child) child.kill('SIGTERM');
    await sleep(500); for (const d of ourCgroups()) await killCgroup(d);
    process.exit(130);
  };
  process.on('SIGINT', onSignal); process.on('SIGTERM', onSignal);

  if (!flag('no-setup')) {
    const r = await runChild('setup (peers and C helpers)', 'bash', [path.join(SHARED, 'setup.sh')]);
    if (r.code !== 0) { console.error(`bench/boot: setup failed (${r.code})`); return 1; }
  }
  if (plan.cells.some((c) => c.manager === 'runit') && !installExeclineIfMissing()) {
    for (const c of plan.cells.filter((x) => x.manager === 'runit')) record({ cell: c.cell, status: 'skipped', reason: 'execline not installable' });
    plan.cells = plan.cells.filter((c) => c.manager !== 'runit');
    log('skipping runit: /usr/bin/execlineb missing and `apt-get install execline` failed');
  }
  // Work directories of earlier runs are renamed aside, not deleted: the adapters would delete them
  // at each launch, right before the manager creates its files in the same place (see above).
  const trash = setAsideWorkDirs();
  const interleave = !flag('no-interleave');
  const t0 = Date.now(); const elapsed = () => (Date.now() - t0) / 1000;
  const runFloor = async (f, reps) => {
    const floorRun = () => runChild(`spawn floor n=${f.n}${reps !== f.reps ? ` (reps ${reps})` : ''}`, process.execPath, [path.join(SHARED, 'floor.mjs'), '--n', String(f.n), '--reps', String(reps), '--out', floorOut], cellTimeoutS);
    let r = await floorRun();
    await killCgroupsOf('perffloor-');
    if (r.code !== 0 && !r.timedOut) {
      // floor.mjs refuses to start a method while `perfsvc` processes are alive, and the previous
      // method's killed children may still be exiting (15:37 run, n=1000 after sh-loop): wait for
      // them, then try once more (the methods that had completed are measured twice; the report
      // takes medians)
      const gone = await waitForNoPerfsvc(30_000);
      log(`spawn floor n=${f.n} failed; ${gone ? 'no perfsvc left' : 'perfsvc still present after 30 s'}: retrying once`);
      r = await floorRun();
      await killCgroupsOf('perffloor-');
    }
    record({ cell: f.cell, status: r.code === 0 ? 'ok' : r.timedOut ? 'timeout' : 'failed', wall_s: r.wall_s, reps_done: r.code === 0 ? reps : 0, est_s: f.est });
  };
  const runCell = async (c, reps) => {
    const before = countLines(main).length;
    const r = await runChild(`${c.cell} (reps ${reps}, ~${(c.est * reps).toFixed(0)} s)`, process.execPath, [path.join(SHARED, 'bench.mjs'), '--managers', c.manager,
      '--n', String(c.n), '--variants', c.variant, '--reps', String(reps), '--status-reps', opt('status-reps', '3'),
      '--budget-s', String(Math.max(cellBudgetS, c.est)), '--out', main], args.includes('--cell-timeout-s') ? cellTimeoutS : Math.max(cellTimeoutS, 3 * c.est * reps));
    const killed = await killCgroupsOf(`perfbench-${c.manager}`);
    const rows = countLines(main).slice(before);
    const done = rows.filter((x) => !x.error).length;
    const status = r.timedOut ? 'timeout' : r.code !== 0 ? 'failed' : rows.some((x) => x.error) || !done ? 'failed' : 'ok';
    if (r.timedOut || (r.code !== 0 && !rows.length)) fs.appendFileSync(main, JSON.stringify({ manager: c.manager, n: c.n, variant: c.variant, error: r.timedOut ? `cell killed after ${r.wall_s.toFixed(0)} s (--cell-timeout-s)` : `bench.mjs exited with ${r.code ?? r.sig}` }) + '\n');
    record({ cell: c.cell, status, wall_s: r.wall_s, reps_done: done, reps_planned: reps, est_s: c.est, killed_leftovers: killed });
    log(`${c.cell}: ${status} in ${r.wall_s.toFixed(0)} s${killed ? ` (killed ${killed} leftover processes)` : ''}`);
    await sleep(1000); // let the previous cell's exits settle
  };
  // The Node floor of N and tsmf's N daemons, the ratio issue 3 is judged by, alternate repetition by
  // repetition (order swapped each time) instead of minutes apart: the machine's speed drifts by
  // tens of percent within minutes here, and a ratio of two windows carried that drift.
  const paired = (c) => interleave && c.manager === 'tsmf' && c.variant === 'daemon' && plan.floor.some((f) => f.n === c.n);
  const pairedFloor = (f) => plan.cells.some((c) => paired(c) && c.n === f.n);
  for (const f of plan.floor) if (!pairedFloor(f)) await runFloor(f, f.reps);
  if (plan.cells.length) await waitForQuietRunDir();
  for (const c of plan.cells) {
    if (c.manager !== 'tsmf' && elapsed() + c.est > budgetS * 1.1) {
      log(`skip ${c.cell}: ${elapsed().toFixed(0)} s spent, ~${c.est.toFixed(0)} s more would exceed the budget`);
      record({ cell: c.cell, status: 'skipped', reason: 'over --budget-min at run time' }); continue;
    }
    if (!paired(c)) { await runCell(c, c.reps); continue; }
    const f = plan.floor.find((x) => x.n === c.n);
    for (let i = 0; i < Math.max(c.reps, f.reps); i++) {
      const steps = [];
      if (i < f.reps) steps.push(() => runFloor(f, 1));
      // bench.mjs names its work directory after the repetition (rep1): set the last one aside first
      if (i < c.reps) steps.push(async () => { setAsideInto(trash, 'tsmf'); await runCell(c, 1); });
      if (i % 2 === 1) steps.reverse();
      for (const step of steps) await step();
    }
  }
  // leftovers: our cgroups are empty by now; anything else is reported, and a pm2 daemon of ~/.pm2 started meanwhile is stopped
  const pm2After = pm2HomeGod();
  if (pm2After && pm2After !== pm2Before) {
    log(`stopping the pm2 daemon of ~/.pm2 started during this run (pid ${pm2After})`);
    spawnSync(path.join(SHARED, 'node_modules', '.bin', 'pm2'), ['kill'], { env: { ...env, PM2_HOME: path.join(os.homedir(), '.pm2') }, stdio: 'ignore' });
  }
  const left = census();
  const leftover = Object.entries(left).filter(([k, v]) => k !== 'harness' && v.length).map(([k, v]) => `${k}: ${v.length} (pids ${v.slice(0, 5).join(' ')})`);
  if (leftover.length) log(`WARNING: processes outside this run's cgroups remain: ${leftover.join('; ')}`);

  const cells = countLines(cellsOut);
  fs.writeFileSync(path.join(out, 'report.txt'), renderReport(out) + `\ntotal ${(elapsed() / 60).toFixed(1)} min; ${new Date().toISOString()}; load ${readText('/proc/loadavg').trim()}\n`);
  process.stdout.write(fs.readFileSync(path.join(out, 'report.txt'), 'utf8'));
  log(`results in ${out}`);
  if (fs.existsSync(trash)) removeTrash(trash);
  return cells.some((c) => c.status === 'failed' || c.status === 'timeout') ? 1 : 0;
}
// On ext4 without a journal (as here), the inode allocator passes over inodes freed in the last
// 60 s, or 360 s while their inode-table block is dirty (fs/ext4/ialloc.c, recently_deleted:
// RECENTCY_MIN + RECENTCY_DIRTY), testing them one by one from the start of the block group at
// every creation: right after another run's cleanup, a file creation costs up to 1 ms of system
// CPU instead of a few microseconds (see bench/README.md, "Hygiene"). A sync cleans those blocks,
// but the next run's own creations in the same groups dirty them again, so the 360 s apply (a run
// that waited 90 s after a synced cleanup paid ~0.5 s more CPU per 1,000 tsmf services: docs/
// performance.md, session 19). The cleanup is synced and its time recorded, and the first manager
// cell of the next run waits until it is QUIET_AFTER_CLEANUP_MS old.
const CLEANED_AT = path.join(SHARED, 'run', '.cleaned-at');
const QUIET_AFTER_CLEANUP_MS = 370_000;

function removeTrash(trash) {
  fs.rmSync(trash, { recursive: true, force: true });
  spawnSync('sync', [], { stdio: 'ignore' });
  fs.writeFileSync(CLEANED_AT, `${Date.now()}\n`);
}

async function waitForQuietRunDir() {
  let at;
  try { at = Number(fs.readFileSync(CLEANED_AT, 'utf8')); } catch { return; }
  const left = at + QUIET_AFTER_CLEANUP_MS - Date.now();
  if (!(left > 0)) return;
  log(`waiting ${(left / 1000).toFixed(0)} s: the previous run removed its work directories ${((Date.now() - at) / 1000).toFixed(0)} s ago (ext4 file creation is slow for a while after mass deletions)`);
  await sleep(Math.min(left, QUIET_AFTER_CLEANUP_MS));
}

/** Renames ../shared/bench/run/NAME into the trash directory `trash` (created when missing), if it exists. */
function setAsideInto(trash, name) {
  const from = path.join(SHARED, 'run', name);
  if (!fs.existsSync(from)) return;
  fs.mkdirSync(trash, { recursive: true });
  fs.renameSync(from, path.join(trash, `${name}-${Date.now()}`));
}

/**
 * Renames ../shared/bench/run/* into run/.trash-TIMESTAMP (created when something is set aside now
 * or later in the run, removed when the run ends); returns that path.
 */
function setAsideWorkDirs() {
  const runDir = path.join(SHARED, 'run');
  const trash = path.join(runDir, `.trash-${Date.now()}`);
  const entries = fs.existsSync(runDir) ? fs.readdirSync(runDir).filter((e) => !e.startsWith('.')) : [];
  for (const e of entries) setAsideInto(trash, e);
  if (entries.length) log(`set aside earlier work directories (${entries.join(', ')}) in ${trash}; removed at the end`);
  return trash;
}
/** The report of a results directory: every manager side by side with the floor ratio, report.mjs's tables, the cells. */
function renderReport(dir) {
  const main = path.join(dir, 'main.jsonl'); const floorOut = path.join(dir, 'floor.jsonl');
  const rep = spawnSync(process.execPath, [path.join(SHARED, 'report.mjs'), main, ...(fs.existsSync(floorOut) ? ['--floor', floorOut] : [])], { encoding: 'utf8', cwd: ROOT });
  const cells = countLines(path.join(dir, 'cells.jsonl'));
  return sideBySide(fs.existsSync(main) ? countLines(main) : [], countLines(floorOut)) + '\n## report.mjs\n' + (rep.stdout || '') + (rep.stderr || '') +
    ['\n### cells (wall time of each bench.mjs run)\n', '| cell | status | reps | wall s | note |', '|---|---|---|---|---|',
      ...cells.map((c) => `| ${c.cell} | ${c.status} | ${c.reps_done ?? '–'} | ${c.wall_s == null ? '–' : c.wall_s.toFixed(0)} | ${c.reason ?? ''} |`)].join('\n') + '\n';
}
// report.mjs lists only the peers it knows (not tsmf): this table has every manager of the run, tsmf first, and the
// ratio to the Node spawn floor of the same run (issue 3's target: 1.25x node-spawn at 1,000 and 5,000).
function sideBySide(rows, floorRows) {
  const med = (xs) => { const v = xs.filter((x) => x != null && !Number.isNaN(x)).sort((a, b) => a - b); const k = v.length; return k ? (k % 2 ? v[(k - 1) / 2] : (v[k / 2 - 1] + v[k / 2]) / 2) : null; };
  const f = (v, d = 2) => (v == null ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(d));
  const floorOf = (n, method) => med(floorRows.filter((r) => r.n === n && r.method === method).map((r) => r.start_s));
  const ms = [...new Set(rows.map((r) => r.manager))].sort((a, b) => (a === 'tsmf' ? -1 : b === 'tsmf' ? 1 : managers.indexOf(a) - managers.indexOf(b)));
  const out = [];
  for (const variant of variants) {
    const method = variant === 'daemon' ? 'node-spawn' : 'node-true-par2';
    out.push(`\n### side by side: ${variant} (medians; x floor = start-all / ${method} floor of this run)\n`,
      '| manager | deps | N | reps | start-all s | x floor | CPU s (start) | peak RSS MB | stop-all s | status s | notes |', '|---|---|---|---|---|---|---|---|---|---|---|');
    for (const n of [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b)) {
      for (const m of ms) {
        const g = rows.filter((r) => r.manager === m && r.n === n && r.variant === variant);
        if (!g.length) continue;
        const ok = g.filter((r) => !r.error); const err = g.find((r) => r.error);
        const start = med(ok.map((r) => r.start_s)); const fl = floorOf(n, method);
        out.push(`| ${m} | ${(ok[0] ?? g[0]).deps ? 'yes' : 'no'} | ${n} | ${ok.length} | ${f(start)} | ${start != null && fl ? f(start / fl) + 'x' : '–'} | ${f(med(ok.map((r) => r.start_cpu_s)))} | ` +
          `${f(med(ok.map((r) => (r.rss_hwm_kb_end ?? r.rss_hwm_kb) / 1024)), 1)} | ${f(med(ok.map((r) => r.stop_s)))} | ${f(med(ok.flatMap((r) => r.status_s)), 3)} | ${err ? 'FAILED: ' + String(err.error).slice(0, 100) : ''} |`);
      }
    }
  }
  return out.join('\n') + '\n';
}
async function killCgroupsOf(prefix) {
  let n = 0;
  for (const d of ourCgroups().filter((x) => x.startsWith(prefix))) n += await killCgroup(d);
  return n;
}
if (opt('report')) process.stdout.write(renderReport(path.resolve(opt('report'))));
else process.exitCode = await main();
