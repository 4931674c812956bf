// svccfg as a real process (bin/svccfg, built by `npm run build`) against real repository
// files in temporary roots: the seed manifests, huge values, the editing verbs' exact output
// and errors, scripts, stdin, quoting, read-protected export, delete protection.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Repository } from '../../src/repository/repository.js';
import { ROOT_VIEWER } from '../../src/repository/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const bin = path.join(repoRoot, 'bin/svccfg');
const built = fs.existsSync(path.join(repoRoot, 'dist/svccfg.js'));
const seeds = path.resolve(repoRoot, '../shared/seeds');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svccfg-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshRoot = () => path.join(tmp, `root${++n}`);

function svccfg(root: string, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, '--root', root, ...args], { input: input ?? '', encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function write(name: string, text: string): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
}
function readProp(root: string, fmri: string, pg: string, prop: string) {
  const repo = Repository.openOrThrow(path.join(root, 'etc/svc/repository.db'), { readonly: true });
  try {
    const r = repo.getProperty(fmri, pg, prop, { viewer: ROOT_VIEWER });
    assert.ok(r.ok, !r.ok ? r.message : '');
    return r.value;
  } finally { repo.close(); }
}
const skipUnbuilt = (t: { skip(m: string): void }) => { if (!built) { t.skip('dist/svccfg.js missing: run npm run build'); return true; } return false; };

const manifest = (body: string, name = 'site/t') => `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type='manifest' name='t'>
<service name='${name}' type='service' version='1'>
<create_default_instance enabled='false'/>
<exec_method type='method' name='start' exec='/bin/true' timeout_seconds='10'/>
${body}
</service>
</service_bundle>
`;

