// V8's tiering for svc.startd and svccfg, set at start-up (before their code runs hot). A boot, or
// the import of a large bundle, runs most of their code a few thousand times and then rarely
// again: TurboFan compiling it early, with deep inlining, costs more CPU on V8's helper threads
// than the optimized code saves, and on a 2-core host that CPU is taken from the services starting
// meanwhile (docs/performance.md, "V8 tiering"). Functions still hot later are optimized all the
// same.
//
// Set with v8.setFlagsFromString rather than on the launcher's command line: a V8 that no longer
// knows a flag only warns here, where `node --unknown-flag` refuses to start.
import v8 from 'node:v8';

export const TIERING_FLAGS = [
  // four times the default bytecode budget before a function is considered for optimization
  '--ticks-before-optimization=10',
  // a smaller inlining budget per optimized function (default 920 bytes of bytecode)
  '--max-inlined-bytecode-size-cumulative=200',
] as const;

export function tuneTiering(): void {
  for (const flag of TIERING_FLAGS) v8.setFlagsFromString(flag);
}
