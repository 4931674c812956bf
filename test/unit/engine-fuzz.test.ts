// Randomised (seeded, deterministic) sequences of administrative and process events on a random
// DAG; after each event the system must be quiescent and consistent:
// - no instance is left in transition and no command is left queued;
// - an enabled offline instance is offline only because its dependencies are not satisfied;
// - a disabled instance (effective enabled false) ends disabled or in maintenance;
// - an online instance never runs next to an enabled running exclude_all target, and its
//   require_all dependencies with restart_on restart/refresh are running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim, randomDag, rng, svc } from '../../src/core/engine/sim.js';

function check(s: Sim, n: number, when: string): void {
  for (let i = 0; i < n; i++) {
    const v = s.engine.instance(svc(`n${i}`))!;
    const where = `${v.fmri} after ${when}`;
    assert.equal(v.transition, null, `${where}: in transition`);
    assert.equal(v.queue.length, 0, `${where}: queued ${v.queue.map((c) => c.type).join(',')}`);
    assert.equal(v.toOffline, false, `${where}: still marked`);
    if (v.enabled === true && v.state === 'offline' && !v.throttledUntil) {
      assert.equal(s.engine.evaluator.isSatisfied(v), false, `${where}: offline although satisfied`);
    }
    if (v.enabled === false) assert.ok(v.state === 'disabled' || v.state === 'maintenance', `${where}: ${v.state} while disabled`);
    if (v.enabled === true) assert.notEqual(v.state, 'disabled', `${where}: disabled while enabled`);
    if (v.state !== 'online') continue;
    for (const g of v.groups) {
      for (const e of g.entities) {
        if (e.kind !== 'instance') continue;
        const u = s.engine.instance(e.fmri);
        if (!u) continue;
        const uRunning = u.state === 'online' || u.state === 'degraded';
        if (g.grouping === 'exclude_all') assert.ok(!uRunning || u.enabled === false, `${where}: running next to excluded ${u.fmri}`);
        if (g.grouping === 'require_all' && (g.restartOn === 'restart' || g.restartOn === 'refresh')) {
          assert.ok(uRunning, `${where}: running although ${g.restartOn} dependency ${u.fmri} is ${u.state}`);
        }
      }
    }
  }
}

for (const seed of [1, 2, 3]) {
  test(`fuzz seed ${seed}: 150 instances, 400 random events stay consistent`, () => {
    const n = 150;
    const r = rng(seed);
    const s = new Sim();
    const specs = randomDag(n, seed);
    for (const [, spec] of Object.entries(specs)) {
      spec.refresh = 'ok';
      if (r() < 0.15) spec.model = 'child';
      for (const d of spec.deps ?? []) d.restartOn = ['none', 'error', 'restart', 'refresh'][Math.floor(r() * 4)];
      if (r() < 0.1) spec.deps!.push({ name: 'ex', grouping: 'exclude_all', restartOn: 'none', entities: [`n${Math.floor(r() * n)}`] });
      if (r() < 0.05) spec.deps!.push({ name: 'f', grouping: r() < 0.5 ? 'exclude_all' : 'require_all', restartOn: 'none', type: 'path', entities: [`file:///f${Math.floor(r() * 3)}`] });
    }
    s.load(specs);
    check(s, n, 'load');
    for (let k = 0; k < 400; k++) {
      const name = `n${Math.floor(r() * n)}`;
      const fmri = svc(name);
      const x = r();
      let what: string;
      if (x < 0.2) { what = 'disable'; s.admin(name, { type: 'disable', temporary: r() < 0.5 }); }
      else if (x < 0.45) { what = 'enable'; s.admin(name, { type: 'enable', temporary: r() < 0.5 }); }
      else if (x < 0.55) { what = 'restart'; s.admin(name, { type: 'restart' }); }
      else if (x < 0.65) { what = 'refresh'; s.step({ kind: 'refresh', config: s.configs.get(fmri)! }); s.settle(); }
      else if (x < 0.72) { what = 'clear'; s.admin(name, { type: 'clear' }); }
      else if (x < 0.76) { what = 'maint'; s.admin(name, { type: r() < 0.5 ? 'maintOn' : 'maintOnImmediate', aux: 'administrative_request' }); }
      else if (x < 0.84) { what = 'contract'; s.contract(name, (['empty', 'core', 'signal', 'hwerr'] as const)[Math.floor(r() * 4)]); }
      else if (x < 0.88) { what = 'child'; s.step({ kind: 'childExited', fmri, exitCode: [0, 1, 96][Math.floor(r() * 3)] }); s.settle(); }
      else if (x < 0.91) {
        what = 'file';
        const f = `/f${Math.floor(r() * 3)}`;
        if (s.files.has(f)) s.files.delete(f); else s.files.add(f);
        // files are not watched (§3.4): the administrator refreshes the instances naming the file
        for (const c of s.configs.values()) {
          if (c.dependencyPgs.some((pg) => pg.properties.some((p) => p.values.includes(`file://${f}`)))) {
            s.step({ kind: 'refresh', config: c });
            s.settle();
          }
        }
      } else if (x < 0.93) {
        what = 'remove+import';
        s.step({ kind: 'remove', fmri });
        s.settle();
        assert.equal(s.engine.instance(fmri), undefined);
        s.step({ kind: 'configure', instances: [s.configs.get(fmri)!] });
        s.settle();
      } else if (x < 0.95) {
        what = 'milestone';
        s.step({ kind: 'milestone', target: r() < 0.5 ? 'all' : r() < 0.5 ? 'none' : fmri });
        s.settle();
      } else { what = 'time'; s.advance(Math.floor(r() * 3_600_000)); }
      s.now += 1000;
      check(s, n, `#${k} ${what} ${name}`);
    }
  });
}

