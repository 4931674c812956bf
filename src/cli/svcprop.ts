// svcprop: report service configuration properties (smf-spec §7.4), reading the repository
// file read-only. Output formats, error texts and exit codes follow illumos svcprop:
//   bare values (shell-escaped, "" for empty) for a single -p pg/prop; "typed" lines
//   `pg/prop TYPE v...` for whole pgs, -t, mixed -p forms, and multi-entity operands (then with
//   full FMRIs, sticky for the rest of the run, as in the original); exit 0 ok, 1 something not
//   found / fatal, 2 usage.
import { takeRootOption, repositoryPath } from './common/root.js';
import { isValidName, noMatchError, partialMultipleError, resolveOperand } from '../core/fmri.js';
import type { Repository, PgView, PropertyView, View, Viewer } from '../repository/index.js';

const USAGE = `Usage: svcprop [-fqtv] [-C | -c | -s snapshot] [-z zone] [-p [name/]name]... 
         {FMRI | pattern}...
       svcprop -w [-fqtv] [-z zone] [-p [name/]name] {FMRI | pattern}
`;
const META = /[;&()|^<>\n \t\\"'`]/g;

/** Shell-quotes a value the way svcprop does: metacharacters backslash-escaped, "" for empty. */
export function quoteForShell(v: string): string {
  return v === '' ? '""' : v.replace(META, (m) => '\\' + m);
}

class Exit extends Error { constructor(readonly code: number) { super(`exit ${code}`); } }

interface Spec { pg: string; prop?: string }

interface State {
  quiet: boolean; types: boolean; verbose: boolean; fmris: boolean; wait: boolean;
  Cflag: boolean; cflag: boolean; snapshot?: string; zone?: string;
  props: Spec[]; rc: number; out: string[]; err: string[];
}

function usage(st: State, msg?: string): never {
  if (msg) st.err.push(`svcprop: ${msg}\n`);
  st.err.push(USAGE);
  throw new Exit(2);
}
function warn(st: State, msg: string): void { if (!st.quiet) st.err.push(`svcprop: ${msg}\n`); }
function die(st: State, msg: string, code = 1): never { if (!st.quiet) st.err.push(`svcprop: ${msg}\n`); throw new Exit(code); }
/** A property or pg that is not there: remember failure; with -q (and no -v) stop at once. */
function noProp(st: State, msg: string): void {
  if (st.quiet && !st.verbose) throw new Exit(1);
  st.err.push(`svcprop: ${msg}\n`);
  st.rc = 1;
}

function addProp(st: State, arg: string): void {
  const parts = arg.split('/');
  if (parts.length > 2) usage(st, `-p argument \`${arg}' has too many components.`);
  for (const p of parts) if (!isValidName(p, 'property')) { st.err.push(`svcprop: Invalid component name \`${p}'.\n`); throw new Exit(2); }
  const spec: Spec = parts.length === 2 ? { pg: parts[0]!, prop: parts[1]! } : { pg: parts[0]! };
  const last = st.props[st.props.length - 1];
  if (last && (last.prop === undefined) !== (spec.prop === undefined)) st.types = true;
  st.props.push(spec);
}

/** getopt("Ccfp:qs:tvwz:") */
function parseArgs(st: State, argv: string[]): string[] {
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const optarg = (): string => {
        const rest = a.slice(j + 1);
        j = a.length;
        if (rest) return rest;
        if (i + 1 >= argv.length) usage(st, `option requires an argument -- ${c}`);
        return argv[++i]!;
      };
      switch (c) {
        case 'C': if (st.cflag || st.snapshot !== undefined || st.wait) usage(st); st.Cflag = true; break;
        case 'c': if (st.Cflag || st.snapshot !== undefined || st.wait) usage(st); st.cflag = true; break;
        case 's': if (st.Cflag || st.cflag || st.wait) usage(st); st.snapshot = optarg(); break;
        case 'w': if (st.Cflag || st.cflag || st.snapshot !== undefined) usage(st); st.wait = true; break;
        case 'f': st.types = true; st.fmris = true; break;
        case 't': st.types = true; break;
        case 'q': st.quiet = true; break;
        case 'v': st.verbose = true; break;
        case 'p': addProp(st, optarg()); break;
        case 'z': st.zone = optarg(); break;
        default: usage(st, `illegal option -- ${c}`);
      }
    }
  }
  return argv.slice(i);
}

