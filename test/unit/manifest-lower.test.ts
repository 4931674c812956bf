import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBundle } from '../../src/core/manifest/parse.js';
import { injectedDependencyPg, lowerBundle, manifestPropName, type LowerResult } from '../../src/core/manifest/lower.js';
import { dependentFromTargetPg, exportBundle, archiveBundle } from '../../src/core/manifest/raise.js';
import { writeBundle } from '../../src/core/manifest/write.js';
import { formatDiagnostic } from '../../src/core/manifest/bundle.js';
import { findPg, findProp, type PropertyGroup, type ServiceData } from '../../src/core/model.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/manifests');
const HEAD = '<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">\n';

function lower(text: string, file = 't.xml', manifestPath?: string): LowerResult {
  const p = parseBundle(text, file);
  if (!p.ok) assert.fail(p.diagnostics.map(formatDiagnostic).join('\n'));
  return lowerBundle(p.bundle, { manifestPath });
}
const svcXml = (body: string, type = 'manifest') =>
  `${HEAD}<service_bundle type="${type}" name="t"><service name="site/x" type="service" version="1">${body}</service></service_bundle>`;
const props = (pg: PropertyGroup | undefined) => pg?.properties.map((p) => [p.name, p.type, p.values]);

const full = () => lower(fs.readFileSync(path.join(FIXTURES, 'full.xml'), 'utf8'), 'full.xml', '/var/svc/manifest/site/tank-import.xml');

test('fixture lowers without diagnostics; manifestfiles records the path', () => {
  const l = full();
  assert.deepEqual(l.diagnostics, []);
  const s = l.services[0];
  assert.equal(s.pgs[0].name, 'manifestfiles');
  assert.deepEqual(props(s.pgs[0]), [['var_svc_manifest_site_tank-import_xml', 'astring', ['/var/svc/manifest/site/tank-import.xml']]]);
  assert.equal(manifestPropName('/lib/svc/manifest/a.b/c.xml'), 'lib_svc_manifest_a_b_c_xml');
});

test('exec_method -> method pg; timeout -1 wraps; method_profile in the method pg', () => {
  const s = full().services[0];
  assert.deepEqual(props(findPg(s.pgs, 'start')), [
    ['type', 'astring', ['method']], ['exec', 'astring', ['/lib/svc/method/tank-import %m %{config/pool}']],
    ['timeout_seconds', 'count', ['0']], ['use_profile', 'boolean', ['true']], ['profile', 'astring', ['ZFS File System Management']],
  ]);
  assert.equal(findPg(s.pgs, 'start')?.type, 'method');
  assert.deepEqual(findProp(findPg(s.pgs, 'stop'), 'timeout_seconds')?.values, ['18446744073709551615']);
  assert.deepEqual(findProp(findPg(s.pgs, 'stop'), 'stability')?.values, ['Stable']);
});

test('entity method_context -> method_context pg (framework) with credential and environment', () => {
  const mc = findPg(full().services[0].pgs, 'method_context');
  assert.equal(mc?.type, 'framework');
  assert.deepEqual(props(mc), [
    ['working_directory', 'astring', ['/var/tmp']], ['project', 'astring', [':default']], ['use_profile', 'boolean', ['false']],
    ['user', 'astring', ['root']], ['group', 'astring', ['root']], ['privileges', 'astring', ['basic,sys_mount']],
    ['environment', 'astring', ['PATH=/usr/sbin:/usr/bin', 'ZPOOL_IMPORT_OPTS=-o cachefile=none']],
  ]);
});

test('dependency -> dependency pg with fmri entities', () => {
  const d = findPg(full().services[0].pgs, 'blockers');
  assert.equal(d?.type, 'dependency');
  assert.deepEqual(props(d), [
    ['type', 'astring', ['path']], ['restart_on', 'astring', ['none']], ['grouping', 'astring', ['exclude_all']],
    ['entities', 'fmri', ['file://localhost/etc/zfs/noimport-tank', 'file://localhost/etc/zfs/.autolock.tank']],
    ['stability', 'astring', ['Unstable']], ['note', 'astring', ['block files']],
  ]);
});

test('create_default_instance, instance enabled, single_instance, restarter, stability', () => {
  const s = full().services[0];
  assert.deepEqual(s.instances.map((i) => i.name), ['default', 'second']);
  assert.deepEqual(props(findPg(s.instances[0].pgs, 'general')), [['enabled', 'boolean', ['true']]]);
  assert.deepEqual(props(findPg(s.instances[1].pgs, 'general')), [['enabled', 'boolean', ['false']], ['restarter', 'fmri', ['svc:/network/inetd:default']]]);
  assert.deepEqual(props(findPg(s.pgs, 'general')), [['single_instance', 'boolean', ['true']], ['entity_stability', 'astring', ['Unstable']]]);
});

