// cases.md A2: pool import guarded by block files (exclude_all path dependencies), dependents
// injected from the pool-import side (<dependent>), restart/refresh/disable sequences, svcs -d/-D/-l/-x
// and svcadm enable -s exit 4. Block files live under the test root instead of /etc/zfs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { caseTest, importSpec, ok, type CaseContext } from './harness.js';
import { waitFor } from '../../helpers/daemon.js';
import { BEHAVIOUR } from './fixtures.js';

const POOL = 'svc:/site/pool-import:default';
const SMB = 'svc:/network/smb/server:default';
const ZONES = 'svc:/system/zones:default';
const FSLOCAL = 'svc:/system/filesystem/local:default';

function poolManifest(c: CaseContext, method: string, noimport: string, autolock: string): string {
  const file = `${c.ws.manifests}/pool-import.xml`;
  fs.writeFileSync(file, `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="site-pool-import">
  <service name="site/pool-import" type="service" version="1">
    <create_default_instance enabled="true"/>
    <single_instance/>
    <dependency name="fs-local" grouping="require_all" restart_on="none" type="service">
      <service_fmri value="svc:/system/filesystem/local"/>
    </dependency>
    <dependency name="noimport" grouping="exclude_all" restart_on="none" type="path">
      <service_fmri value="file://localhost${noimport}"/>
      <service_fmri value="file://localhost${autolock}"/>
    </dependency>
    <dependent name="pool-import_smb" grouping="require_all" restart_on="restart">
      <service_fmri value="svc:/network/smb/server"/>
    </dependent>
    <dependent name="pool-import_zones" grouping="require_all" restart_on="restart">
      <service_fmri value="svc:/system/zones"/>
    </dependent>
    <exec_method type="method" name="start" exec="${method} %m %{config/pool}" timeout_seconds="0"/>
    <exec_method type="method" name="stop" exec="${method} %m %{config/pool}" timeout_seconds="600"/>
    <property_group name="startd" type="framework">
      <propval name="duration" type="astring" value="transient"/>
    </property_group>
    <property_group name="config" type="application">
      <propval name="pool" type="astring" value="main"/>
    </property_group>
    <stability value="Unstable"/>
    <template>
      <common_name><loctext xml:lang="C">Import the main ZFS pool</loctext></common_name>
    </template>
  </service>
</service_bundle>
`);
  return file;
}

const col = (out: string) => out.trim().split('\n').slice(1).map((l) => l.split(/\s+/).at(-1)!);

