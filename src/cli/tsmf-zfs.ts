// `tsmf zfs-mount-generator ...` and `tsmf zfs-list-cache ...`. The systemd path (generator run by
// systemd) loads nothing but src/zfs/generator; the --tsmf bundle and the cache refresh load lazily.
import { runGenerator } from '../zfs/generator.js';

const GENERATOR_USAGE = `usage: zfs-mount-generator [OUTDIR [EARLY LATE]]
       zfs-mount-generator --tsmf [--import-fmri FMRI] [--output FILE]
Reads every cache file in $ZFS_LIST_CACHE_DIR (default /etc/zfs/zfs-list.cache) and writes systemd
.mount units, zfs-load-key@.service units and .wants/.requires links into OUTDIR (default /tmp);
with --tsmf, writes one service bundle for tsmf instead (stdout unless --output).
Imported pools: $ZFS_IMPORTED_POOLS (newline-separated; empty = none), else \`zpool list -H -o name\`.
`;

export async function runZfsMountGenerator(argv: string[]): Promise<number> {
  if (argv.includes('--tsmf')) {
    const { runTsmfBundle } = await import('../zfs/bundle-main.js');
    return runTsmfBundle(argv.filter((a) => a !== '--tsmf'), process.env);
  }
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

export async function runZfsListCache(argv: string[]): Promise<number> {
  const { runListCache } = await import('../zfs/list-cache-main.js');
  return runListCache(argv, process.env);
}
