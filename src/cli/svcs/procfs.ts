// Processes of an instance for svcs -p / -l, read from /proc in the svcs process (the daemon's
// ContractManager lives in another process): members of the instance's cgroup (directory named
// after the FMRI, see adapters/process/cgroup-path.ts) or of the process group recorded as
// restarter/contract. One scan of /proc serves every instance of a listing.
import fs from 'node:fs';
import path from 'node:path';
import { detectCgroup2Root, isGroupOfInstance } from '../../adapters/process/cgroup-path.js';
import type { ProcessInfo } from '../../core/listing/processes.js';

interface ProcEntry { pid: number; pgid: number; cgroup: string; comm: string; startTicks: number; zombie: boolean }

let bootMs: number | undefined;
function bootTimeMs(): number {
  if (bootMs === undefined) {
    const m = /^btime (\d+)/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    bootMs = m ? Number(m[1]) * 1000 : 0;
  }
  return bootMs;
}
const TICKS = 100; // USER_HZ on Linux

function readEntry(pid: number): ProcEntry | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    const cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::')) ?? '';
    return { pid, pgid: Number(f[2]), comm, startTicks: Number(f[19]), cgroup: cg.slice(3), zombie: f[0] === 'Z' };
  } catch {
    return undefined;
  }
}

export class ProcessTable {
  private entries: ProcEntry[] | undefined;
  /** cgroup path (relative to the cgroup2 root, e.g. "/tsmf/x-1a2b/site%2Fweb:default") and every ancestor
   *  path -> processes in it or below it */
  private byCgroupPath: Map<string, ProcEntry[]> | undefined;
  private byPgid: Map<number, ProcEntry[]> | undefined;
  private cgroupDirs: Map<number, string> | undefined;

  private all(): ProcEntry[] {
    if (!this.entries) {
      this.entries = [];
      for (const name of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        const e = readEntry(Number(name));
        if (e && !e.zombie) this.entries.push(e);
      }
    }
    return this.entries;
  }

  /** One pass over the table builds both indexes, so a listing of N instances costs O(N + processes). */
  private index(): void {
    if (this.byCgroupPath) return;
    this.byCgroupPath = new Map();
    this.byPgid = new Map();
    const add = <K>(m: Map<K, ProcEntry[]>, k: K, e: ProcEntry) => {
      const l = m.get(k);
      if (!l) m.set(k, [e]);
      else l.push(e);
    };
    for (const e of this.all()) {
      for (let i = e.cgroup.indexOf('/', 1); ; i = e.cgroup.indexOf('/', i + 1)) {
        add(this.byCgroupPath, i < 0 ? e.cgroup : e.cgroup.slice(0, i), e);
        if (i < 0) break;
      }
      add(this.byPgid, e.pgid, e);
    }
  }

  /** The instance's cgroup directory: one of its groups (isGroupOfInstance) whose inode is the contract id. Matching
   *  by inode keeps instances of the same FMRI under other state roots (other daemons) apart. */
  private cgroupDir(fmri: string, contractId: number): string | undefined {
    if (!this.cgroupDirs) this.cgroupDirs = scanCgroupDirs();
    const dir = this.cgroupDirs.get(contractId);
    return dir && isGroupOfInstance(path.basename(dir), fmri) ? dir : undefined;
  }

  /** Processes of the instance's contracts (restarter/contract, then transient_contract while a method runs outside
   *  it): each one's cgroup (and groups below it), else the recorded process group. What a transient start left
   *  behind after it ended is not shown (its contract was abandoned). */
  members(fmri: string, contracts: readonly number[], transient: readonly number[] = []): ProcessInfo[] {
    this.index();
    const root = detectCgroup2Root();
    const seen = new Map<number, ProcEntry>();
    for (const c of [...contracts, ...transient]) {
      const dir = root ? this.cgroupDir(fmri, c) : undefined;
      const found = dir ? this.byCgroupPath!.get('/' + path.relative(root!, dir)) ?? [] : this.byPgid!.get(c) ?? [];
      for (const e of found) seen.set(e.pid, e);
    }
    return [...seen.values()].sort((a, b) => a.pid - b.pid).map((e) => ({
      pid: e.pid, comm: e.comm, startMs: bootTimeMs() + (e.startTicks * 1000) / TICKS, args: readArgs(e.pid),
    }));
  }

  /** `cgroup v2 DIR` or `process group N` for svcs -l ([ext] contract_kind line). */
  contractKind(fmri: string, contracts: readonly number[]): string | undefined {
    if (!contracts.length) return undefined;
    const dir = detectCgroup2Root() ? this.cgroupDir(fmri, contracts[0]!) : undefined;
    return dir ? `cgroup v2 ${dir}` : `process group ${contracts[0]}`;
  }
}

function readArgs(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

/** inode -> directory of every cgroup down to depth 4 below the cgroup2 root (tsmf/<root>/<instance> and custom
 *  parents), read once per svcs run. */
function scanCgroupDirs(): Map<number, string> {
  const out = new Map<number, string>();
  const root = detectCgroup2Root();
  if (!root) return out;
  const walk = (dir: string, depth: number) => {
    let ents: fs.Dirent[];
    try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const d of ents) {
      if (!d.isDirectory()) continue;
      const p = path.join(dir, d.name);
      try { out.set(fs.statSync(p).ino, p); } catch { continue; /* raced with rmdir */ }
      if (depth < 4) walk(p, depth + 1);
    }
  };
  walk(root, 1);
  return out;
}
