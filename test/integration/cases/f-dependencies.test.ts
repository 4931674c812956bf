// cases.md F1, F2 (dependency evaluation as svcs -x explains it), G7 (enable -r) and H1 (cycles).
import assert from 'node:assert/strict';
import { BEHAVIOUR } from './fixtures.js';
import { caseTest, fmri, importSpec, ok } from './harness.js';

caseTest('F1: require_all on a disabled instance; -x names the root cause; -t disable; enable starts both', async (c) => {
  await importSpec(c, { name: 'site/x', model: 'transient', enabled: false, start: c.ws.method('x', BEHAVIOUR.ok) });
  await importSpec(c, {
    name: 'site/d', model: 'transient', start: c.ws.method('d', BEHAVIOUR.ok),
    deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/x:default'] }],
  });
  await c.h.waitState(fmri('d'), 'offline');
  await c.h.waitState(fmri('x'), 'disabled');
  const x = (await ok(c, 'svcs', ['-x'])).trimEnd().split('\n');
  const at = x.indexOf('svc:/site/x:default (?)');
  assert.ok(at >= 0, `svcs -x lists x:\n${x.join('\n')}`);
  assert.equal(x[at + 2], 'Reason: Disabled by an administrator.');
  assert.equal(x.slice(at).find((l) => l.startsWith('Impact:')), 'Impact: 1 dependent service is not running.  (Use -v for list.)');
  assert.ok(!x.includes('svc:/site/d:default (?)'), 'd merely waits: it is not a root cause');
  assert.equal((await ok(c, 'svcs', ['-x', fmri('d')])).split('\n')[2], 'Reason: Service svc:/site/x:default is disabled.');

  await ok(c, 'svcadm', ['disable', '-t', fmri('x')]);
  await c.h.waitState(fmri('x'), 'disabled');
  assert.equal((await ok(c, 'svcs', ['-x', fmri('x')])).split('\n')[2], 'Reason: Temporarily disabled by an administrator.');
  assert.equal((await ok(c, 'svcs', ['-x', fmri('d')])).split('\n')[2], 'Reason: Service svc:/site/x:default is temporarily disabled.');

  await ok(c, 'svcadm', ['enable', fmri('x')]);
  await c.h.waitState(fmri('x'), 'online');
  await c.h.waitState(fmri('d'), 'online');
});

caseTest('F2: an absent dependency keeps d offline (not maintenance) until it is imported', async (c) => {
  await importSpec(c, {
    name: 'site/d', model: 'transient', start: c.ws.method('d', BEHAVIOUR.ok),
    deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/ghost:default'] }],
  });
  await c.h.waitState(fmri('d'), 'offline');
  const x = (await ok(c, 'svcs', ['-x'])).trimEnd().split('\n');
  const at = x.indexOf('svc:/site/d:default (?)');
  assert.ok(at >= 0, `svcs -x lists d:\n${x.join('\n')}`);
  assert.equal(x[at + 2], 'Reason: Dependency svc:/site/ghost:default is absent.');
  await importSpec(c, { name: 'site/ghost', model: 'transient', start: c.ws.method('ghost', BEHAVIOUR.ok) });
  await c.h.waitState(fmri('ghost'), 'online');
  await c.h.waitState(fmri('d'), 'online');
});

caseTest('G7: enable -r follows require_all/require_any, reports a multi-candidate require_any', async (c) => {
  for (const n of ['b', 'c', 'o']) await importSpec(c, { name: `site/${n}`, model: 'transient', enabled: false, start: c.ws.method(n, BEHAVIOUR.ok) });
  await importSpec(c, {
    name: 'site/a', model: 'transient', enabled: false, start: c.ws.method('a', BEHAVIOUR.ok),
    deps: [
      { grouping: 'require_any', restartOn: 'none', entities: ['svc:/site/b:default', 'svc:/site/c:default'] },
      { grouping: 'optional_all', restartOn: 'none', entities: ['svc:/site/o:default'] },
    ],
  });
  await importSpec(c, {
    name: 'site/d', model: 'transient', enabled: false, start: c.ws.method('d', BEHAVIOUR.ok),
    deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/a:default'] }],
  });
  await c.h.waitState(fmri('d'), 'disabled');
  const out = await ok(c, 'svcadm', ['enable', '-r', fmri('d')]);
  assert.equal(out, 'svc:/site/a:default requires one of:\n  svc:/site/b:default\n  svc:/site/c:default\n');
  await c.h.waitState(fmri('d'), 'offline');
  await c.h.waitState(fmri('a'), 'offline');
  for (const n of ['b', 'c', 'o']) assert.deepEqual(await c.h.state(fmri(n)), { state: 'disabled', next: 'none' });
  const roots = (await ok(c, 'svcs', ['-x'])).split('\n').filter((l) => l.startsWith('svc:/site/'));
  assert.deepEqual(roots, ['svc:/site/b:default (?)', 'svc:/site/c:default (?)']);
});

