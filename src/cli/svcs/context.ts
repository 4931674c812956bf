// Shared state of one svcs run: the read-only repository, row cache, operand resolution (§1.4,
// "act on all matches" policy) and diagnostics. Rows are read lazily, with dependencies only when
// the mode needs them.
import fs from 'node:fs';
import path from 'node:path';
import { noMatchError, partialHint, resolveOperand } from '../../core/fmri.js';
import { hintsWanted } from '../common/hints.js';
import type { InstanceRow } from '../../core/listing/row.js';
import type { RestarterSummaryProp } from '../../repository/index.js';
import type { Repository } from '../../repository/repository.js';
import { logDir, repositoryPath } from '../common/root.js';
import { bulkRows } from './bulk.js';
import { addAllTemplates, addDetail, allDependencies, readRow } from './source.js';

/** From this many rows on, template data is read for all instances at once rather than per row. */
const BULK_TEMPLATES_FROM = 32;

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

  /**
   * Reads the state columns of every instance at once (plain listings; -x, -D with `force`), and
   * with `dependencies` the dependency groups of every instance too (one bulk read each).
   */
  /** `only`: the restarter properties the caller will look at (a plain listing's columns); all when absent. */
  preload(force = false, dependencies = false, only?: readonly RestarterSummaryProp[]): void {
    if ((this.detail && !force) || !this.repo || this.rows.size) return;
    const rows = bulkRows(this.repo, only);
    this.instanceList = rows.map((r) => r.fmri);
    for (const r of rows) this.rows.set(r.fmri, r);
    this.partial = new Set(this.instanceList);
    if (dependencies) {
      for (const [fmri, groups] of allDependencies(this.repo)) this.rows.get(fmri)?.dependencies.push(...groups);
      this.dependenciesLoaded = true;
    }
  }

  private partial = new Set<string>();
  private dependenciesLoaded = false;

  /** The row with its dependency groups and template data (reads them if the bulk path skipped them). */
  detailed(fmri: string): InstanceRow {
    const r = this.row(fmri);
    if (this.partial.delete(fmri) && this.repo) addDetail(this.repo, r, { dependencies: !this.dependenciesLoaded });
    return r;
  }

  /** detailed() for many rows: one bulk read of template data when dependencies are preloaded. */
  detailedAll(fmris: readonly string[]): void {
    if (!this.repo || !this.dependenciesLoaded || fmris.length < BULK_TEMPLATES_FROM) {
      for (const f of fmris) this.detailed(f);
      return;
    }
    const rows = fmris.filter((f) => this.partial.delete(f)).map((f) => this.row(f));
    addAllTemplates(this.repo, rows);
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

  private noMatch(op: string, candidates: readonly string[]): void {
    this.error(noMatchError(op));
    const hint = hintsWanted() ? partialHint(op, candidates) : undefined;
    if (hint) process.stderr.write(`svcs: ${hint}\n`);
  }

  /** Resolves operands to instance FMRIs (duplicates removed, operand order kept); reports no-matches. */
  resolve(operands: readonly string[]): string[] {
    const out = new Set<string>();
    for (const op of operands) {
      const r = resolveOperand(op, this.instances());
      if (r.matches.length === 0) { this.noMatch(op, this.instances()); continue; }
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
      if (r.matches.length === 0) { this.noMatch(op, candidates); continue; }
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
