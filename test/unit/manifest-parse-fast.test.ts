// parseBundle's fast path (core/manifest/parse-fast.ts: DTD checks and typed nodes built while
// scanning) against the reference path (saxes + Validator + build): same bundle, key order
// included, for every document it accepts; every invalid document goes to the reference path
// (same diagnostics). The illumos corpus, crafted structural errors, seeded random mutations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBundle, parseBundleReference } from '../../src/core/manifest/parse.js';
import { parseAndLowerFast, parseBundleFast } from '../../src/core/manifest/parse-fast.js';
import { lowerBundle } from '../../src/core/manifest/lower.js';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/illumos-manifests');
const DOCTYPE = '<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">';

/** Checks one document; returns whether the fast path took it. */
function same(text: string, what: string): boolean {
  const fast = parseBundleFast(text, 'f.xml');
  const ref = parseBundleReference(text, 'f.xml');
  if (fast !== undefined) {
    assert.ok(ref.ok, `${what}: the fast path accepted a document the reference path rejects\n${text}`);
    assert.deepStrictEqual(fast, ref.bundle, `${what}: bundles differ`);
    assert.equal(JSON.stringify(fast), JSON.stringify(ref.bundle), `${what}: key order differs`);
  }
  assert.deepStrictEqual(parseBundle(text, 'f.xml'), ref, what);
  // parsed and lowered service by service: the same as lowering the whole reference bundle
  const streamed = parseAndLowerFast(text, 'f.xml');
  if (streamed !== undefined) {
    assert.ok(ref.ok && ref.bundle.children.every((c) => c.kind === 'service'), `${what}: streamed a bundle that is not services only`);
    assert.deepStrictEqual(streamed, lowerBundle(ref.bundle), `${what}: streamed lowering differs`);
  } else assert.ok(fast === undefined || !fast.children.every((c) => c.kind === 'service'), `${what}: a bundle of services was not streamed`);
  return fast !== undefined;
}

const SAMPLE = `<?xml version="1.0"?>
${DOCTYPE}
<service_bundle type='manifest' name='x'>
  <service name='site/x' type='service' version='1'>
    <create_default_instance enabled='false'/>
    <single_instance/>
    <dependency name='fs' grouping='require_all' restart_on='none' type='service'>
      <service_fmri value='svc:/system/filesystem/local'/>
    </dependency>
    <exec_method type='method' name='start' exec='/bin/x &amp;' timeout_seconds='60'>
      <method_context working_directory='/'><method_credential user='root' group='root'/></method_context>
    </exec_method>
    <property_group name='pg' type='application'>
      <stability value='Evolving'/>
      <propval name='p' type='astring' value='a'/>
      <property name='l' type='count'><count_list><value_node value="1"/><value_node value='2'/></count_list></property>
    </property_group>
    <instance name='i' enabled='true'><property_group name='q' type='application'/></instance>
    <stability value='Unstable'/>
    <template>
      <common_name><loctext xml:lang='C'>Text &amp; more</loctext></common_name>
      <description><loctext lang='C'>A description</loctext></description>
      <documentation><manpage title='x' section='1M'/></documentation>
      <pg_pattern name='pg' type='application' target='this' required='false'>
        <prop_pattern name='p' type='astring' required='true'><cardinality min='1' max='1'/><internal_separators>,</internal_separators></prop_pattern>
      </pg_pattern>
    </template>
  </service>
</service_bundle>
`;

test('parse fast path: a valid bundle gives the reference bundle', () => {
  assert.ok(same(SAMPLE, 'sample'), 'the sample was declined');
  assert.ok(same(SAMPLE.replace("type='manifest'", "type='profile'").replace(" type='astring' value='a'", " value='a'"), 'profile'), 'profile declined');
  assert.ok(same(`${DOCTYPE}<service_bundle type="manifest" name="y" xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="a.xml"/></service_bundle>`, 'include'));
});

test('parse fast path: streamed lowering keeps lowering errors, duplicates and their order', () => {
  const two = SAMPLE.replace('</service_bundle>', `<service name='site/y' type='service' version='1'>
    <property_group name='bad name' type='x'/><instance name='a' enabled='true'/></service>
  <service name='site/x' type='service' version='1'/>
</service_bundle>`);
  assert.ok(same(two, 'two services'));
  const streamed = parseAndLowerFast(two, 'f.xml')!;
  assert.deepEqual(streamed.services.map((x) => x.name), ['site/x', 'site/y']);
  assert.ok(streamed.diagnostics.some((d) => d.message.includes('declared more than once')));
});

