// Real process adapters: picks the contract mechanism (cgroup v2 when mounted and writable,
// else process groups) and builds the MethodRunner on it. See docs/methods.md.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ContractManager, MethodRunner } from '../../ports/process.js';
import type { UserDatabase } from '../../core/method/context.js';
import type { ContractBackend } from './backend.js';
import { CgroupContracts } from './cgroup-contracts.js';
import { detectCgroup2Root } from './cgroup-path.js';
import { PgroupContracts } from './pgroup-contracts.js';
import { ProcessMethodRunner } from './method-runner.js';
import { SpawnHelper } from './spawn-helper.js';
import { NativeSpawner, locateNativeSpawner } from './native-spawner.js';
import type { LogWriter } from './log.js';

export { CgroupContracts } from './cgroup-contracts.js';
export { killGroup } from './cgroup-path.js';
export { PgroupContracts, pgroupAlive } from './pgroup-contracts.js';
export { ProcessMethodRunner } from './method-runner.js';
export { NativeSpawner, locateNativeSpawner } from './native-spawner.js';
export { InstanceLogFiles, appendLogLine, type LogWriter } from './log.js';
export { SystemUserDatabase, parsePasswd, parseGroup } from './users.js';
export { detectCgroup2Root, cgroupNameForFmri } from './cgroup-path.js';
export type { ContractBackend, MethodGroup } from './backend.js';

export interface ProcessAdapterOptions {
  /** 'auto' (default): cgroup v2 if usable, else process groups. */
  contracts?: 'auto' | 'cgroup' | 'pgroup';
  /** cgroup2 mount point override (default: detected; env TSMF_CGROUP_ROOT also honoured) */
  cgroupRoot?: string;
  /** parent group below the cgroup root (default: env TSMF_CGROUP_PARENT, else defaultCgroupParent(stateRoot)) */
  cgroupParent?: string;
  /** the state root this daemon serves; keeps contracts of different roots apart (see defaultCgroupParent) */
  stateRoot?: string;
  users?: UserDatabase;
  /** poll interval of the process-group fallback */
  pgroupPollMs?: number;
  /** spawn cgroup methods through the spawn helper (default: yes unless env TSMF_SPAWN_HELPER=0) */
  spawnHelper?: boolean;
  /** clone cgroup methods through native/spawner.c when it is built (default: yes unless env TSMF_NATIVE_SPAWNER=0) */
  nativeSpawner?: boolean;
}

export interface ProcessAdapters {
  runner: MethodRunner;
  contracts: ContractManager & ContractBackend;
  /** why the fallback was chosen, when it was */
  fallbackReason?: string;
  /** writes instance log lines off the event loop (the native spawner, when in use) */
  logWriter?: LogWriter;
}

export function createProcessAdapters(opts: ProcessAdapterOptions = {}): ProcessAdapters {
  const mode = opts.contracts ?? 'auto';
  let contracts: ContractBackend | null = null;
  let fallbackReason: string | undefined;
  if (mode !== 'pgroup') {
    const root = opts.cgroupRoot ?? process.env.TSMF_CGROUP_ROOT ?? detectCgroup2Root();
    if (!root) fallbackReason = 'no cgroup2 hierarchy is mounted';
    else {
      try {
        contracts = new CgroupContracts({ root, parent: opts.cgroupParent ?? process.env.TSMF_CGROUP_PARENT ?? defaultCgroupParent(opts.stateRoot) });
      } catch (e) {
        fallbackReason = `cgroup v2 at ${root} is not usable: ${(e as Error).message}`;
      }
    }
    if (!contracts && mode === 'cgroup') throw new Error(`cgroup contracts requested but ${fallbackReason}`);
  }
  contracts ??= new PgroupContracts({ pollMs: opts.pgroupPollMs });
  // cgroup methods join their group themselves, so they can be forked by the small spawn helper
  // (TSMF_SPAWN_HELPER=0 or spawnHelper: false forks the daemon itself).
  // The native spawner (when built) clones them straight into their groups and reports how every
  // member died; without it, the node helper or the daemon itself forks a shell that joins the group.
  const cgroups = contracts instanceof CgroupContracts ? contracts : null;
  const nativeBinary = cgroups && opts.nativeSpawner !== false ? locateNativeSpawner() : undefined;
  const native = nativeBinary ? new NativeSpawner(nativeBinary) : null;
  if (native) cgroups!.attachSpawner(native);
  const useHelper = !native && cgroups !== null && (opts.spawnHelper ?? process.env.TSMF_SPAWN_HELPER !== '0');
  const runner = new ProcessMethodRunner({ contracts, users: opts.users, helper: useHelper ? new SpawnHelper() : null, native });
  return {
    runner, contracts: contracts as ContractManager & ContractBackend,
    ...(fallbackReason ? { fallbackReason } : {}), ...(native ? { logWriter: native } : {}),
  };
}

/**
 * "tsmf" for the system root (/), else "tsmf/<root basename>-<hash>": two daemons serving
 * different state roots (tests, nested setups) never share an instance's cgroup.
 */
export function defaultCgroupParent(stateRoot?: string): string {
  if (!stateRoot || path.resolve(stateRoot) === '/') return 'tsmf';
  const abs = path.resolve(stateRoot);
  const base = path.basename(abs).replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '').slice(0, 40) || 'root';
  return `tsmf/${base}-${createHash('sha256').update(abs).digest('hex').slice(0, 8)}`;
}

/** Global environment for methods: NAME=value lines of <root>/etc/default/init, if present. */
export function readDefaultInit(root: string): string {
  try { return fs.readFileSync(path.join(root, 'etc', 'default', 'init'), 'utf8'); } catch { return ''; }
}
