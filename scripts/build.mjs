#!/usr/bin/env node
// Bundles every command entry point (src/cli/*.ts, one file per command) into dist/ with esbuild,
// so that `bin/svcs` starts in one module load instead of compiling TypeScript at run time.
// Native and heavy modules stay external and are loaded by Node from node_modules.
// No code splitting: each command is one self-contained file (its dynamic import()s of our own
// modules are inlined and still initialised lazily). Shared chunks cost a module resolution,
// read and link each at every start: 6-10 of them made svcs -H at 1,000 instances 107 against
// 94 ms and svccfg import (through the daemon) 90-99 against 80-82 ms (docs/performance.md,
// session 17). dist/ is larger (each command carries its own copy); nothing loads more code
// eagerly than before, since V8 compiles functions lazily.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = path.join(root, 'src', 'cli');
const entries = fs.readdirSync(cliDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(cliDir, f));
const commands = await build({
  metafile: true,
  entryPoints: entries,
  outdir: path.join(root, 'dist'),
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __tsmfCreateRequire } from 'node:module'; const require = __tsmfCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// zfs-mount-generator runs at every boot and daemon-reload, over every dataset: its systemd path
// gets a dedicated one-file CommonJS bundle (no ESM loader, no chunks, no source map to look up),
// which bin/zfs-mount-generator loads; --tsmf still goes through dist/zfs-mount-generator.js.
const generator = await build({
  metafile: true,
  entryPoints: [path.join(root, 'src', 'zfs', 'systemd-main.ts')],
  outfile: path.join(root, 'dist', 'zfs-mount-generator.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

// V8 keeps a module's source for lazy compilation, in one byte per character only when every
// character is Latin-1. esbuild escapes strings and identifiers but keeps some comments as
// written: one "…" in a comment made svc.startd's 530 KB source a 1.06 MB string in the
// daemon's heap. So a bundle with a character above U+00FF fails the build, naming it.
for (const file of Object.keys(commands.metafile.outputs).filter((f) => /\.c?js$/.test(f))) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => /[^\u0000-\u00ff]/.test(l));
  if (at >= 0) {
    const ch = lines[at].match(/[^\u0000-\u00ff]/)[0];
    throw new Error(`${file}:${at + 1}: character ${JSON.stringify(ch)} (U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}) `
      + 'is outside Latin-1, which doubles the bundle\'s size in memory; write it in ASCII in the source comment it comes from');
  }
}

// Files of earlier builds that this one did not write (the hashed chunks of the split builds
// before session 17, commands since renamed) are removed, so that dist/ holds exactly what the
// launchers can load.
const written = new Set([...Object.keys(commands.metafile.outputs), ...Object.keys(generator.metafile.outputs)]
  .map((f) => path.resolve(f))); // metafile paths are relative to the working directory
for (const f of fs.readdirSync(path.join(root, 'dist'))) {
  const file = path.join(root, 'dist', f);
  if (!written.has(file) && /\.(c?js|js\.map)$/.test(f)) fs.rmSync(file);
}
