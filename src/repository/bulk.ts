// Set-based writing of whole property groups for import: pgs, properties and values are
// collected and inserted with multi-row INSERT statements (one statement per hundred-odd rows
// instead of one per row), which is what makes importing thousands of services fast.
//
// Invariants: row ids are assigned only in flush() (max(id)+1 onwards), so writes made through
// the Store between addAll() and flush() cannot collide; flush() runs inside the caller's
// write transaction (nothing else writes meanwhile) whenever enough is queued, and the caller
// flushes before anything reads the owners added. Values are encoded exactly as Store.writePg encodes them.
import { PG_FLAG_NONPERSISTENT, type PropertyGroup } from '../core/model.js';
import { encodeValue } from './encode.js';
import type { Owner, Store } from './store.js';

interface PgItem { owner: Owner; pg: PropertyGroup; seq: number; generation: number }

const CHUNK = { pgs: 100, props: 200, vals: 300 } as const;
const FLUSH_AT = 250;

export class PgBatch {
  private readonly items: PgItem[] = [];
  constructor(private readonly store: Store) {}

  /** Queues `pgs` for an owner that has none yet (positions 1..n), skipping NONPERSISTENT ones. */
  addAll(owner: Owner, pgs: readonly PropertyGroup[]): void {
    let seq = 1;
    for (const pg of pgs) if ((pg.flags & PG_FLAG_NONPERSISTENT) === 0) this.items.push({ owner, pg, seq: seq++, generation: 1 });
    // bounded memory: rows go out a few hundred pgs at a time, so they die young (a larger batch
    // survives into the old generation and raised the peak RSS of 5,000 services by ~20 MiB)
    if (this.items.length >= FLUSH_AT) this.flush();
  }

  get size(): number { return this.items.length; }

  /** Inserts everything queued. */
  flush(): void {
    if (!this.items.length) return;
    const nextId = (table: string) => (this.store.stmt(`SELECT coalesce(max(id), 0) + 1 AS n FROM ${table}`).get() as { n: number }).n;
    let pgId = nextId('pgs');
    let propId = nextId('props');
    const pgRows: unknown[] = []; const propRows: unknown[] = []; const valRows: unknown[] = [];
    for (const { owner: o, pg, seq, generation } of this.items) {
      const id = pgId++;
      pgRows.push(id, o.kind === 'service' ? o.id : null, o.kind === 'instance' ? o.id : null, o.kind === 'snapshot' ? o.id : null,
        o.kind === 'snapshot' ? o.level : o.kind, seq, pg.name, pg.type, pg.flags, generation);
      pg.properties.forEach((p, i) => {
        const pid = propId++;
        propRows.push(pid, id, i + 1, p.name, p.type);
        p.values.forEach((v, j) => valRows.push(pid, j, encodeValue(p.type, v)));
      });
    }
    this.items.length = 0;
    this.insert('pgs(id, service_id, instance_id, snapshot_id, level, seq, name, type, flags, generation)', 10, CHUNK.pgs, pgRows);
    this.insert('props(id, pg_id, seq, name, type)', 5, CHUNK.props, propRows);
    this.insert('vals(prop_id, seq, value)', 3, CHUNK.vals, valRows);
  }

  private insert(target: string, width: number, chunk: number, flat: unknown[]): void {
    const rows = flat.length / width;
    const tuple = `(${new Array(width).fill('?').join(', ')})`;
    const stmt = (n: number) => this.store.stmt(`INSERT INTO ${target} VALUES ${new Array(n).fill(tuple).join(', ')}`);
    const full = stmt(chunk);
    let r = 0;
    for (; r + chunk <= rows; r += chunk) full.run(flat.slice(r * width, (r + chunk) * width));
    if (r < rows) stmt(rows - r).run(flat.slice(r * width));
  }
}
