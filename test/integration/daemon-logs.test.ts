// svc.startd writes instance log lines on the thread pool: a method is spawned only once the
// restarter's lines before it are in the file, so every log reads `Enabled.`, `Executing start
// method`, the method's own output, then the exit line, in that order; and a state a reader sees
// was committed after the log line of its transition. Real daemon, 30 services started together.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { daemonUnavailable, disposeDaemon, startDaemon, waitFor, type DaemonHandle } from '../helpers/daemon.js';

const N = 30;

function manifest(): string {
  const svcs = Array.from({ length: N }, (_, i) => `
  <service name="site/logorder/s${i}" type="service" version="1">
    ${i > 0 ? `<dependency name="prev" grouping="require_all" restart_on="none" type="service"><service_fmri value="svc:/site/logorder/s${i - 1}:default"/></dependency>` : ''}
    <exec_method type="method" name="start" exec="/bin/echo output of s${i}" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":true" timeout_seconds="60"/>
    <property_group name="startd" type="framework"><propval name="duration" type="astring" value="transient"/></property_group>
    <instance name="default" enabled="true"/>
  </service>`).join('');
  return `<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">\n<service_bundle type="manifest" name="logorder">${svcs}\n</service_bundle>\n`;
}

test('instance logs: restarter lines and method output in order, states after their lines', { skip: daemonUnavailable() }, async () => {
  let h: DaemonHandle | undefined;
  try {
    h = await startDaemon();
    const file = path.join(h.root, 'logorder.xml');
    fs.writeFileSync(file, manifest());
    const imp = await h.run('svccfg', ['import', file]);
    assert.equal(imp.code, 0, imp.stderr);
    const last = `svc:/site/logorder/s${N - 1}:default`;
    await h.waitState(last, 'online');
    for (let i = 0; i < N; i++) {
      const fmri = `svc:/site/logorder/s${i}:default`;
      // online was committed: the lines of the transition to it are in the file already
      assert.deepEqual(await h.state(fmri), { state: 'online', next: 'none' });
      const log = path.join(h.root, 'var/svc/log', `site-logorder-s${i}:default.log`);
      const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/^\[ \w{3} [ \d]\d \d\d:\d\d:\d\d (.*) \]$/, '$1'));
      assert.deepEqual(lines, ['Enabled.', `Executing start method ("/bin/echo output of s${i}").`, `output of s${i}`, 'Method "start" exited with status 0.'], fmri);
    }
    await waitFor('svcs to list them', async () => ((await h!.run('svcs', ['-H'])).stdout.includes('logorder/s0') ? true : undefined));
  } finally {
    await disposeDaemon(h);
  }
});
