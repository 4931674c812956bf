import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatListing } from '../../src/core/svccfg/format.js';
import { tokenize } from '../../src/core/svccfg/lexer.js';
import { MemoryConfigStore } from '../../src/core/svccfg/memory-store.js';
import { resolveEntity } from '../../src/core/svccfg/resolve.js';
import { prompt, runCommands, type Session } from '../../src/core/svccfg/session.js';
import { verbTable } from '../../src/core/svccfg/verbs.js';
import { canonicalValue } from '../../src/core/values.js';

function setup(file?: string) {
  const store = new MemoryConfigStore();
  let out = '';
  let err = '';
  const notified: string[][] = [];
  const s: Session = {
    store, values: (t, v) => canonicalValue(t, v), resolve: (o) => resolveEntity(o, store),
    notify: async (f) => { notified.push(f); }, io: { out: (t) => { out += t; }, err: (t) => { err += t; } },
    verbs: verbTable(), selection: null, snapshot: null, verbose: false, line: 0, done: false, file,
  };
  const run = async (text: string) => {
    out = ''; err = '';
    const r = tokenize(text);
    assert.ok(r.ok);
    const status = await runCommands(s, r.commands);
    return { status, out, err };
  };
  return { s, store, run, notified };
}

async function withPoolImport() {
  const t = setup();
  const r = await t.run([
    'add site/pool-import', 'select site/pool-import', 'add default', 'select default',
    'addpg general framework', 'setprop general/enabled = boolean: true', 'setprop general/entity_stability = astring: Unstable',
    'addpg start method', 'setprop start/exec = astring: "/lib/svc/method/pool-import start"', 'setprop start/timeout_seconds = count: 0',
  ].join('\n'));
  assert.equal(r.err, '');
  assert.equal(r.status, 0);
  return t;
}

test('listprop prints the §7.3 format exactly', async () => {
  const t = await withPoolImport();
  const r = await t.run('listprop');
  assert.equal(r.out, [
    'general                   framework',
    'general/enabled           boolean  true',
    'general/entity_stability  astring  Unstable',
    'start                     method',
    'start/exec                astring  "/lib/svc/method/pool-import start"',
    'start/timeout_seconds     count    0',
    '',
  ].join('\n'));
});

test('listprop/listpg with a glob; addpg P shows NONPERSISTENT', async () => {
  const t = await withPoolImport();
  assert.equal((await t.run('addpg scratch application P')).status, 0);
  assert.equal((await t.run('listpg')).out, 'general  framework\nstart    method\nscratch  application\tNONPERSISTENT\n');
  assert.equal((await t.run('listprop start/e*')).out, 'start/exec  astring  "/lib/svc/method/pool-import start"\n');
  assert.equal((await t.run('listprop general')).out.split('\n').length, 4);
  assert.equal((await t.run('listpg s*')).out, 'start    method\nscratch  application\tNONPERSISTENT\n');
});

test('multi-valued string properties are quoted, numbers are not; empty string shows ""', async () => {
  const t = await withPoolImport();
  await t.run('addpg config application\nsetprop config/l = astring: (a "b c" "q\\"x")\nsetprop config/n = integer: (1 -2 0x10)\nsetprop config/e = astring: ""\nsetprop config/z = astring: ()');
  assert.equal((await t.run('listprop config')).out, [
    'config    application',
    'config/l  astring  "a" "b c" "q\\"x"',
    'config/n  integer  1 -2 16',
    'config/e  astring  ""',
    'config/z  astring ',
    '',
  ].join('\n'));
});

