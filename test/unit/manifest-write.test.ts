import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBundle } from '../../src/core/manifest/parse.js';
import { lowerBundle } from '../../src/core/manifest/lower.js';
import { exportBundle } from '../../src/core/manifest/raise.js';
import { escapeAttr, writeBundle } from '../../src/core/manifest/write.js';
import type { ServiceData } from '../../src/core/model.js';

function exportText(svc: ServiceData): string {
  const w = writeBundle(exportBundle(svc).bundle);
  if (!w.ok) assert.fail(w.error);
  return w.text;
}
function reimport(text: string): ServiceData {
  const p = parseBundle(text, 'big.xml');
  if (!p.ok) assert.fail(p.diagnostics.map((d) => d.message).join('\n'));
  const l = lowerBundle(p.bundle);
  assert.deepEqual(l.diagnostics, []);
  return l.services[0];
}

test('a 1 MiB opaque value and a 64 KiB astring with awkward characters survive write+parse byte for byte', () => {
  const bytes = new Uint8Array(1024 * 1024);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) { x = (x * 1103515245 + 12345) & 0x7fffffff; bytes[i] = x & 0xff; }
  const opaque = Buffer.from(bytes).toString('hex');
  const unit = 'line one\nline\ttwo\r\n"quoted" \'single\' ]]> <tag> & ampersand grüße ✓ 𝄞  two  spaces \n';
  let astring = '';
  while (astring.length < 64 * 1024) astring += unit;
  const svc: ServiceData = {
    name: 'system/stmf',
    pgs: [{ name: 'provider_data_pg_sbd', type: 'application', flags: 0, properties: [
      { name: 'lu_data', type: 'opaque', values: [opaque] },
      { name: 'note', type: 'astring', values: [astring] },
      { name: 'multi', type: 'ustring', values: [astring, '', ' lead and trail '] },
    ] }],
    instances: [{ name: 'default', pgs: [{ name: 'general', type: 'framework', flags: 0, properties: [{ name: 'enabled', type: 'boolean', values: ['false'] }] }] }],
  };
  const text = exportText(svc);
  const back = reimport(text);
  assert.deepEqual(back, svc);
  const props = back.pgs[0].properties;
  assert.equal(props[0].values[0].length, 2 * 1024 * 1024);
  assert.equal(props[0].values[0], opaque);
  assert.equal(props[1].values[0], astring);
  assert.equal(exportText(back), text, 'export of the re-imported service is byte-identical');
});

test('attribute escaping covers what XML normalisation would change', () => {
  assert.equal(escapeAttr('a\nb\tc\rd'), 'a&#10;b&#9;c&#13;d');
  assert.equal(escapeAttr(`<&>'"`), `&lt;&amp;&gt;&apos;"`);
});

test('unrepresentable characters make the write fail instead of changing data', () => {
  const svc: ServiceData = {
    name: 'site/x', instances: [],
    pgs: [{ name: 'c', type: 'application', flags: 0, properties: [{ name: 'v', type: 'astring', values: ['bell\u0007'] }] }],
  };
  const w = writeBundle(exportBundle(svc).bundle);
  assert.equal(w.ok, false);
  if (!w.ok) assert.match(w.error, /U\+0007 cannot be represented in XML 1\.0.*opaque/);
});

test('loctext and internal_separators text is written as text (newlines kept, CR escaped)', () => {
  const text = `<?xml version='1.0'?>\n<!DOCTYPE service_bundle SYSTEM '/usr/share/lib/xml/dtd/service_bundle.dtd.1'>\n<service_bundle type='manifest' name='export'>\n  <service name='site/x' type='service' version='0'>\n    <template>\n      <common_name>\n        <loctext xml:lang='C'>a &amp; b&#13;\nc</loctext>\n      </common_name>\n    </template>\n  </service>\n</service_bundle>\n`;
  const p = parseBundle(text, 't.xml');
  assert.ok(p.ok);
  if (!p.ok) return;
  const w = writeBundle(p.bundle);
  assert.ok(w.ok);
  assert.equal(w.ok && w.text, text);
});

test('an svccfg-style export (empty method_context, empty pg) is rewritten byte for byte', () => {
  const text = [
    "<?xml version='1.0'?>",
    "<!DOCTYPE service_bundle SYSTEM '/usr/share/lib/xml/dtd/service_bundle.dtd.1'>",
    "<service_bundle type='manifest' name='export'>",
    "  <service name='site/usbkey-files' type='service' version='0'>",
    "    <create_default_instance enabled='true'/>",
    "    <single_instance/>",
    "    <dependency name='filesystem' grouping='require_all' restart_on='error' type='service'>",
    "      <service_fmri value='svc:/system/filesystem/local'/>",
    '    </dependency>',
    '    <method_context/>',
    "    <exec_method name='start' type='method' exec='/opt/custom/bin/mount-files &quot;start&quot; &amp;&amp; true' timeout_seconds='60'>",
    '      <method_context/>',
    '    </exec_method>',
    "    <property_group name='application' type='application'/>",
    "    <stability value='Evolving'/>",
    '  </service>',
    '</service_bundle>',
    '',
  ].join('\n');
  const p = parseBundle(text, 'export.xml');
  assert.ok(p.ok);
  if (!p.ok) return;
  const w = writeBundle(p.bundle);
  assert.ok(w.ok);
  // &quot; is read as '"', which a single-quoted attribute writes literally
  assert.equal(w.ok && w.text, text.replace(/&quot;/g, '"'));
  const l = lowerBundle(p.bundle);
  assert.deepEqual(l.diagnostics, []);
  assert.deepEqual(l.services[0].pgs.find((g) => g.name === 'method_context')?.properties, []);
});

test('an instance without general/enabled is exported enabled=false and the service keeps its structured form (smf-spec §9)', () => {
  const method = (name: string) => ({ name, type: 'method', flags: 0, properties: [
    { name: 'type', type: 'astring' as const, values: ['method'] }, { name: 'exec', type: 'astring' as const, values: [`/m/${name}`] },
    { name: 'timeout_seconds', type: 'count' as const, values: ['60'] }] });
  const svc: ServiceData = {
    name: 'site/dd',
    pgs: [method('start'), method('stop'), { name: 'db', type: 'dependency', flags: 0, properties: [
      { name: 'grouping', type: 'astring', values: ['require_all'] }, { name: 'restart_on', type: 'astring', values: ['none'] },
      { name: 'type', type: 'astring', values: ['service'] }, { name: 'entities', type: 'fmri', values: ['svc:/site/db'] }] }],
    instances: [
      { name: 'default', pgs: [{ name: 'general', type: 'framework', flags: 0, properties: [{ name: 'enabled', type: 'boolean', values: ['true'] }] }] },
      { name: 'other', pgs: [] },
    ],
  };
  const r = exportBundle(svc);
  const w = writeBundle(r.bundle);
  assert.ok(w.ok);
  const xml = w.ok ? w.text : '';
  assert.match(xml, /<dependency name='db'/);
  assert.match(xml, /<exec_method name='start' type='method'/);
  assert.match(xml, /<instance name='other' enabled='false'/);
  assert.ok(r.warnings.some((w) => w.includes("svc:/site/dd:other: no general/enabled property; exported as enabled='false'")), r.warnings.join('\n'));
  assert.ok(!r.warnings.some((w) => w.includes('cannot reproduce')), r.warnings.join('\n'));
});
