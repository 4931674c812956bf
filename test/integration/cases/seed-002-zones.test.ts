// Seed scenario 002 (/work/shared/seeds/002_*.txt): the three zone manifests of the seed text,
// imported verbatim except for the method paths (stand-in scripts): serverzone boots, the samba
// checker probes until the server is ready (timeout 0), clientzone waits for the checker through
// the dependency the checker injects with <dependent>.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/daemon.js';
import { caseTest, ok, ownLines, svcsLines } from './harness.js';

const SEEDS = path.resolve(REPO_ROOT, '..', 'shared', 'seeds');
const seedFile = fs.existsSync(SEEDS) ? fs.readdirSync(SEEDS).find((f) => f.startsWith('002_')) : undefined;
const skip = seedFile ? undefined : `seed 002 not found under ${SEEDS}`;

const SERVER = 'svc:/zonesequencer/serverzone:default';
const CLIENT = 'svc:/zonesequencer/clientzone:default';
const CHECKER = 'svc:/zonechecker/serverzone:default';
const ZONES = ['svc:/zonesequencer/', 'svc:/zonechecker/'];

caseTest('seed 002: offline* checker and offline clientzone while the probe fails, then all online', async (c) => {
  const text = fs.readFileSync(path.join(SEEDS, seedFile!), 'utf8');
  const manifests = text.match(/<\?xml[\s\S]*?<\/service_bundle>/g) ?? [];
  assert.equal(manifests.length, 3, 'the seed holds three manifests');
  const probe = c.ws.file('run/samba-ready');
  const starter = c.ws.script('zonestarter', 'case "$1" in\nstart) sleep 2; echo "zoneadm -z $2 boot";;\nstop) echo "zoneadm -z $2 halt";;\nrefresh) echo "zoneadm -z $2 refresh";;\nesac\nexit 0');
  const checker = c.ws.script('zonechecker_samba', `case "$1" in\nstart) until [ -f '${probe}' ]; do sleep 0.2; done;;\nesac\nexit 0`);
  for (const [i, m] of manifests.entries()) {
    const file = path.join(c.ws.manifests, `seed-${i}.xml`);
    fs.writeFileSync(file, m.replaceAll('/lib/svc/method/zonestarter', starter).replaceAll('/lib/svc/method/zonechecker_samba', checker));
    await ok(c, 'svccfg', ['import', file]);
  }
  assert.deepEqual(svcsLines(await ok(c, 'svcs', ['-a']), ZONES).map((l) => l[0]), ['disabled', 'disabled', 'disabled']);

  const multi = await c.h.run('svcadm', ['enable', 'serverzone']);
  assert.equal(multi.code, 1);
  assert.equal(multi.stderr, `svcadm: Partial FMRI 'serverzone' matches multiple instances:\n\t${SERVER}\n\t${CHECKER}\n`);

  await ok(c, 'svcadm', ['enable', 'zonesequencer/serverzone', 'zonechecker/serverzone', 'zonesequencer/clientzone']);
  await c.h.waitState(SERVER, 'online');
  await c.h.waitState(CHECKER, 'offline', { next: 'online' });
  assert.deepEqual(await c.h.state(CLIENT), { state: 'offline', next: 'none' });

  const before = await ok(c, 'svcs', ['-a']);
  assert.deepEqual(svcsLines(before, ZONES).map((l) => [l[0], l[2]]), [['online', SERVER], ['offline', CLIENT], ['offline*', CHECKER]]);
  for (const l of ownLines(before, ZONES)) assert.match(l, /^(online |offline\*|offline ) +[ \d]\d:\d\d:\d\d svc:\//);
  assert.deepEqual(svcsLines(await ok(c, 'svcs', ['-d', 'zonesequencer/clientzone']), ['svc:/']).map((l) => l[2]).sort(),
    ['svc:/milestone/network:default', CHECKER]);
  assert.deepEqual(svcsLines(await ok(c, 'svcs', ['-D', 'zonechecker/serverzone']), ['svc:/']).map((l) => l[2]), [CLIENT]);
  const x = await ok(c, 'svcs', ['-x', 'zonesequencer/clientzone']);
  assert.match(x, /^svc:\/zonesequencer\/clientzone:default \(zonestartup\)\n/);
  assert.match(x, /\nReason: Service svc:\/zonechecker\/serverzone:default is starting\.\n/);

  fs.writeFileSync(probe, '');
  await c.h.waitState(CHECKER, 'online');
  await c.h.waitState(CLIENT, 'online');
  assert.deepEqual(svcsLines(await ok(c, 'svcs', ['-a']), ZONES).map((l) => l[0]), ['online', 'online', 'online']);
}, { skip });
