// Instance states as svcs prints and sorts them (smf-spec §2.1, §7.1): long names, the STA/NSTA
// abbreviations, the one-character S/N forms and the STATE sort rank.
// Invariants: every function is total (unknown strings map to "?" / the "unknown" rank), so a
// repository holding a state this code does not know never breaks a listing.

export const STATE_ORDER = [
  'legacy_run', 'disabled', 'online', 'degraded', 'offline', 'maintenance', 'uninitialized',
] as const;

const ABBREV: Record<string, string> = {
  uninitialized: 'UN', offline: 'OFF', online: 'ON', maintenance: 'MNT',
  disabled: 'DIS', degraded: 'DGD', legacy_run: 'LRC',
};

const ONE_CHAR: Record<string, string> = {
  uninitialized: 'u', offline: '0', online: '1', maintenance: 'm',
  disabled: 'd', degraded: 'D', legacy_run: 'L',
};

/** True when `next` names a transition in progress (anything but absent/"none"). */
export function inTransition(next: string | undefined): boolean {
  return next !== undefined && next !== '' && next !== 'none';
}

export function abbrevState(state: string | undefined): string {
  return state === undefined ? '?' : ABBREV[state] ?? '?';
}

export function charState(state: string | undefined): string {
  return state === undefined ? '?' : ONE_CHAR[state] ?? '?';
}

/** Sort rank of a state for the STATE/STA/S columns; unknown states sort last. */
export function stateRank(state: string | undefined): number {
  const i = (STATE_ORDER as readonly string[]).indexOf(state ?? '');
  return i < 0 ? STATE_ORDER.length : i;
}

/** "Running" in SMF terms: online or degraded (they satisfy dependencies). */
export function isRunningState(state: string | undefined): boolean {
  return state === 'online' || state === 'degraded';
}
