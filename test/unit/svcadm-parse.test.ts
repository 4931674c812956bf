// svcadm command line (smf-spec §7.2), milestone targets (§2.10), the enable -r closure (§2.9) and
// the restarter_actions property each request writes (§2.8). Pure: no repository, no daemon.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionProperty, verboseLine } from '../../src/cli/svcadm/apply.js';
import { parseSvcadmArgs, resolveMilestone, type SvcadmCommand } from '../../src/cli/svcadm/options.js';
import { enableRecursive } from '../../src/cli/svcadm/recursive.js';
import { storedGraph, type StoredGraph } from '../../src/core/listing/stored-graph.js';
import type { PropertyGroup } from '../../src/core/model.js';

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
  assert.deepEqual(parse('mark', '-t', 'degraded', 'x'), { ok: false, error: '-t may not be used with degraded.', usage: 'none' });
  assert.deepEqual(parse('mark', 'online', 'x'), { ok: false, error: '"online" is not a valid state for mark' });
  assert.deepEqual(parse('-S', 'online', 'clear'), { ok: false, error: "State must be 'maintenance' or 'degraded'", usage: 'none', exitCode: 1 });
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

/** The engine graph over stored state: every instance disabled, groups as dependency pgs (in this order). */
function graph(deps: Record<string, PropertyGroup[]>, restarters: Record<string, string> = {}): StoredGraph {
  return storedGraph(Object.entries(deps).map(([fmri, dependencyPgs]) => ({
    fmri, state: 'disabled', nextState: 'none', enabled: false, persistentEnabled: false, restarter: restarters[fmri], dependencyPgs,
  })), () => false);
}
let n = 0;
const g = (grouping: string, ...entities: string[]): PropertyGroup => ({
  name: `dep${n++}`, type: 'dependency', flags: 0, properties: [
    { name: 'grouping', type: 'astring', values: [grouping] }, { name: 'restart_on', type: 'astring', values: ['none'] },
    { name: 'type', type: 'astring', values: [entities[0]?.startsWith('file:') ? 'path' : 'service'] },
    { name: 'entities', type: 'fmri', values: entities }],
});

test('enable -r closure: G7 layout', () => {
  const r = enableRecursive(['svc:/site/d:default'], graph({
    'svc:/site/d:default': [g('require_all', 'svc:/site/a:default')],
    'svc:/site/a:default': [g('require_any', 'svc:/site/b:default', 'svc:/site/c:default'), g('optional_all', 'svc:/site/o:default')],
    'svc:/site/b:default': [], 'svc:/site/c:default': [], 'svc:/site/o:default': [],
  }));
  assert.deepEqual(r.enable, ['svc:/site/d:default', 'svc:/site/a:default']);
  assert.deepEqual(r.messages, ['svc:/site/a:default requires one of:', '  svc:/site/b:default', '  svc:/site/c:default']);
  assert.deepEqual(r.warnings, []);
});

test('enable -r closure (the engine one): services, restarters, multiple instances, exclude_all/path not followed', () => {
  const r = enableRecursive(['svc:/a:default'], graph({
    'svc:/a:default': [g('require_all', 'svc:/b', 'svc:/m'), g('exclude_all', 'svc:/x:default'), g('require_all', 'file:///etc/x'),
      g('require_any', 'svc:/c:default')],
    'svc:/b:default': [],
    'svc:/m:one': [], 'svc:/m:two': [], 'svc:/x:default': [],
    'svc:/c:default': [], 'svc:/r:default': [],
  }, { 'svc:/c:default': 'svc:/r:default' }));
  // depth first, each instance before what it leads to: c's restarter r right after c
  assert.deepEqual(r.enable, ['svc:/a:default', 'svc:/b:default', 'svc:/c:default', 'svc:/r:default']);
  assert.deepEqual(r.warnings, ['svc:/a:default depends on svc:/m, which has multiple instances.']);
  assert.deepEqual(r.messages, []);
});

