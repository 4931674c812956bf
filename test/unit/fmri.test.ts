import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalFmri, checkName, noMatchError, parseFmri, partialHint, partialMatches, partialMultipleError, partialNearMisses, resolveOperand, serviceCategory, serviceLeaf,
} from '../../src/core/fmri.js';
import { fnmatch } from '../../src/core/glob.js';

test('parseFmri: every accepted spelling canonicalises', () => {
  const cases: [string, string][] = [
    ['svc:/site/pool-import:default', 'svc:/site/pool-import:default'],
    ['svc://localhost/site/pool-import:default', 'svc:/site/pool-import:default'],
    ['svc:///site/pool-import', 'svc:/site/pool-import'],
    ['site/pool-import:default', 'svc:/site/pool-import:default'],
    ['/site/pool-import:default', 'svc:/site/pool-import:default'],
    ['network/smtp', 'svc:/network/smtp'],
    ['svc:/system/stmf:default/:properties/general/enabled', 'svc:/system/stmf:default/:properties/general/enabled'],
    ['svc:/system/stmf/:properties/config', 'svc:/system/stmf/:properties/config'],
    ['svc:/SUNW,foo/com.acme,bar:inst', 'svc:/SUNW,foo/com.acme,bar:inst'],
    ['file:///etc/zfs/noimport-pool', 'file://localhost/etc/zfs/noimport-pool'],
    ['file://localhost/etc/zfs/noimport-pool', 'file://localhost/etc/zfs/noimport-pool'],
    ['file://otherhost/etc/zfs/noimport-pool', 'file://localhost/etc/zfs/noimport-pool'],
  ];
  for (const [input, want] of cases) {
    const r = canonicalFmri(input);
    assert.ok(r.ok, `${input}: ${r.ok ? '' : r.error}`);
    assert.equal(r.fmri, want, input);
  }
});

test('parseFmri: parts', () => {
  const r = parseFmri('svc:/a/b:c/:properties/pg/p');
  assert.deepEqual(r, { ok: true, fmri: { scheme: 'svc', service: 'a/b', instance: 'c', pg: 'pg', prop: 'p' } });
  const f = parseFmri('file://HOST/x/y');
  assert.deepEqual(f, { ok: true, fmri: { scheme: 'file', path: '/x/y', host: 'HOST' } });
});

test('parseFmri: rejects bad input with a clear message', () => {
  const bad: [string, RegExp][] = [
    ['lrc:/etc/rc3_d/S99foo', /legacy/],
    ['svc://remote/a:b', /scope/],
    ['svc:/1abc:default', /start with a letter/],
    ['svc:/a:1inst', /instance/],
    ['svc:/a/b:c:d', /instance/],
    ['svc:/a b', /service name/],
    ['file:relative', /absolute/],
    ['', /empty/],
    ['svc:/a/:properties/p/q/r', /too many/],
    ['svc:/' + 'a'.repeat(120), /119 bytes/],
  ];
  for (const [input, re] of bad) {
    const r = parseFmri(input);
    assert.equal(r.ok, false, input);
    if (!r.ok) assert.match(r.error, re, input);
  }
});

test('checkName: uu_check_name rules', () => {
  assert.equal(checkName('default', 'instance'), undefined);
  assert.equal(checkName('SUNW,foo', 'property group'), undefined);
  assert.equal(checkName('com.acme,foo-bar_1', 'property'), undefined);
  assert.notEqual(checkName('foo.bar', 'property'), undefined, 'dots only in the vendor prefix');
  assert.notEqual(checkName('a/b', 'instance'), undefined);
  assert.equal(checkName('a/b/c', 'service'), undefined);
  assert.notEqual(checkName('a//b', 'service'), undefined);
  assert.notEqual(checkName('_x', 'property'), undefined);
  assert.equal(checkName('a'.repeat(119), 'property'), undefined);
  assert.notEqual(checkName('a'.repeat(120), 'property'), undefined);
});

test('category and leaf', () => {
  assert.equal(serviceCategory('system/filesystem/local'), 'system/filesystem');
  assert.equal(serviceLeaf('system/filesystem/local'), 'local');
  assert.equal(serviceCategory('foo'), '');
});

const SENDMAIL = ['svc:/network/smtp:sendmail', 'svc:/network/ssh:default'];

test('resolveOperand: partial matching, spec §1.4 sendmail examples', () => {
  for (const op of ['sendmail', ':sendmail', 'smtp', 'smtp:sendmail', 'network/smtp:sendmail']) {
    const r = resolveOperand(op, SENDMAIL);
    assert.deepEqual(r.matches, ['svc:/network/smtp:sendmail'], op);
  }
  for (const op of ['mail', 'network', 'network/smt', 'svc', 'svc:']) {
    assert.deepEqual(resolveOperand(op, SENDMAIL).matches, [], op);
  }
  assert.equal(resolveOperand('smtp', SENDMAIL).kind, 'partial');
});

