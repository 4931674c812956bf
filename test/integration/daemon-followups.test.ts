// Restarter correctness follow-ups: a restored running instance whose processes died while no
// restarter ran is stopped with ct_ev_exit (and only then); startd/ignore_error takes exactly the
// four values of smf-spec §5.1; restarter_actions are taken atomically; the milestone pgs are
// framework pgs; `start` := `running`; rejected method environment entries reach the instance log;
// two daemons serving different roots never share an instance's cgroup.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Sim, svc } from '../../src/core/engine/sim.js';
import type { EngineCommand } from '../../src/core/engine/types.js';
import type { PropertyGroup } from '../../src/core/model.js';
import { instanceConfig } from '../../src/daemon/instance-config.js';
import { prepareMethod } from '../../src/daemon/method-request.js';
import { RepositoryAdapter } from '../../src/daemon/repo-adapter.js';
import { Repository } from '../../src/repository/repository.js';
import { ROOT_VIEWER, snapshotView } from '../../src/repository/types.js';
import { daemonUnavailable, disposeDaemon, startDaemon, waitFor, type DaemonHandle } from '../helpers/daemon.js';
import { detectCgroup2Root } from '../../src/adapters/process/cgroup-path.js';

// ---- engine restore (pure, scripted methods) ------------------------------------------------

test('restore: a running contract or wait instance whose processes died meanwhile is stopped (ct_ev_exit) and restarted', () => {
  const s = new Sim();
  s.step({
    kind: 'configure', initial: true,
    instances: [
      s.config('c', { model: 'contract', start: 'daemon', stop: null }),
      s.config('w', { model: 'child', start: 'hang', stop: null }),
      s.config('d', { model: 'contract', start: 'daemon', deps: [{ grouping: 'require_all', restartOn: 'restart', entities: ['c'] }] }),
    ],
    restored: [
      { fmri: svc('c'), state: 'online', nextState: 'none', contractAlive: false, contractLost: true },
      { fmri: svc('w'), state: 'degraded', nextState: 'none', contractAlive: false, contractLost: true },
      { fmri: svc('d'), state: 'online', nextState: 'none', contractAlive: true },
    ],
  });
  s.settle();
  assert.equal(s.starts('c'), 1, 'the contract instance is started again');
  assert.equal(s.st('c'), 'online');
  assert.ok(s.logs('c').includes('Stopping because all processes in service exited.'), s.logs('c').join('\n'));
  assert.equal(s.runs('c', 'stop'), 0, 'no stop method for an empty contract');
  assert.equal(s.pendingMethod('w'), 'start', 'the wait instance runs its start method again');
  assert.ok(s.logs('w').includes('Stopping because all processes in service exited.'), s.logs('w').join('\n'));
  assert.equal(s.runs('d', 'stop'), 1, 'the restart_on=restart dependent is restarted with it');
  assert.equal(s.st('d'), 'online');
});

test('restore: no restart for a live contract, a service that never had one (exit 94, :true), a transient, or a disabled one', () => {
  const s = new Sim();
  const out: EngineCommand[] = s.step({
    kind: 'configure', initial: true,
    instances: [
      s.config('alive', { model: 'contract', start: 'daemon' }),
      s.config('nodaemon', { model: 'contract', start: 'daemon' }),
      s.config('t', { model: 'transient', start: 'ok' }),
      s.config('off', { model: 'contract', start: 'daemon', enabled: false, stop: null }),
    ],
    restored: [
      { fmri: svc('alive'), state: 'online', nextState: 'none', contractAlive: true },
      { fmri: svc('nodaemon'), state: 'online', nextState: 'none', contractAlive: false },
      { fmri: svc('t'), state: 'online', nextState: 'none', contractAlive: false, contractLost: true },
      { fmri: svc('off'), state: 'online', nextState: 'none', contractAlive: false, contractLost: true },
    ],
  });
  s.settle();
  for (const n of ['alive', 'nodaemon', 't', 'off']) assert.equal(s.starts(n), 0, `${n} is not started again`);
  assert.ok(!out.some((c) => c.kind === 'runMethod' && c.method === 'start'), JSON.stringify(out));
  assert.equal(s.st('off'), 'disabled');
  assert.equal(s.logs('nodaemon').length, 0);
});

// ---- instance configuration -----------------------------------------------------------------

function startdPg(ignore: string[]): PropertyGroup[] {
  return [{ name: 'startd', type: 'framework', flags: 0, properties: [{ name: 'ignore_error', type: 'astring', values: ignore }] }];
}

