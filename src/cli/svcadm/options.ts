// Command-line parsing of svcadm (smf-spec §7.2): global options `-v`, `-S state`, `-z zone`/`-Z`,
// then a subcommand with its own flags. Usage errors are values; the caller prints USAGE, exit 2.

export type Subcommand = 'enable' | 'disable' | 'restart' | 'refresh' | 'clear' | 'mark' | 'milestone';

export interface SvcadmCommand {
  verbose: boolean;
  selectState?: string;
  sub: Subcommand;
  recursive: boolean; sync: boolean; temporary: boolean; dump: boolean; immediate: boolean; persistent: boolean;
  /** mark: maintenance | degraded */
  markState?: 'maintenance' | 'degraded';
  operands: string[];
}

/**
 * usage: which usage text follows the error ('none': the error alone, as illumos uu_xdie/uu_die);
 * exitCode: 2 unless said (illumos uu_die: 1).
 */
export type ParseResult = { ok: true; cmd: SvcadmCommand }
  | { ok: false; error?: string; help?: boolean; usage?: 'general' | 'milestone' | 'none'; exitCode?: number };

const SUB_FLAGS: Record<Subcommand, string> = {
  enable: 'rst', disable: 'st', restart: 'd', refresh: '', clear: '', mark: 'It', milestone: 'd',
};
const STATES = ['uninitialized', 'offline', 'online', 'degraded', 'maintenance', 'disabled', 'legacy_run'];

export function parseSvcadmArgs(argv: readonly string[]): ParseResult {
  let i = 0;
  let verbose = false;
  let selectState: string | undefined;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-?') return { ok: false, help: true };
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--') { i++; break; }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (c === 'v') verbose = true;
      else if (c === 'Z') { /* all zones: only the global zone exists */ }
      else if (c === 'S' || c === 'z') {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) return { ok: false, error: `option requires an argument -- ${c}` };
        if (c === 'S') selectState = v;
        else if (v !== 'global') return { ok: false, error: `zone "${v}" does not exist (only the global zone exists)` };
        break;
      } else return { ok: false, error: `illegal option -- ${c}` };
    }
  }
  const sub = argv[i++] as Subcommand | undefined;
  if (sub === undefined) return { ok: false };
  if (!(sub in SUB_FLAGS)) return { ok: false, error: `unknown subcommand "${sub}"` };
  if (selectState !== undefined && !STATES.includes(selectState)) return { ok: false, error: `"${selectState}" is not a valid state` };
  const cmd: SvcadmCommand = {
    verbose, selectState, sub, recursive: false, sync: false, temporary: false, dump: false, immediate: false,
    persistent: false, operands: [],
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { cmd.operands.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-' || cmd.operands.length) { cmd.operands.push(a); continue; }
    for (const c of a.slice(1)) {
      if (!SUB_FLAGS[sub].includes(c)) return { ok: false, error: `illegal option -- ${c}`, ...(sub === 'milestone' ? { usage: 'milestone' as const } : {}) };
      if (c === 'r') cmd.recursive = true;
      else if (c === 's') cmd.sync = true;
      else if (c === 't') cmd.temporary = true;
      else if (c === 'I') cmd.immediate = true;
      else if (c === 'd') { if (sub === 'restart') cmd.dump = true; else cmd.persistent = true; }
    }
  }
  if (sub === 'mark') {
    const st = cmd.operands.shift();
    if (st !== 'maintenance' && st !== 'degraded') return { ok: false, error: st === undefined ? undefined : `"${st}" is not a valid state for mark` };
    cmd.markState = st;
    if (st === 'degraded' && cmd.temporary) return { ok: false, error: '-t may not be used with degraded.', usage: 'none' };
  }
  if (sub === 'milestone') {
    if (cmd.operands.length !== 1) return { ok: false, usage: 'milestone' };
    if (selectState !== undefined) return { ok: false, error: '-S cannot be used with milestone' };
  } else if (selectState !== undefined) {
    if (cmd.operands.length) return { ok: false, error: '-S cannot be combined with operands' };
    if (sub === 'clear' && selectState !== 'maintenance' && selectState !== 'degraded') return { ok: false, error: "State must be 'maintenance' or 'degraded'", usage: 'none', exitCode: 1 };
  } else if (cmd.operands.length === 0) return { ok: false };
  return { ok: true, cmd };
}

export const USAGE = `Usage: svcadm [-v] [-S state] [-z zone | -Z] [cmd [args ... ]]

	svcadm enable [-rst] [<service> ...]	- enable and online service(s)
	svcadm disable [-st] [<service> ...]	- disable and offline service(s)
	svcadm restart [-d] [<service> ...]	- restart specified service(s)
	svcadm refresh [<service> ...]		- re-read service configuration
	svcadm mark [-It] <state> [<service> ...] - set maintenance state
	svcadm clear [<service> ...]		- clear maintenance state
	svcadm milestone [-d] <milestone>	- advance to a service milestone

	Services can be specified using an FMRI, abbreviation, or fnmatch(3)
	pattern, as shown in these examples for svc:/network/smtp:sendmail

	svcadm <cmd> svc:/network/smtp:sendmail
	svcadm <cmd> network/smtp:sendmail
	svcadm <cmd> network/*mail
	svcadm <cmd> network/smtp
	svcadm <cmd> smtp:sendmail
	svcadm <cmd> smtp
	svcadm <cmd> sendmail

	--root DIR  state root (default $TSMF_ROOT, / for root)
`;

const MAJOR_MILESTONES = ['single-user', 'multi-user', 'multi-user-server'];

/** `all`, `none`, or (an abbreviation of) one of the three major milestones (§2.10). */
export function resolveMilestone(arg: string): { ok: true; target: string } | { ok: false } {
  if (arg === 'all' || arg === 'none') return { ok: true, target: arg };
  for (const m of MAJOR_MILESTONES) {
    const full = `svc:/milestone/${m}:default`;
    const forms = [m, `${m}:default`, `milestone/${m}`, `milestone/${m}:default`, `svc:/milestone/${m}`, full, `/milestone/${m}`, `/milestone/${m}:default`];
    if (forms.includes(arg)) return { ok: true, target: full };
  }
  return { ok: false };
}

/** illumos usage_milestone(). */
export const MILESTONE_USAGE = `Usage: svcadm milestone [-d] <milestone>

	-d	make the specified milestone the default for system boot

	Milestones can be specified using an FMRI or abbreviation.
	The major milestones are as follows:

	all
	none
	svc:/milestone/single-user:default
	svc:/milestone/multi-user:default
	svc:/milestone/multi-user-server:default
`;
