// zfs-mount-generator --tsmf: the bundle is valid service_bundle XML (parsed and lowered by the
// project's own manifest code), one service per mounted dataset and per encryption root, with
// the dependency mapping documented in src/core/zfs/tsmf-bundle.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTsmfBundle, importFmriTemplate, DEFAULT_IMPORT_FMRI } from '../../src/core/zfs/tsmf-bundle.js';
import { parseBundle } from '../../src/core/manifest/parse.js';
import { lowerBundle } from '../../src/core/manifest/lower.js';
import type { ServiceData } from '../../src/core/model.js';

const row = (name: string, mp: string, over: Record<number, string> = {}): string => {
  const f = [name, mp, 'on', 'on', 'on', 'on', 'on', 'off', 'on', 'off', '-', 'none', '-', '-', '-', '-', '-', '-', '-', '-'];
  for (const [i, v] of Object.entries(over)) f[Number(i)] = v;
  return f.join('\t');
};
const CACHE = [
  row('tank', '/tank'),
  row('tank/home', '/tank/home', { 18: 'off' }),
  row('tank/home/my data', '/tank/home/my data'),
  row('tank/enc', '/srv/enc', { 10: 'tank/enc', 11: 'file:///tank/home/key' }),
  row('tank/enc/kid', '/srv/enc/kid', { 10: 'tank/enc' }),
  row('tank/manual', '/tank/manual', { 2: 'noauto' }),
  row('tank/manual/sub', '/tank/manual/sub', { 15: 'network-online.target bogus.service', 16: 'multi-user.target' }),
  row('tank/off', '/tank/off', { 2: 'off' }),
  row('tank/legacy', 'legacy'),
].join('\n') + '\n';

function build(imported: string[] = []): { services: Map<string, ServiceData>; xml: string; warnings: string[] } {
  const r = buildTsmfBundle({ files: [{ name: 'tank', content: CACHE }], importedPools: new Set(imported), destdir: '-', pid: 1 },
    { importFmri: importFmriTemplate(DEFAULT_IMPORT_FMRI) });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.status, 0);
  const p = parseBundle(r.xml, 'zfs.xml');
  assert.ok(p.ok, p.ok ? '' : p.diagnostics.map((d) => d.message).join('\n'));
  const l = lowerBundle(p.bundle);
  assert.deepEqual(l.diagnostics, []);
  return { services: new Map(l.services.map((s) => [s.name, s])), xml: r.xml, warnings: r.warnings };
}

const M = 'system/filesystem/zfs/mount/';
function deps(s: ServiceData | undefined): Record<string, string> {
  assert.ok(s, 'service exists');
  const out: Record<string, string> = {};
  for (const pg of s.instances[0]!.pgs) {
    if (pg.type !== 'dependency') continue;
    const v = (n: string): string => pg.properties.find((p) => p.name === n)?.values.join(' ') ?? '';
    out[pg.name] = `${v('grouping')}/${v('restart_on')} ${v('entities')}`;
  }
  return out;
}
const enabled = (s: ServiceData | undefined): string =>
  s!.instances[0]!.pgs.find((p) => p.name === 'general')?.properties.find((p) => p.name === 'enabled')?.values.join('') ?? '';