test('parse fast path: structural errors go to the reference path', () => {
  const invalid = [
    SAMPLE.replace("<single_instance/>", ''), // still valid: control
    SAMPLE.replace("<single_instance/>", '<single_instance>x</single_instance>'),
    SAMPLE.replace("<single_instance/>", '<single_instance><stability value="Stable"/></single_instance>'),
    SAMPLE.replace("<single_instance/>", '<bogus/>'),
    SAMPLE.replace("<stability value='Unstable'/>", ''), // valid
    SAMPLE.replace("<stability value='Evolving'/>", "<stability value='Shaky'/>"),
    SAMPLE.replace("grouping='require_all' ", ''),
    SAMPLE.replace("grouping='require_all'", "grouping='require_all' colour='red'"),
    SAMPLE.replace("<create_default_instance enabled='false'/>\n    <single_instance/>", "<single_instance/>\n    <create_default_instance enabled='false'/>"),
    SAMPLE.replace("type='manifest'", "type='bundle'"),
    SAMPLE.replace("<service_bundle type='manifest' name='x'>", "<service_bundle type='manifest' name='x'>text"),
    SAMPLE.replace("<loctext xml:lang='C'>Text", "<loctext xml:lang='C'><b/>Text"),
    SAMPLE.replace('<count_list>', '<astring_list>').replace('</count_list>', '</astring_list>'),
    SAMPLE.replace("<property_group name='q' type='application'/>", "<property_group name='q'/>"),
    SAMPLE.replace("<service_bundle type='manifest' name='x'>", "<service_bundle type='manifest' name='x'><xi:include href='a'><xi:fallback/></xi:include>"),
    SAMPLE.replace("<template>", "<template><description><loctext xml:lang='C'>d</loctext></description>"),
  ];
  const accepted = invalid.map((t, i) => same(t, `case ${i}`));
  assert.deepEqual(accepted.map((a, i) => [i, a]).filter(([, a]) => a).map(([i]) => i), [0, 4, 12]); // 12: a list of another type is a lowering error, not a structural one
});

test('parse fast path: the illumos corpus parses the same (almost all through the fast path)', (t) => {
  if (!fs.existsSync(CORPUS)) { t.skip(`corpus not found at ${CORPUS}`); return; }
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
  let fast = 0;
  for (const f of files) if (same(fs.readFileSync(path.join(CORPUS, f), 'utf8'), f)) fast++;
  assert.ok(files.length > 100 && fast >= files.length - 5, `fast path took ${fast} of ${files.length}`);
});

test('parse fast path: random structural mutations never disagree with the reference path', () => {
  let seed = 11;
  const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  const bits = ['<stability value="Stable"/>', '<single_instance/>', '<propval name="z" type="astring" value="v"/>', 'x', ' ',
    '<instance name="j" enabled="false"/>', "type='boolean' ", "required='maybe' ", '<value_node value="3"/>', '</a>', '<loctext xml:lang="C">t</loctext>'];
  let accepted = 0;
  for (let it = 0; it < 1500; it++) {
    let t = SAMPLE;
    for (let m = 1 + rnd(2); m > 0; m--) {
      const tags = [...t.matchAll(/<[^!?][^>]*>/g)];
      const tag = tags[rnd(tags.length)]!;
      const op = rnd(3);
      if (op === 0) t = t.slice(0, tag.index) + t.slice(tag.index + tag[0].length); // drop a tag
      else if (op === 1) t = t.slice(0, tag.index) + bits[rnd(bits.length)] + t.slice(tag.index); // insert before a tag
      else { const sp = t.indexOf(' ', tag.index); if (sp > 0 && sp < tag.index + tag[0].length) t = t.slice(0, sp) + ' ' + bits[rnd(bits.length)] + t.slice(sp); }
    }
    if (same(t, `mutation ${it}`)) accepted++;
  }
  assert.ok(accepted > 20, `only ${accepted} mutated documents went through the fast path`);
});
