// `tsmf up`: the quick start. Runs svc.startd in the foreground on a private state root (default ./.tsmf); on first
// use, once the daemon answers (it has imported the base milestones by then), imports the bundled example services
// with svccfg, which notifies the running daemon, as an administrator would. No root privileges needed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlSocketPath, takeRootOption } from './common/root.js';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function waitForFile(file: string, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    if (fs.existsSync(file)) return true;
  }
  return false;
}

function importExamples(root: string, manifest: string): Promise<number> {
  const examples = path.join(projectDir, 'examples');
  fs.mkdirSync(path.dirname(manifest), { recursive: true });
  const text = fs.readFileSync(path.join(examples, 'manifests', 'examples.xml'), 'utf8')
    .replaceAll('@EXAMPLES_STATE@', root).replaceAll('@EXAMPLES@', examples);
  fs.writeFileSync(manifest, text);
  fs.writeFileSync(path.join(root, 'example.block'), 'remove me, then: svcadm refresh site/example/blocked\n');
  const child = spawn(process.execPath, [path.join(projectDir, 'bin', 'svccfg'), '--root', root, 'import', manifest], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

export async function runUp(argv: string[]): Promise<number> {
  // --root DIR as everywhere; without it ./.tsmf (never the user's default root: the quick start stays private)
  const { root, rest } = takeRootOption(argv, { TSMF_ROOT: '.tsmf' });
  fs.mkdirSync(root, { recursive: true });
  const manifest = path.join(root, 'var', 'svc', 'manifest', 'site', 'tsmf-examples.xml');
  const firstUse = !fs.existsSync(manifest);
  process.stdout.write(`tsmf up: state root ${root}\n` +
    `  in another terminal: export TSMF_ROOT=${root} PATH=${path.join(projectDir, 'bin')}:$PATH; svcs\n`);
  const { run } = await import('./svc.startd.js');
  const daemon = run(['--root', root, ...rest]);
  if (firstUse) {
    if (!(await waitForFile(controlSocketPath(root), 30_000))) {
      process.stderr.write('tsmf up: the daemon did not open its control socket within 30 s; see its messages above\n');
    } else if ((await importExamples(root, manifest)) !== 0) {
      process.stderr.write(`tsmf up: importing ${manifest} failed\n`);
    }
  }
  return daemon;
}
