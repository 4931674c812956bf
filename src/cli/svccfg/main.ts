// svccfg entry: option parsing, the session (repository opened on first use), and the three
// input modes: a subcommand on the command line (its words joined and re-read by the svccfg
// lexer, as illumos does, so `'"a b"'` quoting works the same), `-f FILE` (errors carry
// FILE:LINE), and stdin (interactive with a prompt on a tty, else a script).
import fs from 'node:fs';
import path from 'node:path';
import { importViaRestarter, notifyRestarter } from '../common/notify.js';
import { repositoryPath, takeRootOption, writable } from '../common/root.js';
import { tokenize, type Command } from '../../core/svccfg/lexer.js';
import { resolveEntity } from '../../core/svccfg/resolve.js';
import { fail, prompt, runCommands, type Io, type Session } from '../../core/svccfg/session.js';
import { verbTable } from '../../core/svccfg/verbs.js';
import { canonicalValue } from '../../core/values.js';
import { Repository } from '../../repository/repository.js';
import { ioVerbs } from './io-verbs.js';
import { RepositoryConfigStore } from './repo-store.js';
import { callerViewer } from '../common/viewer.js';

const USAGE = 'Usage: svccfg [-v] [--root DIR] [-s FMRI] [-f file | subcommand [args ...]]\n';

export interface MainOptions { io?: Io; stdin?: NodeJS.ReadableStream & { isTTY?: boolean } }

class RepositoryOpenError extends Error {}

/**
 * The largest manifest svc.startd imports for svccfg. The daemon holds a bundle's parsed form
 * (~5 KB per service) while it writes and configures it, and keeps the heap that took: through the
 * daemon, a bundle of 5,000 services raised its peak RSS from 117-119 to 122-125 MB over a start
 * and stop of all of them (docs/performance.md, sessions 15 and 16). svccfg imports a larger one
 * itself (its memory goes when it exits) and notifies the restarter, which reads the instances back.
 */
const RESTARTER_IMPORT_MAX_BYTES = 2 * 1024 * 1024;

/** Size of a file, NaN when it cannot be read (svccfg then imports it itself and reports why). */
function fileSize(file: string): number {
  try { return fs.statSync(file).size; } catch { return NaN; }
}