function view(st: State): View {
  if (st.Cflag) return { kind: 'current-direct' };
  if (st.cflag) return { kind: 'current-composed' };
  if (st.snapshot !== undefined) return { kind: 'snapshot', name: st.snapshot };
  return { kind: 'effective' };
}

function displayProp(st: State, ent: string, pg: string, p: PropertyView): void {
  if (p.protected && st.props.length > 0) die(st, 'Permission denied.');
  let line = '';
  if (st.types) line += `${st.fmris ? `${ent}/:properties/${pg}/${p.name}` : `${pg}/${p.name}`} ${p.type} `;
  line += p.values.map(quoteForShell).join(' ');
  st.out.push(line + '\n');
}
function displayPg(st: State, ent: string, pg: PgView): void {
  st.types = true; // sticky, as in the original
  for (const p of pg.properties) displayProp(st, ent, pg.name, p);
}

const entType = (fmri: string) => (fmri.indexOf(':', 4) >= 0 ? 'instance' : 'service');

function processEnt(st: State, repo: Repository, ent: string, viewer: Viewer): void {
  const isSvc = entType(ent) === 'service';
  if (isSvc && st.snapshot !== undefined) die(st, 'Only instances have snapshots.');
  const v = isSvc ? { kind: 'current-direct' as const } : view(st);
  if (st.props.length === 0 && st.quiet) return;
  if (v.kind === 'snapshot') {
    if (!isValidName(v.name, 'property')) die(st, 'Invalid snapshot name.');
    const snaps = repo.listSnapshots(ent);
    if (!snaps.ok || !snaps.value.some((s) => s.name === v.name)) die(st, 'No such snapshot.');
  }
  if (st.props.length === 0) {
    const pgs = repo.listPgs(ent, { view: v, viewer });
    if (!pgs.ok) die(st, pgs.message);
    for (const pg of pgs.value) displayPg(st, ent, pg);
    return;
  }
  for (const spec of st.props) {
    const pg = repo.getPg(ent, spec.pg, { view: v, viewer });
    if (!pg.ok) {
      if (pg.code !== 'not-found') die(st, pg.message);
      noProp(st, `Couldn't find property group \`${spec.pg}' for ${entType(ent)} \`${ent}'.`);
      continue;
    }
    if (spec.prop === undefined) { if (!st.quiet) displayPg(st, ent, pg.value); continue; }
    const p = pg.value.properties.find((x) => x.name === spec.prop);
    if (!p) { noProp(st, `Couldn't find property \`${spec.pg}/${spec.prop}' for ${entType(ent)} \`${ent}'.`); continue; }
    if (!st.quiet) displayProp(st, ent, spec.pg, p);
  }
}

function processPgOperand(st: State, repo: Repository, ent: string, pgName: string, propName: string | undefined, viewer: Viewer): boolean {
  const v = entType(ent) === 'service' ? { kind: 'current-direct' as const } : view(st);
  const pg = repo.getPg(ent, pgName, { view: v, viewer });
  if (!pg.ok) return false;
  const pgFmri = `${ent}/:properties/${pgName}`;
  if (propName !== undefined) {
    const p = pg.value.properties.find((x) => x.name === propName);
    if (!p) return false;
    if (st.props.length > 0) usage(st, 'The -p option cannot be used with property operands.');
    if (!st.quiet) displayProp(st, ent, pgName, p);
    return true;
  }
  if (st.props.length === 0) { if (!st.quiet) displayPg(st, ent, pg.value); return true; }
  for (const spec of st.props) {
    if (spec.prop !== undefined) {
      st.err.push(`svcprop: -p argument \`${spec.pg}/${spec.prop}' has too many components for property group \`${pgFmri}'.\n`);
      throw new Exit(2);
    }
    const p = pg.value.properties.find((x) => x.name === spec.pg);
    if (p) { if (!st.quiet) displayProp(st, ent, pgName, p); continue; }
    noProp(st, `Couldn't find property \`${spec.pg}' in property group \`${pgFmri}'.`);
  }
  return true;
}