caseTest('A2: pool import with block files and injected dependents', async (c) => {
  const noimport = c.ws.file('etc/zfs/noimport-pool');
  const autolock = c.ws.file('etc/zfs/.autolock.pool');
  const imported = c.ws.file('run/pool-imported');
  const method = c.ws.script('pool-import', `echo "$1 $2"\ncase "$1" in\nstart) echo import >> '${c.ws.counters}/pool-import.starts'; touch '${imported}';;\nstop) rm -f '${imported}';;\nesac\nexit 0`);
  await c.h.waitState(FSLOCAL, 'online');
  await importSpec(c, { name: 'network/smb/server', model: 'contract', enabled: false, start: c.ws.method('smb', BEHAVIOUR.daemon, { count: true }) });
  await importSpec(c, { name: 'system/zones', model: 'transient', enabled: false, start: c.ws.method('zones', BEHAVIOUR.ok, { count: true }) });
  await ok(c, 'svccfg', ['import', poolManifest(c, method, noimport, autolock)]);
  await c.h.waitState(POOL, 'online');
  await ok(c, 'svcadm', ['enable', 'network/smb/server', 'system/zones']);
  await c.h.waitState(SMB, 'online');
  await c.h.waitState(ZONES, 'online');
  assert.ok(fs.existsSync(imported));

  // A2.1 injected configuration and listings
  const prop = async (p: string, e: string) => (await ok(c, 'svcprop', ['-p', p, e])).trim();
  assert.equal(await prop('pool-import_smb/entities', 'network/smb/server:default'), 'svc:/site/pool-import');
  assert.equal(await prop('pool-import_smb/grouping', 'network/smb/server:default'), 'require_all');
  assert.equal(await prop('pool-import_smb/restart_on', 'network/smb/server:default'), 'restart');
  assert.equal(await prop('pool-import_zones/external', 'system/zones:default'), 'true');
  assert.deepEqual(col(await ok(c, 'svcs', ['-D', 'pool-import'])).sort(), [SMB, ZONES]);
  assert.deepEqual(col(await ok(c, 'svcs', ['-d', 'network/smb/server'])), [POOL]);
  assert.deepEqual(col(await ok(c, 'svcs', ['-d', 'pool-import'])), [FSLOCAL]);
  const l = (await ok(c, 'svcs', ['-l', 'pool-import'])).split('\n');
  assert.equal(l[0], `fmri         ${POOL}`);
  assert.equal(l[1], 'name         Import the main ZFS pool');
  assert.ok(l.includes('dependency   require_all/none svc:/system/filesystem/local (online)'), l.join('\n'));
  assert.ok(l.includes(`dependency   exclude_all/none file://localhost${noimport} (absent) file://localhost${autolock} (absent)`), l.join('\n'));
  assert.ok(l.some((x) => x.startsWith('contract_id ')), 'contract_id line present even when empty');
  const log = (await ok(c, 'svcs', ['-L', 'pool-import'])).trim();
  assert.match(fs.readFileSync(log, 'utf8'), /start main/);

  // A2.2 + A2.3: block file, restart: pool-import and both dependents end offline
  fs.writeFileSync(noimport, '');
  await ok(c, 'svcadm', ['restart', 'pool-import']);
  await c.h.waitState(POOL, 'offline');
  await c.h.waitState(SMB, 'offline');
  await c.h.waitState(ZONES, 'offline');
  assert.deepEqual(await c.h.state(FSLOCAL), { state: 'online', next: 'none' });
  const x = (await ok(c, 'svcs', ['-x'])).trimEnd().split('\n');
  assert.deepEqual(x.filter((s) => /^svc:\//.test(s)), [`${POOL} (Import the main ZFS pool)`]);
  assert.equal(x[2], `Reason: Dependency file://localhost${noimport} is absent.`);
  assert.equal(x.at(-1), 'Impact: 2 dependent services are not running.  (Use -v for list.)');
  assert.equal((await ok(c, 'svcs', ['-x', 'network/smb/server'])).split('\n')[2], `Reason: Service ${POOL} has missing dependencies.`);
  const s = await c.h.run('svcadm', ['enable', '-s', 'pool-import']);
  assert.equal(s.code, 4, s.stderr);
  assert.equal(s.stderr, `svcadm: Instance "${POOL}" has unsatisfied dependencies.\n`);

  // A2.4: removing the file changes nothing until a refresh
  fs.rmSync(noimport);
  assert.deepEqual(await c.h.state(POOL), { state: 'offline', next: 'none' });
  await ok(c, 'svcadm', ['refresh', 'pool-import']);
  for (const f of [POOL, SMB, ZONES]) await c.h.waitState(f, 'online');
  assert.equal(c.ws.starts('smb'), 2);
  assert.equal(c.ws.starts('zones'), 2);

  // A2.5: disable walks dependents first; enable with the autolock file stays offline
  fs.writeFileSync(autolock, '');
  await ok(c, 'svcadm', ['disable', 'pool-import']);
  await c.h.waitState(POOL, 'disabled');
  await c.h.waitState(SMB, 'offline');
  await c.h.waitState(ZONES, 'offline');
  const xd = (await ok(c, 'svcs', ['-x', 'pool-import'])).trimEnd().split('\n');
  assert.equal(xd[2], 'Reason: Disabled by an administrator.');
  assert.equal(xd.at(-1), 'Impact: 2 dependent services are not running.  (Use -v for list.)');
  await ok(c, 'svcadm', ['enable', 'pool-import']);
  await c.h.waitState(POOL, 'offline');
  assert.equal((await ok(c, 'svcs', ['-x', 'pool-import'])).split('\n')[2], `Reason: Dependency file://localhost${autolock} is absent.`);
  fs.rmSync(autolock);
  await ok(c, 'svcadm', ['refresh', 'pool-import']);
  for (const f of [POOL, SMB, ZONES]) await c.h.waitState(f, 'online');

  // A2.6: disabling fs/local (restart_on=none) leaves pool-import online; a restart then strands it
  await ok(c, 'svcadm', ['disable', FSLOCAL]);
  await c.h.waitState(FSLOCAL, 'disabled');
  for (const f of [POOL, SMB, ZONES]) assert.deepEqual(await c.h.state(f), { state: 'online', next: 'none' });
  await ok(c, 'svcadm', ['restart', 'pool-import']);
  for (const f of [POOL, SMB, ZONES]) await c.h.waitState(f, 'offline');
});

caseTest('A2.1 variant: a dependent already online is not stopped by the import that adds the dependency; it restarts once pool-import comes online (smf-spec §3.5.1)', async (c) => {
  // pool-import's start method waits for a probe file: it stays offline* while we look at smb/server
  const probe = c.ws.file('run/pool-may-import');
  const method = c.ws.script('pool-import', `if [ "$1" = start ]; then until [ -f '${probe}' ]; do sleep 0.2; done; fi\nexit 0`);
  await importSpec(c, { name: 'network/smb/server', model: 'contract', start: c.ws.method('smb', BEHAVIOUR.daemon, { count: true }) });
  await c.h.waitState(SMB, 'online');
  await ok(c, 'svccfg', ['import', poolManifest(c, method, c.ws.file('etc/zfs/noimport-pool'), c.ws.file('etc/zfs/.autolock.pool'))]);
  await c.h.waitState(POOL, 'offline', { next: 'online' });
  // the import refreshed smb/server with its new require_all dependency: it keeps running (cases.md A2.1)
  assert.deepEqual(col(await ok(c, 'svcs', ['-d', 'network/smb/server'])), [POOL]);
  assert.deepEqual(await c.h.state(SMB), { state: 'online', next: 'none' });
  assert.equal(c.ws.starts('smb'), 1);
  // pool-import not-running -> online: the running restart_on=restart dependent is restarted (§3.5.1)
  fs.writeFileSync(probe, '');
  await c.h.waitState(POOL, 'online');
  await waitFor('smb/server to be restarted once', () => (c.ws.starts('smb') === 2 ? true : undefined));
  await c.h.waitState(SMB, 'online');
  assert.equal(c.ws.starts('smb'), 2);
  const log = (await ok(c, 'svcprop', ['-p', 'restarter/logfile', SMB])).trim();
  assert.match(fs.readFileSync(log, 'utf8'), /Stopping because dependency activity requires stop\./);
});
