// Batched writes of the `restarter` pg: commitState updates are merged per instance (later fields
// win, order of instances kept) and flushed in one repository call at most `delayMs` later, and
// always before the daemon replies to a client or exits (flush()). With a `barrier` (the instance
// logs' flush when their lines are written on the thread pool), a timed flush first waits for the
// log lines queued so far: a reader never sees a state before the log line of its transition
// (illumos writes the log line, then commits the state).
import type { RestarterStateUpdate } from '../repository/types.js';
import type { Clock } from './ports.js';

export class StateWriter {
  private pending = new Map<string, RestarterStateUpdate>();
  private timer: { cancel(): void } | undefined;
  /** a timed flush waits for the barrier (updates meanwhile join it) */
  private waiting = false;

  constructor(
    private readonly write: (batch: ReadonlyMap<string, RestarterStateUpdate>) => void,
    private readonly clock: Clock,
    private readonly onError: (e: unknown) => void,
    private readonly delayMs = 5,
    private readonly barrier?: () => Promise<void> | null,
  ) {}

  update(fmri: string, u: RestarterStateUpdate): void {
    // merged in place (a pending update is never handed out for keeps); copied key by key: the
    // spread and Object.assign of these small, differently shaped objects cost ~4x more per call
    let cur = this.pending.get(fmri);
    if (!cur) this.pending.set(fmri, cur = {});
    for (const key in u) {
      const k = key as keyof RestarterStateUpdate;
      (cur as Record<string, unknown>)[k] = u[k];
    }
    if (!this.waiting) this.timer ??= this.clock.setTimeout(() => { this.timer = undefined; this.timedFlush(); }, this.delayMs);
  }

  private timedFlush(): void {
    const b = this.barrier?.();
    if (!b) { this.flush(); return; }
    this.waiting = true;
    void b.then(() => {
      this.waiting = false;
      this.flush();
    });
  }

  /** Pending update for an instance (not yet written), merged. */
  peek(fmri: string): RestarterStateUpdate | undefined {
    return this.pending.get(fmri);
  }

  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      this.write(batch);
    } catch (e) {
      this.onError(e);
    }
  }
}

/** restarter/state_timestamp format: "SECONDS.NANOS" (9 digits). */
export function timeValue(ms: number): string {
  const s = Math.floor(ms / 1000);
  const ns = Math.round((ms - s * 1000) * 1e6);
  return `${s}.${String(ns).padStart(9, '0')}`;
}
