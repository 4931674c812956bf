// The daemon's V8 tiering flags exist in this Node's V8: setting an unknown one would only print
// "unrecognized flag" on the daemon's stderr and silently lose the tuning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DAEMON_V8_FLAGS } from '../../src/daemon/v8-tuning.js';

test('every daemon V8 flag is one this V8 knows, and setting them prints nothing', () => {
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  for (const flag of DAEMON_V8_FLAGS) {
    const name = flag.replace(/^--/, '').replace(/=.*$/, '');
    assert.ok(options.includes(`--${name} `) || options.includes(`--${name}\n`), `${name} is not among node --v8-options`);
  }
  const code = `const v8 = require('node:v8'); for (const f of ${JSON.stringify(DAEMON_V8_FLAGS)}) v8.setFlagsFromString(f);`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  const bad = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString('--no-such-flag-here')`], { encoding: 'utf8' });
  assert.match(bad.stderr, /unrecognized flag/, 'the check above would see an unknown flag');
});
