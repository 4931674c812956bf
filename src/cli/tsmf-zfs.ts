// `tsmf zfs-mount-generator ...` and `tsmf zfs-list-cache ...`. The systemd path (generator run by
// systemd) loads nothing but src/zfs/generator; the --tsmf bundle and the cache refresh load lazily.
import { runSystemdGenerator } from '../zfs/systemd-main.js';

export async function runZfsMountGenerator(argv: string[]): Promise<number> {
  if (argv.includes('--tsmf')) {
    const { runTsmfBundle } = await import('../zfs/bundle-main.js');
    return runTsmfBundle(argv.filter((a) => a !== '--tsmf'), process.env);
  }
  return runSystemdGenerator(argv);
}

export async function runZfsListCache(argv: string[]): Promise<number> {
  const { runListCache } = await import('../zfs/list-cache-main.js');
  return runListCache(argv, process.env);
}
