import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize, tokenText, type Command } from '../../src/core/svccfg/lexer.js';
import { parseAddpropvalue, parseSetprop } from '../../src/core/svccfg/props.js';

function cmds(text: string): Command[] {
  const r = tokenize(text);
  assert.ok(r.ok, JSON.stringify(r));
  return r.commands;
}
const words = (c: Command) => c.tokens.map(tokenText);

test('commands split on newlines, comments and blank lines skipped, line numbers kept', () => {
  const c = cmds('# header\n\nselect site/x\n  listprop   # trailing\nsetprop a/b = count: 3\n');
  assert.deepEqual(c.map((x) => x.line), [3, 4, 5]);
  assert.deepEqual(words(c[0]!), ['select', 'site/x']);
  assert.deepEqual(words(c[1]!), ['listprop']);
  assert.deepEqual(words(c[2]!), ['setprop', 'a/b', '=', 'count:', '3']);
});

test('double quotes group blanks, parens and newlines; only \\" and \\\\ are escapes', () => {
  const c = cmds('setprop a/b = astring: "x \\"y\\" (z)\nw \\\\ \\n"\nlist');
  assert.equal(c.length, 2);
  const v = c[0]!.tokens[4]!;
  assert.equal(v.kind, 'word');
  assert.equal(v.kind === 'word' && v.text, 'x "y" (z)\nw \\ \\n');
  assert.equal(v.kind === 'word' && v.quoted, true);
  assert.equal(c[1]!.line, 3);
});

test('value lists: parens are tokens unless quoted; empty quoted string is a word', () => {
  const c = cmds('setprop a/b = (one "two three" "" ")")');
  const t = c[0]!.tokens;
  assert.deepEqual(t.map((x) => x.kind), ['word', 'word', 'word', 'lparen', 'word', 'word', 'word', 'word', 'rparen']);
  assert.deepEqual(t.slice(4, 8).map(tokenText), ['one', 'two three', '', ')']);
});

test('a # inside a word or quotes is not a comment; backslash-newline continues a line', () => {
  const c = cmds('setprop a/b = astring: x#y "#z"\nlistprop \\\n  a\n');
  assert.deepEqual(words(c[0]!).slice(4), ['x#y', '#z']);
  assert.deepEqual(words(c[1]!), ['listprop', 'a']);
});

test('an unterminated quote is reported with its line and marked incomplete', () => {
  const r = tokenize('list\nsetprop a/b = "abc\n');
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.line === 2 && r.incomplete);
});

test('setprop forms: spaced, glued "=", typed, lists, empty list', () => {
  const p = (s: string) => parseSetprop(cmds(s)[0]!.tokens);
  assert.deepEqual(p('a/b = astring: x'), { ok: true, ref: { pg: 'a', prop: 'b' }, type: 'astring', values: ['x'], list: false });
  assert.deepEqual(p('a/b=x'), { ok: true, ref: { pg: 'a', prop: 'b' }, type: undefined, values: ['x'], list: false });
  assert.deepEqual(p('a/b =count: 7'), { ok: true, ref: { pg: 'a', prop: 'b' }, type: 'count', values: ['7'], list: false });
  assert.deepEqual(p('a/b = (1 2)'), { ok: true, ref: { pg: 'a', prop: 'b' }, type: undefined, values: ['1', '2'], list: true });
  assert.deepEqual(p('a/b = fmri: ()'), { ok: true, ref: { pg: 'a', prop: 'b' }, type: 'fmri', values: [], list: true });
  assert.deepEqual(p('a/b = "astring:"'), { ok: true, ref: { pg: 'a', prop: 'b' }, type: undefined, values: ['astring:'], list: false });
});

test('setprop errors say what to do', () => {
  const p = (s: string) => parseSetprop(cmds(s)[0]!.tokens);
  const e1 = p('a/b astring: x');
  assert.ok(!e1.ok && /Expected "="/.test(e1.error));
  const e2 = p('ab = x');
  assert.ok(!e2.ok && /pg\/prop/.test(e2.error));
  const e3 = p('a/b = bogus: x');
  assert.ok(!e3.ok && /Unknown property type "bogus"/.test(e3.error));
  const e4 = p('a/b = x y');
  assert.ok(!e4.ok && /as a list/.test(e4.error));
  const e5 = p('a/b =');
  assert.ok(!e5.ok && /value is required/.test(e5.error));
});

test('addpropvalue takes one value with an optional type', () => {
  const r = parseAddpropvalue(cmds('x/y count: 5')[0]!.tokens);
  assert.deepEqual(r, { ok: true, ref: { pg: 'x', prop: 'y' }, type: 'count', values: ['5'], list: false });
  const bad = parseAddpropvalue(cmds('x/y (1 2)')[0]!.tokens);
  assert.equal(bad.ok, false);
});