test('enable -r: a cycle stops the walk and names the operand (illumos enable_fmri_rec)', () => {
  const deps = {
    'svc:/a:default': [g('require_all', 'svc:/b', 'svc:/m'), g('require_any', 'svc:/c:default')],
    // b closes the cycle a -> b -> a (inserted after a): the engine refuses b's edges, as the daemon does
    'svc:/b:default': [g('require_all', 'svc:/a:default')],
    'svc:/m:one': [], 'svc:/m:two': [], 'svc:/c:default': [],
  };
  let r = enableRecursive(['svc:/a:default'], graph(deps));
  assert.deepEqual(r.enable, ['svc:/a:default', 'svc:/b:default'], 'what comes after the cycle is not reached');
  assert.deepEqual(r.warnings, ['svc:/a:default: Dependency cycle detected.']);
  r = enableRecursive(['svc:/b:default'], graph(deps));
  assert.deepEqual(r.enable, ['svc:/b:default', 'svc:/a:default']);
  assert.deepEqual(r.warnings, ['svc:/b:default: Dependency cycle detected.'], 'the operand, whichever instance the graph refused');
});

test('enable -r over several operands: one closure, each report once', () => {
  const gr = graph({
    'svc:/p:default': [g('require_all', 'svc:/q:default')], 'svc:/o:default': [g('require_all', 'svc:/q:default')],
    'svc:/q:default': [g('require_any', 'svc:/s:one', 'svc:/s:two')], 'svc:/s:one': [], 'svc:/s:two': [],
  });
  const r = enableRecursive(['svc:/p:default', 'svc:/o:default'], gr);
  assert.deepEqual(r.enable, ['svc:/p:default', 'svc:/q:default', 'svc:/o:default']);
  assert.deepEqual(r.messages, ['svc:/q:default requires one of:', '  svc:/s:one', '  svc:/s:two']);
});

test('potential satisfiability from stored states (svcadm enable -s exit 4) is the engine one', () => {
  const gr = storedGraph([
    { fmri: 'svc:/m:default', state: 'maintenance', dependencyPgs: [], enabled: true },
    { fmri: 'svc:/a:default', state: 'offline', dependencyPgs: [g('require_all', 'svc:/m:default')], enabled: true },
    { fmri: 'svc:/b:default', state: 'offline', dependencyPgs: [g('require_any', 'svc:/m:default', 'svc:/u:default')], enabled: true },
    { fmri: 'svc:/u:default', state: 'disabled', dependencyPgs: [], enabled: true },
    { fmri: 'svc:/c:default', state: 'offline', dependencyPgs: [g('require_all', 'svc:/ghost:default')], enabled: true },
  ], () => false);
  assert.equal(gr.potentialSatisfiable('svc:/a:default'), false, 'requires an instance in maintenance');
  assert.equal(gr.potentialSatisfiable('svc:/b:default'), true, 'u is being enabled: may still come up');
  assert.equal(gr.potentialSatisfiable('svc:/c:default'), false, 'absent dependency');
  assert.equal(gr.potentialSatisfiable('svc:/nope:default'), false);
});

