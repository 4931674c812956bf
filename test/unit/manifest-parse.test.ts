import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBundle } from '../../src/core/manifest/parse.js';
import { formatDiagnostic, type Diagnostic } from '../../src/core/manifest/bundle.js';

const HEAD = '<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">\n';
const wrap = (svcBody: string, svcAttrs = 'name="site/x" type="service" version="1"') =>
  `${HEAD}<service_bundle type="manifest" name="t">\n<service ${svcAttrs}>\n${svcBody}\n</service>\n</service_bundle>\n`;

function errors(text: string, file = 'bad.xml'): Diagnostic[] {
  const r = parseBundle(text, file);
  assert.equal(r.ok, false, 'expected the parse to fail');
  return r.ok ? [] : r.diagnostics;
}

test('a minimal manifest parses into the typed tree', () => {
  const r = parseBundle(wrap('<create_default_instance enabled="true"/>\n<exec_method type="method" name="start" exec=":true" timeout_seconds="0"/>'), 'ok.xml');
  assert.ok(r.ok);
  const svc = r.bundle.children[0];
  assert.equal(svc.kind, 'service');
  if (svc.kind !== 'service') return;
  assert.equal(svc.name, 'site/x');
  assert.equal(svc.createDefaultInstance?.enabled, 'true');
  assert.equal(svc.execMethods[0].exec, ':true');
  assert.deepEqual(svc.execMethods[0].loc, { file: 'ok.xml', line: 6, column: 1, path: '/service_bundle[t]/service[site/x]/exec_method[start]' });
});

test('unknown element: file:line:col, element path, and the allowed children', () => {
  const d = errors(wrap('<exec_method type="method" name="start" exec=":true" timeout_seconds="0">\n  <bogus/>\n</exec_method>'));
  assert.equal(d.length, 1);
  const msg = formatDiagnostic(d[0]);
  assert.match(msg, /^bad\.xml:6:3: error: \/service_bundle\[t\]\/service\[site\/x\]\/exec_method\[start\]\/bogus: unknown element <bogus>/);
  assert.match(msg, /allowed children: <method_context>, <stability>, <propval>, <property>/);
});

test('missing required attribute names the attribute and what to add', () => {
  const d = errors(wrap('<exec_method type="method" name="start" exec=":true"/>'));
  assert.equal(d.length, 1);
  assert.match(formatDiagnostic(d[0]), /bad\.xml:5:1: .*exec_method\[start\]: <exec_method> is missing the required attribute 'timeout_seconds'; add timeout_seconds=/);
});

test('bad enumerated value lists the allowed ones', () => {
  const d = errors(wrap('<dependency name="d" grouping="require_some" restart_on="none" type="service"/>'));
  assert.match(formatDiagnostic(d[0]), /dependency\[d\]: attribute grouping='require_some' on <dependency> is invalid; use one of: require_all, require_any, exclude_all, optional_all/);
});

test('unknown attribute is an error', () => {
  const d = errors(wrap('<single_instance foo="1"/>'));
  assert.match(d[0].message, /unknown attribute 'foo' on <single_instance>/);
});

test('wrong child order and cardinality are errors', () => {
  const order = errors(wrap('<stability value="Unstable"/>\n<single_instance/>'));
  assert.match(order[0].message, /<single_instance> is not allowed here in <service> after <stability>/);
  assert.equal(order[0].line, 6);
  const twice = errors(wrap('<single_instance/>\n<single_instance/>'));
  assert.match(twice[0].message, /not allowed here/);
  const missing = errors(wrap('<template><description><loctext xml:lang="C">x</loctext></description></template>'));
  assert.ok(missing.some((x) => /<description> is not allowed here in <template> as the first child.*expected <common_name>/.test(x.message)));
  const empty = errors(wrap('<notification_parameters><event value="to-online"/></notification_parameters>'));
  assert.match(empty[0].message, /<notification_parameters> is incomplete: .*expected <type>/);
});

test('manifest requires propval type; a profile does not', () => {
  const body = '<property_group name="config" type="application"><propval name="a" value="1"/></property_group>';
  const d = errors(wrap(body));
  assert.match(d[0].message, /missing the required attribute 'type'/);
  const prof = `${HEAD}<service_bundle type="profile" name="p"><service name="site/x" type="service" version="1">${body}</service></service_bundle>`;
  assert.ok(parseBundle(prof, 'p.xml').ok);
});

