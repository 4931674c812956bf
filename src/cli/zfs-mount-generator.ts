// `zfs-mount-generator OUTDIR [EARLY LATE]`: the standalone systemd generator entry (install it, or
// bin/zfs-mount-generator, under /usr/lib/systemd/system-generators). Imports only what it needs.
import { runZfsMountGenerator } from './tsmf-zfs.js';

export async function run(argv: string[]): Promise<number> {
  return runZfsMountGenerator(argv);
}