test('the seed manifests (002) import verbatim; dependent lands in the target', (t) => {
  if (skipUnbuilt(t)) return;
  const seed = fs.existsSync(seeds) ? fs.readdirSync(seeds).find((f) => f.startsWith('002_')) : undefined;
  if (!seed) { t.skip(`no seed 002 under ${seeds}`); return; }
  const text = fs.readFileSync(path.join(seeds, seed), 'utf8');
  const docs = [...text.matchAll(/<\?xml[\s\S]*?<\/service_bundle>/g)].map((m) => m[0]);
  assert.equal(docs.length, 3);
  const root = freshRoot();
  for (const [i, d] of docs.entries()) {
    const r = svccfg(root, ['import', write(`seed-${i}.xml`, d + '\n')]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
  }
  assert.equal(svccfg(root, ['list']).out, 'zonesequencer/serverzone\nzonesequencer/clientzone\nzonechecker/serverzone\n');
  const client = svccfg(root, ['-s', 'zonesequencer/clientzone:default', 'listprop', 'clientzone']);
  assert.equal(client.code, 0, client.err);
  assert.match(client.out, /^clientzone +dependency$/m);
  assert.match(client.out, /^clientzone\/entities +fmri +svc:\/zonechecker\/serverzone$/m);
  assert.match(client.out, /^clientzone\/external +boolean +true$/m);
  const checker = svccfg(root, ['export', 'zonechecker/serverzone']);
  assert.match(checker.out, /<dependent name='clientzone' grouping='require_all' restart_on='none'>/);
  assert.doesNotMatch(svccfg(root, ['export', 'zonesequencer/clientzone']).out, /clientzone' grouping/);
  const cfg = svccfg(root, ['-s', 'zonechecker/serverzone:default', 'listprop', 'config_params/host']);
  assert.equal(cfg.out, 'config_params/host  astring  192.168.56.102\n');
  // deleting the declarer removes the dependency it injected into the target
  const del = svccfg(root, ['delete', 'zonechecker/serverzone']);
  assert.equal(del.code, 0, del.err);
  assert.equal(svccfg(root, ['-s', 'zonesequencer/clientzone:default', 'listpg']).out, 'general        framework\nconfig_params  application\n');
});

test('1 MiB opaque, 64 KiB astring and a 4 KiB opaque (CR 6694511) survive export/import byte for byte', (t) => {
  if (skipUnbuilt(t)) return;
  const bytes = (len: number, seed: number) => Buffer.from(Array.from({ length: len }, (_, i) => (i * 131 + seed) & 0xff)).toString('hex');
  const big = bytes(1 << 20, 7);
  const lu = bytes(4096, 3);
  const str = Array.from({ length: 64 * 1024 }, (_, i) => String.fromCharCode(33 + (i % 90))).join('').replace(/[<>&'"]/g, 'x');
  const m = manifest(`<property_group name='provider_data_pg_sbd' type='application'>
<propval name='lu' type='opaque' value='${lu}'/>
<propval name='blob' type='opaque' value='${big}'/>
<propval name='text' type='astring' value='${str}'/>
</property_group>`);
  const a = freshRoot();
  assert.equal(svccfg(a, ['import', write('big.xml', m)]).code, 0);
  const x1 = svccfg(a, ['export', '-a', 'site/t']);
  assert.equal(x1.code, 0, x1.err);
  const b = freshRoot();
  const re = svccfg(b, ['import', write('big-export.xml', x1.out)]);
  assert.equal(re.code, 0, re.err);
  assert.equal(readProp(b, 'svc:/site/t', 'provider_data_pg_sbd', 'blob').values[0], big);
  assert.equal(readProp(b, 'svc:/site/t', 'provider_data_pg_sbd', 'lu').values[0], lu);
  assert.equal(readProp(b, 'svc:/site/t', 'provider_data_pg_sbd', 'text').values[0], str);
  assert.equal(svccfg(b, ['export', '-a', 'site/t']).out, x1.out);
});

test('editing verbs through a script: exact listprop/listpg output, P flag, errors with FILE:LINE', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  assert.equal(svccfg(root, ['import', write('edit.xml', manifest(''))]).code, 0);
  const script = write('edit.svccfg', [
    'select site/t:default',
    'addpg config application',
    'setprop config/pool = astring: main',
    'setprop config/ports = count: (3260 3261)',
    'addpg scratch application P',
    'listpg',
    'listprop config',
    'setprop config/pool = count: 3',
    'setprop config/bad-1 = nosuchtype: x',
    'delprop config/ports',
    'listprop config/*',
  ].join('\n') + '\n');
  const r = svccfg(root, ['-f', script]);
  assert.equal(r.code, 1);
  assert.equal(r.out, [
    'general  framework',
    'config   application',
    'scratch  application\tNONPERSISTENT',
    'config        application',
    'config/pool   astring  main',
    'config/ports  count    3260 3261',
    'config/pool  astring  main',
    '',
  ].join('\n'));
  const errs = r.err.trimEnd().split('\n');
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, new RegExp(`^svccfg: ${script.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:8: setprop: type mismatch for property "config/pool": it has type astring, not count`));
  assert.match(errs[1]!, /:9: setprop: Unknown property type "nosuchtype"/);
  const unknown = svccfg(root, ['-s', 'site/nonexistent', 'listprop']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.err, "svccfg: Pattern 'site/nonexistent' doesn't match any instances or services\n");
  const usage = svccfg(root, ['-x']);
  assert.equal(usage.code, 2);
});

test('values with spaces, quotes, backslashes and newlines round-trip through setprop and export', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  assert.equal(svccfg(root, ['import', write('q.xml', manifest(''))]).code, 0);
  const tricky = 'a "quoted" value; $(rm -rf /) `x` \\ back\nsecond  line\ttab';
  const quoted = '"' + tricky.replace(/[\\"]/g, (m) => '\\' + m) + '"';
  const r = svccfg(root, ['-s', 'site/t:default'], `addpg config application\nsetprop config/s = astring: ${quoted}\nsetprop config/l = astring: ("x y" ${quoted} "")\n`);
  assert.equal(r.code, 0, r.err);
  assert.equal(readProp(root, 'svc:/site/t:default', 'config', 's').values[0], tricky);
  assert.deepEqual(readProp(root, 'svc:/site/t:default', 'config', 'l').values, ['x y', tricky, '']);
  // command-line words are joined and re-read, as in illumos: quote for svccfg inside the shell quoting
  const cl = svccfg(root, ['-s', 'site/t:default', 'setprop', 'config/c', '=', 'astring:', '"two words"']);
  assert.equal(cl.code, 0, cl.err);
  assert.equal(readProp(root, 'svc:/site/t:default', 'config', 'c').values[0], 'two words');
  const list = svccfg(root, ['-s', 'site/t:default', 'listprop', 'config/c']);
  assert.equal(list.out, 'config/c  astring  "two words"\n');
  const x = svccfg(root, ['export', 'site/t']);
  const b = freshRoot();
  assert.equal(svccfg(b, ['import', write('q-export.xml', x.out)]).code, 0);
  assert.equal(readProp(b, 'svc:/site/t:default', 'config', 's').values[0], tricky);
  assert.deepEqual(readProp(b, 'svc:/site/t:default', 'config', 'l').values, ['x y', tricky, '']);
});

test('export leaves read-protected values out (and says so); -a includes them', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const m = manifest(`<property_group name='secret' type='application'>
<propval name='read_authorization' type='astring' value='solaris.smf.read.t'/>
<propval name='password' type='astring' value='hunter2'/>
</property_group>`);
  assert.equal(svccfg(root, ['import', write('p.xml', m)]).code, 0);
  const plain = svccfg(root, ['export', 'site/t']);
  assert.equal(plain.code, 0);
  assert.doesNotMatch(plain.out, /hunter2/);
  assert.match(plain.out, /name='password'/);
  assert.match(plain.err, /read-protected property group 'secret'.*-a/);
  const all = svccfg(root, ['export', '-a', 'site/t']);
  assert.match(all.out, /value='hunter2'/);
  assert.equal(all.err, '');
});

test('export > FILE, archive, extract, inventory, validate', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const file = write('v.xml', manifest('', 'site/v'));
  assert.equal(svccfg(root, ['import', file]).code, 0);
  const out = path.join(tmp, 'v-out.xml');
  const r = svccfg(root, [], `export site/v > ${out}\n`);
  assert.equal(r.code, 0, r.err);
  assert.equal(fs.readFileSync(out, 'utf8'), svccfg(root, ['export', 'site/v']).out);
  assert.match(svccfg(root, ['archive']).out, /<service_bundle type='archive' name='none'>/);
  assert.match(svccfg(root, ['extract']).out, /<service_bundle type='profile' name='extract'>[\s\S]*<instance name='default' enabled='false'\/>/);
  assert.equal(svccfg(root, ['inventory', file]).out, 'svc:/site/v\nsvc:/site/v:default\n');
  assert.equal(svccfg(root, ['validate', file]).code, 0);
  const broken = write('broken.xml', manifest('<bogus/>', 'site/b'));
  const bad = svccfg(root, ['validate', broken]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /broken\.xml:\d+:\d+: error: .*bogus/);
  const inst = svccfg(root, ['export', 'v:default']);
  assert.equal(inst.code, 1);
  assert.match(inst.err, /export needs a service: svccfg export site\/v/);
});

test('delete refuses an online instance without -f; profiles apply to existing instances', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  assert.equal(svccfg(root, ['import', write('d.xml', manifest('', 'site/d'))]).code, 0);
  const repo = Repository.openOrThrow(path.join(root, 'etc/svc/repository.db'));
  assert.ok(repo.writeRestarterState('svc:/site/d:default', { state: 'online', next_state: 'none' }).ok);
  repo.close();
  const profile = write('prof.xml', `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type='profile' name='p'>
<service name='site/d' type='service' version='1'><instance name='default' enabled='true'/></service>
<service name='site/absent' type='service' version='1'><instance name='default' enabled='true'/></service>
</service_bundle>
`);
  const ap = svccfg(root, ['apply', profile]);
  assert.equal(ap.code, 0, ap.err);
  assert.deepEqual(readProp(root, 'svc:/site/d:default', 'general', 'enabled').values, ['true']);
  const refused = svccfg(root, ['delete', 'site/d']);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /svc:\/site\/d:default is online; disable it first/);
  assert.equal(svccfg(root, ['list']).out, 'site/d\n');
  assert.equal(svccfg(root, ['delete', '-f', 'site/d']).code, 0);
  assert.equal(svccfg(root, ['list']).out, '');
});

