// Bulk read of the state columns of every instance (svcs, svcs -x, svcadm -S): the restarter pg,
// general/enabled, general/restarter and general_ovr/enabled of all instances in two queries,
// instead of three pg reads per instance. What it returns is exactly what the per-instance
// current-composed reads return: instance-level values first, the service's general pg filling
// in enabled / restarter (§6.3), first value of each property.
//
// Invariants: read-only; instances come in listInstances() order (service id, instance id); the
// instance query is driven by the pgs_of_instance index and pivots in SQL, so the cost is one
// row per instance whatever the number of properties.
import type { Store } from './store.js';

export interface InstanceSummary {
  fmri: string;
  /** service name without scheme, e.g. "site/pool-import" */
  service: string;
  instance: string;
  /** restarter/state, next_state, state_timestamp (raw `SECONDS[.NANOS]`), ... (undefined = unset) */
  state?: string;
  nextState?: string;
  stateTimestamp?: string;
  contract?: string;
  auxiliaryState?: string;
  auxiliaryFmri?: string;
  logfile?: string;
  altLogfile?: string;
  startMethodWaitstatus?: string;
  /** restarter/transient_contract: the contract of a method running outside the primary one */
  transientContract?: string;
  /** general/enabled (instance, else service) */
  enabled?: boolean;
  /** general_ovr/enabled */
  enabledOverride?: boolean;
  /** general/restarter (instance, else service) */
  restarter?: string;
}

const RESTARTER_PROPS = [
  'state', 'next_state', 'state_timestamp', 'contract', 'auxiliary_state', 'auxiliary_fmri', 'logfile', 'alt_logfile',
  'start_method_waitstatus', 'transient_contract',
] as const;

const pick = (pg: string, prop: string) => `max(CASE WHEN p.name = '${pg}' AND pr.name = '${prop}' THEN v.value END)`;

// CROSS JOIN fixes the join order: pgs through its (instance_id, name) index, then props and the
// first value by primary key (left to itself, the planner scans every value of the repository).
// `names`: only these properties are read (the props index then seeks each name instead of
// walking every property of the pg: a listing of the state columns reads half the rows)
const instanceSql = (names?: readonly string[]) => `
  SELECT s.name, i.name, x.* FROM instances i JOIN services s ON s.id = i.service_id
  LEFT JOIN (
    SELECT p.instance_id AS id, ${RESTARTER_PROPS.map((n) => pick('restarter', n)).join(', ')},
      ${pick('general', 'enabled')}, ${pick('general', 'restarter')}, ${pick('general_ovr', 'enabled')}
    FROM pgs p CROSS JOIN props pr CROSS JOIN vals v
    WHERE p.instance_id IS NOT NULL AND p.name IN ('restarter', 'general', 'general_ovr')
      AND pr.pg_id = p.id${names ? ` AND pr.name IN (${names.map((n) => `'${n}'`).join(', ')})` : ''} AND v.prop_id = pr.id AND v.seq = 0
    GROUP BY p.instance_id) x ON x.id = i.id
  ORDER BY s.id, i.id`;
const INSTANCE_SQL = instanceSql();

/** The restarter properties a summary can carry (InstanceSummary's state fields). */
export type RestarterSummaryProp = typeof RESTARTER_PROPS[number];

const SERVICE_SQL = `
  SELECT s.name, pr.name, v.value
  FROM pgs p CROSS JOIN props pr CROSS JOIN vals v CROSS JOIN services s
  WHERE p.service_id IS NOT NULL AND p.name = 'general' AND pr.name IN ('enabled', 'restarter')
    AND pr.pg_id = p.id AND v.prop_id = pr.id AND v.seq = 0 AND s.id = p.service_id`;

type Cell = string | null;
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const bool = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : v === 'true' || v === '1');

/**
 * Every instance's summary; `only`: just these restarter properties (the others stay unset), for a
 * listing that shows a few columns. enabled, general_ovr/enabled and the restarter are always read.
 */
export function instanceSummaries(store: Store, only?: readonly RestarterSummaryProp[]): InstanceSummary[] {
  const svcDefaults = new Map<string, { enabled?: string; restarter?: string }>();
  for (const [svc, prop, value] of store.stmt(SERVICE_SQL).raw(true).all() as [string, string, Cell][]) {
    let d = svcDefaults.get(svc);
    if (!d) svcDefaults.set(svc, (d = {}));
    if (prop === 'enabled') d.enabled = str(value);
    else d.restarter = str(value);
  }
  const names = only ? [...new Set<string>([...only.filter((n) => RESTARTER_PROPS.includes(n)), 'enabled', 'restarter'])].sort() : undefined;
  const rows = store.stmt(names ? instanceSql(names) : INSTANCE_SQL).raw(true).all() as Cell[][];
  const out: InstanceSummary[] = new Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const service = r[0]!, instance = r[1]!;
    const d = svcDefaults.get(service);
    const s: InstanceSummary = { fmri: `svc:/${service}:${instance}`, service, instance };
    // r[2] is the instance id; restarter properties follow in RESTARTER_PROPS order
    if (r[3] !== null) s.state = str(r[3]);
    if (r[4] !== null) s.nextState = str(r[4]);
    if (r[5] !== null) s.stateTimestamp = str(r[5]);
    if (r[6] !== null) s.contract = str(r[6]);
    if (r[7] !== null) s.auxiliaryState = str(r[7]);
    if (r[8] !== null) s.auxiliaryFmri = str(r[8]);
    if (r[9] !== null) s.logfile = str(r[9]);
    if (r[10] !== null) s.altLogfile = str(r[10]);
    if (r[11] !== null) s.startMethodWaitstatus = str(r[11]);
    if (r[12] !== null) s.transientContract = str(r[12]);
    const enabled = bool(str(r[13]) ?? d?.enabled);
    if (enabled !== undefined) s.enabled = enabled;
    const restarter = str(r[14]) ?? d?.restarter;
    if (restarter !== undefined) s.restarter = restarter;
    const ovr = bool(str(r[15]));
    if (ovr !== undefined) s.enabledOverride = ovr;
    out[k] = s;
  }
  return out;
}
