// `svc.startd` (also `tsmf daemon`): the restarter daemon. Runs in the foreground until SIGTERM or a
// `shutdown` request; services keep running when it exits (see docs/svc.startd.8.md).
import { spawn } from 'node:child_process';
import { takeRootOption } from './common/root.js';
import { tuneTiering } from './common/v8-tiering.js';

const USAGE = `usage: svc.startd [--root DIR] [-v|--verbose] [--no-base-manifests] [--contracts auto|cgroup|pgroup]
  --root DIR            state root (default: $TSMF_ROOT, / for root, ~/.local/state/tsmf otherwise)
  -v, --verbose         also write the daemon log to stderr
  --no-base-manifests   do not import missing base manifests (manifests/*.xml) at a new boot
  --contracts MODE      process contracts: cgroup v2, process groups, or auto (default)
`;

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = takeRootOption(argv);
  } catch (e) {
    process.stderr.write(`svc.startd: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  let verbose = false;
  let baseManifests = true;
  let contracts: 'auto' | 'cgroup' | 'pgroup' = 'auto';
  const rest = parsed.rest;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '--no-base-manifests') baseManifests = false;
    else if (a === '--contracts' || a.startsWith('--contracts=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (v !== 'auto' && v !== 'cgroup' && v !== 'pgroup') {
        process.stderr.write(`svc.startd: --contracts must be auto, cgroup or pgroup (got ${JSON.stringify(v)})\n`);
        return 2;
      }
      contracts = v;
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    } else {
      process.stderr.write(`svc.startd: unknown argument "${a}"\n${USAGE}`);
      return 2;
    }
  }
  tuneTiering();
  const [{ startDaemon }, { wireProduction }] = await Promise.all([import('../daemon/main.js'), import('../daemon/wiring.js')]);
  let running;
  try {
    running = await startDaemon({ root: parsed.root, verbose, wire: wireProduction({ baseManifests, contracts }) });
  } catch (e) {
    process.stderr.write(`svc.startd: ${(e as Error).message}\n`);
    return 1;
  }
  if (process.env.NOTIFY_SOCKET) {
    // Type=notify under systemd (contrib/systemd/tsmf.service, NotifyAccess=all).
    spawn('systemd-notify', ['--ready', `--pid=${process.pid}`], { stdio: 'ignore' }).on('error', () => { /* not fatal */ });
  }
  await running.stopped;
  return 0;
}
