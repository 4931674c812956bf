// Restarter restart (same boot, smf-spec §2.11): what the previous daemon recorded for an instance,
// whether its contract still holds processes (re-adopted through the ContractManager, never started
// twice), and the restarter_actions that svcadm wrote while no daemon was running.
import { findPg, findProp, type PropertyGroup } from '../core/model.js';
import type { AdminAction, InstanceState, NextState, ReasonCode, RestoredInstance } from '../core/engine/types.js';
import type { ContractManager } from '../ports/process.js';

const INSTANCE_STATES = new Set(['uninitialized', 'offline', 'online', 'degraded', 'maintenance', 'disabled', 'legacy_run']);

/**
 * The recorded state of one instance (current pgs), adopting its contract when still populated.
 * `died`: a contract was recorded for a running instance but its processes are gone (they exited
 * while no daemon watched): the caller reports that to the engine as the event it missed.
 */
export function restoreInstance(fmri: string, pgs: PropertyGroup[], contracts: ContractManager, log: (m: string) => void): { restored: RestoredInstance; died: boolean } | undefined {
  const pg = findPg(pgs, 'restarter');
  const state = findProp(pg, 'state')?.values[0];
  if (!state || !INSTANCE_STATES.has(state)) return undefined;
  const next = findProp(pg, 'next_state')?.values[0] ?? 'none';
  const aux = findProp(pg, 'auxiliary_state')?.values[0];
  const contract = findProp(pg, 'contract')?.values[0];
  const contractId = contract !== undefined && /^\d+$/.test(contract) ? Number(contract) : undefined;
  let alive = false;
  try {
    alive = contracts.adopt(fmri, contractId) && !contracts.isEmpty(fmri);
  } catch (e) {
    log(`${fmri}: adopting contract ${contractId ?? '(by name)'} failed: ${(e as Error).message}`);
  }
  if (!alive && contracts.has(fmri)) contracts.abandon(fmri);
  if (alive) log(`${fmri}: adopted running contract ${contracts.contractId(fmri)} (${state})`);
  else if (contractId !== undefined) log(`${fmri}: contract ${contractId} is gone`);
  const r: RestoredInstance = { fmri, state: state as InstanceState, nextState: (INSTANCE_STATES.has(next) ? next : 'none') as NextState, contractAlive: alive };
  if (aux) r.aux = aux as ReasonCode;
  const died = !alive && contractId !== undefined && (state === 'online' || state === 'degraded');
  // the engine stops it with ct_ev_exit, the event missed while no daemon ran (smf-spec §2.11)
  if (died) r.contractLost = true;
  return { restored: r, died };
}

/**
 * Pending restarter_actions (name -> values) as engine admin actions, in the order svc.startd
 * handles them: maintenance first, then the rest (smf-spec §2.8). 'refresh' = retake running + refresh.
 * maint_on_temporary / maint_on_immtemp / do_dump are not consumed ([doc≠code], do_dump only with restart).
 */
export function pendingActions(actions: Record<string, string[]>): (AdminAction | 'refresh')[] {
  const tty = actions.auxiliary_tty?.[0] === 'true';
  const auxFmri = actions.auxiliary_fmri?.[0];
  const aux = tty ? 'administrative_request' as const : 'service_request' as const;
  const withFmri = <T extends object>(a: T) => (auxFmri ? { ...a, auxFmri } : a);
  const order: [string, AdminAction | 'refresh'][] = [
    ['maint_on_immediate', withFmri({ type: 'maintOnImmediate' as const, aux })],
    ['maint_on', withFmri({ type: 'maintOn' as const, aux })],
    ['maint_off', { type: 'clear' }], ['restart', { type: 'restart' }], ['refresh', 'refresh'],
    ['degraded', { type: 'degraded' }], ['degrade_immediate', { type: 'degradeImmediate' }], ['restore', { type: 'restore' }],
  ];
  return order.filter(([name]) => actions[name] !== undefined).map(([, a]) => a);
}
