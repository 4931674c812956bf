// svcs -x (smf-spec §7.1): the analysis of core/listing/explain-analysis.ts (the engine's
// dependency evaluation over the stored states) rendered as text or --json. A module of its own so
// that plain listings do not load the engine.
import { analyse } from '../../core/listing/explain-analysis.js';
import { renderExplainBlock } from '../../core/listing/explain-render.js';
import { explainJson } from '../../core/listing/json.js';
import { systemLocal } from '../../core/listing/time-format.js';
import type { SvcsContext } from './context.js';
import { fileState } from './files.js';
import { readLog } from './modes.js';
import type { SvcsOptions } from './options.js';
import { msgBase } from './source.js';

const out = (s: string) => process.stdout.write(s);

export async function explain(ctx: SvcsContext, o: SvcsOptions): Promise<void> {
  const { connectDaemon } = await import('../common/client.js');
  const c = await connectDaemon(ctx.root, { client: 'svcs', timeoutMs: 2000 });
  if (c.ok) c.client.close();
  // States and dependency groups of every instance in two bulk reads; template data (docs, common
  // name) only for the instances printed.
  ctx.preload(true, true);
  const rows = ctx.instances().map((f) => ctx.row(f));
  const a = analyse({ rows, fileState, masterRunning: c.ok });
  const fmris = o.operands.length ? ctx.resolve(o.operands) : a.rootCauses();
  ctx.detailedAll(fmris);
  if (o.json) { out(JSON.stringify(fmris.map((f) => explainJson(f, a)), null, 2) + '\n'); return; }
  const base = ctx.repo ? msgBase(ctx.repo) : undefined;
  const logTail = o.log ? (f: string) => {
    const text = readLog(ctx, ctx.row(f));
    return text === undefined ? undefined : text.replace(/\n$/, '').split('\n').slice(-5);
  } : undefined;
  const blocks = fmris.map((f) => renderExplainBlock(f, a, { verbose: o.verbose, toLocal: systemLocal, msgBase: base, logTail }).join('\n') + '\n');
  out(blocks.join('\n'));
}
