// svccfg import with svc.startd running: the daemon imports the manifest itself (protocol `import`)
// and configures the new instances from what it wrote, without reading them back. Its lines and
// exit status are svccfg's own: each case is imported both ways, through the daemon of one root
// and by svccfg alone into another root (no daemon there), and compared. Real daemon, real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { daemonUnavailable, disposeDaemon, makeRoot, runCli, startDaemon, type DaemonHandle } from '../helpers/daemon.js';

const HEAD = `<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">\n`;
const service = (name: string, body = '', enabled = true) => `
  <service name="${name}" type="service" version="1">
    ${body}
    <exec_method type="method" name="start" exec="/bin/echo started ${name}" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":true" timeout_seconds="60"/>
    <property_group name="startd" type="framework"><propval name="duration" type="astring" value="transient"/></property_group>
    <instance name="default" enabled="${enabled}"/>
  </service>`;
const bundle = (inner: string, type = 'manifest') => `${HEAD}<service_bundle type="${type}" name="t">${inner}\n</service_bundle>\n`;

test('svccfg import through svc.startd: same lines and status as svccfg alone, instances configured without a read-back', { skip: daemonUnavailable() }, async () => {
  let h: DaemonHandle | undefined;
  const alone = makeRoot();
  try {
    h = await startDaemon();
    const dir = path.join(h.root, 'manifests');
    fs.mkdirSync(path.join(dir, 'inc'), { recursive: true });
    const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
    const daemonLog = () => fs.readFileSync(path.join(h!.root, 'var/svc/log/svc.startd.log'), 'utf8');
    /** svccfg ARGS in the daemon's root and, alone, in the other root: the two results must agree */
    const both = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const viaDaemon = await h!.run('svccfg', args, { env });
      const byItself = await runCli(alone, 'svccfg', args, { env });
      assert.deepEqual({ code: viaDaemon.code, stderr: viaDaemon.stderr }, { code: byItself.code, stderr: byItself.stderr }, `svccfg ${args.join(' ')}`);
      return viaDaemon;
    };

    // a dependency chain, -v (created lines), SVCCFG_DTD (a warning), an xi:include relative to the manifest
    write('inc/c.xml', bundle(service('site/via/c', `<dependency name="b" grouping="require_all" restart_on="none" type="service"><service_fmri value="svc:/site/via/b:default"/></dependency>`)));
    write('inc/ab.xml', bundle(`${service('site/via/a')}${service('site/via/b', `<dependency name="a" grouping="require_all" restart_on="none" type="service"><service_fmri value="svc:/site/via/a:default"/></dependency>`)}`));
    const ok = write('ok.xml', `${HEAD}<service_bundle type="manifest" name="t" xmlns:xi="http://www.w3.org/2001/XInclude">
  <xi:include href="inc/ab.xml"/>
  <xi:include href="inc/c.xml"/>
</service_bundle>\n`);
    const r = await both(['-v', 'import', ok], { SVCCFG_DTD: '/nonexistent/service_bundle.dtd' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /SVCCFG_DTD=\/nonexistent\/service_bundle\.dtd is ignored/);
    assert.match(r.stderr, /^svccfg: import: created svc:\/site\/via\/c:default$/m);
    assert.match(daemonLog(), new RegExp(`import of ${ok.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: written, configured in \\d+ ms`));
    assert.doesNotMatch(daemonLog(), /refresh notification for 3 entities/, 'the daemon did not need a notification');
    for (const s of ['a', 'b', 'c']) await h.waitState(`svc:/site/via/${s}:default`, 'online');
    assert.match(fs.readFileSync(path.join(h.root, 'var/svc/log/site-via-c:default.log'), 'utf8'), /started site\/via\/c/);

    // a re-import of the same manifest: existing instances are read back and refreshed, as before
    const again = await both(['import', ok]);
    assert.equal(again.code, 0, again.stderr);

    // errors: not XML, a profile, -V with a template violation, a missing file
    const bad = write('bad.xml', `${HEAD}<service_bundle type="manifest" name="t"><service name="site/via/bad"`);
    assert.equal((await both(['import', bad])).code, 1);
    const profile = write('profile.xml', bundle(`<service name="site/via/a" type="service" version="1"><instance name="default" enabled="false"/></service>`, 'profile'));
    assert.match((await both(['import', profile])).stderr, /is a profile; apply it with/);
    const tv = write('tv.xml', bundle(`<service name="site/via/tv" type="service" version="1"><instance name="default" enabled="false"/>
<template><common_name><loctext xml:lang='C'>t</loctext></common_name>
<pg_pattern name='config' type='application' target='this' required='true'><prop_pattern name='pool' type='astring' required='true'/></pg_pattern></template></service>`));
    const strict = await both(['import', '-V', tv]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /template violation: svc:\/site\/via\/tv:default: required property group "config" is missing/);
    assert.doesNotMatch((await h.run('svcs', ['-a', '-H'])).stdout, /site\/via\/tv/, '-V imported nothing');
    assert.equal((await both(['import', path.join(dir, 'missing.xml')])).code, 1);

    // TSMF_IMPORT_LOCAL=1: svccfg imports by itself and notifies, as it does for a bundle over 2 MiB
    const local = write('local.xml', bundle(service('site/via/local', '', false)));
    assert.equal((await h.run('svccfg', ['import', local], { env: { TSMF_IMPORT_LOCAL: '1' } })).code, 0);
    assert.doesNotMatch(daemonLog(), /import of .*local\.xml/);
    await h.waitState('svc:/site/via/local:default', 'disabled');
  } finally {
    await disposeDaemon(h);
    fs.rmSync(alone, { recursive: true, force: true });
  }
});
