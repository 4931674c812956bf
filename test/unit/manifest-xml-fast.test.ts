// The fast XML path (core/manifest/xml-fast.ts) against the saxes reader it stands in for:
// whenever it accepts a document, the tree must equal saxes' (names, attributes, text,
// line/column); it must decline everything saxes rejects. Crafted documents, the illumos
// corpus, and seeded random mutations of a manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDoctype, readXml, readXmlWithSaxes } from '../../src/core/manifest/xml.js';
import { readXmlFast } from '../../src/core/manifest/xml-fast.js';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/illumos-manifests');
const DOCTYPE = '<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">';

/** Checks one document; returns whether the fast path took it. */
function same(text: string, what: string): boolean {
  const fast = readXmlFast(text, checkDoctype);
  const slow = readXmlWithSaxes(text, 'f.xml');
  if (fast !== undefined) {
    assert.ok(slow.ok, `${what}: the fast path accepted a document saxes rejects (${slow.ok ? '' : slow.message})\n${text}`);
    assert.deepStrictEqual(fast, slow.root, `${what}: trees differ\n${text}`);
  }
  assert.deepStrictEqual(readXml(text, 'f.xml'), slow, what);
  return fast !== undefined;
}

const SAMPLE = `<?xml version="1.0"?>
${DOCTYPE}
<!-- a comment -->
<service_bundle type='manifest' name='x'>
  <service name='site/x' type='service' version='1'>
    <create_default_instance enabled='false'/>
    <exec_method type='method' name='start' exec='/bin/x -a &amp; "q" &#10;&#x9;&lt;&gt;&apos;' timeout_seconds='60' />
    <property_group name='pg' type='application'>
      <propval name='p' type='astring' value='a
b	c'/>
      <property name='l' type='astring'><astring_list><value_node value="1"/><value_node value='2'/></astring_list></property>
    </property_group>
    <template><common_name><loctext xml:lang='C'>Text &amp; more &#233; <!-- in between --> end</loctext></common_name></template>
  </service>
</service_bundle>
`;

test('fast path: accepted documents give the saxes tree, with the same line and column', () => {
  const accepted = [
    SAMPLE,
    SAMPLE.replace('<?xml version="1.0"?>', "<?xml version='1.0' encoding='UTF-8'?>"),
    SAMPLE.replace('<?xml version="1.0"?>', '<?xml version = "1.0"  standalone="no" ?>'),
    SAMPLE.replace('<?xml version="1.0"?>\n', ''),
    SAMPLE.replace("<service name='site/x'", "<service\n name='site/x'"),
    SAMPLE.replace("<service name='site/x'", "<service\tname = 'site/x'"),
    SAMPLE.replace('</service_bundle>', '</service_bundle >\n<!-- after -->\n'),
    SAMPLE.replace("<!-- a comment -->", '<!---->'),
    SAMPLE.replace('&amp; more', '&#x1F600; &#128512; more'),
    `${DOCTYPE}<service_bundle type="manifest" name="y"/>`,
    `${DOCTYPE.replace('"/usr', "'/usr").replace('1">', "1'>")}<service_bundle type="manifest" name="y"></service_bundle>`,
  ];
  for (const [i, t] of accepted.entries()) assert.ok(same(t, `accepted #${i}`), `accepted #${i} was declined by the fast path`);
  const root = readXmlFast(SAMPLE, checkDoctype)!;
  const svc = root.children[0]!;
  assert.deepEqual([svc.line, svc.column], [5, 3]);
  assert.equal(svc.children[1]!.attrs.find(([k]) => k === 'exec')![1], '/bin/x -a & "q" \n\t<>\'');
});

test('fast path: declines what it does not handle, and everything saxes rejects', () => {
  const declined = [
    SAMPLE.replace(/\n/g, '\r\n'),
    '\uFEFF' + SAMPLE,
    SAMPLE.replace('Text', 'Text <![CDATA[x]]>'),
    SAMPLE.replace('<!-- a comment -->', '<?pi x?>'),
    SAMPLE.replace('&amp; more', '&nbsp; more'),
    SAMPLE.replace('&amp; more', '&#0; more'),
    SAMPLE.replace('Text', 'Te]]>xt'),
    SAMPLE.replace("name='pg'", "name='pg' name='pg2'"),
    SAMPLE.replace("name='pg' type", "name='pg'type"),
    SAMPLE.replace("<!-- a comment -->", '<!-- a -- comment -->'),
    SAMPLE.replace("<!-- a comment -->", '<!-- a comment --->'),
    SAMPLE.replace(DOCTYPE, DOCTYPE.replace('>', ' [ <!ENTITY x "y"> ]>')),
    SAMPLE.replace(DOCTYPE, DOCTYPE.replace('service_bundle.dtd.1', 'other.dtd')),
    SAMPLE.replace(DOCTYPE, ''),
    SAMPLE.replace('</service_bundle>', '</service_bundle><service_bundle/>'),
    SAMPLE.replace('</service_bundle>', ''),
    SAMPLE.replace('</property_group>', '</property_groupx>'),
    SAMPLE.replace('</service_bundle>', '</service_bundle>x'),
    SAMPLE.replace('value="1"', 'value="<"'),
    SAMPLE.replace("<service name", "<s\u00e9rvice name"),
    SAMPLE.replace("Text", "Text \u0001"),
    SAMPLE.replace("Text", "Text \uD83D\uDE00"),
    SAMPLE.replace('<?xml version="1.0"?>', '<?xml version="1.1"?>'),
    SAMPLE.replace('<?xml version="1.0"?>', ' <?xml version="1.0"?>'),
    SAMPLE.replace("enabled='false'/>", "enabled='false' / >"),
    SAMPLE.replace("enabled='false'", 'enabled=false'),
    '',
  ];
  for (const [i, t] of declined.entries()) assert.notEqual(t, SAMPLE, `declined #${i} does not change the sample`);
  for (const [i, t] of declined.entries()) assert.equal(same(t, `declined #${i}`), false, `declined #${i} was accepted by the fast path`);
});

test('fast path: the illumos corpus reads the same (and almost all through the fast path)', (t) => {
  if (!fs.existsSync(CORPUS)) { t.skip(`corpus not found at ${CORPUS}`); return; }
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
  let fast = 0;
  for (const f of files) if (same(fs.readFileSync(path.join(CORPUS, f), 'utf8'), f)) fast++;
  assert.ok(files.length > 100 && fast >= files.length - 5, `fast path took ${fast} of ${files.length}`);
});

test('fast path: random mutations of a manifest never disagree with saxes', () => {
  let seed = 7;
  const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  const bits = ['<', '>', '&', '"', "'", '/', '=', ' ', '\n', '\t', '-', '!', '?', ']', '[', ';', '#', 'x', 'a', ':', '\r', '\u00e9',
    '\uD83D\uDE00', '&amp;', '&#10;', '&#x41;', '&foo;', '<!--', '-->', ']]>', '<a>', '</a>', '<b/>', '\u0000', '\uFEFF'];
  let accepted = 0;
  for (let it = 0; it < 3000; it++) {
    let t = SAMPLE;
    for (let m = 1 + rnd(3); m > 0; m--) {
      const at = rnd(t.length + 1);
      const op = rnd(3);
      if (op === 0) t = t.slice(0, at) + bits[rnd(bits.length)] + t.slice(at);
      else if (op === 1) t = t.slice(0, at) + t.slice(at + 1 + rnd(4));
      else { const len = rnd(12); t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at); }
    }
    if (same(t, `mutation ${it}`)) accepted++;
  }
  assert.ok(accepted > 100, `only ${accepted} mutated documents went through the fast path`);
});
