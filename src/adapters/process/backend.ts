// Internal interface between the MethodRunner and a contract backend (cgroup v2 or process
// group). Not a port: the daemon only sees ContractManager (src/ports/process.ts).
import type { ContractManager } from '../../ports/process.js';

/** The process container one method run executes in. */
export interface MethodGroup {
  /** Contract id once known (cgroup: at creation; process group: after spawn, = pid). */
  id(): number | null;
  /** Shell text run (as root) before `exec`, e.g. joining the cgroup; '' when nothing is needed. */
  readonly shellPrelude: string;
  /** The cgroup v2 directory of the group (a process can be cloned straight into it); null for process groups. */
  readonly cgroupDir: string | null;
  /** Called right after spawn with the method's pid. */
  attached(pid: number): void;
  /** Signals every process of this group (SIGKILL for a timeout). */
  killAll(signal: number): void;
  isEmpty(): boolean;
  /**
   * Called when the method process has exited. For the primary group the result says whether the
   * contract was already empty (no 'empty' event is emitted for that state); a non-primary
   * group is released (removed now if empty, otherwise abandoned and cleaned up when it empties).
   * `populated`: whether the group had processes when the method exited, when the caller knows
   * (the native spawner reads it as it reports the exit); otherwise the group is read now.
   */
  finish(populated?: boolean): { empty: boolean };
}

export interface ContractBackend extends ContractManager {
  /** primary = the instance's primary contract (contract/child model start); otherwise a throw-away group. */
  beginMethod(fmri: string, primary: boolean): MethodGroup | { error: string };
  /** Resolves true when the primary contract is empty, false at the deadline (ms since epoch; null = never). */
  waitEmpty(fmri: string, deadline: number | null): Promise<boolean>;
  /** Hold contract events of the primary while a stop waits for it to empty (release with the returned fn). */
  hold(fmri: string): () => void;
}
