import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PropertyType } from '../../src/core/model.js';
import { canonicalValue, triviallyCanonical } from '../../src/core/values.js';

const OK: [PropertyType, string, string][] = [
  ['boolean', 'true', 'true'], ['boolean', 't', 'true'], ['boolean', '1', 'true'],
  ['boolean', 'false', 'false'], ['boolean', 'f', 'false'], ['boolean', '0', 'false'],
  ['count', '0', '0'], ['count', '600', '600'], ['count', '0x10', '16'], ['count', '010', '8'],
  ['count', '-1', '18446744073709551615'], ['count', '18446744073709551615', '18446744073709551615'],
  ['count', ' 42', '42'], ['count', '+7', '7'],
  ['integer', '-5', '-5'], ['integer', '0x7fffffffffffffff', '9223372036854775807'],
  ['integer', '-9223372036854775808', '-9223372036854775808'],
  ['time', '1715000000', '1715000000'], ['time', '5.5', '5.500000000'], ['time', '1.123456789', '1.123456789'],
  ['time', '3.000', '3'],
  ['astring', '', ''], ['astring', 'a b\n\t"\'', 'a b\n\t"\''], ['ustring', 'grüße ✓ 𝄞', 'grüße ✓ 𝄞'],
  ['opaque', '', ''], ['opaque', 'DEADbeef', 'deadbeef'],
  ['fmri', 'svc:/system/filesystem/local', 'svc:/system/filesystem/local'],
  ['fmri', 'file://localhost/etc/zfs/noimport-pool', 'file://localhost/etc/zfs/noimport-pool'],
  ['uri', 'http://illumos.org/msg/', 'http://illumos.org/msg/'],
  ['hostname', 'host-1.example.com', 'host-1.example.com'],
  ['host', '192.168.56.102', '192.168.56.102'], ['host', '::1', '::1'], ['host', 'localhost', 'localhost'],
  ['net_address_v4', '10.0.0.0/8', '10.0.0.0/8'],
  ['net_address_v6', 'fe80::1/64', 'fe80::1/64'], ['net_address_v6', '::ffff:10.0.0.1', '::ffff:10.0.0.1'],
  ['net_address', '2001:db8::', '2001:db8::'], ['net_address', '127.0.0.1', '127.0.0.1'],
];

const BAD: [PropertyType, string, RegExp][] = [
  ['boolean', 'yes', /boolean.*"yes"/], ['boolean', 'TRUE', /boolean/],
  ['count', '', /count.*not a number/], ['count', '18446744073709551616', /out of range/],
  ['count', '08', /octal/], ['count', '12abc', /unexpected character 'a'/], ['count', '0x', /unexpected/],
  ['integer', '9223372036854775808', /out of range/], ['integer', '1.5', /integer/],
  ['time', '-1', /time/], ['time', '1.1234567890', /1 to 9/], ['time', 'abc', /time/],
  ['opaque', 'abc', /odd number/], ['opaque', 'zz', /hex/], ['opaque', 'de ad', /whitespace/],
  ['astring', 'a\0b', /NUL/], ['ustring', 'a\ud800b', /UTF-8/],
  ['fmri', 'network/smtp', /svc:/], ['fmri', 'svc:/1bad', /fmri/],
  ['uri', 'has space', /URI/], ['hostname', '-bad.example', /host name/],
  ['net_address_v4', '256.1.1.1', /IPv4/], ['net_address_v4', '1.2.3.4/33', /IPv4/],
  ['net_address_v6', '1::2::3', /IPv6/], ['net_address_v6', '12345::', /IPv6/],
  ['host', 'a b', /host/],
];

test('canonicalValue: accepted values and their canonical form', () => {
  for (const [type, input, want] of OK) {
    const r = canonicalValue(type, input);
    assert.ok(r.ok, `${type} ${JSON.stringify(input)}: ${r.ok ? '' : r.error}`);
    assert.equal(r.value, want, `${type} ${JSON.stringify(input)}`);
  }
});

test('canonicalValue: rejected values name the type and the value', () => {
  for (const [type, input, re] of BAD) {
    const r = canonicalValue(type, input);
    assert.equal(r.ok, false, `${type} ${JSON.stringify(input)} should be rejected`);
    if (!r.ok) {
      assert.match(r.error, re, `${type} ${JSON.stringify(input)}`);
      assert.match(r.error, new RegExp(`invalid ${type} value`));
    }
  }
});

test('manifest parsing of counts is decimal only (svccfg strtoull base 10)', () => {
  assert.deepEqual(canonicalValue('count', '010', { decimalOnly: true }), { ok: true, value: '10' });
  assert.equal(canonicalValue('count', '0x10', { decimalOnly: true }).ok, false);
  assert.deepEqual(canonicalValue('count', '-1', { decimalOnly: true }), { ok: true, value: '18446744073709551615' });
});

test('large values are never truncated', () => {
  const big = 'x'.repeat(1024 * 1024 + 3);
  const r = canonicalValue('astring', big);
  assert.ok(r.ok);
  assert.equal(r.value.length, big.length);
  const hex = 'ab'.repeat(1024 * 1024);
  const o = canonicalValue('opaque', hex);
  assert.ok(o.ok);
  assert.equal(o.value.length, hex.length);
});

test('triviallyCanonical: the common restarter values pass without parsing, and always as canonicalValue has them', () => {
  const fast: [PropertyType, string | number][] = [
    ['count', 0], ['count', 4242], ['count', Number.MAX_SAFE_INTEGER], ['integer', -9], ['integer', 0], ['integer', 256],
    ['time', '1763752000.123456789'], ['time', '0'], ['time', '1763752000'], ['time', '1.000000001'],
    ['astring', 'online'], ['astring', ''], ['astring', '/var/svc/log/site-perf-s0001:default.log'], ['astring', 'svc:/a/b:c'],
  ];
  for (const [type, raw] of fast) {
    const t = triviallyCanonical(type, raw);
    assert.notEqual(t, undefined, `${type} ${raw}`);
    const c = canonicalValue(type, String(raw));
    assert.ok(c.ok && c.value === t, `${type} ${raw}: ${JSON.stringify(c)} vs ${t}`);
  }
  const slow: [PropertyType, string | number][] = [
    ['count', -1], ['count', 1.5], ['count', 2 ** 60], ['integer', Number.NaN], ['count', '12'],
    ['time', '1763752000.000000000'], ['time', '1763752000.5'], ['time', '01'], ['time', '12345678901234567890'], ['time', '-1'],
    ['astring', 'caf\u00e9'], ['astring', 'a\u0000b'], ['astring', 'tab\there'], ['astring', 'x'.repeat(5000)],
    ['boolean', 'true'], ['opaque', 'ab'], ['ustring', 'x'],
  ];
  for (const [type, raw] of slow) assert.equal(triviallyCanonical(type, raw), undefined, `${type} ${JSON.stringify(raw).slice(0, 30)}`);
});
