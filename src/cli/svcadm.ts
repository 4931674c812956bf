// svcadm: administrative actions on service instances (smf-spec §2.8-§2.10, §7.2). Resolves
// operands with the svcadm policy of §1.4 (a partial operand matching several instances is an
// error), then asks the daemon over the control socket, or writes the repository directly when no
// daemon runs. -s waits for the outcome (exit 3/4), -r enables the dependency closure.
export async function run(argv: string[]): Promise<number> {
  const { takeRootOption, repositoryPath } = await import('./common/root.js');
  const { parseSvcadmArgs, resolveMilestone, USAGE, MILESTONE_USAGE } = await import('./svcadm/options.js');
  const err = (m: string) => process.stderr.write(`svcadm: ${m}\n`);
  let root: string, rest: string[];
  try {
    ({ root, rest } = takeRootOption(argv));
  } catch (e) {
    err((e as Error).message);
    process.stderr.write(USAGE);
    return 2;
  }
  const parsed = parseSvcadmArgs(rest);
  if (!parsed.ok) {
    if (parsed.help) { process.stdout.write(USAGE); return 0; }
    if (parsed.error) err(parsed.error);
    if (parsed.usage !== 'none') process.stderr.write(parsed.usage === 'milestone' ? MILESTONE_USAGE : USAGE);
    return parsed.exitCode ?? 2;
  }
  const cmd = parsed.cmd;
  if (cmd.sub === 'milestone') {
    const m = resolveMilestone(cmd.operands[0]!);
    if (!m.ok) { err(`"${cmd.operands[0]}" is not a valid major milestone.`); process.stderr.write(MILESTONE_USAGE); return 2; }
    // without a daemon svcadm writes the repository (smf-spec §2.8): svc.startd applies the milestone when it starts
    const { applyDaemonOrRepository } = await import('./svcadm/apply.js');
    const r = await applyDaemonOrRepository(root, cmd, [m.target], () => undefined);
    if (!r.ok) { err(r.message); return 1; }
    for (const f of r.failed) err(`${f.fmri}: ${f.message}`);
    return r.failed.length ? 1 : 0;
  }

  const fs = await import('node:fs');
  const file = repositoryPath(root);
  if (!fs.existsSync(file)) { err(`no repository at ${file} (import a manifest with svccfg first, or pass --root)`); return 1; }
  const { Repository } = await import('../repository/repository.js');
  const opened = Repository.open(file, { readonly: true });
  if (!opened.ok) { err(opened.message); return 1; }
  const repo = opened.value;
  try {
    const { selectTargets } = await import('./svcadm/targets.js');
    const sel = selectTargets(repo, cmd);
    for (const e of sel.errors) err(e);
    let exit = sel.errors.length ? 1 : 0;
    let targets = sel.fmris;
    const stateOf = sel.stateOf;

    /** enable -r: the closure's report, printed in walk order once the enables are applied */
    let closureLines: import('./svcadm/recursive.js').ClosureLine[] | undefined;
    const printClosure = (lines: NonNullable<typeof closureLines>, onEnabled: (fmri: string) => void) => {
      for (const l of lines) {
        if ('enabled' in l) onEnabled(l.enabled);
        else if (l.stream === 'out') process.stdout.write(l.text + '\n');
        else err(l.text);
      }
    };
    if (cmd.sub === 'enable' && cmd.recursive) {
      const { storedGraphOf } = await import('./svcadm/targets.js');
      const { enableRecursive } = await import('./svcadm/recursive.js');
      const c = enableRecursive(targets, storedGraphOf(repo));
      closureLines = c.lines;
      if (c.absent) exit = 1;
      targets = c.enable;
    }
    if (cmd.sub === 'clear') {
      targets = targets.filter((f) => {
        const st = stateOf(f);
        if (st === 'maintenance' || st === 'degraded') return true;
        err(`Instance "${f}" is not in a maintenance or degraded state.`);
        exit = 1;
        return false;
      });
    }
    if (cmd.sub === 'mark' && cmd.markState === 'degraded') {
      targets = targets.filter((f) => {
        if (stateOf(f) === 'online') return true;
        err(`Instance "${f}" is not online.`);
        exit = 1;
        return false;
      });
    }
    if (targets.length === 0) return exit;

    const { applyDaemonOrRepository, verboseLine } = await import('./svcadm/apply.js');
    const r = await applyDaemonOrRepository(root, cmd, targets, stateOf);
    if (!r.ok) {
      printClosure(closureLines ?? [], () => {});
      err(r.message);
      return 1;
    }
    const failed = new Set(r.failed.map((f) => f.fmri));
    const { hintsWanted } = await import('./common/hints.js');
    for (const f of r.failed) {
      err(`${f.fmri}: ${f.message}`);
      // which authorization would do: on a terminal (or TSMF_HINTS=1), scripts get SMF's line alone
      if (f.hint && hintsWanted()) err(f.hint);
      exit = 1;
    }
    const verbose = (f: string) => { if (cmd.verbose && !failed.has(f)) process.stdout.write(verboseLine(cmd, f, stateOf(f)) + '\n'); };
    if (closureLines) printClosure(closureLines, verbose);
    else for (const f of targets) verbose(f);

    if (cmd.sync && (cmd.sub === 'enable' || cmd.sub === 'disable')) {
      const ok = targets.filter((f) => !failed.has(f));
      const { connectDaemon } = await import('./common/client.js');
      const alive = async () => {
        const c = await connectDaemon(root, { client: 'svcadm', timeoutMs: 3000 });
        if (c.ok) c.client.close();
        return c.ok;
      };
      if (r.delivery === 'repository') {
        if (cmd.sub === 'enable') {
          err(`svc.startd is not running: ${ok.join(', ')} enabled in the repository, but cannot wait for ${ok.length > 1 ? 'them' : 'it'} to come online (start svc.startd).`);
          return Math.max(exit, 1);
        }
        for (const f of ok) err(`Instance "${f}": its restarter (svc.startd) is unavailable; it will be disabled when the daemon starts.`);
        return 4;
      }
      const { waitForStates } = await import('./svcadm/wait.js');
      const code = await waitForStates(repo, ok, { root, enable: cmd.sub === 'enable', daemonAlive: alive, warn: err });
      // an operand that failed (matched nothing, refused) decides the exit status: 1 wins over 3 and 4 (illumos)
      if (code !== 0 && exit === 0) exit = code;
    }
    return exit;
  } finally {
    repo.close();
  }
}