test('--tsmf bundle: services, parent mounts, pool import, key-load, noauto', () => {
  const { services, xml } = build();
  assert.match(xml, /^<\?xml version='1.0'\?>\n<!DOCTYPE service_bundle SYSTEM '\/usr\/share\/lib\/xml\/dtd\/service_bundle.dtd.1'>\n/);
  assert.deepEqual([...services.keys()].sort(), [
    `${M}tank`, `${M}tank/enc`, `${M}tank/enc/kid`, `${M}tank/home`, `${M}tank/home/my_data`, `${M}tank/manual`, `${M}tank/manual/sub`,
    'system/filesystem/zfs/load-key/tank/enc',
  ].sort(), 'canmount=off and legacy datasets get no service');
  assert.deepEqual(deps(services.get(`${M}tank`)), { 'zfs-pool-import': 'require_all/restart svc:/system/zfs/pool:tank' });
  assert.deepEqual(deps(services.get(`${M}tank/home/my_data`)), {
    'zfs-pool-import': 'require_all/restart svc:/system/zfs/pool:tank',
    'parent-mount': `require_all/restart svc:/${M}tank/home:default`,
  });
  assert.deepEqual(deps(services.get(`${M}tank/enc/kid`)), {
    'zfs-pool-import': 'require_all/restart svc:/system/zfs/pool:tank',
    'zfs-load-key': 'require_all/restart svc:/system/filesystem/zfs/load-key/tank/enc:default',
    'parent-mount': `require_all/restart svc:/${M}tank/enc:default`,
  });
  assert.deepEqual(deps(services.get('system/filesystem/zfs/load-key/tank/enc')), {
    'zfs-pool-import': 'require_all/restart svc:/system/zfs/pool:tank',
    'requires-mounts-for': `require_all/restart svc:/${M}tank/home:default`,
  }, 'file:// key location: depends on the mount holding the key file');
  assert.equal(enabled(services.get('system/filesystem/zfs/load-key/tank/enc')), 'true');
  assert.equal(enabled(services.get(`${M}tank/manual`)), 'false', 'noauto: not started by itself');
  assert.equal(enabled(services.get(`${M}tank/manual/sub`)), 'true', 'wanted-by pulls it in');
  assert.deepEqual(deps(services.get(`${M}tank/manual/sub`)), {
    'zfs-pool-import': 'require_all/restart svc:/system/zfs/pool:tank',
    'parent-mount-noauto': `optional_all/restart svc:/${M}tank/manual:default`,
    after: 'optional_all/none svc:/milestone/network',
  });
  const zfs = services.get(`${M}tank/home/my_data`)!.instances[0]!.pgs.find((p) => p.name === 'zfs')!;
  assert.deepEqual(zfs.properties.find((p) => p.name === 'dataset')!.values, ['tank/home/my data']);
  const start = services.get(`${M}tank/home/my_data`)!.instances[0]!.pgs.find((p) => p.name === 'start')!;
  assert.match(start.properties.find((p) => p.name === 'exec')!.values[0]!, /"\$0"' %\{zfs\/dataset\}$/, 'dataset reaches the shell only through %{zfs/dataset}');
});

test('--tsmf bundle: local-fs dependents, wanted-by mapping, unmapped units, imported pools', () => {
  const { xml, warnings, services } = build(['tank']);
  assert.match(xml, /<dependent name='system_filesystem_zfs_mount_tank_home_local-fs' grouping='require_all' restart_on='none'>\n\s*<service_fmri value='svc:\/system\/filesystem\/local'\/>/, 'nofail=off');
  assert.match(xml, /<dependent name='system_filesystem_zfs_mount_tank_local-fs' grouping='optional_all' restart_on='none'>/);
  assert.match(xml, /<dependent name='system_filesystem_zfs_mount_tank_manual_sub_wanted-by_0' grouping='optional_all' restart_on='none'>\n\s*<service_fmri value='svc:\/milestone\/multi-user'\/>/);
  assert.ok(!/tank_manual_local-fs/.test(xml), 'noauto datasets are not tied to local-fs');
  assert.deepEqual(warnings, ['tank/manual/sub: org.openzfs.systemd:after "bogus.service" has no tsmf counterpart; left out (kept in zfs/unmapped_units)']);
  assert.equal(deps(services.get(`${M}tank`))['zfs-pool-import'], 'optional_all/restart svc:/system/zfs/pool:tank', 'already imported: optional');
});

test('--tsmf bundle: per-pool import FMRI and invalid FMRIs', () => {
  const r = buildTsmfBundle({ files: [{ name: 'tank', content: row('tank', '/tank') + '\n' }], importedPools: new Set(), destdir: '-', pid: 1 },
    { importFmri: (p) => (p === 'tank' ? 'svc:/site/pool-import:default' : 'x') });
  assert.ok(r.ok);
  assert.match(r.xml, /<service_fmri value='svc:\/site\/pool-import:default'\/>/);
  const bad = buildTsmfBundle({ files: [{ name: 'tank', content: row('tank', '/tank') + '\n' }], importedPools: new Set(), destdir: '-', pid: 1 },
    { importFmri: () => 'not an fmri' });
  assert.ok(bad.ok);
  assert.match(bad.warnings[0]!, /import service FMRI "not an fmri" is not a valid FMRI/);
});
