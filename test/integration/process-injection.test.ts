// No property value can inject shell: hostile values go through token expansion and a REAL
// /bin/sh -c "exec printf '%s\n' <expanded>"; the printed argv must be exactly the values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandMethodTokens, SMF_ESCAPED_CHARS, type PropertyRef } from '../../src/core/method/index.js';

const HOSTILE = [
  '$(touch PWNED)', '`touch PWNED`', '; touch PWNED', '| touch PWNED', '&& touch PWNED', 'a\ntouch PWNED', "it's", '"quoted"',
  '*', '?', '[a-z]*', '~', '~root', '$HOME', '${HOME}', '$0', '{a,b}', '#comment', '!!', 'a\\b', 'trailing\\', '\\', ' lead and trail ',
  'tab\there', '<in', '>out', '2>&1', '(sub)', '^caret', '%percent', 'x=y', '=', '-n', '--', 'é ü 日本', '\r\n', 'a\n\nb', '',
  "'; touch PWNED; '", '"$(touch PWNED)"', '\\$(touch PWNED)', '$((1+1))', '$[1+1]', '<<EOF', 'IFS=x', '\t', '  ',
];

function runPrinted(expanded: string, cwd: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', `exec printf '%s\\n' ${expanded}`], { cwd, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/root' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').slice(0, -1);
}

test('every hostile value reaches the program as exactly one argument, nothing executes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-inject-'));
  try {
    fs.writeFileSync(path.join(dir, 'afile'), ''); // something for globs to match
    for (const value of HOSTILE) {
      const lookup = (r: PropertyRef) => (r.pg === 'config' && r.prop === 'v' ? [value] : undefined);
      const ex = expandMethodTokens('%{config/v}', { fmri: 'svc:/t/x:default', method: 'start' }, lookup);
      assert.ok(ex.ok);
      assert.deepEqual(runPrinted(ex.value, dir).join('\n'), value, `value ${JSON.stringify(value)}`);
      assert.equal(fs.existsSync(path.join(dir, 'PWNED')), false, `value ${JSON.stringify(value)} executed a command`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('multi-valued properties give one argument per value; with "," one joined argument', () => {
  const values = ['$(id)', 'two words', '*'];
  const lookup = () => values;
  const spaced = expandMethodTokens('%{config/v}', { fmri: 'svc:/t/x:default', method: 'start' }, lookup);
  const joined = expandMethodTokens('%{config/v,}', { fmri: 'svc:/t/x:default', method: 'start' }, lookup);
  assert.ok(spaced.ok && joined.ok);
  assert.deepEqual(runPrinted(spaced.value, os.tmpdir()), values);
  assert.deepEqual(runPrinted(joined.value, os.tmpdir()), [values.join(',')]);
});

test('the SMF escape set alone is not enough (why we escape more)', () => {
  // svc.startd's escaping leaves $ * ? [ ~ { live: a value changes into other arguments.
  const smfEscape = (v: string) => [...v].map((c) => ((SMF_ESCAPED_CHARS as readonly string[]).includes(c) ? '\\' + c : c)).join('');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-inject-'));
  try {
    fs.writeFileSync(path.join(dir, 'f1'), '');
    fs.writeFileSync(path.join(dir, 'f2'), '');
    assert.deepEqual(runPrinted(smfEscape('$HOME'), dir), ['/root']);
    assert.deepEqual(runPrinted(smfEscape('f*'), dir), ['f1', 'f2']);
    assert.deepEqual(runPrinted(smfEscape('a\nb'), dir), ['ab']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
