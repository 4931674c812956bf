// svcs command line (smf-spec §7.1): clustered flags, -o/-s/-S arguments, mode conflicts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSvcsArgs } from '../../src/cli/svcs/options.js';

const opts = (...a: string[]) => {
  const r = parseSvcsArgs(a);
  assert.ok(r.ok, `parse ${a.join(' ')}: ${r.ok ? '' : r.error}`);
  return r.ok ? r.options : (undefined as never);
};

test('clustered flags and option arguments in both spellings', () => {
  const o = opts('-xvL', 'a', 'b');
  assert.deepEqual([o.explain, o.verbose, o.log, o.operands], [true, true, true, ['a', 'b']]);
  assert.equal(opts('-ofmri,state').columns, 'fmri,state');
  assert.equal(opts('-Ho', 'state').columns, 'state');
  assert.deepEqual(opts('-s', 'state', '-Sfmri').sort, [{ name: 'state', descending: false }, { name: 'fmri', descending: true }]);
  assert.equal(opts('-R', 'svc:/x:default').restarter, 'svc:/x:default');
  assert.equal(opts('--json', '-a').json, true);
  assert.deepEqual(opts('--', '-weird').operands, ['-weird']);
  assert.equal(opts('-?').help, true);
});

test('usage errors', () => {
  assert.deepEqual(parseSvcsArgs(['-q']), { ok: false, error: 'illegal option -- q' });
  assert.deepEqual(parseSvcsArgs(['-o']), { ok: false, error: 'option requires an argument -- o' });
  assert.deepEqual(parseSvcsArgs(['-l']), { ok: false, error: 'operands are required with -d, -D and -l' });
  assert.deepEqual(parseSvcsArgs(['-d', '-l', 'x']), { ok: false, error: 'only one of -d, -D, -l, -L and -x may be given' });
  assert.deepEqual(parseSvcsArgs(['-L']), { ok: false, error: 'operands are required with -L' });
  assert.ok(parseSvcsArgs(['-xL']).ok, '-x -L needs no operands');
  assert.deepEqual(parseSvcsArgs(['--bogus']), { ok: false, error: 'unknown option "--bogus"' });
});

test('options outside the synopsis of a mode are usage errors (svcs(1) argserr)', () => {
  const bad: [string[], string][] = [
    [['-H', '-l', 'x'], '-H cannot be used with -l'], [['-o', 'state', '-l', 'x'], '-o cannot be used with -l'],
    [['-Hx'], '-H cannot be used with -x'], [['-o', 'fmri', '-x'], '-o cannot be used with -x'], [['-px'], '-p cannot be used with -x'],
    [['-a', '-d', 'x'], '-a cannot be used with -d'], [['-a', '-x'], '-a cannot be used with -x'],
    [['-R', 'svc:/r:default', '-D', 'x'], '-R cannot be used with -D'], [['-s', 'state', '-l', 'x'], '-s cannot be used with -l'],
    [['-S', 'fmri', '-x'], '-S cannot be used with -x'], [['-s', 'state', '-L', 'x'], '-s cannot be used with -L'],
  ];
  for (const [argv, error] of bad) assert.deepEqual(parseSvcsArgs(argv), { ok: false, error }, argv.join(' '));
  // what each synopsis allows
  for (const argv of [['-lpv', 'x'], ['-d', '-Hpv', '-o', 'fmri', '-s', 'state', 'x'], ['-D', '-S', 'fmri', 'x'], ['-xvL'], ['-x', 'x'],
    ['-L', '-v', 'x'], ['-aHpv', '-o', 'fmri', '-R', 'svc:/r:default', '-s', 'state']]) {
    assert.ok(parseSvcsArgs(argv).ok, argv.join(' '));
  }
});
