// Prepares a method run from an engine runMethod command: token expansion against the running
// snapshot (smf-spec §4.3), the method context (§4.5) and environment (§4.6). A preparation failure
// is a value (the engine turns it into maintenance, method_failed), never a throw. Rejected
// environment entries are reported in the instance log (§4.6). A stop that waits for the contract
// to empty hands that wait to the runner (waitForEmpty), which SIGKILLs and drains at the deadline.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPg, findProp, type PropertyGroup } from '../core/model.js';
import {
  buildMethodEnvironment, expandMethodTokens, parseDefaultInit, readMethodContext, type PropertyRef,
} from '../core/method/index.js';
import type { EngineCommand } from '../core/engine/types.js';
import type { MethodRunRequest } from '../ports/process.js';
import { appendLogLine } from '../adapters/process/log.js';

type RunMethod = Extract<EngineCommand, { kind: 'runMethod' }>;

export type Prepared = { ok: true; req: MethodRunRequest } | { ok: false; message: string };

export interface PrepareInput {
  cmd: RunMethod;
  /** effective (running snapshot) pgs of the instance */
  pgs: PropertyGroup[];
  /** composed pgs of another entity for %{fmri/:properties/pg/prop} */
  otherEntity: (fmri: string) => PropertyGroup[] | undefined;
  logPath: string;
  /** <root>/etc/default/init lines, if any */
  globalEnvironment: readonly string[];
  /** writes a line to the instance log (default: appended to logPath) */
  log?: (text: string) => void;
}

export function readGlobalEnvironment(root: string): string[] {
  try {
    return parseDefaultInit(fs.readFileSync(path.join(root, 'etc', 'default', 'init'), 'utf8'));
  } catch {
    return [];
  }
}

/** os.hostname() (a system call) read at most once a second: every method's environment names it. */
let host: { name: string; at: number } | undefined;
function hostname(): string {
  const now = Date.now();
  if (!host || now - host.at > 1000) host = { name: os.hostname(), at: now };
  return host.name;
}

export function prepareMethod(input: PrepareInput): Prepared {
  const { cmd, pgs } = input;
  const lookup = (ref: PropertyRef): readonly string[] | undefined => {
    const source = ref.fmri ? input.otherEntity(ref.fmri) : pgs;
    return source ? findProp(findPg(source, ref.pg), ref.prop)?.values : undefined;
  };
  const expanded = cmd.exec.startsWith(':') ? { ok: true as const, value: cmd.exec } : expandMethodTokens(cmd.exec, { fmri: cmd.fmri, method: cmd.method }, lookup);
  if (!expanded.ok) return { ok: false, message: `${cmd.method} method "${cmd.exec}": ${expanded.message}` };
  const context = readMethodContext(findPg(pgs, cmd.method), findPg(pgs, 'method_context'));
  const env = buildMethodEnvironment({
    fmri: cmd.fmri, method: cmd.method, zonename: hostname(),
    globalEnvironment: input.globalEnvironment, methodEnvironment: context.environment,
  });
  if (env.warnings.length) {
    const log = input.log ?? ((text: string) => appendLogLine(input.logPath, text));
    for (const w of env.warnings) {
      try { log(w); } catch { /* the log is best effort; the method still runs */ }
    }
  }
  return {
    ok: true,
    req: {
      fmri: cmd.fmri, method: cmd.method, exec: expanded.value, model: cmd.model, context,
      env: env.env, timeoutMs: cmd.timeoutMs, logPath: input.logPath,
      ...(cmd.waitForEmpty ? { waitForEmpty: true } : {}),
    },
  };
}
