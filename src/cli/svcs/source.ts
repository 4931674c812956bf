// Reads the repository into listing rows (core/listing/row.ts) for svcs: restarter state, enabled
// flags and contract from the current properties (read-only connection, no daemon round trip),
// dependencies and template data from the effective view (running snapshot) only when -l/-x/-d/-D
// need them.
import type { Repository } from '../../repository/repository.js';
import { ROOT_VIEWER, VIEW_COMPOSED, VIEW_EFFECTIVE, type PgView } from '../../repository/types.js';
import { contractIds, type DependencyGroup, type DocRef, type InstanceRow } from '../../core/listing/row.js';
import { parseRepositoryTime } from '../../core/listing/time-format.js';

const READ = { view: VIEW_COMPOSED, viewer: ROOT_VIEWER };
const EFFECTIVE = { view: VIEW_EFFECTIVE, viewer: ROOT_VIEWER };

export interface RowDetail {
  /** dependency groups and template data (needed by -l, -x, -d, -D) */
  dependencies: boolean;
}

function values(pg: PgView | undefined, name: string): string[] | undefined {
  return pg?.properties.find((p) => p.name === name)?.values;
}
function first(pg: PgView | undefined, name: string): string | undefined {
  return values(pg, name)?.[0];
}
function bool(pg: PgView | undefined, name: string): boolean | undefined {
  const v = first(pg, name);
  return v === undefined ? undefined : v === 'true';
}
function pg(repo: Repository, fmri: string, name: string, opts = READ): PgView | undefined {
  const r = repo.getPg(fmri, name, opts);
  return r.ok ? r.value : undefined;
}

export function splitFmri(fmri: string): { service: string; instance: string } {
  const body = fmri.slice('svc:/'.length);
  const colon = body.lastIndexOf(':');
  return { service: body.slice(0, colon), instance: body.slice(colon + 1) };
}

export function readRow(repo: Repository, fmri: string, detail: RowDetail): InstanceRow {
  const restarter = pg(repo, fmri, 'restarter');
  const general = pg(repo, fmri, 'general');
  const ovr = pg(repo, fmri, 'general_ovr');
  const waitStatus = first(restarter, 'start_method_waitstatus');
  const row: InstanceRow = {
    fmri, ...splitFmri(fmri),
    state: first(restarter, 'state'),
    nextState: first(restarter, 'next_state') ?? 'none',
    stateTime: parseRepositoryTime(first(restarter, 'state_timestamp')),
    contracts: contractIds(first(restarter, 'contract')),
    transientContracts: contractIds(first(restarter, 'transient_contract')),
    enabledPersistent: bool(general, 'enabled'),
    enabledOverride: bool(ovr, 'enabled'),
    restarter: first(general, 'restarter'),
    auxState: first(restarter, 'auxiliary_state'),
    auxFmri: first(restarter, 'auxiliary_fmri'),
    logfile: first(restarter, 'logfile'),
    altLogfile: first(restarter, 'alt_logfile'),
    startWaitStatus: waitStatus === undefined ? undefined : Number(waitStatus),
    dependencies: [],
  };
  if (detail.dependencies) addDetail(repo, row);
  return row;
}

/** Adds dependency groups (running snapshot; unless already there) and template data to a row read without them. */
export function addDetail(repo: Repository, row: InstanceRow, opts: { dependencies?: boolean } = {}): void {
  const all = repo.listPgs(row.fmri, EFFECTIVE);
  if (!all.ok) return;
  if (opts.dependencies !== false) {
    for (const p of all.value) if (p.type === 'dependency' && p.properties.length > 0) row.dependencies.push(dependencyOf(p));
  }
  applyTemplates(row, all.value);
}

const TEMPLATE_NAMES = ['tm_common_name', 'tm_man_*', 'tm_doc_*'];

/** Common name and See: references (tm_man_*, tm_doc_*) from template pgs. */
function applyTemplates(row: InstanceRow, pgs: readonly PgView[]): void {
  const docs: DocRef[] = [];
  for (const p of pgs) {
    if (p.type === 'dependency') continue;
    if (p.name === 'tm_common_name') row.commonName = (first(p, 'C') ?? p.properties[0]?.values[0])?.trim();
    else if (p.name.startsWith('tm_man_')) {
      const title = first(p, 'title'), section = first(p, 'section'), manpath = first(p, 'manpath');
      if (title && section) docs.push({ kind: 'man', title, section, ...(manpath ? { manpath } : {}) });
    } else if (p.name.startsWith('tm_doc_')) {
      const uri = first(p, 'uri');
      if (uri) docs.push({ kind: 'uri', uri });
    }
  }
  row.docs = docs;
}

/** Template data (common name, docs) of every given row in one bulk read. */
export function addAllTemplates(repo: Repository, rows: Iterable<InstanceRow>): void {
  const pgs = repo.effectivePgsOfType('template', TEMPLATE_NAMES);
  for (const r of rows) applyTemplates(r, pgs.get(r.fmri) ?? []);
}

/** Dependency groups of every instance (effective view) in one bulk read: fmri -> groups. */
export function allDependencies(repo: Repository): Map<string, DependencyGroup[]> {
  const out = new Map<string, DependencyGroup[]>();
  for (const [fmri, pgs] of repo.effectivePgsOfType('dependency')) {
    const groups = pgs.filter((p) => p.properties.length > 0).map(dependencyOf);
    if (groups.length) out.set(fmri, groups);
  }
  return out;
}

function dependencyOf(p: PgView): DependencyGroup {
  return {
    name: p.name,
    grouping: first(p, 'grouping'),
    restartOn: first(p, 'restart_on'),
    type: first(p, 'type'),
    entities: values(p, 'entities') ?? [],
  };
}

/** Common names are template data: read them only for the rows that print them (-l, -x, DESC). */
export function addCommonName(repo: Repository, row: InstanceRow): void {
  if (row.commonName !== undefined) return;
  const t = pg(repo, row.fmri, 'tm_common_name', EFFECTIVE);
  const v = first(t, 'C') ?? t?.properties[0]?.values[0];
  if (v !== undefined) row.commonName = v.trim();
}

/** msg/base of the master restarter (svcs -x See: lines), when configured. */
export function msgBase(repo: Repository): string | undefined {
  return first(pg(repo, 'svc:/system/svc/restarter:default', 'msg'), 'base');
}