test('startd/ignore_error: only core, signal, core,signal and signal,core are recognised (smf-spec §5.1)', () => {
  const cases: [string[], { core: boolean; signal: boolean }][] = [
    [['core'], { core: true, signal: false }],
    [['signal'], { core: false, signal: true }],
    [['core,signal'], { core: true, signal: true }],
    [['signal,core'], { core: true, signal: true }],
    [['core, signal'], { core: false, signal: false }],
    [['core,signal,core'], { core: false, signal: false }],
    [['CORE'], { core: false, signal: false }],
    [['all'], { core: false, signal: false }],
    [[''], { core: false, signal: false }],
    [[], { core: false, signal: false }],
  ];
  for (const [values, want] of cases) {
    const pgs = startdPg(values);
    const cfg = instanceConfig({ fmri: 'svc:/site/x:default', current: pgs, effective: pgs });
    assert.deepEqual(cfg.startd.ignoreError, want, `ignore_error=${JSON.stringify(values)}`);
  }
});

// ---- method preparation ---------------------------------------------------------------------

test('method environment: rejected entries are reported in the instance log; a waiting stop hands the wait to the runner', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-followups-'));
  try {
    const pgs: PropertyGroup[] = [{
      name: 'stop', type: 'method', flags: 0, properties: [
        { name: 'exec', type: 'astring', values: [':kill'] },
        { name: 'environment', type: 'astring', values: ['GOOD=1', 'NOEQUALS', '=novar', 'SMF_FMRI=svc:/evil'] },
      ],
    }];
    const cmd = { kind: 'runMethod', fmri: 'svc:/site/x:default', method: 'stop', transitionId: 1, model: 'contract', exec: ':kill', timeoutMs: 5000, waitForEmpty: true } as const;
    const logPath = path.join(dir, 'log', 'site-x:default.log');
    const seen: string[] = [];
    const r = prepareMethod({ cmd, pgs, otherEntity: () => undefined, logPath, globalEnvironment: [], log: (t) => seen.push(t) });
    assert.ok(r.ok);
    assert.equal(r.req.waitForEmpty, true);
    assert.equal(r.req.env.GOOD, '1');
    assert.equal(r.req.env.SMF_FMRI, 'svc:/site/x:default');
    assert.equal(seen.length, 3, seen.join('\n'));
    assert.match(seen.join('\n'), /"NOEQUALS" has no "="/);
    assert.match(seen.join('\n'), /SMF_FMRI=svc:\/evil/);
    // without a log function the lines go to the instance log file
    const r2 = prepareMethod({ cmd: { ...cmd, waitForEmpty: false }, pgs, otherEntity: () => undefined, logPath, globalEnvironment: [] });
    assert.ok(r2.ok);
    assert.equal(r2.req.waitForEmpty, undefined);
    const text = fs.readFileSync(logPath, 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, 3, text);
    assert.match(text, /^\[ \w{3} [ \d]\d \d\d:\d\d:\d\d environment entry "NOEQUALS" has no "=" and is ignored; write NAME=value \]$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---- repository adapter ---------------------------------------------------------------------

test('repository adapter: actions taken atomically, milestone pgs of type framework, start := running', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-followups-'));
  const repo = Repository.openOrThrow(path.join(dir, 'repository.db'));
  try {
    const fmri = 'svc:/site/x:default';
    assert.ok(repo.addService('svc:/site/x').ok);
    assert.ok(repo.addInstance(fmri).ok);
    assert.ok(repo.addPg('svc:/site/x', 'config', 'application').ok);
    assert.ok(repo.setProperty('svc:/site/x', 'config', 'v', 'astring', ['one']).ok);
    assert.ok(repo.takeSnapshot(fmri, 'running').ok);
    const a = new RepositoryAdapter(repo);

    assert.ok(repo.requestAction(fmri, 'restart').ok);
    assert.ok(repo.requestAction(fmri, 'maint_on', { tty: true }).ok);
    const took = a.takeRestarterActions(fmri);
    assert.deepEqual(Object.keys(took).sort(), ['auxiliary_tty', 'maint_on', 'restart']);
    assert.deepEqual(a.takeRestarterActions(fmri), {}, 'taken actions are gone');
    assert.ok(repo.requestAction(fmri, 'refresh').ok);
    assert.deepEqual(Object.keys(a.takeRestarterActions(fmri)), ['refresh'], 'an action written after the take is kept for the next');

    const master = 'svc:/system/svc/restarter:default';
    assert.ok(repo.addService('svc:/system/svc/restarter').ok);
    assert.ok(repo.addInstance(master).ok);
    assert.ok(a.setMilestone('svc:/milestone/multi-user:default', false).ok);
    assert.equal(a.bootMilestone(), 'svc:/milestone/multi-user:default', 'the override is the current milestone');
    // -d: options/milestone, and the override deleted (illumos set_milestone), so the new one is current too
    assert.ok(a.setMilestone('svc:/milestone/single-user:default', true).ok);
    const ovr = repo.getPg(master, 'options_ovr', { viewer: ROOT_VIEWER });
    const opt = repo.getPg(master, 'options', { viewer: ROOT_VIEWER });
    assert.ok(ovr.ok && opt.ok);
    assert.equal(ovr.value.type, 'framework');
    assert.equal(ovr.value.flags & 1, 1, 'options_ovr is NONPERSISTENT');
    assert.deepEqual(ovr.value.properties.map((p) => p.name), [], 'the override is deleted');
    assert.equal(opt.value.type, 'framework');
    assert.equal(opt.value.flags & 1, 0);
    assert.equal(a.bootMilestone(), 'svc:/milestone/single-user:default');

    // changed but not refreshed: `start` records what runs (the running snapshot), not current
    assert.ok(repo.setProperty('svc:/site/x', 'config', 'v', 'astring', ['two']).ok);
    assert.ok(a.takeStartSnapshots(fmri).ok);
    const v = repo.getProperty(fmri, 'config', 'v', { view: snapshotView('start'), viewer: ROOT_VIEWER });
    assert.ok(v.ok);
    assert.deepEqual(v.value.values, ['one']);
    // an instance without a running snapshot gets one first
    assert.ok(repo.addInstance('svc:/site/x:other').ok);
    assert.ok(a.takeStartSnapshots('svc:/site/x:other').ok);
    const snaps = repo.listSnapshots('svc:/site/x:other');
    assert.ok(snaps.ok);
    assert.deepEqual(snaps.value.map((x) => x.name).sort(), ['running', 'start']);
    assert.equal(a.takeStartSnapshots('svc:/site/x:gone').ok, false);
  } finally {
    repo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---- two daemons, same FMRI -----------------------------------------------------------------

function manifest(root: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="twin">
  <service name="site/twin" type="service" version="1">
    <create_default_instance enabled="true"/>
    <exec_method type="method" name="start" exec="/bin/sh -c 'sleep 100000 &lt;/dev/null &gt;/dev/null 2&gt;&amp;1 &amp; echo $! &gt; ${root}/twin.pid'" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
  </service>
</service_bundle>
`;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

test('two daemons on different roots run the same FMRI in separate contracts', { skip: daemonUnavailable(), timeout: 120_000 }, async () => {
  const fmri = 'svc:/site/twin:default';
  const handles: DaemonHandle[] = [];
  const cgroups: string[] = [];
  try {
    // no TSMF_CGROUP_PARENT: the parent is derived from the state root (the production default)
    for (let i = 0; i < 2; i++) handles.push(await startDaemon({ env: { TSMF_CGROUP_PARENT: undefined } }));
    const pids: number[] = [];
    for (const h of handles) {
      const file = path.join(h.root, 'twin.xml');
      fs.writeFileSync(file, manifest(h.root));
      const r = await h.run('svccfg', ['import', file]);
      assert.equal(r.code, 0, r.stderr);
      await h.waitState(fmri, 'online');
      pids.push(await waitFor('the pid file', () => {
        try { const n = Number(fs.readFileSync(path.join(h.root, 'twin.pid'), 'utf8')); return n > 0 ? n : undefined; } catch { return undefined; }
      }));
    }
    // the cgroup each service process lives in (/proc/PID/cgroup, the v2 line "0::/PATH")
    for (const pid of pids) {
      const line = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
      if (line && line.includes('twin')) cgroups.push(path.join(detectCgroup2Root() ?? '/', line.slice(3)));
    }
    if (handles[0]!.stderr.includes('contracts: cgroup2')) assert.equal(cgroups.length, 2, `both service processes are in instance cgroups: ${cgroups.join(', ')}`);
    if (cgroups.length === 2) assert.notEqual(cgroups[0], cgroups[1], 'each root has its own cgroup');
    // svcs -p on each root lists that root's service process and never the other root's
    for (let i = 0; i < 2; i++) {
      const r = await handles[i]!.run('svcs', ['-p', '-H', fmri]);
      assert.equal(r.code, 0, r.stderr);
      const listed = r.stdout.split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[1])).filter((n) => n > 0);
      assert.ok(listed.includes(pids[i]!), `svcs -p on root ${i} lists its own process ${pids[i]}: ${r.stdout}`);
      assert.ok(!listed.includes(pids[1 - i]!), `svcs -p on root ${i} does not list the other root's process ${pids[1 - i]}: ${r.stdout}`);
    }
    // disabling the first must not touch the second's processes
    const r = await handles[0]!.run('svcadm', ['disable', fmri]);
    assert.equal(r.code, 0, r.stderr);
    await handles[0]!.waitState(fmri, 'disabled');
    await waitFor('the first service process to exit', () => (alive(pids[0]!) ? undefined : true));
    assert.ok(alive(pids[1]!), 'the second daemon\'s service process survives');
    assert.deepEqual(await handles[1]!.state(fmri), { state: 'online', next: 'none' });
  } finally {
    for (const h of handles) await disposeDaemon(h);
    for (const dir of cgroups) {
      // the per-root parent directories (the helper only removes its own TSMF_CGROUP_PARENT tree)
      for (let d = dir; d.split('/').filter(Boolean).length > 3 && /\/tsmf\//.test(d); d = path.dirname(d)) {
        try { fs.rmdirSync(d); } catch { break; }
      }
    }
  }
});
