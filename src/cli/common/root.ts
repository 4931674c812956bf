// State-root resolution shared by every command: `--root DIR`, else $TSMF_ROOT, else the default
// (/ for root; $XDG_STATE_HOME/tsmf or ~/.local/state/tsmf otherwise). Inside the root, the usual
// SMF layout: etc/svc/repository.db, var/svc/manifest, var/svc/log, run/tsmf.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RootOptions { root?: string }

export function defaultRoot(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): string {
  if (env.TSMF_ROOT) return path.resolve(env.TSMF_ROOT);
  if (uid === 0) return '/';
  const state = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(state, 'tsmf');
}

/** Removes `--root DIR` / `--root=DIR` from argv (wherever it appears) and returns the resolved root. */
export function takeRootOption(argv: string[], env: NodeJS.ProcessEnv = process.env): { root: string; rest: string[] } {
  const rest: string[] = [];
  let root: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { rest.push(...argv.slice(i)); break; }
    if (a === '--root') {
      const v = argv[++i];
      if (v === undefined) throw new Error('--root needs a directory argument');
      root = v;
    } else if (a.startsWith('--root=')) root = a.slice('--root='.length);
    else rest.push(a);
  }
  return { root: root ? path.resolve(root) : defaultRoot(env), rest };
}

export const repositoryPath = (root: string) => path.join(root, 'etc', 'svc', 'repository.db');
export const manifestDir = (root: string) => path.join(root, 'var', 'svc', 'manifest');
export const logDir = (root: string) => path.join(root, 'var', 'svc', 'log');
export const runDir = (root: string) => path.join(root, 'run', 'tsmf');
export const controlSocketPath = (root: string) => path.join(runDir(root), 'control.sock');

/** Whether this process may write `file` (true when it does not exist yet: it will be created). */
export function writable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