test('dependents: returned as data, recorded in the dependents pg, injected pg shape', () => {
  const l = full();
  assert.deepEqual(l.dependents.map((d) => [d.declaringFmri, d.targetFmri, d.pgName, d.grouping, d.restartOn, d.atLevel]), [
    ['svc:/site/tank-import', 'svc:/network/nfs/server', 'tank-import_nfs', 'require_all', 'restart', 'service'],
    ['svc:/site/tank-import:second', 'svc:/system/zones:default', 'second_zones', 'optional_all', 'none', 'instance'],
  ]);
  assert.deepEqual(props(findPg(l.services[0].pgs, 'dependents')), [['tank-import_nfs', 'fmri', ['svc:/network/nfs/server']]]);
  const pg = injectedDependencyPg(l.dependents[0]);
  assert.deepEqual(props(pg), [
    ['grouping', 'astring', ['require_all']], ['restart_on', 'astring', ['restart']], ['type', 'astring', ['service']],
    ['entities', 'fmri', ['svc:/site/tank-import']], ['external', 'boolean', ['true']],
    ['entity_stability', 'astring', ['Evolving']], ['why', 'astring', ['exports live on tank']],
  ]);
  const back = dependentFromTargetPg('svc:/site/tank-import', 'svc:/network/nfs/server', pg, 'service');
  assert.deepEqual(back, { ...l.dependents[0], override: false });
});

test('notification_parameters -> one notify_params pg per state transition', () => {
  const s = full().services[0];
  const pgs = s.pgs.filter((p) => p.type === 'notify_params');
  assert.deepEqual(pgs.map((p) => p.name), ['to-maintenance', 'from-online']);
  assert.deepEqual(props(pgs[0]), [
    ['smtp,to', 'astring', ['root@localhost']], ['smtp,cc', 'astring', ['a@example.com', 'b@example.com']],
    ['smtp,active', 'boolean', ['true']], ['snmp,active', 'boolean', ['false']],
  ]);
});

test('templates -> tm_* pgs with svccfg names and DTD defaults applied', () => {
  const s = full().services[0];
  assert.deepEqual(props(findPg(s.pgs, 'tm_common_name')), [['C', 'ustring', ['Import the tank ZFS pool']], ['de_DE_UTF_8', 'ustring', ['Den Pool tank importieren']]]);
  assert.deepEqual(props(findPg(s.pgs, 'tm_man_svc_startd1M')), [['title', 'astring', ['svc.startd']], ['section', 'astring', ['1M']], ['manpath', 'astring', [':default']]]);
  assert.ok(findPg(s.pgs, 'tm_doc_openzfs_org'));
  assert.equal(findPg(s.pgs, 'tm_pgpatnt_config')?.type, 'template_pg_pattern');
  assert.deepEqual(props(findPg(s.pgs, 'tm_pgpatt_framework')), [['name', 'astring', ['']], ['type', 'astring', ['framework']], ['target', 'astring', ['this']], ['required', 'boolean', ['false']]]);
  const pp = findPg(s.pgs, 'tm_proppat_nt_config_pool');
  assert.equal(pp?.type, 'template_prop_pattern');
  assert.deepEqual(findProp(pp, 'internal_separators')?.values, [',', ';']);
  assert.deepEqual(findProp(pp, 'constraint_name')?.values, ['tank', 'rpool']);
  assert.deepEqual(findProp(pp, 'choices_range')?.values, ['0,10']);
  assert.deepEqual(findProp(pp, 'choices_include_values')?.values, ['constraints']);
  assert.deepEqual(findProp(findPg(s.pgs, 'tm_proppat_nt_config_delay'), 'cardinality_min')?.values, ['0']);
  assert.ok(s.pgs.find((p) => p.name === 'tm_proppat_nt_config_pool')?.properties.some((p) => /^value_[0-9A-V-]+_common_name_C$/.test(p.name)));
});

test('export of the fixture regenerates dependents and round-trips; output is svccfg-shaped', () => {
  const l = full();
  const svc = l.services[0];
  const exp = exportBundle(svc, { dependents: l.dependents });
  assert.deepEqual(exp.warnings, []);
  const w = writeBundle(exp.bundle);
  if (!w.ok) assert.fail(w.error);
  assert.ok(w.text.startsWith("<?xml version='1.0'?>\n<!DOCTYPE service_bundle SYSTEM '/usr/share/lib/xml/dtd/service_bundle.dtd.1'>\n<service_bundle type='manifest' name='export'>\n  <service name='site/tank-import' type='service' version='0'>\n    <create_default_instance enabled='true'/>\n    <single_instance/>\n"));
  assert.match(w.text, /\n    <dependent name='tank-import_nfs' grouping='require_all' restart_on='restart'>\n      <service_fmri value='svc:\/network\/nfs\/server'\/>/);
  assert.match(w.text, /<exec_method name='stop' type='method' exec=':kill -TERM' timeout_seconds='18446744073709551615'>/);
  assert.ok(!w.text.includes('manifestfiles'));
  const again = lower(w.text, 'export.xml');
  const { pgs, ...rest } = svc;
  assert.deepEqual(again.services[0], { ...rest, pgs: pgs.filter((p) => p.name !== 'manifestfiles') });
});

