import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBundle } from '../../src/core/manifest/parse.js';
import { resolveIncludes, type IncludeLoader } from '../../src/core/manifest/includes.js';
import { lowerBundle } from '../../src/core/manifest/lower.js';
import type { ServiceBundle } from '../../src/core/manifest/bundle.js';

const HEAD = '<?xml version="1.0"?>\n<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">\n';
const XI = 'xmlns:xi="http://www.w3.org/2001/XInclude"';
const FILES: Record<string, string> = {
  '/m/main.xml': `${HEAD}<service_bundle type="manifest" name="main" ${XI}>\n  <xi:include href="a.xml"/>\n  <xi:include href="b.xml"/>\n</service_bundle>`,
  '/m/a.xml': `${HEAD}<service_bundle type="manifest" name="a"><service name="site/a" type="service" version="1"><create_default_instance enabled="true"/></service></service_bundle>`,
  '/m/b.xml': `${HEAD}<service_bundle type="manifest" name="b" ${XI}><xi:include href="c.xml"/></service_bundle>`,
  '/m/c.xml': `${HEAD}<service_bundle type="manifest" name="c"><service name="site/c" type="service" version="1"/></service_bundle>`,
  '/m/loop.xml': `${HEAD}<service_bundle type="manifest" name="loop" ${XI}><xi:include href="loop.xml"/></service_bundle>`,
  '/m/prof.xml': `${HEAD}<service_bundle type="profile" name="p"/>`,
};
const load: IncludeLoader = (href, from) => {
  const file = href.startsWith('/') ? href : `${from.slice(0, from.lastIndexOf('/'))}/${href}`;
  const text = FILES[file];
  return text === undefined ? { ok: false, error: 'No such file or directory' } : { ok: true, text, file };
};
function parse(file: string): ServiceBundle {
  const p = parseBundle(FILES[file], file);
  if (!p.ok) assert.fail(p.diagnostics.map((d) => d.message).join('\n'));
  return p.bundle;
}

test('xi:include is resolved recursively and lowers like one bundle', () => {
  const r = resolveIncludes(parse('/m/main.xml'), load);
  if (!r.ok) assert.fail(r.diagnostics.map((d) => d.message).join('\n'));
  const l = lowerBundle(r.bundle);
  assert.deepEqual(l.diagnostics, []);
  assert.deepEqual(l.services.map((s) => s.name), ['site/a', 'site/c']);
});

test('include cycles, missing files and type mismatches are diagnostics', () => {
  const loop = resolveIncludes(parse('/m/loop.xml'), load);
  assert.ok(!loop.ok && /cycle/.test(loop.diagnostics[0].message));
  FILES['/m/missing.xml'] = `${HEAD}<service_bundle type="manifest" name="x" ${XI}><xi:include href="nope.xml"/></service_bundle>`;
  const miss = resolveIncludes(parse('/m/missing.xml'), load);
  assert.ok(!miss.ok && /cannot include 'nope.xml': No such file/.test(miss.diagnostics[0].message));
  assert.equal(!miss.ok && miss.diagnostics[0].line, 3);
  FILES['/m/mixed.xml'] = `${HEAD}<service_bundle type="manifest" name="x" ${XI}><xi:include href="prof.xml"/></service_bundle>`;
  const mixed = resolveIncludes(parse('/m/mixed.xml'), load);
  assert.ok(!mixed.ok && /same type/.test(mixed.diagnostics[0].message));
  FILES['/m/fb.xml'] = `${HEAD}<service_bundle type="manifest" name="x" ${XI}><xi:include href="nope.xml"><xi:fallback/></xi:include></service_bundle>`;
  const fb = resolveIncludes(parse('/m/fb.xml'), load);
  assert.ok(fb.ok && fb.bundle.children.length === 0, 'an empty fallback drops the include');
});

test('included files are parsed as the including one: without DTD validation when svccfg runs with SVCCFG_NOVALIDATE', () => {
  const unordered = `${HEAD}<service_bundle type="manifest" name="u"><service name="site/u" type="service" version="1">`
    + '<instance name="default" enabled="false"/><exec_method type="method" name="start" exec=":true" timeout_seconds="1"/></service></service_bundle>';
  const files: Record<string, string> = { '/m/u.xml': unordered };
  const loader: IncludeLoader = (href, from) => {
    const file = `${from.slice(0, from.lastIndexOf('/'))}/${href}`;
    return files[file] !== undefined ? { ok: true, file, text: files[file]! } : { ok: false, error: 'ENOENT' };
  };
  const parsedTop = parseBundle(`${HEAD}<service_bundle type="manifest" name="top" ${XI}><xi:include href="u.xml"/></service_bundle>`, '/m/top.xml');
  assert.ok(parsedTop.ok);
  const top = parsedTop.bundle;
  const strict = resolveIncludes(top, loader, '/m/top.xml');
  assert.equal(strict.ok, false, 'the included file breaks the DTD order');
  const lenient = resolveIncludes(top, loader, '/m/top.xml', { validate: false });
  assert.ok(lenient.ok, lenient.ok ? '' : lenient.diagnostics.map((d) => d.message).join('\n'));
  assert.deepEqual(lowerBundle(lenient.bundle).services.map((s) => s.name), ['site/u']);
});
