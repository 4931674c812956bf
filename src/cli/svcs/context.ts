// Shared state of one svcs run: the read-only repository, row cache, operand resolution (§1.4,
// "act on all matches" policy) and diagnostics. Rows are read lazily, with dependencies only when
// the mode needs them.
import fs from 'node:fs';
import path from 'node:path';
import { noMatchError, resolveOperand } from '../../core/fmri.js';
import type { InstanceRow } from '../../core/listing/row.js';
import type { Repository } from '../../repository/repository.js';
import { logDir, repositoryPath } from '../common/root.js';
import { bulkRows } from './bulk.js';
import { addDetail, readRow } from './source.js';

export class SvcsContext {
  private rows = new Map<string, InstanceRow>();
  private instanceList: string[] | undefined;
  private serviceList: string[] | undefined;
  exitCode = 0;

  private constructor(readonly root: string, readonly repo: Repository | undefined, readonly detail: boolean) {}

  static async open(root: string, detail: boolean): Promise<SvcsContext | string> {
    const file = repositoryPath(root);
    if (!fs.existsSync(file)) return new SvcsContext(root, undefined, detail);
    const { Repository } = await import('../../repository/repository.js');
    const r = Repository.open(file, { readonly: true });
    if (!r.ok) return `cannot read the repository: ${r.message}`;
    return new SvcsContext(root, r.value, detail);
  }

  close(): void { this.repo?.close(); }

  error(msg: string): void {
    process.stderr.write(`svcs: ${msg}\n`);
    this.exitCode = 1;
  }

  instances(): string[] {
    this.instanceList ??= this.repo ? this.repo.listInstances() : [];
    return this.instanceList;
  }
  services(): string[] {
    this.serviceList ??= this.repo ? this.repo.listServices().map((s) => `svc:/${s}`) : [];
    return this.serviceList;
  }

  /** Reads the state columns of every instance at once (plain listings, and -x before details). */
  preload(force = false): void {
    if ((this.detail && !force) || !this.repo || this.rows.size) return;
    const bulk = bulkRows(this.repo, this.instances());
    if (bulk) {
      this.rows = bulk;
      this.partial = new Set(bulk.keys());
    }
  }

  private partial = new Set<string>();

  /** The row with its dependency groups and template data (reads them if the bulk path skipped them). */
  detailed(fmri: string): InstanceRow {
    const r = this.row(fmri);
    if (this.partial.delete(fmri) && this.repo) addDetail(this.repo, r);
    return r;
  }

  row(fmri: string): InstanceRow {
    let r = this.rows.get(fmri);
    if (!r) {
      r = readRow(this.repo!, fmri, { dependencies: this.detail });
      this.rows.set(fmri, r);
    }
    return r;
  }
  allRows(): InstanceRow[] { return this.instances().map((f) => this.row(f)); }

  /** Resolves operands to instance FMRIs (duplicates removed, operand order kept); reports no-matches. */
  resolve(operands: readonly string[]): string[] {
    const out = new Set<string>();
    for (const op of operands) {
      const r = resolveOperand(op, this.instances());
      if (r.matches.length === 0) { this.error(noMatchError(op)); continue; }
      for (const m of r.matches) out.add(m);
    }
    return [...out];
  }

  /** Resolves operands allowing service FMRIs to stand for themselves (svcs -D). */
  resolveEntities(operands: readonly string[]): string[] {
    const out = new Set<string>();
    const candidates = [...this.services(), ...this.instances()];
    for (const op of operands) {
      const r = resolveOperand(op, candidates, { serviceAsSelf: true });
      if (r.matches.length === 0) { this.error(noMatchError(op)); continue; }
      for (const m of r.matches) out.add(m);
    }
    return [...out];
  }

  /** restarter/logfile, else the conventional path under the root. */
  logPath(row: InstanceRow): string {
    if (row.logfile) return row.logfile;
    return path.join(logDir(this.root), `${row.fmri.slice('svc:/'.length).replace(/\//g, '-')}.log`);
  }
}