test('type mismatch, missing type, bad value and bad names are errors naming the property', async () => {
  const t = await withPoolImport();
  let r = await t.run('setprop start/timeout_seconds = astring: x');
  assert.equal(r.status, 1);
  assert.match(r.err, /^svccfg: setprop: type mismatch for property "start\/timeout_seconds": it has type count, not astring/);
  r = await t.run('setprop start/newprop = x');
  assert.match(r.err, /property "start\/newprop" does not exist; a type is required/);
  r = await t.run('setprop start/timeout_seconds = -x');
  assert.match(r.err, /invalid value for property "start\/timeout_seconds" \(type count\)/);
  r = await t.run('setprop nosuch/p = astring: x');
  assert.match(r.err, /no property group "nosuch".*addpg nosuch/);
  r = await t.run('setprop start/1bad = astring: x');
  assert.match(r.err, /Invalid property name "1bad"/);
  r = await t.run('addpg 9pg application');
  assert.match(r.err, /invalid property group name "9pg"/);
  r = await t.run('addpg start method');
  assert.match(r.err, /already exists/);
  r = await t.run('frobnicate');
  assert.equal(r.status, 1);
  assert.match(r.err, /Unknown command "frobnicate"/);
  // nothing was changed by the failures
  assert.equal((await t.run('listprop start/timeout_seconds')).out, 'start/timeout_seconds  count    0\n');
});

test('errors in a script carry FILE:LINE and the script goes on; exit status 1', async () => {
  const t = setup('conf.svccfg');
  const r = await t.run('add site/a\n\nselect site/nope\nlist\n');
  assert.equal(r.status, 1);
  assert.equal(r.err, "svccfg: conf.svccfg:3: Pattern 'site/nope' doesn't match any instances or services\n");
  assert.equal(r.out, 'site/a\n');
});

