// Command-line parsing of svcs (smf-spec §7.1): SMF-style clustered short options (`-xv`, `-Hpv`,
// `-ofmri,state` or `-o fmri,state`), repeated -s/-S, plus `--json` and `--root`. Usage errors are
// values carrying the message; the caller prints the usage text and exits 2.

export interface SvcsOptions {
  all: boolean; noHeader: boolean; processes: boolean; verbose: boolean;
  dependencies: boolean; dependents: boolean; long: boolean; log: boolean; explain: boolean;
  columns?: string; restarter?: string; sort: { name: string; descending: boolean }[];
  zone?: string; allZones: boolean; json: boolean; help: boolean;
  operands: string[];
}

export type ParseResult = { ok: true; options: SvcsOptions } | { ok: false; error: string };

const FLAGS: Record<string, keyof SvcsOptions> = {
  a: 'all', H: 'noHeader', p: 'processes', v: 'verbose', d: 'dependencies', D: 'dependents',
  l: 'long', L: 'log', x: 'explain', Z: 'allZones', '?': 'help',
};

export function parseSvcsArgs(argv: readonly string[]): ParseResult {
  const o: SvcsOptions = {
    all: false, noHeader: false, processes: false, verbose: false, dependencies: false, dependents: false,
    long: false, log: false, explain: false, sort: [], allZones: false, json: false, help: false, operands: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { o.operands.push(...argv.slice(i + 1)); break; }
    if (a === '--json') { o.json = true; continue; }
    if (a === '--help') { o.help = true; continue; }
    if (!a.startsWith('-') || a === '-') { o.operands.push(a); continue; }
    if (a.startsWith('--')) return { ok: false, error: `unknown option "${a}"` };
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (c in FLAGS) { (o as unknown as Record<string, boolean>)[FLAGS[c]!] = true; continue; }
      if ('osSRz'.includes(c)) {
        const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (value === undefined) return { ok: false, error: `option requires an argument -- ${c}` };
        if (c === 'o') o.columns = value;
        else if (c === 's' || c === 'S') o.sort.push({ name: value, descending: c === 'S' });
        else if (c === 'R') o.restarter = value;
        else o.zone = value;
        break;
      }
      return { ok: false, error: `illegal option -- ${c}` };
    }
  }
  const modes = [o.dependencies, o.dependents, o.long, o.explain, o.log && !o.explain].filter(Boolean).length;
  if (modes > 1) return { ok: false, error: 'only one of -d, -D, -l, -L and -x may be given' };
  // Options outside the synopsis of the mode are usage errors, as svcs(1)'s argserr cases are:
  // -a and -R only list, -H and -o not with -l or -x, -p not with -x, -s/-S only list (and -d/-D).
  const mode = o.dependencies ? '-d' : o.dependents ? '-D' : o.long ? '-l' : o.explain ? '-x' : o.log ? '-L' : undefined;
  if (mode) {
    const misfit = o.all ? '-a' : o.restarter !== undefined ? '-R'
      : o.noHeader && (o.long || o.explain) ? '-H' : o.columns !== undefined && (o.long || o.explain) ? '-o'
        : o.processes && o.explain ? '-p' : o.sort.length && !(o.dependencies || o.dependents) ? (o.sort[0]!.descending ? '-S' : '-s') : undefined;
    if (misfit) return { ok: false, error: `${misfit} cannot be used with ${mode}` };
  }
  if ((o.dependencies || o.dependents || o.long) && o.operands.length === 0) return { ok: false, error: 'operands are required with -d, -D and -l' };
  if (o.log && !o.explain && o.operands.length === 0) return { ok: false, error: 'operands are required with -L' };
  return { ok: true, options: o };
}

export const USAGE = `Usage: svcs [-aHpv] [-o col[,col]...] [-R FMRI-instance] [-sS col] [--json] [FMRI-instance ...]
       svcs -d | -D [-Hpv] [-o col[,col]...] [-sS col] [--json] [FMRI-instance ...]
       svcs -l [-pv] [--json] [FMRI-instance ...]
       svcs -L [-v] [FMRI-instance ...]
       svcs -x [-v] [-L] [--json] [FMRI-instance ...]
       svcs -?

	-a  list all service instances rather than only those that are enabled
	-d  list dependencies of the specified service(s)
	-D  list dependents of the specified service(s)
	-H  omit header line from output
	-l  list detailed information about the specified service(s)
	-L  list the log file of the specified service(s)
	-o  list only the specified columns in the output
	-p  list process IDs and names associated with each service
	-R  list only those services with the specified restarter
	-s  sort output in ascending order by the specified column(s)
	-S  sort output in descending order by the specified column(s)
	-v  list verbose information appropriate to the type of output
	-x  explain the status of services that might require maintenance,
	    or explain the status of the specified service(s)
	--json  machine-readable output (see svcs(1))
	--root DIR  state root (default $TSMF_ROOT, / for root)

	Services can be specified using an FMRI, abbreviation, or fnmatch(3)
	pattern, as shown in these examples for svc:/network/smtp:sendmail

	svcs [opts] svc:/network/smtp:sendmail
	svcs [opts] network/smtp:sendmail
	svcs [opts] network/*mail
	svcs [opts] network/smtp
	svcs [opts] smtp:sendmail
	svcs [opts] smtp
	svcs [opts] sendmail

	Columns for output or sorting can be specified using these names:

	CTID    contract ID for service (see contract(5))
	DESC    human-readable description of the service
	FMRI    Fault Management Resource Identifier for service
	INST    portion of the FMRI indicating service instance
	NSTA    abbreviation for next state (if in transition)
	NSTATE  name for next state (if in transition)
	S       abbreviation for current state
	SCOPE   name for scope associated with service
	SN      abbreviation for current state and next state
	STA     abbreviation for current state
	STATE   name for current state
	STIME   time of last state change
	SVC     basename of the service FMRI
	ZONE    name of zone
`;
