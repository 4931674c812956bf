// Time formats of svcs (smf-spec §7.1): the 8-column STIME (`%k:%M:%S` under 24 h, `%b_%d` under
// 360 days, else `%Y`) and the long `%a %b %e %H:%M:%S %Y` form of -l and -x, in local time.
// Pure: the conversion from epoch milliseconds to local calendar fields is injected (ToLocal), so
// tests pin the time zone; `systemLocal` uses the Date object's local-time getters.

export interface LocalParts {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  /** 0 = Sunday */
  weekday: number;
}
export type ToLocal = (ms: number) => LocalParts;

export const systemLocal: ToLocal = (ms) => {
  const d = new Date(ms);
  return {
    year: d.getFullYear(), month: d.getMonth(), day: d.getDate(), hour: d.getHours(),
    minute: d.getMinutes(), second: d.getSeconds(), weekday: d.getDay(),
  };
};

export const utcLocal: ToLocal = (ms) => {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate(), hour: d.getUTCHours(),
    minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay(),
  };
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_MS = 24 * 60 * 60 * 1000;
const two = (n: number) => String(n).padStart(2, '0');

/** STIME column text; `-` when the time is unknown. */
export function formatStime(ms: number | undefined, nowMs: number, toLocal: ToLocal): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const t = toLocal(ms);
  const age = nowMs - ms;
  if (age < DAY_MS) return `${String(t.hour).padStart(2, ' ')}:${two(t.minute)}:${two(t.second)}`;
  if (age < 360 * DAY_MS) return `${MONTHS[t.month]}_${two(t.day)}`;
  return String(t.year);
}

/** `%a %b %e %H:%M:%S %Y` in the C locale, e.g. `Thu Nov 21 10:05:03 2024`, `Thu Aug  1 06:30:18 2013`. */
export function formatLongTime(ms: number, toLocal: ToLocal): string {
  const t = toLocal(ms);
  return `${DAYS[t.weekday]} ${MONTHS[t.month]} ${String(t.day).padStart(2, ' ')} ` +
    `${two(t.hour)}:${two(t.minute)}:${two(t.second)} ${t.year}`;
}

/** Parses a repository `time` value (`SECONDS[.NANOS]`) into epoch milliseconds. */
export function parseRepositoryTime(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+(\.\d{1,9})?$/.test(v)) return undefined;
  const [s, frac = ''] = v.split('.');
  return Number(s) * 1000 + Math.floor(Number((frac + '000000000').slice(0, 9)) / 1e6);
}
