// Classification of a method's exec string (smf-spec 4.4): the built-ins `:true`, `:kill`,
// `:kill -SIGNAME`, `:kill -N`, or a command for /bin/sh. Pure.
//
// Invariant: a `:kill` with an unknown signal is a configuration error value, never a command.
import { signalName, signalNumber } from './signals.js';

export type ExecKind =
  | { kind: 'true' }
  | { kind: 'kill'; signal: number; signalName: string }
  | { kind: 'command'; command: string };

export type ExecError = { ok: false; code: 'config'; message: string };
export type ExecResult = { ok: true; value: ExecKind } | ExecError;

export function classifyExec(exec: string): ExecResult {
  const s = exec.trim();
  if (s === ':true') return { ok: true, value: { kind: 'true' } };
  if (s === ':kill' || s.startsWith(':kill ') || s.startsWith(':kill\t')) {
    const arg = s.slice(':kill'.length).trim();
    if (arg === '') return { ok: true, value: { kind: 'kill', signal: 15, signalName: 'SIGTERM' } };
    const n = arg.startsWith('-') && !/\s/.test(arg) ? signalNumber(arg.slice(1)) : undefined;
    if (n === undefined) return { ok: false, code: 'config', message: `exec ":kill ${arg}": expected -SIGNAME or -N (e.g. ":kill -HUP" or ":kill -9")` };
    return { ok: true, value: { kind: 'kill', signal: n, signalName: signalName(n) } };
  }
  if (s === '') return { ok: false, code: 'config', message: 'exec is empty; use ":true" for a method with nothing to do' };
  return { ok: true, value: { kind: 'command', command: exec } };
}
