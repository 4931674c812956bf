// Reactions to process events of a running instance (smf-spec §5.1, §5.3, §2.7): contract events
// of contract-model services and the exit of a wait-model child, turned into restarter stops.
//
// Invariants:
// - Contract events only matter for the contract model, child exits only for the wait model.
// - An event arriving during a start/refresh transition is remembered and applied afterwards;
//   during a stop it is ignored (the stop handles the processes).

import type { Vertex } from './graph.js';
import { isRunning, type Restarter } from './instance.js';
import { contractEventIsFatal } from './policy.js';
import { RERR_FAULT, RERR_RESTART, type ContractEventKind, type ReasonCode } from './types.js';

const AUX: Record<ContractEventKind, ReasonCode> = {
  empty: 'ct_ev_exit', core: 'ct_ev_core', signal: 'ct_ev_signal', hwerr: 'ct_ev_hwerr',
};

/** `contractGone`: the contract itself no longer exists (it emptied while no restarter watched and could not be
 *  adopted): the stop that follows has no primary contract and skips the stop method (§5.1). */
export function contractEvent(r: Restarter, v: Vertex, kind: ContractEventKind, contractGone = false): void {
  if (v.config.startd.duration !== 'contract') return;
  if (v.transition) {
    if (v.transition.method !== 'stop') v.pendingContractEvent = kind;
    return;
  }
  if (!isRunning(v.state) || !v.contractAlive) return;
  if (!contractEventIsFatal(kind, v.config.startd)) return;
  if (kind === 'empty') { v.contractAlive = false; v.contractEmptied = !contractGone; }
  r.enqueue(v, { type: 'STOP', rerr: kind === 'empty' ? RERR_RESTART : RERR_FAULT, reset: false, aux: AUX[kind] }, true);
}

export function childExited(r: Restarter, v: Vertex, exitCode: number | undefined, signal: string | undefined): void {
  if (v.config.startd.duration !== 'child' || v.transition || !isRunning(v.state) || !v.contractAlive) return;
  r.abandon(v);
  if (exitCode === 96) {
    r.log(v, 'Method "start" exited with status 96.');
    return r.settle(v, 'maintenance', 'method_failed', RERR_FAULT);
  }
  if (exitCode === 0) v.ring = [];
  else if (exitCode !== undefined && signal === undefined) { v.faultCount++; v.childFailed = true; }
  r.enqueue(v, { type: 'STOP', rerr: RERR_RESTART, reset: false, aux: 'ct_ev_exit' }, true);
}
