// All 152 illumos manifests and the three zone manifests of seed 002: parse, validate, lower,
// raise (export), write, re-parse, re-lower -> identical ServiceData; writing the re-parsed
// export is byte-identical to the first export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBundle } from '../../src/core/manifest/parse.js';
import { lowerBundle, type LowerResult } from '../../src/core/manifest/lower.js';
import { exportBundle } from '../../src/core/manifest/raise.js';
import { writeBundle } from '../../src/core/manifest/write.js';
import { formatDiagnostic } from '../../src/core/manifest/bundle.js';
import type { ServiceData } from '../../src/core/model.js';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');
const CORPUS = path.join(SHARED, 'corpus/illumos-manifests');
const SEEDS = path.join(SHARED, 'seeds');

function lowerText(text: string, file: string): LowerResult {
  const p = parseBundle(text, file);
  if (!p.ok) assert.fail(p.diagnostics.map(formatDiagnostic).join('\n'));
  const l = lowerBundle(p.bundle);
  assert.deepEqual(l.diagnostics.map(formatDiagnostic), [], `${file}: lowering diagnostics`);
  return l;
}

/** Export one service and check the full round trip; returns the export text. */
function roundTrip(svc: ServiceData, low: LowerResult, file: string): string {
  const deps = low.dependents.filter((d) => d.declaringFmri === `svc:/${svc.name}` || d.declaringFmri.startsWith(`svc:/${svc.name}:`));
  const exp = exportBundle(svc, { dependents: deps, includeProtected: true });
  assert.deepEqual(exp.warnings, [], `${file} ${svc.name}: export warnings`);
  const w = writeBundle(exp.bundle);
  if (!w.ok) assert.fail(w.error);
  const again = lowerText(w.text, `${file}#export`);
  assert.equal(again.services.length, 1);
  assert.deepEqual(again.services[0], svc, `${file} ${svc.name}: re-lowered ServiceData differs`);
  assert.deepEqual(again.dependents.map((d) => ({ ...d, override: false })), deps.map((d) => ({ ...d, override: false })), `${file} ${svc.name}: dependents differ`);
  const p2 = parseBundle(w.text, 'export.xml');
  if (!p2.ok) assert.fail('re-parse failed');
  const w2 = writeBundle(p2.bundle);
  assert.ok(w2.ok);
  assert.equal(w2.ok && w2.text, w.text, `${file} ${svc.name}: writing the re-parsed export is not byte-identical`);
  return w.text;
}

test('all illumos corpus manifests round-trip through export', (t) => {
  if (!fs.existsSync(CORPUS)) { t.skip(`${CORPUS} not present`); return; }
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
  assert.equal(files.length, 152);
  let services = 0;
  for (const f of files) {
    const low = lowerText(fs.readFileSync(path.join(CORPUS, f), 'utf8'), f);
    assert.ok(low.services.length >= 1 || low.bundleType === 'profile', `${f}: no services`);
    for (const svc of low.services) { roundTrip(svc, low, f); services++; }
  }
  assert.ok(services >= 152);
});

test('read-protected values are omitted from an export unless asked, with a warning', (t) => {
  const f = path.join(CORPUS, 'cmd__smbsrv__smbd__server.xml');
  if (!fs.existsSync(f)) { t.skip(`${f} not present`); return; }
  const low = lowerText(fs.readFileSync(f, 'utf8'), 'smb.xml');
  const svc = low.services[0];
  const exp = exportBundle(svc);
  assert.ok(exp.warnings.some((w) => /read-protected property group 'read'/.test(w)));
  const w = writeBundle(exp.bundle);
  assert.ok(w.ok);
  const again = lowerText(w.ok ? w.text : '', 'smb-export.xml').services[0];
  const read = again.pgs.find((p) => p.name === 'read');
  assert.ok(read && read.properties.every((p) => p.values.length === 0));
});

test('the three zone manifests of seed 002 parse and lower', (t) => {
  if (!fs.existsSync(SEEDS)) { t.skip(`${SEEDS} not present`); return; }
  const seed = fs.readdirSync(SEEDS).find((f) => f.startsWith('002_'));
  if (!seed) { t.skip('seed 002 not present'); return; }
  const text = fs.readFileSync(path.join(SEEDS, seed), 'utf8');
  const docs: string[] = [];
  let at = 0;
  for (;;) {
    const s = text.indexOf('<?xml', at);
    if (s < 0) break;
    const e = text.indexOf('</service_bundle>', s);
    docs.push(text.slice(s, e + '</service_bundle>'.length));
    at = e;
  }
  assert.equal(docs.length, 3);
  const names = docs.map((d, i) => {
    const low = lowerText(d, `seed002-${i}.xml`);
    for (const svc of low.services) roundTrip(svc, low, `seed002-${i}`);
    return low;
  });
  assert.deepEqual(names.map((l) => l.services[0].name), ['zonesequencer/serverzone', 'zonesequencer/clientzone', 'zonechecker/serverzone']);
  const checker = names[2];
  assert.deepEqual(checker.dependents.map((d) => [d.declaringFmri, d.targetFmri, d.pgName, d.grouping, d.restartOn]),
    [['svc:/zonechecker/serverzone', 'svc:/zonesequencer/clientzone:default', 'clientzone', 'require_all', 'none']]);
  const cn = names[0].services[0].pgs.find((p) => p.name === 'tm_common_name');
  assert.deepEqual(cn?.properties, [{ name: 'C', type: 'ustring', values: ['zonestartup'] }], 'loctext is trimmed as svccfg does');
  const inst = names[0].services[0].instances[0];
  assert.equal(inst.name, 'default');
  assert.deepEqual(inst.pgs[0].properties[0], { name: 'enabled', type: 'boolean', values: ['false'] });
});