async function waitFor(st: State, repo: Repository, operand: string, candidates: string[], viewer: Viewer): Promise<void> {
  const res = resolveOperand(operand, candidates, { serviceAsSelf: true });
  if (res.matches.length === 0) { warn(st, noMatchError(operand, 'entities')); st.rc = 1; return; }
  if (res.matches.length > 1) { warn(st, partialMultipleError(operand, res.matches)); st.rc = 1; return; }
  const ent = res.matches[0]!;
  let pgName: string; let propName: string | undefined;
  if (res.prop !== undefined) {
    if (st.props.length > 0) { st.err.push('svcprop: -p cannot be used with property FMRIs.\n'); throw new Exit(2); }
    pgName = res.pg!; propName = res.prop;
  } else if (res.pg !== undefined) {
    const p = st.props[0];
    if (p?.prop !== undefined) { st.err.push(`svcprop: -p argument "${p.pg}/${p.prop}" has too many components for property group ${ent}/:properties/${res.pg}.\n`); throw new Exit(2); }
    pgName = res.pg; propName = p?.pg;
  } else {
    const p = st.props[0];
    if (!p) { st.err.push(`svcprop: Cannot wait for ${entType(ent) === 'service' ? 'a service' : 'an instance'}.\n`); throw new Exit(2); }
    pgName = p.pg; propName = p.prop;
  }
  const direct: View = { kind: 'current-direct' };
  const read = () => repo.getPg(ent, pgName, { view: direct, viewer });
  const first = read();
  if (!first.ok || (propName !== undefined && !first.value.properties.some((p) => p.name === propName))) die(st, 'Not found.');
  const start = repo.pgVersion(ent, pgName, direct);
  let seen = repo.dataVersion();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const dv = repo.dataVersion();
    if (dv === seen) continue;
    seen = dv;
    const now = repo.pgVersion(ent, pgName, direct);
    if (now !== start) break;
  }
  const pg = read();
  if (!pg.ok) die(st, 'Not found.');
  if (propName === undefined) { if (!st.quiet) displayPg(st, ent, pg.value); return; }
  const p = pg.value.properties.find((x) => x.name === propName);
  if (!p) { warn(st, 'Not found.'); st.rc = 1; return; }
  if (!st.quiet) displayProp(st, ent, pgName, p);
}

export async function run(argv: string[]): Promise<number> {
  const st: State = { quiet: false, types: false, verbose: false, fmris: false, wait: false, Cflag: false, cflag: false, props: [], rc: 0, out: [], err: [] };
  let repo: Repository | undefined;
  try {
    let root: string; let rest: string[];
    try { ({ root, rest } = takeRootOption(argv)); } catch (e) { usage(st, (e as Error).message); }
    const operands = parseArgs(st, rest);
    if (operands.length === 0) usage(st);
    if (st.wait && (st.props.length > 1 || operands.length > 1)) usage(st);
    if (st.zone !== undefined && !st.quiet) st.err.push(`svcprop: note: -z ${st.zone} ignored (tsmf has no zones)\n`);
    const { Repository: Repo } = await import('../repository/index.js');
    const opened = Repo.open(repositoryPath(root), { readonly: true, live: st.wait });
    if (!opened.ok) die(st, `Could not connect to configuration repository: ${opened.message}.`);
    repo = opened.value;
    const viewer: Viewer = (await import('./common/viewer.js')).callerViewer(root);
    const ents = repo.listEntities();
    const candidates = [...ents.services, ...ents.instances];
    if (st.wait) {
      await waitFor(st, repo, operands[0]!, candidates, viewer);
    } else {
      for (const op of operands) {
        const res = resolveOperand(op, candidates, { serviceAsSelf: true });
        if (res.matches.length > 1) { st.types = true; st.fmris = true; }
        let any = false;
        for (const ent of res.matches) {
          if (res.pg !== undefined) any = processPgOperand(st, repo, ent, res.pg, res.prop, viewer) || any;
          else { processEnt(st, repo, ent, viewer); any = true; }
        }
        if (!any) { warn(st, noMatchError(op, 'entities')); st.rc = 1; }
      }
    }
    return st.rc;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  } finally {
    repo?.close();
    if (st.out.length) process.stdout.write(st.out.join(''));
    if (st.err.length) process.stderr.write(st.err.join(''));
  }
}
