// V8's tiering for svc.startd, set at start-up (before the daemon's code runs hot). A boot runs
// most of the daemon's code a few thousand times and then rarely again: TurboFan compiling it
// early, with deep inlining, costs more CPU on V8's helper threads than the optimized code saves,
// and on a 2-core host that CPU is taken from the services starting meanwhile (docs/performance.md,
// "V8 tiering"). Functions still hot after a boot are optimized later all the same.
//
// Set with v8.setFlagsFromString rather than on the launcher's command line: a V8 that no longer
// knows a flag only warns here, where `node --unknown-flag` refuses to start.
import v8 from 'node:v8';

export const DAEMON_V8_FLAGS = [
  // four times the default bytecode budget before a function is considered for optimization
  '--ticks-before-optimization=10',
  // a smaller inlining budget per optimized function (default 920 bytes of bytecode)
  '--max-inlined-bytecode-size-cumulative=200',
] as const;

export function tuneV8ForDaemon(): void {
  for (const flag of DAEMON_V8_FLAGS) v8.setFlagsFromString(flag);
}
