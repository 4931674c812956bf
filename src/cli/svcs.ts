// svcs: report service status (smf-spec §7.1). Reads the repository directly (read-only), never
// waits for the daemon except for the liveness probe of -x. Heavy modules are imported lazily so
// that `svcs` starts fast.
export async function run(argv: string[]): Promise<number> {
  // `svcs | head`: a closed pipe ends the listing quietly, as for any Unix filter.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
  const { takeRootOption } = await import('./common/root.js');
  const { parseSvcsArgs, USAGE } = await import('./svcs/options.js');
  let root: string, rest: string[];
  try {
    ({ root, rest } = takeRootOption(argv));
  } catch (e) {
    process.stderr.write(`svcs: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const parsed = parseSvcsArgs(rest);
  if (!parsed.ok) { process.stderr.write(`svcs: ${parsed.error}\n${USAGE}`); return 2; }
  const o = parsed.options;
  if (o.help) { process.stdout.write(USAGE); return 0; }
  if (o.zone !== undefined && o.zone !== 'global') { process.stderr.write(`svcs: could not find zone "${o.zone}" (only the global zone exists)\n`); return 1; }
  const { SvcsContext } = await import('./svcs/context.js');
  const ctx = await SvcsContext.open(root, o.long || o.explain || o.dependencies || o.dependents);
  if (typeof ctx === 'string') { process.stderr.write(`svcs: ${ctx}\n`); return 1; }
  try {
    const modes = await import('./svcs/modes.js');
    if (o.explain) await (await import('./svcs/explain-mode.js')).explain(ctx, o);
    else if (o.long) modes.long(ctx, o);
    else if (o.log) modes.logs(ctx, o);
    else modes.listing(ctx, o);
  } finally {
    ctx.close();
  }
  return ctx.exitCode;
}