test('import warns about template violations; import -V refuses and imports nothing', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const m = manifest(`<template>
<common_name><loctext xml:lang='C'>t</loctext></common_name>
<pg_pattern name='config' type='application' target='this' required='true'>
<prop_pattern name='pool' type='astring' required='true'/>
</pg_pattern>
</template>`, 'site/tv');
  const file = write('tv.xml', m);
  // validate FILE checks the bundle against its own templates too
  const v = svccfg(root, ['validate', file]);
  assert.equal(v.code, 1);
  assert.match(v.err, /validate: .*tv\.xml: template violation: svc:\/site\/tv:default: required property group "config" is missing/);
  const strict = svccfg(root, ['import', '-V', file]);
  assert.equal(strict.code, 1);
  assert.match(strict.err, /template violation: svc:\/site\/tv:default: required property group "config" is missing/);
  assert.equal(svccfg(root, ['list']).out, '');
  const loose = svccfg(root, ['import', file]);
  assert.equal(loose.code, 0);
  assert.match(loose.err, /template violation/);
  const fix = svccfg(root, ['-s', 'site/tv'], 'addpg config application\nsetprop config/pool = astring: tank\nvalidate site/tv:default\n');
  assert.equal(fix.code, 0, fix.err);
  assert.equal(svccfg(root, ['validate', 'site/tv:default']).code, 0);
  const wrongType = svccfg(root, ['-s', 'site/tv'], 'delprop config/pool\nsetprop config/pool = count: 1\nvalidate site/tv:default\n');
  assert.equal(wrongType.code, 1);
  assert.match(wrongType.err, /property "config\/pool" has type count, but its template .* requires astring/);
});

