import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyExec, signalNumber, signalName, waitStatusOf } from '../../src/core/method/index.js';

test(':true and commands', () => {
  assert.deepEqual(classifyExec(':true'), { ok: true, value: { kind: 'true' } });
  assert.deepEqual(classifyExec('/usr/bin/foo -d'), { ok: true, value: { kind: 'command', command: '/usr/bin/foo -d' } });
  assert.equal(classifyExec('  ').ok, false);
});

test(':kill defaults to SIGTERM and accepts names and numbers', () => {
  assert.deepEqual(classifyExec(':kill'), { ok: true, value: { kind: 'kill', signal: 15, signalName: 'SIGTERM' } });
  assert.deepEqual(classifyExec(':kill -HUP'), { ok: true, value: { kind: 'kill', signal: 1, signalName: 'SIGHUP' } });
  assert.deepEqual(classifyExec(':kill -SIGUSR1'), { ok: true, value: { kind: 'kill', signal: 10, signalName: 'SIGUSR1' } });
  assert.deepEqual(classifyExec(':kill -9'), { ok: true, value: { kind: 'kill', signal: 9, signalName: 'SIGKILL' } });
  const bad = classifyExec(':kill -BOGUS');
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.message, /-SIGNAME or -N/);
  assert.equal(classifyExec(':kill HUP').ok, false);
});

test('signal table', () => {
  assert.equal(signalNumber('term'), 15);
  assert.equal(signalNumber('RTMIN+2'), 36);
  assert.equal(signalNumber(0), undefined);
  assert.equal(signalNumber('NOPE'), undefined);
  assert.equal(signalName(9), 'SIGKILL');
  assert.equal(waitStatusOf(3, undefined), 0x300);
  assert.equal(waitStatusOf(undefined, 11, true), 0x8b);
});