for (const seed of [101, 102]) {
  test(`fuzz seed ${seed}: events interleaved with methods completing in random order, failing methods`, () => {
    const n = 120;
    const r = rng(seed);
    const s = new Sim();
    const specs = randomDag(n, seed);
    const outcomes = ['ok', 'daemon', 'daemon', 'daemon', { exit: 1 }, { exit: 95 }, { signal: 'SIGKILL' }, 'timeout'] as const;
    for (const [, spec] of Object.entries(specs)) {
      spec.model = (['contract', 'transient', 'child'] as const)[Math.floor(r() * 3)];
      spec.refresh = 'ok';
      for (const d of spec.deps ?? []) d.restartOn = ['none', 'error', 'restart', 'refresh'][Math.floor(r() * 4)];
      if (r() < 0.1) spec.deps!.push({ name: 'ex', grouping: 'exclude_all', restartOn: 'none', entities: [`n${Math.floor(r() * n)}`] });
    }
    s.step({ kind: 'configure', instances: Object.entries(specs).map(([k, v]) => s.config(k, v)), initial: true });
    for (let k = 0; k < 1500; k++) {
      const name = `n${Math.floor(r() * n)}`;
      const fmri = svc(name);
      const x = r();
      if (x < 0.08) s.step({ kind: 'admin', fmri, action: { type: 'disable', temporary: r() < 0.5 } });
      else if (x < 0.2) s.step({ kind: 'admin', fmri, action: { type: 'enable', temporary: r() < 0.5 } });
      else if (x < 0.25) s.step({ kind: 'admin', fmri, action: { type: 'restart' } });
      else if (x < 0.3) s.step({ kind: 'refresh', config: s.configs.get(fmri)! });
      else if (x < 0.35) s.step({ kind: 'admin', fmri, action: { type: 'clear' } });
      else if (x < 0.4) s.step({ kind: 'contractEvent', fmri, contractEvent: (['empty', 'core', 'signal', 'hwerr'] as const)[Math.floor(r() * 4)] });
      else if (x < 0.43) s.step({ kind: 'childExited', fmri, exitCode: [0, 1, 96][Math.floor(r() * 3)] });
      else if (x < 0.45) s.behaviours.get(fmri)!.start = outcomes[Math.floor(r() * outcomes.length)];
      else if (x < 0.46) s.step({ kind: 'milestone', target: r() < 0.7 ? 'all' : 'none' });
      else if (s.pendingCount) s.completeAt(Math.floor(r() * s.pendingCount));
      s.now += Math.floor(r() * 120_000);
    }
    s.step({ kind: 'milestone', target: 'all' });
    s.settle();
    s.advance(2000);
    for (let i = 0; i < n; i++) {
      const v = s.engine.instance(svc(`n${i}`))!;
      assert.equal(v.transition, null, `${v.fmri} in transition`);
      assert.equal(v.queue.length, 0, `${v.fmri} has queued commands`);
      if (v.enabled === true && v.state === 'offline') assert.equal(s.engine.evaluator.isSatisfied(v), false, `${v.fmri} offline although satisfied`);
      if (v.enabled === false) assert.ok(v.state === 'disabled' || v.state === 'maintenance', `${v.fmri} ${v.state} while disabled`);
    }
  });
}
