// `zfs-mount-generator --tsmf [--import-fmri FMRI] [--pool-fmri POOL=FMRI]... [--output FILE] [--zfs PATH]`:
// the tsmf service bundle for the same cache (see src/core/zfs/tsmf-bundle.ts), on stdout or
// written atomically to FILE, ready for `svccfg import`.
import { writeFileAtomic } from '../adapters/atomic-file.js';
import { DEFAULT_IMPORT_FMRI, buildTsmfBundle, importFmriTemplate } from '../core/zfs/tsmf-bundle.js';
import { importedPools } from './generator.js';
import { cacheDir, readCacheDir, strerror } from './io.js';

const USAGE = `usage: zfs-mount-generator --tsmf [--import-fmri FMRI] [--pool-fmri POOL=FMRI]... [--output FILE] [--zfs PATH]
  --import-fmri  the pool import service; %p is replaced by the pool name (default ${DEFAULT_IMPORT_FMRI})
  --pool-fmri    the import service of one pool (overrides --import-fmri for it)
  --output       write the bundle to FILE (atomically) instead of stdout
  --zfs          the zfs program the methods run (default /sbin/zfs)
`;

export async function runTsmfBundle(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const prog = `zfs-mount-generator[${process.pid}]: `;
  let template = DEFAULT_IMPORT_FMRI;
  const perPool = new Map<string, string>();
  let output: string | undefined;
  let zfsBin: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if (a === '-h' || a === '--help') { process.stdout.write(USAGE); return 0; }
    if (v === undefined || !['--import-fmri', '--pool-fmri', '--output', '--zfs'].includes(a)) {
      process.stderr.write(`${prog}unexpected argument "${a}"${v === undefined && a.startsWith('--') ? ' (missing value)' : ''}\n${USAGE}`);
      return 2;
    }
    i++;
    if (a === '--import-fmri') template = v;
    else if (a === '--output') output = v;
    else if (a === '--zfs') zfsBin = v;
    else {
      const eq = v.indexOf('=');
      if (eq <= 0) { process.stderr.write(`${prog}--pool-fmri wants POOL=FMRI, got "${v}"\n`); return 2; }
      perPool.set(v.slice(0, eq), v.slice(eq + 1));
    }
  }
  const dir = cacheDir(env);
  const cache = readCacheDir(dir);
  if (!cache.ok && !cache.missing) {
    process.stderr.write(`${prog}couldn't open ${dir}: ${cache.error}\n`);
    return 1;
  }
  const files = cache.ok ? cache.files : [];
  let err = cache.ok ? cache.errors.map((e) => prog + e + '\n').join('') : '';
  const pools = files.some((f) => f.content.length > 0) ? importedPools(env) : { pools: new Set<string>() };
  if (pools.error) err += prog + pools.error + '\n';
  const byTemplate = importFmriTemplate(template);
  const r = buildTsmfBundle(
    { files, importedPools: pools.pools, destdir: output ?? '-', pid: process.pid },
    { importFmri: (pool) => perPool.get(pool) ?? byTemplate(pool), zfsBin },
  );
  for (const m of r.messages) err += m + '\n';
  if (!r.ok) {
    process.stderr.write(`${err}${prog}cannot write the bundle: ${r.error}\n`);
    return 1;
  }
  for (const w of r.warnings) err += `${prog}warning: ${w}\n`;
  if (err) process.stderr.write(err);
  if (output === undefined) {
    process.stdout.write(r.xml);
  } else {
    const w = writeFileAtomic(output, r.xml);
    if (!w.ok) {
      process.stderr.write(`${prog}cannot write ${output}: ${strerror(w.cause)}\n`);
      return 1;
    }
  }
  return r.status;
}
