// Fallback contracts when cgroup v2 is unavailable or not writable (non-root): the method runs
// in its own session/process group (setsid) and the contract is that process group.
// Emptiness is polled with kill(-pgid, 0) on one shared timer (cheap: one syscall per group).
//
// Limitations (documented in docs/methods.md): a descendant that calls setsid()/setpgid()
// leaves the group and is not tracked; zombies not yet reaped by their parent still count.
//
// Invariants: same event rules as the cgroup backend ('empty' once per transition, never while
// a method runs in the primary group or a stop holds it).
import fs from 'node:fs';
import type { ContractEvent } from '../../ports/process.js';
import { signalNumber } from '../../core/method/signals.js';
import type { ContractBackend, MethodGroup } from './backend.js';
import { ContractEvents } from './contract-events.js';

export interface PgroupContractsOptions {
  /** poll interval while contracts are tracked (default 200 ms) */
  pollMs?: number;
}

interface Primary {
  /** newest first; the contract id is pgids[0] */
  pgids: number[];
  populated: boolean;
  busy: number;
  held: number;
  waiters: Set<() => void>;
}

export function pgroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class PgroupContracts extends ContractEvents implements ContractBackend {
  readonly mechanism = 'pgroup' as const;
  private readonly primaries = new Map<string, Primary>();
  private timer: NodeJS.Timeout | null = null;
  private readonly pollMs: number;

  constructor(opts: PgroupContractsOptions = {}) {
    super();
    this.pollMs = opts.pollMs ?? 200;
  }

  kind(fmri: string): string {
    const id = this.contractId(fmri);
    return id === null ? 'process group' : `process group ${id}`;
  }
  has(fmri: string): boolean { return this.primaries.has(fmri); }
  contractId(fmri: string): number | null { return this.primaries.get(fmri)?.pgids[0] ?? null; }
  isEmpty(fmri: string): boolean {
    const p = this.primaries.get(fmri);
    return !p || !p.pgids.some(pgroupAlive);
  }

  members(fmri: string): number[] {
    const p = this.primaries.get(fmri);
    if (!p) return [];
    const want = new Set(p.pgids);
    const out: number[] = [];
    for (const name of safeReaddir('/proc')) {
      if (!/^[0-9]+$/.test(name)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (want.has(Number(fields[2]))) out.push(Number(name));
      } catch { /* exited */ }
    }
    return out;
  }

  kill(fmri: string, signal: number | string): number {
    const p = this.primaries.get(fmri);
    if (!p) return 0;
    const sig = signalNumber(signal) ?? 15;
    let n = 0;
    for (const pgid of p.pgids) {
      try { process.kill(-pgid, sig); n++; } catch { /* gone */ }
    }
    return n;
  }

  abandon(fmri: string): void {
    this.primaries.delete(fmri);
    this.schedule();
  }

  adopt(fmri: string, contractId?: number): boolean {
    if (this.primaries.has(fmri)) return true;
    if (contractId === undefined || !pgroupAlive(contractId)) return false;
    this.primaries.set(fmri, { pgids: [contractId], populated: true, busy: 0, held: 0, waiters: new Set() });
    this.schedule();
    return true;
  }

  beginMethod(fmri: string, primary: boolean): MethodGroup {
    let p: Primary | undefined;
    if (primary) {
      p = this.primaries.get(fmri);
      if (!p) {
        p = { pgids: [], populated: false, busy: 0, held: 0, waiters: new Set() };
        this.primaries.set(fmri, p);
      }
      p.busy++;
    }
    let pgid: number | null = null;
    return {
      id: () => pgid,
      shellPrelude: '',
      cgroupDir: null,
      attached: (pid) => {
        pgid = pid; // spawned detached: setsid() makes the pid the process-group id
        if (p) {
          p.pgids = [pid, ...p.pgids.filter((g) => g !== pid && pgroupAlive(g))];
          p.populated = true;
          this.schedule();
        }
      },
      killAll: (sig) => { if (pgid !== null) try { process.kill(-pgid, sig); } catch { /* gone */ } },
      isEmpty: () => pgid === null || !pgroupAlive(pgid),
      finish: () => {
        const empty = pgid === null || !pgroupAlive(pgid);
        if (p) {
          p.busy--;
          p.populated = p.pgids.some(pgroupAlive);
          if (!p.populated) for (const w of [...p.waiters]) w();
          return { empty: !p.populated };
        }
        return { empty };
      },
    };
  }

  waitEmpty(fmri: string, deadline: number | null): Promise<boolean> {
    const p = this.primaries.get(fmri);
    if (!p || !p.pgids.some(pgroupAlive)) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (v: boolean) => { if (timer) clearTimeout(timer); p.waiters.delete(wake); this.schedule(); resolve(v); };
      const wake = () => done(true);
      p.waiters.add(wake);
      this.schedule();
      if (deadline !== null) timer = setTimeout(() => done(!p.pgids.some(pgroupAlive)), Math.max(0, deadline - Date.now()));
    });
  }

  hold(fmri: string): () => void {
    const p = this.primaries.get(fmri);
    if (!p) return () => undefined;
    p.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      p.held--;
      p.populated = p.pgids.some(pgroupAlive);
    };
  }

  close(): void {
    this.primaries.clear();
    this.schedule();
  }

  /** Runs the poll timer only while something is tracked; faster while someone waits. */
  private schedule(): void {
    const needed = [...this.primaries.values()].some((p) => p.populated || p.waiters.size > 0);
    if (!needed) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    if (this.timer) return;
    this.timer = setInterval(() => this.poll(), this.pollMs);
  }

  private poll(): void {
    for (const [fmri, p] of this.primaries) {
      if (!p.populated && p.waiters.size === 0) continue;
      const alive = p.pgids.some(pgroupAlive);
      if (alive) continue;
      const was = p.populated;
      p.populated = false;
      for (const w of [...p.waiters]) w();
      if (was && p.busy === 0 && p.held === 0) this.emit({ fmri, kind: 'empty', contractId: p.pgids[0] ?? 0 } satisfies ContractEvent);
    }
    this.schedule();
  }
}

function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}