test('export skips NONPERSISTENT and external dependency pgs; archive has type archive', () => {
  const svc: ServiceData = {
    name: 'network/nfs/server',
    pgs: [
      { name: 'tank-import_nfs', type: 'dependency', flags: 0, properties: [{ name: 'external', type: 'boolean', values: ['true'] }] },
      { name: 'config', type: 'application', flags: 0, properties: [{ name: 'a', type: 'astring', values: ['1'] }] },
    ],
    instances: [{ name: 'default', pgs: [
      { name: 'general', type: 'framework', flags: 0, properties: [{ name: 'enabled', type: 'boolean', values: ['true'] }] },
      { name: 'restarter', type: 'framework', flags: 1, properties: [{ name: 'state', type: 'astring', values: ['online'] }] },
    ] }],
  };
  const a = archiveBundle([svc]);
  assert.equal(a.bundle.type, 'archive');
  assert.equal(a.bundle.name, 'none');
  const w = writeBundle(a.bundle);
  assert.ok(w.ok);
  const text = w.ok ? w.text : '';
  assert.ok(!text.includes('tank-import_nfs'));
  assert.ok(!text.includes("name='restarter'"));
  assert.match(text, /<create_default_instance enabled='true'\/>/);
});

test('profiles: missing types are returned as untyped; templates are refused', () => {
  const l = lower(svcXml('<instance name="default" enabled="true"><property_group name="config"><propval name="pool" value="main"/></property_group></instance>', 'profile'));
  assert.deepEqual(l.diagnostics, []);
  assert.equal(l.bundleType, 'profile');
  assert.deepEqual(l.untyped, [{ entity: 'svc:/site/x:default', pg: 'config', prop: 'pool' }]);
  const bad = lower(svcXml('<template><common_name><loctext xml:lang="C">x</loctext></common_name></template>', 'profile'));
  assert.match(bad.diagnostics[0].message, /may not be modified in a profile/);
});

test('lowering errors name file, line and property and say what to do', () => {
  const cases: [string, RegExp][] = [
    ['<method_context><method_environment><envvar name="SMF_FMRI" value="x"/></method_environment></method_context>', /"SMF_" prefix is reserved/],
    ['<method_context><method_environment><envvar name="A=B" value="x"/></method_environment></method_context>', /must not contain '='/],
    ['<dependency name="d" grouping="require_all" restart_on="none" type="service"><service_fmri value="svc:/1bad"/></dependency>', /dependency 'd': invalid fmri value/],
    ['<exec_method type="method" name="start" exec=":true" timeout_seconds="0x10"/>', /illegal timeout_seconds/],
    ['<property_group name="c" type="application"><propval name="b" type="boolean" value="1"/></property_group>', /must be literally true or false/],
    ['<property_group name="c" type="application"><propval name="n" type="count" value="abc"/></property_group>', /property 'c\/n' of svc:\/site\/x: invalid count value "abc"/],
    ['<property_group name="c" type="application"><propval name="n" type="astring" value="1"/><propval name="n" type="astring" value="2"/></property_group>', /defined more than once/],
    ['<property_group name="c" type="application"/><property_group name="c" type="framework"/>', /already exists with type 'application'/],
    ['<property_group name="c" type="application"><property name="l" type="count"><astring_list><value_node value="x"/></astring_list></property></property_group>', /does not match <astring_list>/],
    ['<property_group name="bad name" type="application"/>', /invalid property group name/],
  ];
  for (const [body, re] of cases) {
    const l = lower(svcXml(body), 'e.xml');
    assert.ok(l.diagnostics.length > 0, `expected a diagnostic for ${body}`);
    const msg = formatDiagnostic(l.diagnostics[0]);
    assert.match(msg, re, body);
    assert.match(msg, /^e\.xml:3:\d+: error: \/service_bundle\[t\]\/service\[site\/x\]/);
  }
});

test('dependent with the name of an existing pg is a conflict', () => {
  const l = lower(svcXml('<dependency name="n" grouping="require_all" restart_on="none" type="service"/><dependent name="n" grouping="require_all" restart_on="none"><service_fmri value="svc:/a/b"/></dependent>'));
  assert.match(l.diagnostics[0].message, /same name "n"/);
});

