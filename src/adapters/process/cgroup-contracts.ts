// Contracts as cgroup v2 groups: <root>/<parent>/<escaped-fmri> per instance (primary
// contract), <escaped-fmri>~m<n> for the other runs (stop, refresh, transient start), reused
// while those runs leave nothing behind (creating and removing a cgroup costs ~10 ms of RCU).
// The method's shell writes "0" to cgroup.procs before exec, so every descendant - forked,
// double-forked, setsid'd - is a member. Emptiness is event-driven: inotify on cgroup.events,
// "populated 0" (one descriptor in the native spawner for all groups, else an fs.watch per group);
// a 1 s poll replaces the watch if inotify is exhausted.
//
// Invariants:
// - One tracked primary group per FMRI; an abandoned group is never adopted again (it keeps its
//   directory name; new primaries pick a fresh `~N` name) and is removed once it empties.
// - 'empty' is emitted once per populated->empty transition, never while a method runs in the
//   group or a stop holds it (the runner reports that state itself).
import fs from 'node:fs';
import path from 'node:path';
import type { ContractEvent } from '../../ports/process.js';
import { CORE_SIGNALS, signalNumber } from '../../core/method/signals.js';
import type { ContractBackend, MethodGroup } from './backend.js';
import { cgroupId, cgroupNameForFmri, killGroup, readPopulated, readProcs, safeReaddir, shQuote, tryRmdir } from './cgroup-path.js';
import { ContractEvents } from './contract-events.js';
import type { Death, NativeSpawner } from './native-spawner.js';

export interface CgroupContractsOptions {
  /** cgroup2 mount point, e.g. /sys/fs/cgroup/unified */
  root: string;
  /** parent group path below the root; default "tsmf" (tests use their own) */
  parent?: string;
}

interface Group {
  dir: string;
  id: number;
  populated: boolean;
  busy: number;
  held: number;
  /** methods begun / stops that held the group so far: an 'empty' found before the last of them is stale */
  runs: number;
  holds: number;
  /** we signalled its members (stop, timeout) since the last quiet() */
  killed: boolean;
  /** syncs in flight after a stop/timeout: deaths reported meanwhile are the restarter's own doing */
  quiet: number;
  watcher: { close(): void } | null;
  /** set when watched by the poll fallback */
  poll?: (populated?: boolean) => void;
  waiters: Set<() => void>;
}

