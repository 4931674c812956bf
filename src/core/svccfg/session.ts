// The svccfg interpreter: session state (current selection, selected snapshot), the verb
// table type, and the loop that runs tokenized commands. Pure: the repository is reached
// through ConfigStore, files and the restarter through verbs/hooks the CLI injects.
//
// Invariants: a verb returns its status (0 ok, 1 failed, 2 syntax); every error line is
// written as `svccfg: [FILE:LINE: ]message`; when a snapshot is selected the session is
// read-only; `selection` always names an entity that existed when it was selected.
import { tokenText, type Command, type Token } from './lexer.js';
import type { ConfigStore, Entity, ValueChecker } from './store.js';
import { entityFmri } from './store.js';
import type { Resolved } from './resolve.js';
import type { ImportResult } from '../protocol/messages.js';

export interface Io { out(text: string): void; err(text: string): void }

export interface Session {
  store: ConfigStore;
  values: ValueChecker;
  resolve(operand: string): Resolved;
  /** Tells a running restarter that these instances/services changed (never fails). */
  notify(fmris: string[]): Promise<void>;
  /**
   * Has the running restarter import a manifest (an absolute path) and configure what it wrote;
   * null when it cannot (no restarter, a private repository, not permitted): import here then.
   */
  importViaRestarter?(file: string, opts: { strict: boolean; verbose: boolean }): Promise<ImportResult | null>;
  io: Io;
  verbs: ReadonlyMap<string, Verb>;
  selection: Entity | null;
  snapshot: string | null;
  verbose: boolean;
  /** Script file name when running `-f FILE` (error messages then carry FILE:LINE). */
  file?: string;
  line: number;
  done: boolean;
}

export interface Verb {
  name: string;
  usage: string;
  summary: string;
  run(args: Token[], s: Session): number | Promise<number>;
}

function location(s: Session): string {
  return s.file !== undefined ? `${s.file}:${s.line}: ` : '';
}

/** Reports an error (prefixed `svccfg: ` and the script location) and returns 1. */
export function fail(s: Session, message: string, code = 1): number {
  s.io.err(`svccfg: ${location(s)}${message}\n`);
  return code;
}

export function warn(s: Session, message: string): void {
  s.io.err(`svccfg: ${location(s)}${message}\n`);
}

export function usage(s: Session, verb: Verb): number {
  return fail(s, `Syntax error. Usage: ${verb.usage}`, 2);
}

/** The words of a command that takes no value lists; undefined if a parenthesis occurs. */
export function wordsOf(args: Token[]): string[] | undefined {
  const out: string[] = [];
  for (const t of args) {
    if (t.kind !== 'word') return undefined;
    out.push(t.text);
  }
  return out;
}

/** getopt-style leading flags (`-f`, `-vt`), `--` ends them; flags taking an argument listed in `withArg`. */
export function takeFlags(words: string[], allowed: string, withArg = ''):
  { ok: true; flags: Map<string, string>; rest: string[] } | { ok: false; bad: string } {
  const flags = new Map<string, string>();
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') { i++; break; }
    if (!w.startsWith('-') || w === '-') break;
    for (let j = 1; j < w.length; j++) {
      const f = w[j]!;
      if (!allowed.includes(f) && !withArg.includes(f)) return { ok: false, bad: '-' + f };
      if (withArg.includes(f)) {
        const v = j + 1 < w.length ? w.slice(j + 1) : words[++i];
        if (v === undefined) return { ok: false, bad: '-' + f };
        flags.set(f, v);
        break;
      }
      flags.set(f, '');
    }
  }
  return { ok: true, flags, rest: words.slice(i) };
}

export function prompt(s: Session): string {
  if (!s.selection) return 'svc:> ';
  return `${entityFmri(s.selection)}${s.snapshot ? '@' + s.snapshot : ''}> `;
}

/** Requires a selection; reports the error otherwise. */
export function needSelection(s: Session, verb: string): Entity | undefined {
  if (!s.selection) {
    fail(s, `${verb}: no service or instance is selected (use "select FMRI" first, or run svccfg -s FMRI ${verb} ...).`);
    return undefined;
  }
  return s.selection;
}

/** Requires a selection and no selected snapshot (snapshots are read-only). */
export function needEditable(s: Session, verb: string): Entity | undefined {
  const e = needSelection(s, verb);
  if (!e) return undefined;
  if (s.snapshot) {
    fail(s, `${verb}: snapshot "${s.snapshot}" is selected and snapshots are read-only (use "selectsnap" with no argument to edit the current properties).`);
    return undefined;
  }
  return e;
}

export async function runCommand(s: Session, cmd: Command): Promise<number> {
  s.line = cmd.line;
  const [head, ...args] = cmd.tokens;
  if (!head) return 0;
  if (head.kind !== 'word') return fail(s, `Syntax error: a command cannot start with "${tokenText(head)}".`, 2);
  const verb = s.verbs.get(head.text);
  if (!verb) return fail(s, `Unknown command "${head.text}" (type "help" for the list of commands).`, 2);
  return verb.run(args, s);
}

/** Runs commands in order until one of them ends the session. Exit status (svccfg(1M)): 1 if
 *  any subcommand failed, syntax errors included (2 is kept for svccfg's own options). */
export async function runCommands(s: Session, commands: readonly Command[]): Promise<number> {
  let status = 0;
  for (const cmd of commands) {
    if (s.done) break;
    if (await runCommand(s, cmd)) status = 1;
  }
  return status;
}
