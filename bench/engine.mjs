#!/usr/bin/env node
// Times the pure engine bringing a random 5,000-instance DAG online: configure (graph load,
// cycle checks, first evaluations) + one methodCompleted step per start method. Only engine time
// is measured (the fake daemon loop feeding results back is excluded). Run 1 includes JIT
// warm-up; later runs show the steady state.
// Usage: node --import tsx bench/engine.mjs [N] [SEED] [RUNS]
import { Engine } from '../src/core/engine/engine.ts';
import { Sim, randomDag } from '../src/core/engine/sim.ts';

const n = Number(process.argv[2] ?? 5000);
const seed = Number(process.argv[3] ?? 42);
const runs = Number(process.argv[4] ?? 3);
const sim = new Sim();
const configs = Object.entries(randomDag(n, seed)).map(([name, spec]) => sim.config(name, spec));

let failed = false;
for (let run = 1; run <= runs; run++) {
  const engine = new Engine({ fileExists: () => false });
  const pending = [];
  let engineMs = 0;
  let steps = 0;
  const step = (ev) => {
    const t0 = performance.now();
    const cmds = engine.step(ev, 0);
    engineMs += performance.now() - t0;
    steps++;
    for (const c of cmds) if (c.kind === 'runMethod') pending.push(c);
  };
  step({ kind: 'configure', instances: configs, initial: true });
  const configureMs = engineMs;
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i];
    step({ kind: 'methodCompleted', fmri: p.fmri, method: p.method, transitionId: p.transitionId, outcome: { exitCode: 0, timedOut: false } });
  }
  let online = 0;
  for (const v of engine.graph.vertices.values()) if (v.state === 'online') online++;
  console.log(`run ${run}: ${n} instances, ${online} online, ${steps} steps, ${engineMs.toFixed(1)} ms engine time (configure ${configureMs.toFixed(1)} ms)`);
  if (online !== n) failed = true;
}
process.exit(failed ? 1 : 0);
