// The systemd side of `zfs-mount-generator [OUTDIR [EARLY LATE]]`: argument checks, usage, one
// generator run. Imports nothing beyond src/zfs/generator (node:fs, node:child_process), so
// scripts/build.mjs can bundle it alone into dist/zfs-mount-generator.cjs, the one-file CommonJS
// program bin/zfs-mount-generator loads at boot (no ESM loader, no chunks: ~5 ms less start-up).
import { runGenerator } from './generator.js';

export const GENERATOR_USAGE = `usage: zfs-mount-generator [OUTDIR [EARLY LATE]]
       zfs-mount-generator --tsmf [--import-fmri FMRI] [--output FILE]
Reads every cache file in $ZFS_LIST_CACHE_DIR (default /etc/zfs/zfs-list.cache) and writes systemd
.mount units, zfs-load-key@.service units and .wants/.requires links into OUTDIR (default /tmp);
with --tsmf, writes one service bundle for tsmf instead (stdout unless --output).
Imported pools: $ZFS_IMPORTED_POOLS (newline-separated; empty = none), else \`zpool list -H -o name\`.
`;

/** Runs the generator as systemd does (argv without --tsmf); returns the exit status. */
export function runSystemdGenerator(argv: string[]): number {
  if (argv.length === 1 && (argv[0] === '-h' || argv[0] === '--help')) {
    process.stdout.write(GENERATOR_USAGE);
    return 0;
  }
  if (argv.length !== 0 && argv.length !== 1 && argv.length !== 3) {
    process.stderr.write(`zfs-mount-generator[${process.pid}]: wrong argument count: ${argv.length}\n`);
    return 1;
  }
  return runGenerator({ destdir: argv[0] ?? '/tmp', env: process.env, pid: process.pid });
}

/** The entry of dist/zfs-mount-generator.cjs (same shape as the src/cli commands). */
export async function run(argv: string[]): Promise<number> {
  return runSystemdGenerator(argv);
}
