// The restarter's bracketed log lines in an instance log (smf-spec 4.2):
// `[ Mon DD HH:MM:SS TEXT ]`, timestamp format strftime "%b %e %T" in local time. Pure.
// Also the log file name for an instance: FMRI without "svc:/", '/' -> '-', ".log".

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** strftime("%b %e %T") for the given date, in the process's local time zone (or UTC when utc=true). */
export function formatLogTimestamp(d: Date, utc = false): string {
  const month = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const m = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  return `${MONTHS[month]} ${String(day).padStart(2, ' ')} ${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

export function formatLogLine(d: Date, text: string, utc = false): string {
  return `[ ${formatLogTimestamp(d, utc)} ${text} ]\n`;
}

/** svc:/site/pool-import:default -> site-pool-import:default.log */
export function logFileName(fmri: string): string {
  return fmri.replace(/^svc:\/*/, '').replace(/\//g, '-') + '.log';
}
