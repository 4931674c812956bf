// svcadm command line (smf-spec §7.2), milestone targets (§2.10), the enable -r closure (§2.9) and
// the restarter_actions property each request writes (§2.8). Pure: no repository, no daemon.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionProperty, verboseLine } from '../../src/cli/svcadm/apply.js';
import { parseSvcadmArgs, resolveMilestone, type SvcadmCommand } from '../../src/cli/svcadm/options.js';
import { enableClosure, type ClosureLookup } from '../../src/cli/svcadm/recursive.js';
import type { DependencyGroup } from '../../src/core/listing/row.js';

const parse = (...a: string[]) => parseSvcadmArgs(a);
const cmd = (...a: string[]): SvcadmCommand => {
  const r = parse(...a);
  assert.ok(r.ok, `parse ${a.join(' ')}`);
  return r.ok ? r.cmd : (undefined as never);
};

test('global and subcommand flags', () => {
  const c = cmd('-v', 'enable', '-rst', 'a', 'b');
  assert.deepEqual([c.verbose, c.sub, c.recursive, c.sync, c.temporary, c.operands], [true, 'enable', true, true, true, ['a', 'b']]);
  assert.equal(cmd('restart', '-d', 'x').dump, true);
  assert.equal(cmd('milestone', '-d', 'all').persistent, true);
  const m = cmd('mark', '-I', 'maintenance', 'x');
  assert.deepEqual([m.markState, m.immediate, m.operands], ['maintenance', true, ['x']]);
  assert.deepEqual(cmd('-S', 'maintenance', 'clear').selectState, 'maintenance');
  assert.deepEqual(cmd('-Z', 'refresh', 'x').operands, ['x']);
});

test('usage errors', () => {
  assert.deepEqual(parse(), { ok: false });
  assert.deepEqual(parse('enable'), { ok: false });
  assert.deepEqual(parse('disable', '-r', 'x'), { ok: false, error: 'illegal option -- r' });
  assert.deepEqual(parse('mark', '-t', 'degraded', 'x'), { ok: false });
  assert.deepEqual(parse('mark', 'online', 'x'), { ok: false, error: '"online" is not a valid state for mark' });
  assert.deepEqual(parse('-S', 'online', 'clear'), { ok: false, error: "State must be 'maintenance' or 'degraded'" });
  assert.deepEqual(parse('bogus', 'x'), { ok: false, error: 'unknown subcommand "bogus"' });
  assert.deepEqual(parse('-z', 'zone1', 'enable', 'x'), { ok: false, error: 'zone "zone1" does not exist (only the global zone exists)' });
  assert.deepEqual(parse('-?'), { ok: false, help: true });
});

test('milestones: all, none and abbreviations of the three major ones only', () => {
  assert.deepEqual(resolveMilestone('all'), { ok: true, target: 'all' });
  assert.deepEqual(resolveMilestone('none'), { ok: true, target: 'none' });
  assert.deepEqual(resolveMilestone('multi-user'), { ok: true, target: 'svc:/milestone/multi-user:default' });
  assert.deepEqual(resolveMilestone('svc:/milestone/single-user:default'), { ok: true, target: 'svc:/milestone/single-user:default' });
  assert.deepEqual(resolveMilestone('milestone/multi-user-server'), { ok: true, target: 'svc:/milestone/multi-user-server:default' });
  assert.deepEqual(resolveMilestone('network'), { ok: false });
  assert.deepEqual(resolveMilestone('milestone/network'), { ok: false });
});

test('restarter_actions written per request and -v texts', () => {
  assert.equal(actionProperty(cmd('restart', 'x'), 'online'), 'restart');
  assert.equal(actionProperty(cmd('clear', 'x'), 'maintenance'), 'maint_off');
  assert.equal(actionProperty(cmd('clear', 'x'), 'degraded'), 'restore');
  assert.equal(actionProperty(cmd('mark', 'maintenance', 'x'), 'online'), 'maint_on');
  assert.equal(actionProperty(cmd('mark', '-I', 'maintenance', 'x'), 'online'), 'maint_on_immediate');
  assert.equal(actionProperty(cmd('mark', '-It', 'maintenance', 'x'), 'online'), 'maint_on_immtemp');
  assert.equal(actionProperty(cmd('mark', '-t', 'maintenance', 'x'), 'online'), 'maint_on_temporary');
  assert.equal(actionProperty(cmd('mark', 'degraded', 'x'), 'online'), 'degraded');
  assert.equal(actionProperty(cmd('mark', '-I', 'degraded', 'x'), 'online'), 'degrade_immediate');
  assert.equal(verboseLine(cmd('enable', '-t', 'x'), 'svc:/a:default', 'online'), 'svc:/a:default temporarily enabled.');
  assert.equal(verboseLine(cmd('disable', 'x'), 'svc:/a:default', 'online'), 'svc:/a:default disabled.');
  assert.equal(verboseLine(cmd('refresh', 'x'), 'svc:/a:default', 'online'), 'Action refresh set for svc:/a:default.');
});

function lookup(deps: Record<string, DependencyGroup[]>, restarters: Record<string, string> = {}): ClosureLookup {
  const all = Object.keys(deps);
  return {
    instancesOf: (s) => all.filter((f) => f.startsWith(`${s}:`)),
    exists: (f) => all.includes(f),
    dependencies: (f) => deps[f] ?? [],
    restarter: (f) => restarters[f],
  };
}
const g = (grouping: string, ...entities: string[]): DependencyGroup => ({ name: grouping, grouping, restartOn: 'none', type: 'service', entities });

test('enable -r closure: G7 layout', () => {
  const r = enableClosure(['svc:/site/d:default'], lookup({
    'svc:/site/d:default': [g('require_all', 'svc:/site/a:default')],
    'svc:/site/a:default': [g('require_any', 'svc:/site/b:default', 'svc:/site/c:default'), g('optional_all', 'svc:/site/o:default')],
    'svc:/site/b:default': [], 'svc:/site/c:default': [], 'svc:/site/o:default': [],
  }));
  assert.deepEqual(r.enable, ['svc:/site/d:default', 'svc:/site/a:default']);
  assert.deepEqual(r.messages, ['svc:/site/a:default requires one of:', '  svc:/site/b:default', '  svc:/site/c:default']);
  assert.deepEqual(r.warnings, []);
});

test('enable -r closure: services, restarters, multiple instances, exclude_all/path not followed, cycles', () => {
  const r = enableClosure(['svc:/a:default'], lookup({
    'svc:/a:default': [g('require_all', 'svc:/b', 'svc:/m'), g('exclude_all', 'svc:/x:default'),
      { name: 'p', grouping: 'require_all', restartOn: 'none', type: 'path', entities: ['file:///etc/x'] },
      g('require_any', 'svc:/c:default')],
    'svc:/b:default': [g('require_all', 'svc:/a:default')],
    'svc:/m:one': [], 'svc:/m:two': [], 'svc:/x:default': [],
    'svc:/c:default': [], 'svc:/r:default': [],
  }, { 'svc:/c:default': 'svc:/r:default' }));
  assert.deepEqual(r.enable, ['svc:/a:default', 'svc:/b:default', 'svc:/c:default', 'svc:/r:default']);
  assert.deepEqual(r.warnings, ['svc:/a:default: Dependency cycle detected.', 'svc:/a:default depends on svc:/m, which has multiple instances.']);
});
