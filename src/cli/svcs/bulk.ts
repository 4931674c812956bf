// Fast path of the plain listing (svcs, svcs -a over thousands of instances): the state columns of
// every instance in two SQL queries over the repository's connection instead of three pg reads per
// instance. It produces exactly what readRow() (source.ts) produces without dependencies:
// instance-level restarter / general_ovr, and general composed (instance property, else service
// property).
// NOTE for the repository owner: this belongs in src/repository as a Repository method (e.g.
// `instanceSummaries()`); until it exists it reads the schema of migration 1 through the public
// `db` handle, and any error (schema change) makes svcs fall back to the per-instance reads.
import type { InstanceRow } from '../../core/listing/row.js';
import { parseRepositoryTime } from '../../core/listing/time-format.js';
import type { Repository } from '../../repository/repository.js';

interface Stmt { all(...args: unknown[]): unknown[]; raw?(on: boolean): Stmt }
interface Db { prepare(sql: string): Stmt }

const INSTANCE_SQL = `
  SELECT s.name AS svc, i.name AS inst, p.name AS pg, pr.name AS prop, v.value AS value
  FROM instances i
  JOIN services s ON s.id = i.service_id
  JOIN pgs p ON p.instance_id = i.id AND p.name IN ('restarter', 'general', 'general_ovr')
  JOIN props pr ON pr.pg_id = p.id
  JOIN vals v ON v.prop_id = pr.id
  WHERE v.seq = 0`;

const SERVICE_SQL = `
  SELECT s.name AS svc, pr.name AS prop, v.value AS value
  FROM services s
  JOIN pgs p ON p.service_id = s.id AND p.name = 'general'
  JOIN props pr ON pr.pg_id = p.id
  JOIN vals v ON v.prop_id = pr.id
  WHERE v.seq = 0`;

export function bulkRows(repo: Repository, fmris: readonly string[]): Map<string, InstanceRow> | undefined {
  try {
    const db = (repo as unknown as { db: Db }).db;
    const rows = (sql: string) => {
      const st = db.prepare(sql);
      return (st.raw ? st.raw(true) : st).all() as unknown[][];
    };
    const inst = new Map<string, Record<string, string>>();
    for (const [svcName, instName, pg, prop, value] of rows(INSTANCE_SQL)) {
      const key = `svc:/${svcName}:${instName}`;
      let m = inst.get(key);
      if (!m) inst.set(key, (m = {}));
      m[`${pg}/${prop}`] = String(value);
    }
    const svc = new Map<string, Record<string, string>>();
    for (const [svcName, prop, value] of rows(SERVICE_SQL)) {
      let m = svc.get(svcName as string);
      if (!m) svc.set(svcName as string, (m = {}));
      m[`general/${prop}`] = String(value);
    }
    const none: Record<string, string> = {};
    const bool = (v: string | undefined) => (v === undefined ? undefined : v === 'true' || v === '1');
    const out = new Map<string, InstanceRow>();
    for (const fmri of fmris) {
      const body = fmri.slice('svc:/'.length);
      const colon = body.lastIndexOf(':');
      const service = body.slice(0, colon);
      const i = inst.get(fmri) ?? none;
      const s = svc.get(service) ?? none;
      const contract = i['restarter/contract'];
      const ws = i['restarter/start_method_waitstatus'];
      out.set(fmri, {
        fmri, service, instance: body.slice(colon + 1),
        state: i['restarter/state'],
        nextState: i['restarter/next_state'] ?? 'none',
        stateTime: parseRepositoryTime(i['restarter/state_timestamp']),
        contracts: contract !== undefined && contract !== '' ? [Number(contract)] : [],
        enabledPersistent: bool(i['general/enabled'] ?? s['general/enabled']),
        enabledOverride: bool(i['general_ovr/enabled']),
        restarter: i['general/restarter'] ?? s['general/restarter'],
        auxState: i['restarter/auxiliary_state'],
        auxFmri: i['restarter/auxiliary_fmri'],
        logfile: i['restarter/logfile'],
        altLogfile: i['restarter/alt_logfile'],
        startWaitStatus: ws === undefined ? undefined : Number(ws),
        dependencies: [],
      });
    }
    return out;
  } catch {
    return undefined;
  }
}
