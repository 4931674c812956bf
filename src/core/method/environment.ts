// The environment of a method (smf-spec 4.6). Pure: the restarter's global environment
// (/etc/default/init style NAME=value lines) and the host name are passed in.
//
// Order: SMF_FMRI, SMF_METHOD, SMF_RESTARTER, SMF_ZONENAME, then the global environment
// (PATH=/usr/sbin:/usr/bin:/sbin:/bin unless it sets PATH; CMASK= and SMF_* skipped), then the
// method's `environment` entries, each replacing a variable of the same name. Invalid method
// entries (no '=', leading '=', SMF_ prefix) are skipped with a warning; never fatal.

export const DEFAULT_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
export const MASTER_RESTARTER = 'svc:/system/svc/restarter:default';

export interface EnvironmentInput {
  fmri: string;
  method: string;
  /** SMF_ZONENAME: on Linux the host (or container) name. */
  zonename: string;
  restarter?: string;
  /** Lines of /etc/default/init (comments and blanks allowed), or NAME=value tokens. */
  globalEnvironment?: readonly string[];
  /** method_context/environment values */
  methodEnvironment?: readonly string[];
}

export interface MethodEnvironment { env: Record<string, string>; warnings: string[] }

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses /etc/default/init: NAME=value lines, optional surrounding quotes, '#' comments. */
export function parseDefaultInit(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!;
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) v = v.slice(1, -1);
    out.push(`${m[1]}=${v}`);
  }
  return out;
}

export function buildMethodEnvironment(input: EnvironmentInput): MethodEnvironment {
  const warnings: string[] = [];
  const env: Record<string, string> = {
    SMF_FMRI: input.fmri,
    SMF_METHOD: input.method,
    SMF_RESTARTER: input.restarter ?? MASTER_RESTARTER,
    SMF_ZONENAME: input.zonename,
    PATH: DEFAULT_PATH,
  };
  for (const entry of input.globalEnvironment ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (name === 'CMASK' || name.startsWith('SMF_') || !NAME.test(name)) continue;
    env[name] = entry.slice(eq + 1);
  }
  for (const entry of input.methodEnvironment ?? []) {
    const eq = entry.indexOf('=');
    if (eq < 0) warnings.push(`environment entry "${entry}" has no "=" and is ignored; write NAME=value`);
    else if (eq === 0) warnings.push(`environment entry "${entry}" has no variable name and is ignored; write NAME=value`);
    else if (entry.startsWith('SMF_')) warnings.push(`environment entry "${entry}": SMF_ variables are set by the restarter and cannot be overridden; entry ignored`);
    else if (entry.includes('\0')) warnings.push(`environment entry "${entry.slice(0, eq)}" contains a NUL byte and is ignored`);
    else env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return { env, warnings };
}