test('interactive mode on a terminal: prompts show the selection, quotes continue over lines', (t) => {
  if (skipUnbuilt(t)) return;
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!hasScript) { t.skip('util-linux script(1) not available to provide a pty'); return; }
  const root = freshRoot();
  assert.equal(svccfg(root, ['add', 'site/x']).code, 0);
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} --root ${JSON.stringify(root)}`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    input: 'select site/x\nadd default\nselect default\naddpg a application\nsetprop a/b = astring: "two\nlines"\nlistprop a/b\nquit\n',
    encoding: 'utf8', timeout: 20_000,
  });
  // eslint-disable-next-line no-control-regex
  const plain = r.stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
  assert.match(plain, /svc:> /);
  assert.match(plain, /svc:\/site\/x> /);
  assert.match(plain, /svc:\/site\/x:default> /);
  assert.match(plain, /a\/b  astring  "two\nlines"/);
  assert.deepEqual(readProp(root, 'svc:/site/x:default', 'a', 'b').values, ['two\nlines']);
});

test('editprop runs $EDITOR on commented commands and applies what was uncommented', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  assert.equal(svccfg(root, ['import', write('ed.xml', manifest(`<property_group name='config' type='application'>
<propval name='pool' type='astring' value='main'/>
<propval name='note' type='astring' value='line one&#10;line two'/>
</property_group>`, 'site/ed'))]).code, 0);
  const editor = write('editor.sh', `#!/bin/sh\ncp "$1" ${JSON.stringify(path.join(tmp, 'seen.txt'))}\nsed -i 's|^# setprop config/pool = astring: "main"$|setprop config/pool = astring: tank|' "$1"\n`);
  fs.chmodSync(editor, 0o755);
  const r = spawnSync(process.execPath, [bin, '--root', root, '-s', 'site/ed', 'editprop'], { encoding: 'utf8', env: { ...process.env, EDITOR: editor } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readProp(root, 'svc:/site/ed', 'config', 'pool').values[0], 'tank');
  const seen = fs.readFileSync(path.join(tmp, 'seen.txt'), 'utf8');
  assert.ok(seen.split('\n').every((l) => l === '' || l.startsWith('#')));
  assert.match(seen, /^## config\/note has a value containing a newline/m);
  const failing = spawnSync(process.execPath, [bin, '--root', root, '-s', 'site/ed', 'editprop'], { encoding: 'utf8', env: { ...process.env, EDITOR: 'false' } });
  assert.equal(failing.status, 1);
  assert.match(failing.stderr, /editprop: the editor \(false\) exited with status 1; nothing changed/);
});

