// Instance log files written on the thread pool (InstanceLogFiles with async: true, as svc.startd
// uses them): per-file order, whenWritten/flush, the synchronous appendLogLine joining a file's
// queue, rotation, directory creation and write errors. Real files in a temporary directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InstanceLogFiles, appendLogLine } from '../../src/adapters/process/log.js';

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-log-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const texts = (p: string) => fs.readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/^\[ \w{3} [ \d]\d \d\d:\d\d:\d\d (.*) \]$/, '$1'));

test('queued lines: nothing written synchronously, per-file order, whenWritten and flush', async (t) => {
  const dir = path.join(tmp(t), 'var/svc/log'); // created on the first write
  const logs = new InstanceLogFiles({ dir, async: true });
  const fmris = Array.from({ length: 50 }, (_, i) => `svc:/site/q${i}:default`);
  for (const f of fmris) logs.append(f, 'Enabled.');
  for (const f of fmris) logs.append(f, 'Executing start method (":true").');
  const p0 = logs.pathFor(fmris[0]!);
  assert.equal(fs.existsSync(p0), false, 'the append returned before any write');
  const w = logs.whenWritten(p0);
  assert.ok(w, 'pending lines: a promise');
  await w;
  assert.deepEqual(texts(p0), ['Enabled.', 'Executing start method (":true").']);
  // lines appended meanwhile (a write in flight) follow in order
  for (let i = 0; i < 30; i++) {
    logs.append(fmris[1]!, `line ${i}`);
    if (i % 7 === 0) await new Promise((r) => setImmediate(r));
  }
  await logs.flush();
  for (const f of fmris.slice(2)) assert.deepEqual(texts(logs.pathFor(f)), ['Enabled.', 'Executing start method (":true").'], f);
  assert.deepEqual(texts(logs.pathFor(fmris[1]!)).slice(2), Array.from({ length: 30 }, (_, i) => `line ${i}`));
  assert.equal(logs.whenWritten(p0), null, 'nothing pending: null');
});

test('appendLogLine joins a file queue instead of overtaking it; a waiter appending keeps the order', async (t) => {
  const dir = tmp(t);
  const logs = new InstanceLogFiles({ dir, async: true });
  const fmri = 'svc:/site/order:default';
  const p = logs.pathFor(fmri);
  logs.append(fmri, 'Executing start method ("/bin/x").');
  appendLogLine(p, 'runner line'); // the method runner's synchronous writer
  const done = logs.whenWritten(p)!.then(() => logs.append(fmri, 'after the wait'));
  logs.append(fmri, 'Method "start" exited with status 0.');
  await done;
  await logs.flush();
  assert.deepEqual(texts(p), ['Executing start method ("/bin/x").', 'runner line', 'Method "start" exited with status 0.', 'after the wait']);
  // with nothing queued appendLogLine writes at once, as before
  appendLogLine(p, 'synchronous');
  assert.equal(texts(p).at(-1), 'synchronous');
});

test('queued lines rotate by size like the synchronous writer', async (t) => {
  const dir = tmp(t);
  const logs = new InstanceLogFiles({ dir, async: true, maxBytes: 100, keep: 2 });
  const fmri = 'svc:/test/rot:default';
  for (let i = 0; i < 20; i++) {
    logs.append(fmri, `line ${i} ${'x'.repeat(20)}`);
    await logs.flush(); // one batch per line: the size check runs before each write
  }
  const names = fs.readdirSync(dir).sort();
  assert.deepEqual(names, ['test-rot:default.log', 'test-rot:default.log.0', 'test-rot:default.log.1']);
  const newest = texts(path.join(dir, names[0]!));
  assert.match(newest.at(-1)!, /^line 19 /);
  assert.ok(fs.statSync(path.join(dir, names[0]!)).size <= 200);
  // every line is in exactly one generation, in order
  const all = [...texts(path.join(dir, names[2]!)), ...texts(path.join(dir, names[1]!)), ...newest].map((l) => Number(l.split(' ')[1]));
  assert.deepEqual(all, all.slice().sort((a, b) => a - b));
  assert.equal(all.at(-1), 19);
});

test('a failed write is reported and its waiters still resolve', async (t) => {
  const dir = tmp(t);
  fs.writeFileSync(path.join(dir, 'not-a-dir'), '');
  const errors: string[] = [];
  const logs = new InstanceLogFiles({ dir: path.join(dir, 'not-a-dir'), async: true, onError: (p, e) => errors.push(`${path.basename(p)}: ${(e as NodeJS.ErrnoException).code}`) });
  logs.append('svc:/site/e:default', 'lost');
  await logs.whenWritten(logs.pathFor('svc:/site/e:default'));
  assert.deepEqual(errors, ['site-e:default.log: ENOTDIR']);
  assert.equal(logs.whenWritten(logs.pathFor('svc:/site/e:default')), null);
});

test('the synchronous mode is unchanged: lines are in the file when append returns', (t) => {
  const dir = tmp(t);
  const logs = new InstanceLogFiles({ dir });
  logs.append('svc:/site/s:default', 'now');
  assert.deepEqual(texts(logs.pathFor('svc:/site/s:default')), ['now']);
  assert.equal(logs.whenWritten(logs.pathFor('svc:/site/s:default')), null);
});
