// Log lines handed to an asynchronous writer (the thread pool in log.ts, a spawner in
// native-spawner.ts) and not written yet, for one file: how many were queued, how many are done
// (written or failed), and who waits for the lines queued before a given moment.
//
// Invariant: done <= queued; a waiter resolves once `done` reaches the `queued` count of its call.
export class PendingLines {
  queued = 0;
  done = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  /** Lines queued and not done yet. */
  get pending(): boolean {
    return this.done < this.queued;
  }

  add(): void {
    this.queued++;
  }

  /** Counts `n` more lines as done and resolves the waiters they satisfy. */
  complete(n = 1): void {
    this.done += n;
    if (!this.waiters.some((w) => w.upTo <= this.done)) return;
    const ready = this.waiters.filter((w) => w.upTo <= this.done);
    this.waiters = this.waiters.filter((w) => w.upTo > this.done);
    for (const w of ready) w.resolve();
  }

  /** Resolves once every line queued before the call is done; null when none is pending. */
  whenDone(): Promise<void> | null {
    if (!this.pending) return null;
    const upTo = this.queued;
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }
}