export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const io: Io = opts.io ?? { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };
  let root: string;
  let rest: string[];
  try {
    ({ root, rest } = takeRootOption(argv));
  } catch (e) {
    io.err(`svccfg: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  let verbose = false;
  let select: string | undefined;
  let file: string | undefined;
  let i = 0;
  for (; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') { i++; break; }
    if (a === '-h' || a === '--help' || a === '-?') { io.out(USAGE); return 0; }
    if (a === '-v') verbose = true;
    else if (a === '-s' || a === '-f') {
      const v = rest[++i];
      if (v === undefined) { io.err(`svccfg: option ${a} needs an argument\n${USAGE}`); return 2; }
      if (a === '-s') select = v; else file = v;
    } else if (a.startsWith('-') && a.length > 1) { io.err(`svccfg: unknown option ${a}\n${USAGE}`); return 2; } else break;
  }
  const args = rest.slice(i);
  if (file !== undefined && args.length) { io.err(`svccfg: -f and a subcommand exclude each other\n${USAGE}`); return 2; }

  let repo: Repository | undefined;
  const systemRepository = repositoryPath(root);
  /** the repository file in use: the root's, or a private one named by `repository FILE` */
  let repoFile = systemRepository;
  const openRepo = (): Repository => {
    if (!repo) {
      // a user who may read the repository but not write it (not root) browses it; writes are then refused
      // with "Permission denied." (Repository's write guard)
      const r = Repository.open(repoFile, writable(repoFile) ? { checkpointOnClose: true } : { readonly: true });
      if (!r.ok) throw new RepositoryOpenError(r.message);
      repo = r.value;
    }
    return repo;
  };
  /** Switches to another repository file (svccfg `repository`); the current one stays in use on failure. */
  const useRepository = (file: string): { ok: true; created: boolean } | { ok: false; error: string } => {
    const target = path.resolve(file);
    const dir = path.dirname(target);
    if (!fs.existsSync(dir)) return { ok: false, error: `repository: the directory ${dir} does not exist.` };
    let st: fs.Stats | undefined;
    try { st = fs.statSync(target); } catch { st = undefined; }
    if (st && !st.isFile()) return { ok: false, error: `repository: ${target} is not a regular file.` };
    const r = Repository.open(target, { checkpointOnClose: true });
    if (!r.ok) return { ok: false, error: `repository: ${r.message}` };
    repo?.close();
    repo = r.value;
    repoFile = target;
    return { ok: true, created: !st };
  };
  /** A private repository has no restarter reading it: changes are not notified. */
  const isPrivate = (): boolean => !sameFile(repoFile, systemRepository);
  const viewer = callerViewer(root);
  const store = new RepositoryConfigStore(openRepo, viewer);
  const s: Session = {
    store,
    values: (type, raw) => canonicalValue(type, raw),
    resolve: (operand) => resolveEntity(operand, store),
    notify: async (fmris) => {
      if (!fmris.length || isPrivate()) return;
      const r = await notifyRestarter(root, fmris);
      if (r.message) io.err(`svccfg: warning: the restarter was not told about the change (${r.message}); run "svcadm refresh" later.\n`);
    },
    importViaRestarter: async (file, o) => {
      if (isPrivate() || process.env.TSMF_IMPORT_LOCAL || !(fileSize(file) <= RESTARTER_IMPORT_MAX_BYTES)) return null;
      return importViaRestarter(root, file, { ...o, noValidate: !!process.env.SVCCFG_NOVALIDATE, dtd: process.env.SVCCFG_DTD });
    },
    io,
    verbs: new Map(),
    selection: null,
    snapshot: null,
    verbose,
    line: 0,
    done: false,
  };
  s.verbs = verbTable(ioVerbs({ root, repo: openRepo, useRepository, viewer }));
  try {
    if (select !== undefined) {
      const status = await runCommands(s, [{ line: 0, tokens: [{ kind: 'word', text: 'select', quoted: false, line: 0 }, { kind: 'word', text: select, quoted: false, line: 0 }] }]);
      if (status) return status;
    }
    if (file !== undefined) {
      let text: string;
      try {
        text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
      } catch (e) {
        return fail(s, `cannot read command file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      s.file = file;
      return await runText(s, text);
    }
    if (args.length) return await runText(s, args.join(' '));
    const stdin = opts.stdin ?? process.stdin;
    if (stdin.isTTY) return await interactive(s, stdin);
    return await runText(s, await readAll(stdin));
  } catch (e) {
    if (e instanceof RepositoryOpenError) return fail(s, e.message);
    throw e;
  } finally {
    // general/enabled, general_ovr and general/restarter act at once (smf-spec §6.4): the restarter
    // re-reads those entities (no refresh) as svc.startd does on the repository's notification
    const immediate = store.takeImmediate();
    if (immediate.length && !isPrivate()) {
      const r = await notifyRestarter(root, immediate, { reread: true });
      if (r.message) io.err(`svccfg: warning: the restarter was not told about the change (${r.message}); run "svcadm refresh" later.\n`);
    }
    repo?.close();
  }
}

function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

async function runText(s: Session, text: string): Promise<number> {
  const lexed = tokenize(text);
  if (!lexed.ok) {
    s.line = lexed.line;
    return fail(s, `Syntax error: ${lexed.message}.`);
  }
  return runCommands(s, lexed.commands);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

async function interactive(s: Session, stdin: NodeJS.ReadableStream): Promise<number> {
  const readline = await import('node:readline');
  const rl = readline.createInterface({ input: stdin, output: process.stdout, terminal: true });
  let status = 0;
  let pending = '';
  let lineNo = 0;
  rl.setPrompt(prompt(s));
  rl.prompt();
  for await (const line of rl) {
    lineNo++;
    const text = pending ? pending + '\n' + line : line;
    const lexed = tokenize(text, lineNo);
    if (!lexed.ok && lexed.incomplete) { pending = text; rl.setPrompt('> '); rl.prompt(); continue; }
    pending = '';
    let cmds: Command[] = [];
    if (!lexed.ok) status = Math.max(status, fail(s, `Syntax error: ${lexed.message}.`));
    else cmds = lexed.commands;
    try {
      status = Math.max(status, await runCommands(s, cmds));
    } catch (e) {
      if (!(e instanceof RepositoryOpenError)) throw e;
      status = Math.max(status, fail(s, e.message));
    }
    if (s.done) break;
    rl.setPrompt(prompt(s));
    rl.prompt();
  }
  rl.close();
  return status;
}

