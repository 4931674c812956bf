// `tsmf`: the umbrella command. Each subcommand is loaded lazily so that start-up stays cheap.
//   tsmf daemon ...                 same as svc.startd
//   tsmf up [--root DIR]            quick start: the daemon on a private state dir with the example services
//   tsmf zfs-mount-generator ...    the OpenZFS-compatible generator (and --tsmf bundle output)
//   tsmf zfs-list-cache refresh P   rewrite /etc/zfs/zfs-list.cache/P atomically
const USAGE = `usage: tsmf <subcommand> [args]
  daemon [--root DIR] ...           run the restarter (same as svc.startd)
  up [--root DIR]                   quick start: restarter on ./.tsmf with the bundled example services
  zfs-mount-generator OUTDIR [EARLY LATE] | --tsmf ...
  zfs-list-cache refresh POOL
Every command also takes --root DIR (or TSMF_ROOT) to select the state root.
`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'daemon':
      return (await import('./svc.startd.js')).run(rest);
    case 'up':
      return (await import('./tsmf-up.js')).runUp(rest);
    case 'zfs-mount-generator':
      return (await import('./tsmf-zfs.js')).runZfsMountGenerator(rest);
    case 'zfs-list-cache':
      return (await import('./tsmf-zfs.js')).runZfsListCache(rest);
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      process.stderr.write(`tsmf: unknown subcommand "${sub}"\n${USAGE}`);
      return 2;
  }
}
