// Batching of the daemon's repository writes that follow a successful start (perf, issue 3).
// Each `start` snapshot (illumos libscf_snapshots_poststart) used to be its own write transaction,
// i.e. one WAL fsync per started instance (synchronous = FULL): ~2 ms each, a third of the daemon's
// time when 1,000 services start. They are now queued and taken together, inside the same
// transaction as the pending restarter-state batch when there is one.
//
// Invariants:
// - A queued snapshot is taken at most `delayMs` later, and always before the daemon replies to a
//   client, re-reads configuration (refresh/reload) or exits (flush()): a `svcadm refresh` can never
//   slip between a start and the `start` snapshot that records what started.
// - One failing instance (deleted meanwhile...) is logged and never loses the others' snapshots.
import type { Clock, DaemonRepository, RepoOutcome } from './ports.js';

type Tx = <T>(fn: () => T) => T;

/**
 * One write transaction around fn, when the repository offers one: DaemonRepository.batch if the
 * adapter has it, else the SQLite Repository's transaction() behind RepositoryAdapter.repo.
 * Without either (test fakes), fn simply runs.
 */
export function repositoryTransaction(repo: DaemonRepository, opts: { relaxed?: boolean } = {}): Tx {
  const r = repo as DaemonRepository & { batch?: Tx; repo?: { transaction?: Tx; relaxedTransaction?: Tx } };
  if (typeof r.batch === 'function') return (fn) => r.batch!(fn);
  const inner = r.repo;
  if (opts.relaxed && inner && typeof inner.relaxedTransaction === 'function') return (fn) => inner.relaxedTransaction!(fn);
  if (inner && typeof inner.transaction === 'function') return (fn) => inner.transaction!(fn);
  return (fn) => fn();
}

export class StartSnapshotBatch {
  private pending = new Set<string>();
  private timer: { cancel(): void } | undefined;

  constructor(
    private readonly take: (fmri: string) => RepoOutcome,
    private readonly tx: Tx,
    private readonly clock: Clock,
    private readonly log: (msg: string) => void,
    private readonly delayMs = 5,
  ) {}

  add(fmri: string): void {
    this.pending.add(fmri);
    this.timer ??= this.clock.setTimeout(() => { this.timer = undefined; this.flush(); }, this.delayMs);
  }

  get size(): number { return this.pending.size; }

  /** Takes every queued snapshot in one transaction. */
  flush(): void {
    if (this.pending.size === 0) return;
    try {
      this.tx(() => this.takeAll());
    } catch (e) {
      this.log(`cannot take start snapshots: ${(e as Error).message}`);
    }
  }

  /** Takes every queued snapshot in the caller's transaction. */
  takeAll(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Set();
    for (const fmri of batch) {
      let r: RepoOutcome;
      try {
        r = this.take(fmri);
      } catch (e) {
        r = { ok: false, code: 'internal', message: (e as Error).message };
      }
      if (!r.ok) this.log(`${fmri}: cannot take the start snapshot: ${r.message}`);
    }
  }
}
