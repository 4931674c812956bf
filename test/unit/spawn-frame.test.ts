// The SPAWN request frame the daemon sends to native/spawner.c (layout in the comment at the top of
// spawner.c): decoded field by field here, so an encoder change that the C side would misread fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSpawn, type NativeSpawnRequest } from '../../src/adapters/process/native-spawner.js';

function decode(frame: Buffer) {
  const u32 = (o: number) => frame.readUInt32LE(o);
  const i32 = (o: number) => frame.readInt32LE(o);
  const ngroups = u32(24);
  const groups = Array.from({ length: ngroups }, (_, i) => i32(36 + 4 * i));
  const strings = frame.subarray(36 + 4 * ngroups).toString('utf8').split('\0');
  assert.equal(strings.pop(), '', 'the last string is NUL-terminated');
  const argc = u32(28), envc = u32(32);
  const [cgroup, cwd, log, file, ...rest] = strings;
  return {
    length: u32(0), op: u32(4), id: u32(8), flags: u32(12), uid: i32(16), gid: i32(20), groups,
    cgroup, cwd, log, file, argv: rest.slice(0, argc), env: rest.slice(argc, argc + envc), extra: rest.length - argc - envc,
  };
}

test('SPAWN frames: every field where spawner.c reads it', () => {
  const req: NativeSpawnRequest = {
    file: '/usr/bin/sleep', argv: ['sleep', 'infinity'], env: { SMF_FMRI: 'svc:/site/café:default', PATH: '/bin' },
    cwd: '/var/tmp', logPath: '/var/svc/log/site-café:default.log', cgroupDir: '/sys/fs/cgroup/tsmf/site%2Fcaf\u00e9:default',
    background: true, pathSearch: true, creds: { uid: 65534, gid: 65534, groups: [1, 6, 65534] },
  };
  const frame = encodeSpawn(4242, req);
  const d = decode(frame);
  assert.equal(d.length, frame.length - 4);
  assert.deepEqual([d.op, d.id, d.flags, d.uid, d.gid], [1, 4242, 1 | 2 | 4 | 8, 65534, 65534]);
  assert.deepEqual(d.groups, [1, 6, 65534]);
  assert.deepEqual([d.cgroup, d.cwd, d.log, d.file], [req.cgroupDir, req.cwd, req.logPath, req.file]);
  assert.deepEqual(d.argv, req.argv);
  assert.deepEqual(d.env, ['SMF_FMRI=svc:/site/café:default', 'PATH=/bin']);
  assert.equal(d.extra, 0);

  const plain = decode(encodeSpawn(7, { file: '/bin/true', argv: ['/bin/true'], env: {}, cwd: '/', logPath: '/l', cgroupDir: null }));
  assert.deepEqual([plain.op, plain.id, plain.flags, plain.uid, plain.gid, plain.groups], [1, 7, 4, 0, 0, []]);
  assert.equal(plain.cgroup, '', 'no cgroup: an empty string');
  assert.deepEqual(plain.env, []);
});

test('a NUL byte in any string is refused before anything is sent', () => {
  const base: NativeSpawnRequest = { file: '/bin/true', argv: ['/bin/true'], env: {}, cwd: '/', logPath: '/l', cgroupDir: null };
  for (const bad of [{ argv: ['/bin/true', 'a\0b'] }, { env: { X: 'a\0b' } }, { cwd: '/a\0' }, { logPath: '/l\0' }]) {
    assert.throws(() => encodeSpawn(1, { ...base, ...bad }), { code: 'ERR_INVALID_ARG_VALUE' });
  }
});