test('potential satisfiability: not-enabled, uninitialized and excluded instances (illumos svcadm synch.c)', () => {
  const gr = storedGraph([
    // never initialized: no general/enabled, so it stays uninitialized for ever
    { fmri: 'svc:/never:default', state: 'uninitialized', dependencyPgs: [] },
    // uninitialized but enabled (not yet taken over): counts as offline
    { fmri: 'svc:/fresh:default', state: 'uninitialized', dependencyPgs: [], enabled: true },
    { fmri: 'svc:/m:default', state: 'maintenance', dependencyPgs: [], enabled: true },
    { fmri: 'svc:/freshbad:default', state: 'uninitialized', dependencyPgs: [g('require_all', 'svc:/m:default')], enabled: true },
    { fmri: 'svc:/off:default', state: 'offline', dependencyPgs: [g('require_all', 'svc:/m:default')], enabled: true },
    { fmri: 'svc:/run:default', state: 'online', dependencyPgs: [], enabled: true },
    { fmri: 'svc:/stopping:default', state: 'online', dependencyPgs: [], enabled: false },
    { fmri: 'svc:/dis:default', state: 'disabled', dependencyPgs: [], enabled: false },
    { fmri: 'svc:/a:default', state: 'offline', dependencyPgs: [g('require_all', 'svc:/never:default')], enabled: true },
    { fmri: 'svc:/b:default', state: 'offline', dependencyPgs: [g('require_all', 'svc:/fresh:default')], enabled: true },
    { fmri: 'svc:/c:default', state: 'offline', dependencyPgs: [g('require_all', 'svc:/freshbad:default')], enabled: true },
    { fmri: 'svc:/d:default', state: 'offline', dependencyPgs: [g('optional_all', 'svc:/never:default', 'svc:/freshbad:default')], enabled: true },
    { fmri: 'svc:/e:default', state: 'offline', dependencyPgs: [g('exclude_all', 'svc:/off:default')], enabled: true },
    { fmri: 'svc:/f:default', state: 'offline', dependencyPgs: [g('exclude_all', 'svc:/dis:default', 'svc:/never:default', 'svc:/m:default')], enabled: true },
    { fmri: 'svc:/h:default', state: 'offline', dependencyPgs: [g('exclude_all', 'svc:/stopping:default')], enabled: true },
    { fmri: 'svc:/i:default', state: 'offline', dependencyPgs: [g('exclude_all', 'svc:/fresh:default')], enabled: true },
    { fmri: 'svc:/j:default', state: 'offline', dependencyPgs: [g('require_any', 'svc:/never:default', 'svc:/run:default')], enabled: true },
  ], () => false);
  assert.equal(gr.potentialSatisfiable('svc:/a:default'), false, 'an instance without general/enabled never comes up');
  assert.equal(gr.potentialSatisfiable('svc:/b:default'), true, 'an enabled uninitialized instance may still come up');
  assert.equal(gr.potentialSatisfiable('svc:/c:default'), false, '... unless its own dependencies never can');
  assert.equal(gr.potentialSatisfiable('svc:/d:default'), true, 'optional_all: hopeless entities count as satisfied');
  assert.equal(gr.potentialSatisfiable('svc:/e:default'), false, 'exclude_all on an enabled instance: blocked for good');
  assert.equal(gr.potentialSatisfiable('svc:/f:default'), true, 'exclude_all ignores disabled, not-enabled and maintenance instances');
  assert.equal(gr.potentialSatisfiable('svc:/h:default'), true, 'exclude_all on an instance being disabled: wait');
  assert.equal(gr.potentialSatisfiable('svc:/i:default'), false, 'exclude_all on an enabled uninitialized instance');
  assert.equal(gr.potentialSatisfiable('svc:/j:default'), true, 'require_any: one running entity is enough');
  // the graph's own start decision is unchanged: an uninitialized dependency is waited for
  assert.equal(gr.instanceValue('svc:/never:default'), 0);
});

test('enable -r reports in walk order, and an absent dependency is a warning that makes the exit 1', () => {
  const r = enableRecursive(['svc:/top:default'], graph({
    'svc:/top:default': [g('require_all', 'svc:/ra:default', 'svc:/ghost:default'), g('require_any', 'svc:/x:one', 'svc:/x:two')],
    'svc:/ra:default': [g('require_any', 'svc:/y:one', 'svc:/y:two'), g('require_all', 'svc:/nosvc')],
    'svc:/x:one': [], 'svc:/x:two': [], 'svc:/y:one': [], 'svc:/y:two': [],
  }));
  assert.deepEqual(r.lines, [
    { enabled: 'svc:/top:default' },
    { enabled: 'svc:/ra:default' },
    { stream: 'out', text: 'svc:/ra:default requires one of:' }, { stream: 'out', text: '  svc:/y:one' }, { stream: 'out', text: '  svc:/y:two' },
    { stream: 'err', text: 'No such service "svc:/nosvc".' },
    { stream: 'err', text: 'No such instance "svc:/ghost:default".' },
    { stream: 'out', text: 'svc:/top:default requires one of:' }, { stream: 'out', text: '  svc:/x:one' }, { stream: 'out', text: '  svc:/x:two' },
  ]);
  assert.equal(r.absent, true);
  assert.deepEqual(r.enable, ['svc:/top:default', 'svc:/ra:default']);
});
