import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandMethodTokens, tokenize, parsePropertyRef, shellEscapeValue, isPlainCommand, type PropertyRef } from '../../src/core/method/index.js';

const props: Record<string, string[]> = {
  'application/name': ['alpha'],
  'config/pool': ['tank'],
  'config/many': ['a', 'b', 'c'],
  'config/empty': [],
  'config/spacey': ['two words'],
  'svc:/other/svc:default|cfg/port': ['3260'],
};
const lookup = (r: PropertyRef) => props[r.fmri ? `${r.fmri}|${r.pg}/${r.prop}` : `${r.pg}/${r.prop}`];
const ctx = { fmri: 'svc:/site/pool-import:default', method: 'start' };
const ex = (s: string) => expandMethodTokens(s, ctx, lookup);

test('simple tokens expand to restarter, method, service, instance and fmri', () => {
  assert.deepEqual(ex('/lib/svc/method/x %r %m %s %i %f'), { ok: true, value: '/lib/svc/method/x svc.startd start site/pool-import default svc:/site/pool-import:default' });
  assert.deepEqual(ex('100%% done'), { ok: true, value: '100% done' });
  assert.deepEqual(ex('trailing %'), { ok: true, value: 'trailing ' });
});

test('property tokens: bare name, pg/prop and another entity', () => {
  assert.deepEqual(ex('x %{name} %{config/pool} %{svc:/other/svc:default/:properties/cfg/port}'), { ok: true, value: 'x alpha tank 3260' });
});

test('multiple values: default space separator, trailing , or : picks the separator', () => {
  assert.deepEqual(ex('x %{config/many}'), { ok: true, value: 'x a b c' });
  assert.deepEqual(ex('x %{config/many,}'), { ok: true, value: 'x a,b,c' });
  assert.deepEqual(ex('x %{config/many:}'), { ok: true, value: 'x a:b:c' });
  assert.deepEqual(ex('x [%{config/empty}]'), { ok: true, value: 'x []' });
});

test('substituted values are escaped, %s %i %f are not', () => {
  assert.deepEqual(ex('x %{config/spacey}'), { ok: true, value: 'x two\\ words' });
});

test('errors name the token: unknown, unterminated, missing property', () => {
  const unknown = ex('x %q');
  assert.equal(unknown.ok, false);
  if (!unknown.ok) { assert.equal(unknown.token, '%q'); assert.match(unknown.message, /Could not expand method tokens in "x %q": unknown method token "%q"/); }
  const unterminated = ex('x %{config/pool');
  assert.equal(unterminated.ok, false);
  if (!unterminated.ok) assert.match(unterminated.message, /unterminated/);
  const missing = ex('x %{config/nope}');
  assert.equal(missing.ok, false);
  if (!missing.ok) { assert.equal(missing.token, '%{config/nope}'); assert.match(missing.message, /property "config\/nope" not found/); }
  assert.equal(parsePropertyRef('a/b/c').ok, false);
  assert.equal(parsePropertyRef('svc:/x:y/pg/prop').ok, false);
  assert.equal(parsePropertyRef(',').ok, false);
});

test('tokenize keeps literals intact around tokens', () => {
  const t = tokenize('a%mb');
  assert.deepEqual(t, { ok: true, value: [{ kind: 'literal', text: 'a' }, { kind: 'method' }, { kind: 'literal', text: 'b' }] });
});

test('shellEscapeValue escapes everything the shell could interpret', () => {
  assert.equal(shellEscapeValue('plain-value_1.2:3,4@x%+='), 'plain-value_1.2:3,4@x%+=');
  assert.equal(shellEscapeValue('$(id)'), '\\$\\(id\\)');
  assert.equal(shellEscapeValue('*?[~{'), '\\*\\?\\[\\~\\{');
  assert.equal(shellEscapeValue('a\nb'), "a'\n'b");
  assert.equal(shellEscapeValue(''), "''");
  assert.equal(shellEscapeValue('é'), 'é');
});

test('isPlainCommand: only plain words may skip the shell', () => {
  assert.equal(isPlainCommand('/usr/bin/foo -d --x=1 a,b'), true);
  for (const s of ['foo && bar', 'foo $X', 'foo *', 'a\\ b', "a 'b'", 'foo ~', 'foo;bar', 'foo\nbar', 'FOO=1 cmd', 'foo >x']) {
    assert.equal(isPlainCommand(s), false, s);
  }
});
