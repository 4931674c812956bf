// The production wiring of svc.startd: the SQLite repository, the pure engine, the real process
// adapters (cgroup v2 contracts, process-group fallback), the instance log files, and the base
// manifests (manifests/*.xml of this package) imported on first start into an empty repository,
// like manifest-import. Heavy modules are imported lazily so `svc.startd --help` stays fast.
import fs from 'node:fs';
import path from 'node:path';
import { logDir, repositoryPath } from '../cli/common/root.js';
import type { Wired } from './main.js';
import { packagePath } from './package-path.js';

/** SQLite page cache of the daemon's connection, KiB. */
const DAEMON_CACHE_KIB = 2048;

export interface WireOptions {
  /** import manifests/*.xml when the repository is empty (default true) */
  baseManifests?: boolean;
  /** directory holding the base manifests (default: <package>/manifests) */
  manifestDir?: string;
  /** contract mechanism (default auto: cgroup v2 if usable, else process groups) */
  contracts?: 'auto' | 'cgroup' | 'pgroup';
}

/** <package root>/manifests. */
export function packageManifestDir(): string | undefined {
  return packagePath('manifests');
}

export function wireProduction(opts: WireOptions = {}) {
  return async ({ root, log }: { root: string; log: (msg: string) => void }): Promise<Wired> => {
    const [{ Repository }, proc, { Engine }, { RepositoryAdapter }] = await Promise.all([
      import('../repository/repository.js'),
      import('../adapters/process/index.js'),
      import('../core/engine/engine.js'),
      import('./repo-adapter.js'),
    ]);
    const repo = Repository.openOrThrow(repositoryPath(root));
    // SQLite's page cache (better-sqlite3 builds it with 16 MiB) fills up during the reload of a
    // large repository and stays resident; the daemon's reads are bulk scans and its writes small,
    // the kernel's page cache serves re-reads: 2 MiB (issue 3, RSS at 5,000 instances).
    repo.db.pragma(`cache_size = -${DAEMON_CACHE_KIB}`);
    const adapters = proc.createProcessAdapters({ contracts: opts.contracts ?? 'auto', stateRoot: root });
    if (adapters.fallbackReason) log(`contracts: process groups (${adapters.fallbackReason})`);
    else log(`contracts: ${adapters.contracts.mechanism}`);
    // log lines written by the native spawner, else on the thread pool (the daemon's loop never
    // waits for an open/create)
    const logs = new proc.InstanceLogFiles({
      dir: logDir(root), async: true, ...(adapters.logWriter ? { writer: adapters.logWriter } : {}), onError: (p, e) => log(`cannot write ${p}: ${e.message}`),
    });
    const engine = new Engine({ fileExists: (p) => fs.existsSync(p) });
    const wired: Wired = {
      engine,
      procs: { runner: adapters.runner, contracts: adapters.contracts, logs },
      repo: new RepositoryAdapter(repo),
      noteBoot(bootId) {
        const old = repo.bootId();
        repo.noteBoot(bootId);
        return { newBoot: old !== bootId };
      },
    };
    if (opts.baseManifests !== false) {
      const io = await import('../cli/svccfg/bundle-io.js');
      const dir = opts.manifestDir ?? packageManifestDir();
      wired.importBaseManifests = () => {
        if (!dir) return ['no manifests/ directory found in the package'];
        const problems: string[] = [];
        for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.xml')).sort()) {
          const file = path.join(dir, f);
          const l = io.loadAndLower(file);
          if (!l.ok) { problems.push(`${file}: ${l.errors.join('; ')}`); continue; }
          // Like manifest-import, but never over an existing service: administrators' changes stay.
          const present = new Set(repo.listServices());
          if (l.lowered.services.every((sv) => present.has(sv.name))) continue;
          const r = repo.importBundle(l.lowered, { manifestPath: file });
          if (!r.ok) problems.push(`${file}: ${r.message}`);
          else log(`imported ${file}`);
        }
        return problems;
      };
    }
    return wired;
  };
}
