// `tsmf`: umbrella command. Subcommands are loaded lazily so that each stays fast to start.
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write('usage: tsmf <daemon|zfs-mount-generator|zfs-list-cache> ...\n');
      return sub ? 0 : 2;
    default:
      process.stderr.write(`tsmf: unknown subcommand "${sub}"\n`);
      void rest;
      return 2;
  }
}
