// Processes of an instance for svcs -p / -l, read from /proc in the svcs process (the daemon's
// ContractManager lives in another process): members of the instance's cgroup (directory named
// after the FMRI, see adapters/process/cgroup-path.ts) or of the process group recorded as
// restarter/contract. One scan of /proc serves every instance of a listing.
import fs from 'node:fs';
import path from 'node:path';
import { cgroupNameForFmri, detectCgroup2Root } from '../../adapters/process/cgroup-path.js';
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
  /** cgroup directory name (without a `~suffix`) -> processes in it or below it */
  private byCgroup: Map<string, ProcEntry[]> | undefined;
  private byPgid: Map<number, ProcEntry[]> | undefined;

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
    if (this.byCgroup) return;
    this.byCgroup = new Map();
    this.byPgid = new Map();
    const add = <K>(m: Map<K, ProcEntry[]>, k: K, e: ProcEntry) => {
      const l = m.get(k);
      if (!l) m.set(k, [e]);
      else if (l[l.length - 1] !== e) l.push(e);
    };
    for (const e of this.all()) {
      for (const c of e.cgroup.split('/')) {
        if (!c) continue;
        const tilde = c.indexOf('~'); // instance names never contain '~' (cgroupNameForFmri encodes it)
        add(this.byCgroup, tilde < 0 ? c : c.slice(0, tilde), e);
      }
      add(this.byPgid, e.pgid, e);
    }
  }

  private cgroupMembers(fmri: string): ProcEntry[] {
    this.index();
    return this.byCgroup!.get(cgroupNameForFmri(fmri)) ?? [];
  }

  /** Processes of the instance's primary contract: its cgroup, else the recorded process group. */
  members(fmri: string, contracts: readonly number[]): ProcessInfo[] {
    let found = this.cgroupMembers(fmri);
    if (found.length === 0 && contracts.length) found = contracts.flatMap((c) => this.byPgid!.get(c) ?? []);
    return [...found].sort((a, b) => a.pid - b.pid).map((e) => ({
      pid: e.pid, comm: e.comm, startMs: bootTimeMs() + (e.startTicks * 1000) / TICKS, args: readArgs(e.pid),
    }));
  }

  /** `cgroup v2 DIR` or `process group N` for svcs -l ([ext] contract_kind line). */
  contractKind(fmri: string, contracts: readonly number[]): string | undefined {
    if (!contracts.length) return undefined;
    const dir = findCgroupDir(fmri, contracts[0]!);
    if (dir) return `cgroup v2 ${dir}`;
    const member = this.cgroupMembers(fmri)[0];
    if (member) return `cgroup v2 ${path.join(detectCgroup2Root() ?? '', member.cgroup)}`;
    return `process group ${contracts[0]}`;
  }
}

function readArgs(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

/** The instance's cgroup directory (one level below any parent group) whose inode is the contract id. */
function findCgroupDir(fmri: string, contractId: number): string | undefined {
  const root = detectCgroup2Root();
  if (!root) return undefined;
  const name = cgroupNameForFmri(fmri);
  let parents: string[];
  try {
    parents = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(root, d.name));
  } catch {
    return undefined;
  }
  for (const parent of parents) {
    let entries: string[];
    try { entries = fs.readdirSync(parent); } catch { continue; }
    for (const e of entries) {
      if (e !== name && !e.startsWith(`${name}~`)) continue;
      try { if (fs.statSync(path.join(parent, e)).ino === contractId) return path.join(parent, e); } catch { /* raced */ }
    }
  }
  return undefined;
}