test('stray text in element-only content is an error', () => {
  const d = errors(wrap('oops <single_instance/>'));
  assert.match(d[0].message, /unexpected text "oops"/);
});

test('DOCTYPE must name the service_bundle DTD', () => {
  const none = errors('<?xml version="1.0"?>\n<service_bundle type="manifest" name="x"/>');
  assert.match(none[0].message, /^document DTD unknown; not service bundle\?/);
  const other = errors('<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/tmp/other.dtd">\n<service_bundle type="manifest" name="x"/>');
  assert.match(other[0].message, /^document DTD unknown; not service bundle\?/);
  const single = parseBundle(`<?xml version='1.0'?>\n<!DOCTYPE service_bundle SYSTEM '/usr/share/lib/xml/dtd/service_bundle.dtd.1'>\n<service_bundle type='manifest' name='x'/>`, 'q.xml');
  assert.ok(single.ok);
  // only the system id counts: a public id before it is fine, a public id alone is not
  const pub = parseBundle(`<?xml version="1.0"?>\n<!DOCTYPE service_bundle PUBLIC "-//x//DTD y//EN" "/usr/share/lib/xml/dtd/service_bundle.dtd.1">\n<service_bundle type="manifest" name="x"/>`, 'p.xml');
  assert.ok(pub.ok, pub.ok ? '' : pub.diagnostics[0]!.message);
  const pubOnly = errors('<?xml version="1.0"?>\n<!DOCTYPE service_bundle PUBLIC "/usr/share/lib/xml/dtd/service_bundle.dtd.1">\n<service_bundle type="manifest" name="x"/>');
  assert.match(pubOnly[0].message, /^document DTD unknown; not service bundle\?/);
});

test('billion laughs is rejected immediately, nothing expanded', () => {
  let ents = '<!ENTITY lol "lol">\n';
  for (let i = 1; i < 12; i++) ents += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">\n`;
  const text = `<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1" [\n${ents}]>\n<service_bundle type="manifest" name="&lol11;"/>`;
  const t0 = process.hrtime.bigint();
  const d = errors(text, 'lol.xml');
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.match(d[0].message, /entity declarations are not allowed/);
  assert.ok(ms < 1000, `took ${ms} ms`);
});

test('XXE via an external entity is rejected; nothing is read', () => {
  const text = `<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1" [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<service_bundle type="manifest" name="&xxe;"/>`;
  const d = errors(text, 'xxe.xml');
  assert.match(d[0].message, /entity declarations are not allowed/);
  assert.ok(!d.some((x) => /root:/.test(x.message)));
});

test('an undefined entity reference is rejected with a clear message', () => {
  const d = errors(wrap('<property_group name="c" type="application"><propval name="a" type="astring" value="&foo;"/></property_group>'));
  assert.match(d[0].message, /entity reference not allowed/);
  assert.equal(d[0].line, 5);
});

test('predefined and numeric references are decoded; attribute whitespace normalised as XML requires', () => {
  const r = parseBundle(wrap('<property_group name="c" type="application"><propval name="a" type="astring" value="&lt;&amp;&gt;&quot;&apos;&#10;&#9;x\ny\tz"/></property_group>'), 'ok.xml');
  assert.ok(r.ok);
  const svc = r.bundle.children[0];
  if (svc.kind !== 'service') throw new Error('no service');
  const pv = svc.propertyGroups[0].properties[0];
  assert.equal(pv.kind === 'propval' ? pv.value : '', '<&>"\'\n\tx y z');
});

test('XML syntax errors carry a position', () => {
  const d = errors(`${HEAD}<service_bundle type="manifest" name="x">\n<service name="a"\n</service_bundle>`);
  assert.match(formatDiagnostic(d[0]), /^bad\.xml:\d+:\d+: error: XML syntax error/);
});

test('unknown bundle type is reported', () => {
  const d = errors(`${HEAD}<service_bundle type="weird" name="x"/>`);
  assert.match(d[0].message, /type='weird' is unknown/);
});
