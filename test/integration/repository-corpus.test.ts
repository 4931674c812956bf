// The 152 real illumos manifests (../shared/corpus) through the manifest layer into the
// repository: every manifest imports, profiles apply, a second import of everything is a no-op
// without conflict warnings, and the file stays consistent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Repository, VIEW_DIRECT, VIEW_EFFECTIVE } from '../../src/repository/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(HERE, '../../../shared/corpus/illumos-manifests');

function manifests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...manifests(p));
    else if (e.name.endsWith('.xml')) out.push(p);
  }
  return out.sort();
}

test('illumos manifest corpus imports, re-imports cleanly, profiles apply', { skip: !fs.existsSync(CORPUS) && `corpus not found at ${CORPUS}` }, async () => {
  const io = await import('../../src/cli/svccfg/bundle-io.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-corpus-'));
  const repo = Repository.openOrThrow(path.join(dir, 'repository.db'));
  try {
    const files = manifests(CORPUS);
    assert.ok(files.length >= 150, `${files.length} manifests`);
    const imported: string[] = [];
    for (const pass of [1, 2]) {
      const warnings: string[] = [];
      for (const f of files) {
        const l = io.loadAndLower(f);
        assert.ok(l.ok, `${f}: ${l.ok ? '' : l.errors.join('; ')}`);
        const b = l.lowered;
        if (l.lowered.bundleType === 'profile') {
          const a = repo.applyProfile(b);
          assert.ok(a.ok, `${f}: ${a.ok ? '' : a.message}`);
          continue;
        }
        const r = repo.importBundle(b, { manifestPath: f });
        assert.ok(r.ok, `${f}: ${r.ok ? '' : r.message}`);
        if (pass === 1) imported.push(f);
        else warnings.push(...r.value.warnings);
      }
      if (pass === 2) assert.deepEqual(warnings, [], 'a re-import of unchanged manifests warns about nothing');
    }
    assert.ok(imported.length > 100);
    assert.equal(repo.db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(repo.db.pragma('foreign_key_check'), []);
    // spot checks on a well-known manifest: inetd-upgrade's delete="true" dependency is absent
    const up = repo.getPg('svc:/network/inetd-upgrade', 'network', { view: VIEW_DIRECT });
    assert.equal(up.ok, false);
    assert.deepEqual((repo.getProperty('svc:/network/inetd-upgrade:default', 'general', 'enabled', { view: VIEW_EFFECTIVE }) as { ok: true; value: { values: string[] } }).value.values, ['true']);
    for (const fmri of repo.listInstances()) {
      const snaps = repo.listSnapshots(fmri);
      assert.ok(snaps.ok);
      const names = snaps.value.map((s) => s.name);
      // instances created only as <dependent> targets were never imported themselves
      if (names.length) assert.ok(names.includes('running') && names.includes('last-import'), `${fmri}: ${names}`);
    }
  } finally {
    repo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