test('FMA notification events only on the notify-params instance', () => {
  const l = lower(svcXml('<notification_parameters><event value="problem-diagnosed"/><type name="smtp"/></notification_parameters>'));
  assert.match(l.diagnostics[0].message, /notify-params:default/);
});

test('unresolved xi:include is a clear error', () => {
  const p = parseBundle(`${HEAD}<service_bundle type="manifest" name="t" xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="other.xml"/></service_bundle>`, 'i.xml');
  assert.ok(p.ok);
  if (!p.ok) return;
  const l = lowerBundle(p.bundle);
  assert.match(l.diagnostics[0].message, /unresolved <xi:include href='other.xml'>/);
});

test('base32hex encoding of template value names (scf_encode32, "-" padding)', async () => {
  const { encode32, decode32 } = await import('../../src/core/manifest/lower-template.js');
  assert.equal(encode32('f'), 'CO------');
  assert.equal(encode32('foobar'), 'CPNMUOJ1E8------');
  for (const s of ['', '-1', 'a b/c', 'grüße']) assert.equal(decode32(encode32(s)), s);
});

test('a profile instance may leave enabled out (general is then not touched)', () => {
  const l = lower(svcXml('<instance name="default"><property_group name="config" type="application"><propval name="pool" type="astring" value="main"/></property_group></instance>', 'profile'));
  assert.deepEqual(l.diagnostics, []);
  assert.deepEqual(l.services[0].instances[0].pgs.map((p) => p.name), ['config']);
  const p = parseBundle(svcXml('<instance name="default"/>'), 'm.xml');
  assert.ok(!p.ok && /missing the required attribute 'enabled'/.test(p.diagnostics[0].message));
});

test('export of repository data in another property order still uses the structured elements', () => {
  const svc: ServiceData = {
    name: 'site/edited',
    pgs: [
      { name: 'start', type: 'method', flags: 0, properties: [
        { name: 'timeout_seconds', type: 'count', values: ['30'] },
        { name: 'exec', type: 'astring', values: ['/bin/true'] },
        { name: 'type', type: 'astring', values: ['method'] },
      ] },
      { name: 'dep', type: 'dependency', flags: 0, properties: [
        { name: 'entities', type: 'fmri', values: ['svc:/a/b'] },
        { name: 'grouping', type: 'astring', values: ['require_any'] },
        { name: 'restart_on', type: 'astring', values: ['error'] },
        { name: 'type', type: 'astring', values: ['service'] },
      ] },
      { name: 'general', type: 'framework', flags: 0, properties: [
        { name: 'entity_stability', type: 'astring', values: ['Evolving'] },
        { name: 'single_instance', type: 'boolean', values: ['true'] },
      ] },
    ],
    instances: [],
  };
  const exp = exportBundle(svc);
  assert.deepEqual(exp.warnings, []);
  const s = exp.bundle.children[0];
  assert.ok(s.kind === 'service' && s.execMethods.length === 1 && s.dependencies.length === 1 && s.singleInstance && s.stability?.value === 'Evolving');
  const w = writeBundle(exp.bundle);
  const again = lower(w.ok ? w.text : '', 'edited.xml').services[0];
  const sortAll = (x: ServiceData) => x.pgs.map((p) => [p.name, p.properties.map((q) => q.name).sort()]).sort();
  assert.deepEqual(sortAll(again), sortAll(svc));
});

test('without DTD validation (SVCCFG_NOVALIDATE): child order is free, a missing type is "property type missing", a missing xml:lang is unknown', () => {
  const text = `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="nv">
  <service name="site/nv" type="service" version="1">
    <instance name="default" enabled="false"/>
    <exec_method type="method" name="start" exec=":true" timeout_seconds="1"/>
    <property_group name="cfg" type="application"><propval name="p" value="v"/></property_group>
    <template><common_name><loctext>no language</loctext></common_name></template>
  </service>
</service_bundle>
`;
  const strict = parseBundle(text, 'nv.xml');
  assert.equal(strict.ok, false, 'the DTD refuses the order, the missing type and the missing xml:lang');
  const lenient = parseBundle(text, 'nv.xml', { validate: false });
  assert.ok(lenient.ok, lenient.ok ? '' : lenient.diagnostics.map((d) => d.message).join('\n'));
  const lowered = lowerBundle(lenient.bundle);
  const errors = lowered.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  assert.deepEqual(errors, ["property type missing for property 'cfg/p'; add type=\"astring\" (or another type)"]);
  const typed = parseBundle(text.replace('<propval name="p" value="v"/>', '<propval name="p" type="astring" value="v"/>'), 'nv.xml', { validate: false });
  assert.ok(typed.ok);
  const svc = lowerBundle(typed.bundle).services[0]!;
  assert.deepEqual(svc.pgs.find((pg) => pg.name === 'tm_common_name')?.properties.map((p) => [p.name, p.values]), [['unknown', ['no language']]]);
});
