import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMethodEnvironment, parseDefaultInit, DEFAULT_PATH } from '../../src/core/method/index.js';

test('SMF_ variables, PATH and nothing else by default', () => {
  const { env, warnings } = buildMethodEnvironment({ fmri: 'svc:/a/b:default', method: 'start', zonename: 'host1' });
  assert.deepEqual(env, { SMF_FMRI: 'svc:/a/b:default', SMF_METHOD: 'start', SMF_RESTARTER: 'svc:/system/svc/restarter:default', SMF_ZONENAME: 'host1', PATH: DEFAULT_PATH });
  assert.deepEqual(warnings, []);
  assert.equal(DEFAULT_PATH, '/usr/sbin:/usr/bin:/sbin:/bin');
});

test('global environment skips CMASK and SMF_; method entries replace; invalid ones warn', () => {
  const global = parseDefaultInit('# comment\nTZ=UTC\nCMASK=022\nSMF_FMRI=evil\nLANG="C.UTF-8"\n');
  assert.deepEqual(global, ['TZ=UTC', 'CMASK=022', 'SMF_FMRI=evil', 'LANG=C.UTF-8']);
  const { env, warnings } = buildMethodEnvironment({
    fmri: 'svc:/a/b:default', method: 'stop', zonename: 'h', globalEnvironment: global,
    methodEnvironment: ['TZ=Europe/Paris', 'PATH=/opt/bin', 'NOEQUALS', '=x', 'SMF_METHOD=start', 'EMPTY='],
  });
  assert.equal(env.TZ, 'Europe/Paris');
  assert.equal(env.PATH, '/opt/bin');
  assert.equal(env.LANG, 'C.UTF-8');
  assert.equal(env.CMASK, undefined);
  assert.equal(env.SMF_FMRI, 'svc:/a/b:default');
  assert.equal(env.SMF_METHOD, 'stop');
  assert.equal(env.EMPTY, '');
  assert.equal(warnings.length, 3);
  assert.match(warnings[0]!, /NOEQUALS.*NAME=value/);
  assert.match(warnings[2]!, /SMF_METHOD=start/);
});
