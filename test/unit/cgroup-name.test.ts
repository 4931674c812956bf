// Contract group names of FMRIs (adapters/process/cgroup-path.ts): the fast path for FMRIs with
// only '/' to escape must name groups exactly as the general escaping does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupNameForFmri } from '../../src/adapters/process/cgroup-path.js';

const general = (fmri: string) => fmri.replace(/^svc:\/*/, '')
  .replace(/[%/~\s\\]|^\./g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));

test('group names: usual FMRIs, and every character that needs escaping', () => {
  const table: [string, string][] = [
    ['svc:/site/pool-import:default', 'site%2Fpool-import:default'],
    ['svc:/milestone/multi-user-server:default', 'milestone%2Fmulti-user-server:default'],
    ['svc:///site/x:y', 'site%2Fx:y'],
    ['site/x:y', 'site%2Fx:y'],
    ['svc:/a%b/c:d', 'a%25b%2Fc:d'],
    ['svc:/a~b:c', 'a%7Eb:c'],
    ['svc:/a b\tc:d', 'a%20b%09c:d'],
    ['svc:/a\\b:c', 'a%5Cb:c'],
    ['svc:/.hidden/x:y', '%2Ehidden%2Fx:y'],
    ['svc:/x.y/z:w', 'x.y%2Fz:w'],
    ['svc:/a\u00a0b:c', 'a%A0b:c'],
  ];
  for (const [fmri, name] of table) {
    assert.equal(cgroupNameForFmri(fmri), name, fmri);
    assert.equal(cgroupNameForFmri(fmri), general(fmri), `${fmri}: as the general escaping`);
    assert.ok(!cgroupNameForFmri(fmri).includes('/'));
  }
});