test('one-shot -s FMRI verbs: selectsnap + listpg shows the instance snaplevel; setenv/unsetenv; describe', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const body = `<property_group name='config' type='application'><propval name='pool' type='astring' value='tank'/></property_group>
<template><common_name><loctext xml:lang='C'>test service</loctext></common_name></template>`;
  assert.equal(svccfg(root, ['import', write('snap.xml', manifest(body))]).code, 0);
  // the instance level of `running` holds general only; the composed view would add start, config, tm_*
  const snap = svccfg(root, ['-s', 'site/t:default'], 'selectsnap running\nlistpg\nlistprop general\n');
  assert.equal(snap.code, 0, snap.err);
  assert.equal(snap.out, 'general  framework\ngeneral          framework\ngeneral/enabled  boolean  false\n');
  const svcLevel = svccfg(root, ['-s', 'site/t'], 'listpg config\n');
  assert.equal(svcLevel.out, 'config  application\n');
  // setenv / unsetenv in one-shot form, each a separate process
  assert.equal(svccfg(root, ['-s', 'site/t:default', 'setenv', 'LANG', 'C.UTF-8']).code, 0);
  assert.equal(svccfg(root, ['-s', 'site/t:default', 'setenv', '-m', 'start', 'ZPOOL', 'tank']).code, 1, 'start is a service-level pg, not the instance\'s');
  assert.equal(svccfg(root, ['-s', 'site/t', 'setenv', '-m', 'start', 'ZPOOL', 'tank']).code, 0);
  assert.deepEqual(readProp(root, 'svc:/site/t:default', 'method_context', 'environment').values, ['LANG=C.UTF-8']);
  assert.deepEqual(readProp(root, 'svc:/site/t', 'start', 'environment').values, ['ZPOOL=tank']);
  assert.equal(svccfg(root, ['-s', 'site/t:default', 'unsetenv', 'LANG']).code, 0);
  assert.deepEqual(readProp(root, 'svc:/site/t:default', 'method_context', 'environment').values, []);
  // describe names pgs and properties with the template's words
  const d = svccfg(root, ['-s', 'site/t', 'describe']);
  assert.equal(d.code, 0, d.err);
  assert.match(d.out, /^config\s+application/m);
  assert.match(d.out, /^config\/pool\s+astring\s+tank$/m);
  // an unknown verb in one-shot form: exit 1 and a message naming it
  const bad = svccfg(root, ['-s', 'site/t', 'frobnicate']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /frobnicate/);
});

test('xi:include through the file loader: relative hrefs, nested bundles imported as one; cycles and missing files are located errors', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const XI = `xmlns:xi='http://www.w3.org/2001/XInclude'`;
  const head = `<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">\n`;
  fs.mkdirSync(path.join(tmp, 'inc'), { recursive: true });
  write('inc/sub.xml', manifest('', 'site/included'));
  write('inc-main.xml', `${head}<service_bundle type='manifest' name='main' ${XI}>\n  <xi:include href='inc/sub.xml'/>\n  <xi:include href='inc/none.xml'><xi:fallback/></xi:include>\n</service_bundle>\n`);
  const ok = svccfg(root, ['import', path.join(tmp, 'inc-main.xml')]);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.err, /inc-main\.xml:5:\d+: warning: .*none\.xml.*xi:fallback/);
  assert.deepEqual(readProp(root, 'svc:/site/included:default', 'general', 'enabled').values, ['false']);
  const loop = write('inc-loop.xml', `${head}<service_bundle type='manifest' name='loop' ${XI}>\n  <xi:include href='inc-loop.xml'/>\n</service_bundle>\n`);
  const cyc = svccfg(root, ['import', loop]);
  assert.equal(cyc.code, 1);
  assert.match(cyc.err, /inc-loop\.xml:4:\d+: error: \/service_bundle\[loop\]\/xi:include: .*cycle/);
  const missing = write('inc-missing.xml', `${head}<service_bundle type='manifest' name='m' ${XI}>\n  <xi:include href='nope.xml'/>\n</service_bundle>\n`);
  const miss = svccfg(root, ['import', missing]);
  assert.equal(miss.code, 1);
  assert.match(miss.err, /inc-missing\.xml:4:\d+: error: .*cannot include 'nope\.xml'.*ENOENT/);
});