test('addpropvalue, delpropvalue (glob), delprop, delpg', async () => {
  const t = await withPoolImport();
  await t.run('addpg config application\naddpropvalue config/hosts host: alpha\naddpropvalue config/hosts beta\naddpropvalue config/hosts alps');
  assert.equal((await t.run('listprop config/hosts')).out, 'config/hosts  host     "alpha" "beta" "alps"\n');
  await t.run('delpropvalue config/hosts al*');
  assert.equal((await t.run('listprop config/hosts')).out, 'config/hosts  host     beta\n');
  assert.equal((await t.run('delprop config/hosts')).status, 0);
  assert.equal((await t.run('listprop config')).out, 'config  application\n');
  assert.match((await t.run('delprop config/hosts')).err, /no property "config\/hosts"/);
  await t.run('delprop config');
  assert.equal((await t.run('delpg start')).status, 0);
  assert.equal((await t.run('listpg')).out, 'general  framework\n');
  assert.match((await t.run('delpg start')).err, /no property group "start".*addpg start method"/);
  assert.match((await t.run('setprop startd/duration = astring: transient')).err, /addpg startd framework"/);
});

test('setenv/unsetenv edit method_context/environment (and -m method)', async () => {
  const t = await withPoolImport();
  await t.run('setenv PATH /usr/bin\nsetenv LANG C\nsetenv PATH "/sbin:/bin"');
  assert.equal((await t.run('listprop method_context/environment')).out, 'method_context/environment  astring  "PATH=/sbin:/bin" "LANG=C"\n');
  await t.run('unsetenv PATH');
  assert.equal((await t.run('listprop method_context/environment')).out, 'method_context/environment  astring  LANG=C\n');
  await t.run('setenv -m start DEBUG 1');
  assert.equal((await t.run('listprop start/environment')).out, 'start/environment  astring  DEBUG=1\n');
  assert.match((await t.run('setenv -m stop X 1')).err, /no method "stop"/);
  assert.match((await t.run('unsetenv NOPE')).err, /"NOPE" is not set/);
  await t.run('setenv -s SVCLEVEL yes');
  assert.equal((await t.run('select site/pool-import\nlistprop method_context/environment')).out, 'method_context/environment  astring  SVCLEVEL=yes\n');
});

test('select by abbreviation, list, prompt, unselect', async () => {
  const t = await withPoolImport();
  await t.run('unselect\nunselect\nadd site/other\nselect site/other\nadd default');
  assert.equal(prompt(t.s), 'svc:/site/other> ');
  let r = await t.run('unselect\nselect pool-import');
  assert.equal(r.status, 0);
  assert.equal(prompt(t.s), 'svc:/site/pool-import:default> ');
  r = await t.run('unselect\nlist');
  assert.equal(r.out, ':properties\ndefault\n');
  r = await t.run('unselect\nlist\nlist site/p*');
  assert.equal(r.out, 'site/pool-import\nsite/other\nsite/pool-import\n');
  r = await t.run('select default');
  assert.match(r.err, /matches multiple instances or services:\n\tsvc:\/site\/pool-import:default\n\tsvc:\/site\/other:default/);
  assert.equal(r.status, 1);
});

test('snapshots: listsnap, selectsnap is read-only, revert restores, refresh notifies', async () => {
  const t = await withPoolImport();
  let r = await t.run('refresh');
  assert.deepEqual(t.notified, [['svc:/site/pool-import:default']]);
  await t.run('setprop start/timeout_seconds = 60');
  r = await t.run('listsnap');
  assert.equal(r.out, 'running\n');
  r = await t.run('selectsnap running\nlistprop start/timeout_seconds\nsetprop start/timeout_seconds = 5');
  assert.equal(r.out, 'start/timeout_seconds  count    0\n');
  assert.match(r.err, /snapshot "running" is selected and snapshots are read-only/);
  assert.equal(prompt(t.s), 'svc:/site/pool-import:default@running> ');
  r = await t.run('revert\nlistprop start/timeout_seconds\nlistsnap');
  assert.equal(r.status, 0);
  assert.equal(r.out, 'start/timeout_seconds  count    0\nrunning\nprevious\n');
  r = await t.run('selectsnap nosuch');
  assert.match(r.err, /no snapshot "nosuch"/);
});

test('delete refuses an online instance without -f, unselects what it deleted', async () => {
  const t = await withPoolImport();
  await t.run('addpg restarter framework P\nsetprop restarter/state = astring: online');
  let r = await t.run('unselect\ndelete default');
  assert.equal(r.status, 1);
  assert.match(r.err, /instance svc:\/site\/pool-import:default is online; disable it first .* or use "delete -f"/);
  r = await t.run('unselect\ndelete site/pool-import');
  assert.equal(r.status, 1);
  r = await t.run('delete -f site/pool-import\nlist');
  assert.equal(r.status, 0);
  assert.equal(r.out, '');
  assert.equal(t.s.selection, null);
  assert.deepEqual(t.notified.at(-1), ['svc:/site/pool-import:default']);
});

test('end stops a script; help lists commands; usage errors fail the command', async () => {
  const t = setup();
  let r = await t.run('add site/a\nend\nadd site/b');
  assert.deepEqual(t.store.listServices(), ['site/a']);
  t.s.done = false;
  r = await t.run('help');
  assert.match(r.out, /setprop pg\/name = \[type:\] value/);
  r = await t.run('addpg onlyname');
  assert.equal(r.status, 1);
  assert.match(r.err, /Usage: addpg name type \[P\]/);
});

test('describe shows template documentation', async () => {
  const t = await withPoolImport();
  await t.run([
    'unselect', 'addpg tm_pgpat_config template_pg_pattern', 'setprop tm_pgpat_config/name = astring: config',
    'setprop tm_pgpat_config/description_C = ustring: "Pool settings"',
    'addpg tm_proppat_config_pool template_prop_pattern', 'setprop tm_proppat_config_pool/pg_pattern = astring: tm_pgpat_config',
    'setprop tm_proppat_config_pool/name = astring: pool', 'setprop tm_proppat_config_pool/common_name_C = ustring: "Pool name"',
    'setprop tm_proppat_config_pool/required = boolean: true',
    'select default', 'addpg config application', 'setprop config/pool = astring: main',
  ].join('\n'));
  const r = await t.run('describe -v config');
  assert.equal(r.out, 'config       application\n    Pool settings\nconfig/pool  astring  main\n    Pool name\n    required: true\n');
});

test('formatListing pads names to the longest', () => {
  assert.equal(formatListing([{ kind: 'prop', name: 'a/b', prop: { name: 'b', type: 'opaque', values: ['00ff'] } }]), 'a/b  opaque   00ff\n');
});
