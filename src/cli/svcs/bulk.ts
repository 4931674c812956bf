// Fast path of the plain listing (svcs, svcs -a, svcs -x over thousands of instances): the state
// columns of every instance from the repository's bulk read (Repository.instanceSummaries, two
// queries) instead of three pg reads per instance. It produces exactly what readRow() (source.ts)
// produces without dependencies.
import { contractIds, type InstanceRow } from '../../core/listing/row.js';
import { parseRepositoryTime } from '../../core/listing/time-format.js';
import type { InstanceSummary, Repository, RestarterSummaryProp } from '../../repository/index.js';

export function summaryRow(s: InstanceSummary): InstanceRow {
  return {
    fmri: s.fmri, service: s.service, instance: s.instance,
    state: s.state,
    nextState: s.nextState ?? 'none',
    stateTime: parseRepositoryTime(s.stateTimestamp),
    contracts: contractIds(s.contract),
    transientContracts: contractIds(s.transientContract),
    enabledPersistent: s.enabled,
    enabledOverride: s.enabledOverride,
    restarter: s.restarter,
    auxState: s.auxiliaryState,
    auxFmri: s.auxiliaryFmri,
    logfile: s.logfile,
    altLogfile: s.altLogfile,
    startWaitStatus: s.startMethodWaitstatus === undefined ? undefined : Number(s.startMethodWaitstatus),
    dependencies: [],
  };
}

/** Rows of every instance, in repository order; `only`: just these restarter properties (see instanceSummaries). */
export function bulkRows(repo: Repository, only?: readonly RestarterSummaryProp[]): InstanceRow[] {
  return repo.instanceSummaries(only).map(summaryRow);
}
