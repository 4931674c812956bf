import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PropertyGroup, PropertyType } from '../../src/core/model.js';
import { readMethodContext, resolveMethodContext, privilegesToCapabilities, formatLogLine, logFileName, type UserDatabase, type PasswdEntry, type GroupEntry } from '../../src/core/method/index.js';

const pg = (name: string, type: string, props: Record<string, string[]>, ptype: PropertyType = 'astring'): PropertyGroup => ({
  name, type, flags: 0, properties: Object.entries(props).map(([n, values]) => ({ name: n, type: n === 'use_profile' ? 'boolean' : ptype, values })),
});

const users: PasswdEntry[] = [
  { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/sh' },
  { name: 'daemon', uid: 1, gid: 1, home: '/usr/sbin', shell: '/usr/sbin/nologin' },
  { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent', shell: '/usr/sbin/nologin' },
];
const groups: GroupEntry[] = [
  { name: 'root', gid: 0, members: [] }, { name: 'daemon', gid: 1, members: [] }, { name: 'disk', gid: 6, members: ['daemon'] },
  { name: 'nogroup', gid: 65534, members: [] },
];
const db: UserDatabase = {
  userByName: (n) => users.find((u) => u.name === n),
  userById: (id) => users.find((u) => u.uid === id),
  groupByName: (n) => groups.find((g) => g.name === n),
  groupById: (id) => groups.find((g) => g.gid === id),
  groupsOf: (u) => groups.filter((g) => g.members.includes(u)).map((g) => g.gid),
};
const self = { uid: 0, home: '/root' };

test('without use_profile, user/group are ignored (svc.startd reads credentials only if use_profile exists)', () => {
  const spec = readMethodContext(pg('start', 'method', { user: ['daemon'], exec: ['x'] }));
  assert.equal(spec.credentialsGiven, false);
  const r = resolveMethodContext(spec, db, self);
  assert.ok(r.ok);
  assert.equal(r.value.credentials, null);
  assert.equal(r.value.workingDirectory, '/root');
});

test('method pg wins over method_context; environment is taken wholesale', () => {
  const spec = readMethodContext(
    pg('start', 'method', { use_profile: ['false'], user: ['daemon'], environment: ['A=1'] }),
    pg('method_context', 'framework', { user: ['nobody'], group: ['disk'], environment: ['B=2', 'C=3'], working_directory: ['/tmp'] }),
  );
  assert.equal(spec.user, 'daemon');
  assert.equal(spec.group, 'disk');
  assert.deepEqual(spec.environment, ['A=1']);
  const r = resolveMethodContext(spec, db, self);
  assert.ok(r.ok);
  assert.deepEqual(r.value.credentials, { user: 'daemon', uid: 1, gid: 6, groups: [6], home: '/usr/sbin' });
  assert.equal(r.value.workingDirectory, '/tmp');
});

test('user by id, :default group = primary group, initgroups memberships, :home', () => {
  const spec = readMethodContext(pg('start', 'method', { use_profile: ['false'], user: ['1'], group: [':default'], working_directory: [':home'] }));
  const r = resolveMethodContext(spec, db, self);
  assert.ok(r.ok);
  assert.deepEqual(r.value.credentials, { user: 'daemon', uid: 1, gid: 1, groups: [1, 6], home: '/usr/sbin' });
  assert.equal(r.value.workingDirectory, '/usr/sbin');
});

test('supp_groups by name and id', () => {
  const spec = readMethodContext(pg('start', 'method', { use_profile: ['false'], user: ['nobody'], supp_groups: ['disk 0'] }));
  const r = resolveMethodContext(spec, db, self);
  assert.ok(r.ok);
  assert.deepEqual(r.value.credentials?.groups, [65534, 6, 0]);
});

test('unknown user, unknown group and relative working directory are config errors naming the property', () => {
  const bad = (props: Record<string, string[]>, property: string) => {
    const r = resolveMethodContext(readMethodContext(pg('start', 'method', { use_profile: ['false'], ...props })), db, self);
    assert.equal(r.ok, false);
    if (!r.ok) { assert.equal(r.code, 'config'); assert.equal(r.property, property); }
  };
  bad({ user: ['nosuchuser'] }, 'user');
  bad({ user: ['daemon'], group: ['nosuchgroup'] }, 'group');
  bad({ user: ['daemon'], supp_groups: ['disk nosuch'] }, 'supp_groups');
  bad({ working_directory: ['relative/dir'] }, 'working_directory');
  bad({ user: ['4242'] }, 'group');
});

test('use_profile=true and Solaris-only properties produce warnings, not failures', () => {
  const spec = readMethodContext(pg('start', 'method', { use_profile: ['true'], profile: ['Network Management'], project: ['user.root'], resource_pool: [':default'] }));
  const r = resolveMethodContext(spec, db, self);
  assert.ok(r.ok);
  assert.equal(r.value.warnings.length, 2);
  assert.match(r.value.warnings[0]!, /profile/);
  assert.match(r.value.warnings[1]!, /project/);
});

test('privileges map to capabilities for non-root users, with warnings for the rest', () => {
  const m = privilegesToCapabilities('basic,net_privaddr,file_dac_read,!proc_info,sys_ipc_config');
  assert.deepEqual(m.capabilities, ['dac_read_search', 'net_bind_service']);
  assert.equal(m.warnings.length, 1);
  assert.deepEqual(privilegesToCapabilities('basic,net_privaddr,net_rawaccess', 'basic,net_privaddr').capabilities, ['net_bind_service']);
  const spec = readMethodContext(pg('start', 'method', { use_profile: ['false'], user: ['nobody'], privileges: ['basic,net_privaddr'] }));
  const r = resolveMethodContext(spec, db, self);
  assert.ok(r.ok);
  assert.deepEqual(r.value.capabilities, ['net_bind_service']);
});

test('log line format and log file name', () => {
  const d = new Date(Date.UTC(2026, 0, 5, 3, 4, 5));
  assert.equal(formatLogLine(d, 'Executing start method ("/x").', true), '[ Jan  5 03:04:05 Executing start method ("/x"). ]\n');
  assert.equal(logFileName('svc:/site/pool-import:default'), 'site-pool-import:default.log');
});
