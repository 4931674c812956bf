// Process-level start-up and shutdown of svc.startd: state-root layout, single-instance pid lock,
// daemon log, boot detection, signals. Collaborators (engine, process adapters) come from a
// `wire` function so tests can run the same daemon with their own components.
//
// Signals: SIGTERM/SIGINT stop the daemon and leave services running (svc.startd exiting does not
// stop services; the next daemon of the same boot re-adopts them). SIGHUP re-reads the repository,
// the global method environment and the authorization files.
import fs from 'node:fs';
import path from 'node:path';
import { logDir, repositoryPath, runDir as runDirOf, controlSocketPath } from '../cli/common/root.js';
import { currentBootId } from './boot.js';
import { Daemon } from './daemon.js';
import type { Clock, DaemonRepository, EngineLike, ProcessPorts } from './ports.js';
import { realClock } from './ports.js';
import { installMethodLibrary } from './method-library.js';

export interface Wired {
  engine: EngineLike;
  procs: ProcessPorts;
  repo: DaemonRepository;
  /** records the boot id in the repository; discards NONPERSISTENT data when it changed */
  noteBoot(bootId: string): { newBoot: boolean };
  /** at each new boot: import the base manifests whose services are missing; returns a message per problem */
  importBaseManifests?(): string[];
  clock?: Clock;
}

export interface DaemonMainOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  /** also print log lines on stderr */
  verbose?: boolean;
  wire: (ctx: { root: string; log: (msg: string) => void }) => Promise<Wired>;
  /** install SIGTERM/SIGINT/SIGHUP handlers (default true) */
  signals?: boolean;
}

function makeLogger(root: string, verbose: boolean): (msg: string) => void {
  const file = path.join(logDir(root), 'svc.startd.log');
  try { fs.mkdirSync(path.dirname(file), { recursive: true }); } catch { /* logged to stderr only */ }
  return (msg: string) => {
    const line = `${new Date().toISOString()} svc.startd[${process.pid}]: ${msg}\n`;
    try { fs.appendFileSync(file, line); } catch { /* keep running without a log file */ }
    if (verbose) process.stderr.write(line);
  };
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
  try {
    // A killed daemon not yet reaped by its parent is a zombie: dead for our purposes.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Takes <run>/svc.startd.pid; fails if another live daemon holds it. */
function takePidLock(dir: string): { ok: true } | { ok: false; message: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = path.join(dir, 'svc.startd.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return { ok: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        return { ok: false, message: `svc.startd is already running for this root (pid ${pid}, ${file})` };
      }
      fs.rmSync(file, { force: true });
    }
  }
  return { ok: false, message: `cannot create ${file}` };
}

export interface RunningDaemon { daemon: Daemon; stopped: Promise<void>; stop(reason: string): Promise<void> }

export async function startDaemon(opts: DaemonMainOptions): Promise<RunningDaemon> {
  const root = opts.root;
  const env = opts.env ?? process.env;
  const log = makeLogger(root, !!opts.verbose);
  const run = runDirOf(root);
  const lock = takePidLock(run);
  if (!lock.ok) throw new Error(lock.message);
  fs.mkdirSync(path.dirname(repositoryPath(root)), { recursive: true });
  let wired: Wired;
  try {
    wired = await opts.wire({ root, log });
  } catch (e) {
    fs.rmSync(path.join(run, 'svc.startd.pid'), { force: true });
    throw e;
  }
  const bootId = currentBootId(env);
  const lib = installMethodLibrary(root);
  if (!lib.ok) log(`methods: ${lib.message}`);
  else if (lib.changed) log(`installed ${lib.path}`);
  const { newBoot } = wired.noteBoot(bootId);
  if (newBoot && wired.importBaseManifests) {
    for (const problem of wired.importBaseManifests()) log(`base manifests: ${problem}`);
  }
  const daemon = new Daemon({
    root, runDir: run, socketPath: controlSocketPath(root), engine: wired.engine, repo: wired.repo, procs: wired.procs,
    clock: wired.clock ?? realClock, boot: { bootId, newBoot }, log,
  });
  await daemon.start();
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => { resolveStopped = r; });
  const stop = async (reason: string) => { await daemon.stop(reason); resolveStopped(); };
  // A shutdown request stops the daemon from inside; resolve `stopped` then too.
  const origStop = daemon.stop.bind(daemon);
  daemon.stop = (reason: string, stopServices?: boolean) => origStop(reason, stopServices).then(() => resolveStopped());
  if (opts.signals !== false) {
    const onTerm = (sig: string) => () => void stop(`${sig} received; services keep running`);
    process.once('SIGTERM', onTerm('SIGTERM'));
    process.once('SIGINT', onTerm('SIGINT'));
    process.on('SIGHUP', () => { log('SIGHUP: re-reading the repository'); daemon.reloadAll(); });
  }
  log(`started (root ${root}, pid ${process.pid})`);
  return { daemon, stopped, stop };
}
