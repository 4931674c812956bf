#!/usr/bin/env node
// Times the pure engine bringing a random 5,000-instance DAG online (engine time only: the
// fake daemon loop that feeds methodCompleted events back is excluded from the measurement).
// Usage: node --import tsx bench/engine.mjs [N] [SEED]
import { Engine } from '../src/core/engine/engine.ts';
import { Sim, randomDag } from '../src/core/engine/sim.ts';


const n = Number(process.argv[2] ?? 5000);
const seed = Number(process.argv[3] ?? 42);
const sim = new Sim();
const configs = Object.entries(randomDag(n, seed)).map(([name, spec]) => sim.config(name, spec));
const engine = new Engine({ fileExists: () => false });
let engineMs = 0;
let steps = 0;
const pending = [];
function step(ev) {
  const t0 = performance.now();
  const cmds = engine.step(ev, 0);
  engineMs += performance.now() - t0;
  steps++;
  for (const c of cmds) if (c.kind === 'runMethod') pending.push(c);
}
step({ kind: 'configure', instances: configs, initial: true });
const configureMs = engineMs;
for (let i = 0; i < pending.length; i++) {
  const p = pending[i];
  step({ kind: 'methodCompleted', fmri: p.fmri, method: p.method, transitionId: p.transitionId, outcome: { exitCode: 0, timedOut: false } });
}
let online = 0;
for (const v of engine.graph.vertices.values()) if (v.state === 'online') online++;
console.log(`engine: ${n} instances, ${online} online, ${steps} steps, ${engineMs.toFixed(1)} ms engine time (configure ${configureMs.toFixed(1)} ms)`);
if (online !== n) process.exit(1);