caseTest('H1: the instance closing a cycle goes to maintenance; clear keeps it there; removing the edge repairs', async (c) => {
  await importSpec(c, {
    name: 'site/a', model: 'transient', start: c.ws.method('a', BEHAVIOUR.ok),
    deps: [{ name: 'needb', grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/b:default'] }],
  });
  await c.h.waitState(fmri('a'), 'offline');
  assert.equal((await ok(c, 'svcs', ['-x', fmri('a')])).split('\n')[2], 'Reason: Dependency svc:/site/b:default is absent.');
  await importSpec(c, {
    name: 'site/b', model: 'transient', start: c.ws.method('b', BEHAVIOUR.ok),
    deps: [{ name: 'needa', grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/a:default'] }],
  });
  await c.h.waitState(fmri('b'), 'maintenance');
  assert.equal((await ok(c, 'svcprop', ['-p', 'restarter/auxiliary_state', fmri('b')])).trim(), 'dependency_cycle');
  assert.deepEqual(await c.h.state(fmri('a')), { state: 'offline', next: 'none' });
  assert.equal((await ok(c, 'svcs', ['-x', fmri('b')])).split('\n')[2], 'Reason: Completes a dependency cycle.');
  assert.equal((await ok(c, 'svcs', ['-x', fmri('a')])).split('\n')[2], 'Reason: Service svc:/site/b:default completed a dependency cycle.');
  await ok(c, 'svcadm', ['clear', fmri('b')]);
  await c.h.waitState(fmri('b'), 'maintenance');
  await ok(c, 'svccfg', ['-s', 'site/b', 'delpg', 'needa']);
  await ok(c, 'svcadm', ['refresh', fmri('b')]);
  await ok(c, 'svcadm', ['clear', fmri('b')]);
  await c.h.waitState(fmri('b'), 'online');
  await c.h.waitState(fmri('a'), 'online');
});

caseTest('H1 (three nodes): a refresh that closes a -> b -> c -> a puts c in maintenance; a and b stay online', async (c) => {
  await importSpec(c, { name: 'site/c', model: 'transient', start: c.ws.method('c', BEHAVIOUR.ok) });
  await importSpec(c, { name: 'site/b', model: 'transient', start: c.ws.method('b', BEHAVIOUR.ok),
    deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/c:default'] }] });
  await importSpec(c, { name: 'site/a', model: 'transient', start: c.ws.method('a', BEHAVIOUR.ok),
    deps: [{ grouping: 'require_all', restartOn: 'none', entities: ['svc:/site/b:default'] }] });
  for (const n of ['a', 'b', 'c']) await c.h.waitState(fmri(n), 'online');
  for (const args of [['addpg', 'needa', 'dependency'], ['setprop', 'needa/grouping', '=', 'astring:', 'require_all'],
    ['setprop', 'needa/restart_on', '=', 'astring:', 'none'], ['setprop', 'needa/type', '=', 'astring:', 'service'],
    ['setprop', 'needa/entities', '=', 'fmri:', 'svc:/site/a:default']]) await ok(c, 'svccfg', ['-s', 'site/c', ...args]);
  await ok(c, 'svcadm', ['refresh', fmri('c')]);
  await c.h.waitState(fmri('c'), 'maintenance');
  assert.equal((await ok(c, 'svcprop', ['-p', 'restarter/auxiliary_state', fmri('c')])).trim(), 'dependency_cycle');
  for (const n of ['a', 'b']) assert.deepEqual(await c.h.state(fmri(n)), { state: 'online', next: 'none' });
  assert.equal((await ok(c, 'svcs', ['-x', fmri('c')])).split('\n')[2], 'Reason: Completes a dependency cycle.');
});