test('resolveOperand: network/smtp is exact (the service) first', () => {
  const r = resolveOperand('network/smtp', SENDMAIL);
  assert.equal(r.kind, 'exact');
  assert.deepEqual(r.matches, ['svc:/network/smtp:sendmail']);
  const s = resolveOperand('network/smtp', [...SENDMAIL, 'svc:/network/smtp'], { serviceAsSelf: true });
  assert.deepEqual(s.matches, ['svc:/network/smtp']);
});

test('resolveOperand: mount-main-pool anchoring and the first-occurrence quirk', () => {
  const c = ['svc:/network/iscsi/mount-main-pool:default', 'svc:/site/mount-main-pool:pool', 'svc:/site/other:default'];
  assert.deepEqual(resolveOperand('mount-main-pool', c).matches, c.slice(0, 2));
  assert.deepEqual(resolveOperand('main-pool', c).matches, []);
  assert.deepEqual(resolveOperand('pool:default', c).matches, []);
  assert.deepEqual(resolveOperand('pool', c).matches, [], 'first hit inside mount-main-pool is not anchored');
  assert.deepEqual(resolveOperand(':pool', c).matches, ['svc:/site/mount-main-pool:pool']);
});

test('resolveOperand: globs (svc:/ prepended, * crosses /)', () => {
  const c = ['svc:/site/pool-import:default', 'svc:/network/iscsi/mount-main-pool:default', 'svc:/site/pool-import'];
  const r = resolveOperand('site/*', c);
  assert.equal(r.kind, 'glob');
  assert.deepEqual(r.matches, ['svc:/site/pool-import:default']);
  assert.deepEqual(resolveOperand('*pool*', c).matches, c.slice(0, 2));
  assert.deepEqual(resolveOperand('svc:/*:default', c).matches, c.slice(0, 2));
  assert.deepEqual(resolveOperand('s?te/pool-import:[a-d]efault', c).matches, [c[0]]);
});

test('fnmatch basics', () => {
  assert.ok(fnmatch('a*b', 'a/x/b'));
  assert.ok(fnmatch('[!x]y', 'zy'));
  assert.ok(!fnmatch('[!x]y', 'xy'));
  assert.ok(fnmatch('a\\*', 'a*'));
  assert.ok(!fnmatch('a\\*', 'ab'));
  assert.ok(fnmatch('*', ''));
  assert.ok(fnmatch('[', '['));
});

test('error texts', () => {
  assert.equal(noMatchError('foo'), "Pattern 'foo' doesn't match any instances");
  assert.equal(noMatchError('foo', 'entities'), "Pattern 'foo' doesn't match any entities");
  assert.equal(partialMultipleError('pool', ['svc:/a:pool', 'svc:/b:pool']),
    "Partial FMRI 'pool' matches multiple instances:\n\tsvc:/a:pool\n\tsvc:/b:pool");
});

// libscf scf_cmp_pattern (lowlevel.c): strstr() once, anchoring checked at that hit only, a hit
// ending within "svc:" ignored -- the search never moves on to a later occurrence.
test('resolveOperand: a first hit inside "svc:" ends the search (libscf scf_cmp_pattern)', () => {
  const c = ['svc:/site/c:default', 'svc:/site/v:default', 'svc:/site/s:default', 'svc:/site/abc:c'];
  assert.deepEqual(resolveOperand('c', c).matches, [], 'first "c" is the one of "svc:"');
  assert.deepEqual(resolveOperand('v', c).matches, []);
  assert.deepEqual(resolveOperand('s', c).matches, [], 'first "s" starts "svc:" and is not followed by ":"');
  assert.deepEqual(resolveOperand('svc', c).matches, [], 'anchored, but ends within "svc:"');
  assert.deepEqual(resolveOperand('c:default', c).matches, ['svc:/site/c:default'], 'first occurrence is after "/"');
  assert.deepEqual(resolveOperand(':c', c).matches, ['svc:/site/abc:c']);
  assert.deepEqual(resolveOperand('site/c', c).matches, ['svc:/site/c:default'], 'exact service');
  assert.equal(partialMatches('c', 'svc:/site/c:default'), false);
  assert.equal(partialMatches('site', 'svc:/site/c:default'), false, 'ends before "/", not ":"');
});

test('partialNearMisses / partialHint: what a continued search would have found', () => {
  const c = ['svc:/site/c:default', 'svc:/site/mount-main-pool:pool', 'svc:/site/x:default'];
  assert.deepEqual(partialNearMisses('c', c), ['svc:/site/c:default']);
  assert.deepEqual(partialNearMisses('pool', c), ['svc:/site/mount-main-pool:pool']);
  assert.deepEqual(partialNearMisses('nothing', c), []);
  assert.deepEqual(partialNearMisses('x', c), [], 'x matches normally: not a near miss');
  assert.deepEqual(partialNearMisses('*c', c), [], 'globs are not partial operands');
  assert.equal(partialHint('nothing', c), undefined);
  assert.match(partialHint('c', c)!, /only counts where it first occurs .* svc:\/site\/c:default/);
});
