// Every dependency entity and grouping/restart_on/type in the 152 real illumos manifests must be
// accepted by the engine's dependency parser (a light regex scan of the XML; the manifest layer
// is tested elsewhere). Skips when ../shared is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDependencyGroups } from '../../src/core/engine/dependencies.js';
import { dependencyPg } from '../../src/core/engine/sim.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../shared/corpus/illumos-manifests');

test('illumos manifests: all <dependency>/<dependent> declarations parse', (t) => {
  if (!fs.existsSync(corpus)) { t.skip(`corpus not found at ${corpus}`); return; }
  let groups = 0;
  for (const f of fs.readdirSync(corpus).filter((n) => n.endsWith('.xml'))) {
    const xml = fs.readFileSync(path.join(corpus, f), 'utf8');
    const re = /<(dependency|dependent)\b([^>]*)>([\s\S]*?)<\/\1>/g;
    for (let m = re.exec(xml); m; m = re.exec(xml)) {
      const attr = (n: string) => new RegExp(`${n}=['"]([^'"]*)['"]`).exec(m![2])?.[1];
      const entities = [...m[3].matchAll(/<service_fmri\s+value=['"]([^'"]*)['"]/g)].map((x) => x[1]);
      const type = m[1] === 'dependent' ? 'service' : attr('type') ?? 'service';
      const pg = dependencyPg(attr('name') ?? 'x', attr('grouping') ?? 'require_all', attr('restart_on') ?? 'none', type, entities);
      const r = parseDependencyGroups([pg]);
      assert.ok(r.ok, `${f}: ${r.ok ? '' : r.message}`);
      groups++;
    }
  }
  assert.ok(groups > 100, `only ${groups} dependency declarations found`);
});
