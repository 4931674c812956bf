// Boot detection (smf-spec §2.11). The daemon records the boot identity it started under in
// <root>/run/tsmf/boot_id. On start:
//   - file absent or different => a new boot: NONPERSISTENT data is discarded, nothing is killed
//     (the processes died with the old boot), everything is evaluated afresh;
//   - same id => restarter restart: states are restored and running contracts re-adopted.
// The identity is $TSMF_BOOT_ID when set (tests simulate a reboot by changing it), else the kernel's
// /proc/sys/kernel/random/boot_id. Since <root>/run is normally a tmpfs, a real reboot also
// removes the file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-file.js';

export interface BootInfo {
  bootId: string;
  /** true when this start follows a (real or simulated) reboot, or is the very first start */
  newBoot: boolean;
  /** id recorded by the previous daemon, if any */
  previous?: string;
}

export function currentBootId(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSMF_BOOT_ID) return env.TSMF_BOOT_ID;
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // No procfs: the run directory's lifetime is then the only boot indication.
    return crypto.randomUUID();
  }
}

export function bootIdPath(runDir: string): string {
  return path.join(runDir, 'boot_id');
}

/** Reads the previous boot id and compares; does not write (call recordBoot once the repository is ready). */
export function detectBoot(runDir: string, env: NodeJS.ProcessEnv = process.env): BootInfo {
  const bootId = currentBootId(env);
  let previous: string | undefined;
  try { previous = fs.readFileSync(bootIdPath(runDir), 'utf8').trim() || undefined; } catch { /* first start of this boot */ }
  const info: BootInfo = { bootId, newBoot: previous !== bootId };
  if (previous !== undefined) info.previous = previous;
  return info;
}

/** Records the boot id atomically (temporary file, fsync, rename), so a crash never leaves a torn file. */
export function recordBoot(runDir: string, bootId: string): void {
  fs.mkdirSync(runDir, { recursive: true });
  const r = writeFileAtomic(bootIdPath(runDir), bootId + '\n');
  if (!r.ok) throw new Error(r.error);
}
