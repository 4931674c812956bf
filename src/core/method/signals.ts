// Linux signal names <-> numbers (x86-64/arm64/generic numbering), for `:kill -SIG`, outcome
// reporting and wait statuses. Pure.

export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16,
  SIGCHLD: 17, SIGCLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23,
  SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30,
  SIGLOST: 29, SIGSYS: 31,
};

/** Signals whose default action dumps core (signal(7)); used to flag coreDumped / contract "core". */
export const CORE_SIGNALS: ReadonlySet<number> = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);

const BY_NUMBER = new Map<number, string>();
for (const [name, n] of Object.entries(SIGNALS)) if (!BY_NUMBER.has(n)) BY_NUMBER.set(n, name);

/** 'TERM', 'SIGTERM', 'sigterm', '15', 15 -> 15; 'RTMIN+3' -> 37; undefined when unknown. */
export function signalNumber(sig: string | number): number | undefined {
  if (typeof sig === 'number') return Number.isInteger(sig) && sig > 0 && sig < 65 ? sig : undefined;
  const s = sig.trim().toUpperCase();
  if (/^[0-9]+$/.test(s)) return signalNumber(Number(s));
  const name = s.startsWith('SIG') ? s : `SIG${s}`;
  if (SIGNALS[name] !== undefined) return SIGNALS[name];
  const rt = /^SIGRTMIN(?:\+([0-9]+))?$/.exec(name) ?? /^SIGRTMAX(?:-([0-9]+))?$/.exec(name);
  if (rt) {
    const off = Number(rt[1] ?? 0);
    const n = name.startsWith('SIGRTMIN') ? 34 + off : 64 - off;
    return n >= 34 && n <= 64 ? n : undefined;
  }
  return undefined;
}

export function signalName(n: number): string {
  return BY_NUMBER.get(n) ?? (n >= 34 && n <= 64 ? `SIGRTMIN+${n - 34}` : `SIG${n}`);
}

/** Raw wait(2) status as svc.startd stores it in restarter/start_method_waitstatus. */
export function waitStatusOf(exitCode: number | undefined, signal: number | undefined, coreDumped = false): number {
  if (signal !== undefined) return (signal & 0x7f) | (coreDumped ? 0x80 : 0);
  return ((exitCode ?? 0) & 0xff) << 8;
}
