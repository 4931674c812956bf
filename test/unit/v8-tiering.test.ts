// svc.startd's and svccfg's V8 tiering flags exist in this Node's V8: setting an unknown one would only print
// "unrecognized flag" on the daemon's stderr and silently lose the tuning (src/cli/common/v8-tiering.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TIERING_FLAGS } from '../../src/cli/common/v8-tiering.js';

test('every tiering flag is one this V8 knows, and setting them prints nothing', () => {
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  for (const flag of TIERING_FLAGS) {
    const name = flag.replace(/^--/, '').replace(/=.*$/, '');
    assert.ok(options.includes(`--${name} `) || options.includes(`--${name}\n`), `${name} is not among node --v8-options`);
  }
  const code = `const v8 = require('node:v8'); for (const f of ${JSON.stringify(TIERING_FLAGS)}) v8.setFlagsFromString(f);`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  const bad = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString('--no-such-flag-here')`], { encoding: 'utf8' });
  assert.match(bad.stderr, /unrecognized flag/, 'the check above would see an unknown flag');
});