export class CgroupContracts extends ContractEvents implements ContractBackend {
  readonly mechanism = 'cgroup2' as const;
  readonly parentDir: string;
  private readonly primaries = new Map<string, Group>();
  /** per-instance group for stop/refresh/transient-start runs, reused while runs leave nothing behind */
  private readonly methodGroups = new Map<string, Group>();
  private readonly abandoned = new Map<string, Group>();
  private readonly polled = new Set<Group>();
  private pollTimer: NodeJS.Timeout | null = null;
  private seq = 0;
  /** primary group directories created ahead by prepare() and not yet used */
  private readonly prepared = new Map<string, number | 'pending'>();
  private closed = false;
  /** primary group directory -> FMRI, to attribute a member's death reported by the spawner */
  private readonly byDir = new Map<string, string>();
  private spawner: NativeSpawner | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly opts: CgroupContractsOptions) {
    super();
    this.parentDir = path.join(opts.root, opts.parent ?? 'tsmf');
    fs.mkdirSync(this.parentDir, { recursive: true });
    fs.accessSync(path.join(this.parentDir, 'cgroup.procs'), fs.constants.W_OK);
    this.removeStaleMethodGroups();
  }

  /** Empty `~m<pid>.<n>` groups of daemons that no longer run (crashed before close()). */
  private removeStaleMethodGroups(): void {
    for (const name of safeReaddir(this.parentDir)) {
      const m = /~m(\d+)\.\d+$/.exec(name);
      if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
      const dir = path.join(this.parentDir, name);
      if (readPopulated(dir) === false) tryRmdir(dir);
    }
  }

  kind(fmri: string): string {
    return `cgroup v2 ${this.primaries.get(fmri)?.dir ?? path.join(this.parentDir, cgroupNameForFmri(fmri))}`;
  }
  has(fmri: string): boolean { return this.primaries.has(fmri); }
  contractId(fmri: string): number | null { return this.primaries.get(fmri)?.id ?? null; }
  isEmpty(fmri: string): boolean {
    const g = this.primaries.get(fmri);
    return !g || readPopulated(g.dir) !== true;
  }
  members(fmri: string): number[] {
    const g = this.primaries.get(fmri);
    return g ? readProcs(g.dir) : [];
  }

  kill(fmri: string, signal: number | string): number {
    const g = this.primaries.get(fmri);
    if (g) g.killed = true;
    return g ? killGroup(g.dir, signalNumber(signal) ?? 15) : 0;
  }

  abandon(fmri: string): void {
    const g = this.primaries.get(fmri);
    if (!g) return;
    this.primaries.delete(fmri);
    if (this.byDir.get(g.dir) === fmri) this.byDir.delete(g.dir);
    this.release(g);
  }

  adopt(fmri: string, contractId?: number): boolean {
    if (this.primaries.has(fmri)) return contractId === undefined || this.primaries.get(fmri)!.id === contractId;
    const base = cgroupNameForFmri(fmri);
    let names: string[];
    try {
      names = fs.readdirSync(this.parentDir).filter((n) => n === base || (n.startsWith(base + '~') && !n.startsWith(base + '~m')));
    } catch {
      return false;
    }
    for (const name of names) {
      const dir = path.join(this.parentDir, name);
      let id: number;
      try { id = cgroupId(dir); } catch { continue; }
      if (contractId !== undefined ? id !== contractId : name !== base) continue;
      const populated = readPopulated(dir);
      if (populated === null || (contractId === undefined && !populated)) return false;
      this.track(fmri, this.newGroup(dir, id, populated));
      return true;
    }
    return false;
  }

  /** Removes empty groups nobody tracks (left by a previous daemon); returns the removed paths. */
  sweep(): string[] {
    const tracked = new Set([...this.primaries.values(), ...this.abandoned.values(), ...this.methodGroups.values()].map((g) => g.dir));
    const removed: string[] = [];
    for (const name of safeReaddir(this.parentDir)) {
      const dir = path.join(this.parentDir, name);
      if (name.startsWith('cgroup.') || tracked.has(dir) || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
      if (readPopulated(dir) === false) {
        try { fs.rmdirSync(dir); removed.push(dir); } catch { /* busy or raced: leave it */ }
      }
    }
    return removed;
  }

  beginMethod(fmri: string, primary: boolean): MethodGroup | { error: string } {
    let g: Group;
    try {
      if (primary) {
        const known = this.primaries.get(fmri);
        if (known && !fs.existsSync(known.dir)) this.abandon(fmri); // removed behind our back: start afresh
        g = this.primaries.get(fmri) ?? this.track(fmri, this.createGroup(cgroupNameForFmri(fmri), false));
      } else {
        const reuse = this.methodGroups.get(fmri);
        if (reuse && reuse.busy === 0 && readPopulated(reuse.dir) === false) g = reuse;
        else {
          if (reuse) this.methodGroups.delete(fmri);
          g = this.createGroup(`${cgroupNameForFmri(fmri)}~m${process.pid}.${++this.seq}`, true);
          this.methodGroups.set(fmri, g);
        }
      }
    } catch (e) {
      return { error: `cannot create cgroup for ${fmri} under ${this.parentDir}: ${(e as Error).message}` };
    }
    g.busy++;
    g.runs++;
    return {
      id: () => g.id,
      // only the fallback runner (no native spawner) needs it: built when asked for
      get shellPrelude() { return `echo 0 > ${shQuote(`${g.dir}/cgroup.procs`)} || exit 96; `; },
      cgroupDir: g.dir,
      attached: () => undefined,
      killAll: (sig) => {
        g.killed = true;
        killGroup(g.dir, sig);
      },
      isEmpty: () => readPopulated(g.dir) !== true,
      finish: (populated) => {
        g.busy--;
        this.quietAfterKill(g);
        const empty = populated !== undefined ? !populated : readPopulated(g.dir) !== true;
        g.populated = !empty;
        if (empty) this.wake(g);
        if (!primary && !empty && this.methodGroups.get(fmri) === g) {
          // processes left behind (e.g. a transient service's daemon): abandon this group, next run gets a new one
          this.methodGroups.delete(fmri);
          this.release(g);
        }
        return { empty };
      },
    };
  }

  waitEmpty(fmri: string, deadline: number | null): Promise<boolean> {
    const g = this.primaries.get(fmri);
    if (!g || readPopulated(g.dir) !== true) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (v: boolean) => { if (timer) clearTimeout(timer); g.waiters.delete(wake); resolve(v); };
      const wake = () => done(true);
      g.waiters.add(wake);
      if (deadline !== null) timer = setTimeout(() => done(readPopulated(g.dir) !== true), Math.max(0, deadline - Date.now()));
    });
  }

  hold(fmri: string): () => void {
    const g = this.primaries.get(fmri);
    if (!g) return () => undefined;
    g.held++;
    g.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      g.held--;
      this.quietAfterKill(g);
      g.populated = readPopulated(g.dir) === true;
    };
  }

  /** Stops watching. Empty groups (and the parent, when nothing is left in it) are removed;
   *  populated ones stay for the next daemon to adopt. */
  close(): void {
    for (const g of [...this.primaries.values(), ...this.abandoned.values(), ...this.methodGroups.values()]) {
      this.unwatch(g);
      if (readPopulated(g.dir) === false) tryRmdir(g.dir);
    }
    this.closed = true;
    for (const dir of this.prepared.keys()) if (readPopulated(dir) === false) tryRmdir(dir);
    this.prepared.clear();
    this.primaries.clear();
    this.byDir.clear();
    this.unsubscribe?.();
    this.spawner?.close();
    this.spawner = null;
    this.abandoned.clear();
    this.methodGroups.clear();
    tryRmdir(this.parentDir); // fails (and stays) while any group is left in it
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private track(fmri: string, g: Group): Group {
    this.primaries.set(fmri, g);
    this.byDir.set(g.dir, fmri);
    this.watch(g, (known) => this.onChange(fmri, g, known));
    return g;
  }

  private newGroup(dir: string, id: number, populated: boolean): Group {
    return { dir, id, populated, busy: 0, held: 0, runs: 0, holds: 0, killed: false, quiet: 0, watcher: null, waiters: new Set() };
  }

  /** PARENT/NAME for a group name (a single component: cgroupNameForFmri never yields '', '.', '..' or '/'). */
  private childDir(name: string): string {
    return `${this.parentDir}/${name}`;
  }

  /** mkdir a group; a populated leftover of the same name (abandoned earlier) is never reused. */
  private createGroup(name: string, unique: boolean): Group {
    let dir = this.childDir(name);
    const made = unique ? undefined : this.prepared.get(dir);
    if (typeof made === 'number') {
      // made by prepare() moments ago and not used since: empty, ours, id known (no mkdir/read/stat here)
      this.prepared.delete(dir);
      return this.newGroup(dir, made, false);
    }
    for (let k = 1; ; k++) {
      try {
        fs.mkdirSync(dir);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          fs.mkdirSync(this.parentDir, { recursive: true }); // parent removed meanwhile
          k--;
          continue;
        }
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (!unique && readPopulated(dir) === false && !this.isTrackedDir(dir)) break; // empty leftover: reuse
      }
      dir = this.childDir(`${name}~${k}`);
    }
    this.prepared.delete(dir);
    return this.newGroup(dir, cgroupId(dir), false);
  }

  /**
   * Whether an existing primary-named directory belongs to someone. A primary's directory name
   * derives from its own FMRI ('~' is escaped there and reserved for our suffixes), and
   * createGroup(..., false) only runs for an FMRI without a tracked primary, so only abandoned groups
   * can own it (O(1): this used to scan every tracked group, quadratic over a 5,000-instance start).
   */
  private isTrackedDir(dir: string): boolean {
    return this.abandoned.has(dir);
  }

  /**
   * Creates the primary groups of instances about to start, in the background (libuv thread pool):
   * a cgroup mkdir costs ~1 ms and waits on cgroup_mutex while other groups' members migrate, so
   * doing it on the event loop serialised every start behind it. beginMethod finds the directory
   * made (EEXIST + empty + untracked = reuse, as for any empty leftover) or makes it itself when
   * the instance starts first. Unused ones are removed by close() and sweep().
   */
  prepare(fmris: readonly string[]): void {
    for (const fmri of fmris) {
      if (this.primaries.has(fmri)) continue;
      const dir = this.childDir(cgroupNameForFmri(fmri));
      if (this.prepared.has(dir)) continue;
      this.prepared.set(dir, 'pending');
      fs.mkdir(dir, (e) => {
        if (e) this.prepared.delete(dir);
        else if (this.closed) tryRmdir(dir);
        else {
          fs.stat(dir, (se, st) => {
            if (this.prepared.get(dir) !== 'pending') return; // used (or closed) meanwhile
            if (se) this.prepared.delete(dir);
            else this.prepared.set(dir, st.ino);
          });
        }
      });
    }
  }

  /**
   * Methods are cloned into their groups by this spawner, the child subreaper of their descendants:
   * a member that dies by a signal or dumps core is reported (smf-spec 5.1 'signal'/'core'), and
   * before an 'empty' is emitted the spawner is asked to report every death that preceded it, so a
   * fatal signal to the last member arrives before the emptiness it caused. The spawner is closed
   * with the contracts.
   */
  attachSpawner(spawner: NativeSpawner): void {
    this.spawner = spawner;
    this.unsubscribe = spawner.onDeath((d) => this.onDeath(d));
  }

  /**
   * The deaths of members we signalled may be reported after the stop or the method that signalled
   * them has ended (the spawner reaps asynchronously): until the spawner has reported everything up
   * to now, deaths in the group are not events.
   */
  private quietAfterKill(g: Group): void {
    if (!g.killed || !this.spawner) return;
    g.killed = false;
    g.quiet++;
    void this.spawner.sync().then(() => { g.quiet--; });
  }

  private onDeath(d: Death): void {
    const signal = d.status & 0x7f;
    if (signal === 0 || signal === 0x7f) return; // exited normally (or stopped): not an event
    const fmri = this.byDir.get(path.join(this.opts.root, d.cgroup));
    const g = fmri === undefined ? undefined : this.primaries.get(fmri);
    // while a method runs in the group or a stop holds it, deaths are the restarter's own doing
    if (!g || g.busy > 0 || g.held > 0 || g.quiet > 0) return;
    // "core" = a core-dumping signal (smf-spec 5.4), whether or not RLIMIT_CORE let a core be written
    const core = (d.status & 0x80) !== 0 || CORE_SIGNALS.has(signal);
    this.emit({ fmri: fmri!, kind: core ? 'core' : 'signal', contractId: g.id } satisfies ContractEvent);
  }

  /** `known`: the populated value the spawner read right after the change (else read here). */
  private onChange(fmri: string, g: Group, known?: boolean): void {
    if (this.primaries.get(fmri) !== g) return;
    const populated = known ?? readPopulated(g.dir) === true;
    const was = g.populated;
    g.populated = populated;
    if (populated || !was) return;
    this.wake(g);
    if (g.busy !== 0 || g.held !== 0) return;
    const { runs, holds } = g;
    const emitEmpty = () => {
      // dropped when a method or a stop (e.g. for the signal event of the same death) came meanwhile
      if (this.primaries.get(fmri) !== g || g.populated || g.busy !== 0 || g.held !== 0 || g.runs !== runs || g.holds !== holds) return;
      this.emit({ fmri, kind: 'empty', contractId: g.id } satisfies ContractEvent);
    };
    if (this.spawner) void this.spawner.sync().then(emitEmpty);
    else emitEmpty();
  }

  private wake(g: Group): void {
    for (const w of [...g.waiters]) w();
  }

  /** Stop tracking; remove now if empty, else when it empties. */
  private release(g: Group): void {
    this.unwatch(g);
    if (tryRmdir(g.dir)) return;
    this.abandoned.set(g.dir, g);
    this.watch(g, () => {
      if (readPopulated(g.dir) !== true && tryRmdir(g.dir)) {
        this.unwatch(g);
        this.abandoned.delete(g.dir);
      }
    });
  }

  /** Watches the group's cgroup.events: through the spawner's inotify descriptor when there is
   *  one (a libuv handle and FSWatcher per group otherwise), a shared 1 s poll when inotify fails. */
  private watch(g: Group, onChange: (populated?: boolean) => void): void {
    const file = path.join(g.dir, 'cgroup.events');
    const poll = () => {
      g.poll = onChange;
      this.polled.add(g);
      this.pollTimer ??= setInterval(() => {
        for (const p of [...this.polled]) p.poll?.();
      }, 1000);
    };
    if (this.spawner) {
      g.watcher = this.spawner.watch(file, onChange, () => {
        if (g.watcher === null) return; // unwatched meanwhile
        g.watcher = null;
        poll();
        onChange(); // a change may have come before the fallback
      });
      return;
    }
    try {
      const w = fs.watch(file, () => onChange());
      w.on('error', () => { this.unwatch(g); });
      g.watcher = w;
    } catch {
      poll(); // inotify exhausted
    }
  }

  private unwatch(g: Group): void {
    g.watcher?.close();
    g.watcher = null;
    this.polled.delete(g);
    if (this.polled.size === 0 && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = null;
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
