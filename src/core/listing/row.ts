// The listing's view of one instance: everything svcs prints, gathered by the CLI from the
// repository (current properties for enabled/restarter state, running snapshot for dependencies,
// template for the common name). Pure data; adapters fill it, formatters only read it.
//
// Invariants: `fmri` is canonical (`svc:/SERVICE:INSTANCE`); times are epoch milliseconds;
// `nextState` undefined or "none" means "not in transition".

export interface DependencyGroup {
  /** property-group name, e.g. "fs-local" */
  name: string;
  grouping?: string;
  restartOn?: string;
  /** "service" | "path" (undefined when the property is missing) */
  type?: string;
  entities: string[];
}

export interface InstanceRow {
  fmri: string;
  /** service name without scheme, e.g. "site/pool-import" */
  service: string;
  instance: string;
  state?: string;
  nextState?: string;
  stateTime?: number;
  /** restarter/contract ids (primary contract, cgroup or process group); empty when none */
  contracts: number[];
  /** restarter/transient_contract: a method running outside the primary contract (svcs -p lists its processes too) */
  transientContracts?: number[];
  /** template common name (locale, then C) */
  commonName?: string;
  /** general/enabled (composed current value) */
  enabledPersistent?: boolean;
  /** general_ovr/enabled when present */
  enabledOverride?: boolean;
  /** general/restarter when set */
  restarter?: string;
  auxState?: string;
  auxFmri?: string;
  logfile?: string;
  altLogfile?: string;
  /** restarter/start_method_waitstatus: raw wait(2) status of the last start method */
  startWaitStatus?: number;
  /** dependency groups from the running snapshot (or current properties without one) */
  dependencies: DependencyGroup[];
  /** template documentation references (manpage/doc_link), printed as See: lines by -x */
  docs?: DocRef[];
}

/** A template's manpage (tm_man_*) or doc_link (tm_doc_*) reference. */
export type DocRef = { kind: 'man'; title: string; section: string; manpath?: string } | { kind: 'uri'; uri: string };

export const MASTER_RESTARTER = 'svc:/system/svc/restarter:default';

/** Effective enabled value: general_ovr/enabled if present, else general/enabled (§2.5). */
export function effectiveEnabled(row: InstanceRow): boolean {
  return row.enabledOverride ?? row.enabledPersistent ?? false;
}

/** Default selection of `svcs` without operands: general/enabled or general_ovr/enabled true. */
export function shownByDefault(row: InstanceRow): boolean {
  return row.enabledPersistent === true || row.enabledOverride === true;
}

/** The instance's restarter FMRI (general/restarter or the master restarter). */
export function restarterOf(row: InstanceRow): string {
  return row.restarter && row.restarter.length ? row.restarter : MASTER_RESTARTER;
}

/** restarter/contract or transient_contract as the ids of a row (an unset or empty property: none). */
export function contractIds(value: string | undefined): number[] {
  return value !== undefined && value !== '' ? [Number(value)] : [];
}