test('archive then restore into an empty root: the administrator\'s values and enabled state come back, with no last-import', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const file = write('r.xml', manifest("<property_group name='config' type='application'><propval name='port' type='count' value='80'/></property_group>", 'site/r'));
  assert.equal(svccfg(root, ['import', file]).code, 0);
  assert.equal(svccfg(root, [], 'select site/r\nsetprop config/port = count: 8080\nselect site/r:default\nsetprop general/enabled = true\n').code, 0);
  const archive = path.join(tmp, 'r-archive.xml');
  assert.equal(svccfg(root, [], `archive > ${archive}\n`).code, 0);

  const other = freshRoot();
  const r = svccfg(other, ['restore', archive]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readProp(other, 'svc:/site/r', 'config', 'port').values, ['8080']);
  assert.deepEqual(readProp(other, 'svc:/site/r:default', 'general', 'enabled').values, ['true']);
  // no last-import (illumos SCI_NOSNAP): the archive holds the administrator's values, not a delivered manifest
  assert.equal(svccfg(other, ['-s', 'site/r:default', 'listsnap']).out, 'initial\nrunning\n');

  // the manifest imported again (a package update) keeps what was restored and becomes the baseline
  const again = svccfg(other, ['import', file]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, /svc:\/site\/r: no instance has a "last-import" snapshot .*existing values are kept/);
  assert.deepEqual(readProp(other, 'svc:/site/r', 'config', 'port').values, ['8080']);
  assert.deepEqual(readProp(other, 'svc:/site/r:default', 'general', 'enabled').values, ['true']);
  assert.equal(svccfg(other, ['-s', 'site/r:default', 'listsnap']).out, 'initial\nrunning\nprevious\nlast-import\n');
  // from then on the normal upgrade: the port is the administrator's (80 delivered, 8080 set), kept with a warning
  const upd = write('r2.xml', manifest("<property_group name='config' type='application'><propval name='port' type='count' value='81'/></property_group>", 'site/r'));
  const third2 = svccfg(other, ['import', upd]);
  assert.equal(third2.code, 0, third2.err);
  assert.doesNotMatch(third2.err, /last-import/);
  assert.deepEqual(readProp(other, 'svc:/site/r', 'config', 'port').values, ['8080']);

  // a manifest is not an archive: nothing is written
  const third = freshRoot();
  const wrong = svccfg(third, ['restore', file]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /r\.xml is a manifest, not an archive .*import it with "svccfg import /);
  assert.equal(svccfg(third, ['list']).out, '');
});

test('set shows and switches verbose mode; a bad option is a usage error', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const file = write('sv.xml', manifest('', 'site/sv'));
  const r = svccfg(root, [], `set\nset -v\nset\nimport ${file}\nset -V\nset\n`);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'noverbose\nverbose\nnoverbose\n');
  assert.match(r.err, /svccfg: import: created svc:\/site\/sv:default/);
  const bad = svccfg(root, ['set', '-x']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /Usage: set \[-v \| -V\]/);
});

test('repository FILE: a private repository, created when absent, leaves the root\'s alone and tells no restarter', async (t) => {
  if (skipUnbuilt(t)) return;
  const net = await import('node:net');
  const { spawn } = await import('node:child_process');
  const root = freshRoot();
  // a stand-in for svc.startd on the root's control socket: counts connections, answers none
  const sockDir = path.join(root, 'run', 'tsmf');
  fs.mkdirSync(sockDir, { recursive: true });
  let connections = 0;
  const server = net.createServer((sock) => { connections++; sock.destroy(); });
  await new Promise<void>((resolve) => server.listen(path.join(sockDir, 'control.sock'), resolve));
  t.after(() => server.close());
  const run = (script: string) => new Promise<{ code: number | null; err: string }>((resolve) => {
    const c = spawn(process.execPath, [bin, '--root', root], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => { err += d; });
    c.on('close', (code) => resolve({ code, err }));
    c.stdin.end(script);
  });
  const priv = path.join(tmp, `private-${n}.db`);
  const file = write('pr.xml', manifest('', 'site/private'));
  const p = await run(`repository ${priv}\nimport ${file}\n`);
  assert.equal(p.code, 0, p.err);
  assert.match(p.err, /private-\d+\.db did not exist; created an empty repository/);
  assert.equal(connections, 0, 'an import into a private repository must not notify the restarter');
  assert.equal(svccfg(root, ['list']).out, '', 'the root repository is untouched');
  assert.equal(svccfg(root, [], `repository ${priv}\nlist\n`).out, 'site/private\n');
  // the same import into the root's repository does reach the control socket
  const sys = await run(`import ${file}\n`);
  assert.equal(sys.code, 0, sys.err);
  assert.ok(connections >= 1, 'the stand-in saw the notification of a normal import');
  assert.match(sys.err, /the restarter was not told about the change/);

  const noDir = svccfg(root, ['repository', path.join(tmp, 'no-such-dir', 'x.db')]);
  assert.equal(noDir.code, 1);
  assert.match(noDir.err, /repository: the directory .*no-such-dir does not exist/);
  const junk = write('junk.db', 'not a database\n');
  const j = svccfg(root, [], `repository ${junk}\nlist\n`);
  assert.equal(j.code, 1);
  assert.match(j.err, /repository: cannot open repository .*junk\.db: file is not a database/);
  assert.equal(j.out, 'site/private\n', 'after a failed switch the session still uses the root repository');
});

