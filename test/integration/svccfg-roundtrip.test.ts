// Golden round trip over the illumos manifest corpus: import -> export -a -> import into a
// fresh root -> export -a again must give byte-identical XML and equal repository content.
// Runs svccfg in-process (main()) against real SQLite files in temporary roots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/svccfg/main.js';
import { PG_FLAG_NONPERSISTENT, type PropertyGroup } from '../../src/core/model.js';
import { Repository } from '../../src/repository/repository.js';
import { ROOT_VIEWER } from '../../src/repository/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../shared/corpus/illumos-manifests');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svccfg-golden-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function svccfg(root: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['--root', root, ...args], { io: { out: (t) => { out += t; }, err: (t) => { err += t; } } });
  return { code, out, err };
}

function normalizedRepo(root: string): unknown {
  const repo = Repository.openOrThrow(path.join(root, 'etc/svc/repository.db'), { readonly: true });
  try {
    const keep = (pgs: PropertyGroup[]) => pgs
      .filter((pg) => pg.name !== 'manifestfiles' && !(pg.flags & PG_FLAG_NONPERSISTENT))
      .map((pg) => [pg.name, pg.type, pg.flags, pg.properties.map((p) => [p.name, p.type, p.values])]);
    return repo.listServices().sort().map((s) => {
      const d = repo.getServiceData(`svc:/${s}`, { viewer: ROOT_VIEWER });
      assert.ok(d.ok);
      return [s, keep(d.value.pgs), d.value.instances.map((i) => [i.name, keep(i.pgs)])];
    });
  } finally {
    repo.close();
  }
}

const isProfile = (file: string) => /<service_bundle[^>]*type=['"]profile['"]/.test(fs.readFileSync(file, 'utf8'));
const files = fs.existsSync(corpus) ? fs.readdirSync(corpus).filter((f) => f.endsWith('.xml')).sort() : [];

test('corpus present', (t) => {
  if (!files.length) { t.skip(`no corpus at ${corpus}`); return; }
  assert.ok(files.length >= 100);
});

for (const f of files) {
  const file = path.join(corpus, f);
  if (isProfile(file)) {
    test(`profile ${f} parses (apply -n)`, async () => {
      const r = await svccfg(path.join(tmp, `${f}-p`), 'apply', '-n', file);
      assert.equal(r.err, '');
      assert.equal(r.code, 0);
    });
    continue;
  }
  test(`round trip ${f}`, async () => {
    const a = path.join(tmp, `${f}-a`);
    const b = path.join(tmp, `${f}-b`);
    const imp = await svccfg(a, 'import', file);
    assert.equal(imp.code, 0, imp.err);
    const inventory = await svccfg(a, 'inventory', file);
    const services = inventory.out.split('\n').filter((l) => l && l.lastIndexOf(':') === 3).map((l) => l.slice(5));
    assert.ok(services.length > 0);
    const first = new Map<string, string>();
    for (const s of services) {
      const x = await svccfg(a, 'export', '-a', s);
      assert.equal(x.code, 0, x.err);
      assert.doesNotMatch(x.err, /cannot reproduce/);
      const out = path.join(tmp, `${f}-${s.replace(/\//g, '_')}.xml`);
      fs.writeFileSync(out, x.out);
      first.set(s, x.out);
      const re = await svccfg(b, 'import', out);
      assert.equal(re.code, 0, re.err);
    }
    for (const s of services) {
      const x = await svccfg(b, 'export', '-a', s);
      assert.equal(x.code, 0, x.err);
      assert.equal(x.out, first.get(s), `second export of ${s} differs`);
    }
    assert.deepEqual(normalizedRepo(b), normalizedRepo(a));
  });
}