test('another user: read-protected values withheld by listprop unless granted; a write the file refuses is "Permission denied."', { skip: process.getuid?.() !== 0 && 'needs root to switch to an unprivileged uid' }, (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const file = write('sec.xml', manifest(`<property_group name='creds' type='application'>
<propval name='read_authorization' type='astring' value='site.read'/><propval name='password' type='astring' value='hunter2'/>
</property_group>`, 'site/sec'));
  assert.equal(svccfg(root, ['import', file]).code, 0);
  // the repository readable by everyone, writable by root only (as a state root under / would be)
  for (let d = root; d.startsWith(tmp); d = path.dirname(d)) fs.chmodSync(d, 0o755);
  for (const d of ['etc', 'etc/svc']) fs.chmodSync(path.join(root, d), 0o755);
  for (const f of fs.readdirSync(path.join(root, 'etc/svc'))) fs.chmodSync(path.join(root, 'etc/svc', f), 0o644);
  const nobody = (args: string[]) => {
    const r = spawnSync(process.execPath, [bin, '--root', root, ...args], { encoding: 'utf8', uid: 65534, gid: 65534 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  // a reader that may not create the WAL index next to a WAL database needs it to exist: svc.startd keeps
  // the repository open (and so the index) while it runs; this connection stands in for it
  const daemonLike = Repository.openOrThrow(path.join(root, 'etc/svc/repository.db'));
  t.after(() => daemonLike.close());
  for (const f of fs.readdirSync(path.join(root, 'etc/svc'))) fs.chmodSync(path.join(root, 'etc/svc', f), 0o644);
  const hidden = nobody(['-s', 'site/sec', 'listprop', 'creds/password']);
  assert.equal(hidden.code, 0, hidden.err);
  assert.match(hidden.out, /^creds\/password\s+astring\s*$/m);
  assert.doesNotMatch(hidden.out, /hunter2/);
  fs.writeFileSync(path.join(root, 'etc/user_attr'), 'nobody::::auths=site.read\n', { mode: 0o644 });
  assert.match(nobody(['-s', 'site/sec', 'listprop', 'creds/password']).out, /^creds\/password\s+astring\s+hunter2$/m);
  const w = nobody(['-s', 'site/sec', 'setprop', 'creds/password', '=', 'astring:', 'x']);
  assert.equal(w.code, 1);
  assert.match(w.err, /Permission denied\.\n$/);
  assert.doesNotMatch(w.err, /SqliteError|\n\s+at /);
  assert.deepEqual(readProp(root, 'svc:/site/sec', 'creds', 'password').values, ['hunter2']);
});

test('SVCCFG_NOVALIDATE: no DTD check, svccfg\'s own "property type missing"; SVCCFG_DTD is said to be ignored', (t) => {
  if (skipUnbuilt(t)) return;
  const root = freshRoot();
  const file = write('nv.xml', manifest("<property_group name='cfg' type='application'><propval name='p' value='v'/></property_group>", 'site/nv'));
  const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [bin, '--root', root, 'import', file], { encoding: 'utf8', env: { ...process.env, ...env } });
  const strict = run({});
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /is missing the required attribute 'type'/);
  const lenient = run({ SVCCFG_NOVALIDATE: '1' });
  assert.equal(lenient.status, 1);
  assert.match(lenient.stderr, /nv\.xml:\d+:\d+: error: .*propval\[p\]: property type missing for property 'cfg\/p'/);
  assert.equal(svccfg(root, ['list']).out, '', 'nothing imported');
  const ok = spawnSync(process.execPath, [bin, '--root', root, 'import', write('nv2.xml', manifest('', 'site/nv2'))], { encoding: 'utf8', env: { ...process.env, SVCCFG_DTD: '/tmp/other.dtd' } });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /SVCCFG_DTD=\/tmp\/other\.dtd is ignored/);
});
