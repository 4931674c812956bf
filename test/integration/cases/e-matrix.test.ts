// cases.md E1 (require_all, require_any with one entity) and E3 (optional_all): the grouping x
// restart_on x event matrix. One daemon per (grouping, event); the four restart_on values run side
// by side as four independent pairs a-R -> d-R.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { waitFor } from '../../helpers/daemon.js';
import { BEHAVIOUR, type DepSpec } from './fixtures.js';
import { caseTest, fmri, importSpec, ok, type CaseContext } from './harness.js';

type R = 'none' | 'error' | 'restart' | 'refresh';
type Ev = 'err' | 'exit' | 'restart' | 'refresh' | 'disable';
const RS: R[] = ['none', 'error', 'restart', 'refresh'];
const EVENTS: Ev[] = ['err', 'exit', 'restart', 'refresh', 'disable'];

const E1: Record<R, Record<Ev, [string, number]>> = {
  none: { err: ['online', 1], exit: ['online', 1], restart: ['online', 1], refresh: ['online', 1], disable: ['online', 1] },
  error: { err: ['online', 2], exit: ['online', 1], restart: ['online', 1], refresh: ['online', 1], disable: ['online', 1] },
  restart: { err: ['online', 2], exit: ['online', 2], restart: ['online', 2], refresh: ['online', 1], disable: ['offline', 1] },
  refresh: { err: ['online', 2], exit: ['online', 2], restart: ['online', 2], refresh: ['online', 2], disable: ['offline', 1] },
};
const E3: Record<R, Record<Ev, [string, number]>> = {
  none: { err: ['online', 1], exit: ['online', 1], restart: ['online', 1], refresh: ['online', 1], disable: ['online', 1] },
  error: { err: ['online', 2], exit: ['online', 1], restart: ['online', 1], refresh: ['online', 1], disable: ['online', 1] },
  restart: { err: ['online', 2], exit: ['online', 2], restart: ['online', 2], refresh: ['online', 1], disable: ['online', 2] },
  refresh: { err: ['online', 2], exit: ['online', 2], restart: ['online', 2], refresh: ['online', 2], disable: ['online', 2] },
};

async function setup(c: CaseContext, grouping: DepSpec['grouping']): Promise<void> {
  for (const r of RS) {
    const trigger = c.ws.file(`run/a-${r}.exit`);
    const pidFile = c.ws.file(`run/a-${r}.pid`);
    await importSpec(c, {
      name: `site/a-${r}`, model: 'contract', refresh: ':true',
      start: c.ws.method(`a-${r}`, `sh -c "until [ -f '${trigger}' ]; do sleep 0.2; done; rm -f '${trigger}'" >/dev/null 2>&1 &\necho $! > '${pidFile}'\nexit 0`, { count: true }),
    });
    await importSpec(c, {
      name: `site/d-${r}`, model: 'contract', start: c.ws.method(`d-${r}`, BEHAVIOUR.daemon, { count: true }),
      deps: [{ grouping, restartOn: r, entities: [`svc:/site/a-${r}:default`] }],
    });
  }
  for (const r of RS) {
    await c.h.waitState(fmri(`a-${r}`), 'online');
    await c.h.waitState(fmri(`d-${r}`), 'online');
    assert.deepEqual([c.ws.starts(`a-${r}`), c.ws.starts(`d-${r}`)], [1, 1]);
  }
}

async function fire(c: CaseContext, ev: Ev): Promise<void> {
  const as = RS.map((r) => fmri(`a-${r}`));
  switch (ev) {
    case 'err':
      for (const r of RS) process.kill(Number(fs.readFileSync(c.ws.file(`run/a-${r}.pid`), 'utf8')), 'SIGKILL');
      break;
    case 'exit':
      for (const r of RS) fs.writeFileSync(c.ws.file(`run/a-${r}.exit`), '');
      break;
    case 'restart': await ok(c, 'svcadm', ['restart', ...as]); break;
    case 'refresh': await ok(c, 'svcadm', ['refresh', ...as]); break;
    case 'disable': await ok(c, 'svcadm', ['disable', ...as]); break;
  }
}

async function dState(c: CaseContext, r: R, state: string, starts: number, timeoutMs = 20000): Promise<void> {
  await waitFor(`d-${r} ${state} with ${starts} start(s)`, async () => {
    const s = await c.h.state(fmri(`d-${r}`));
    return s.state === state && s.next === 'none' && c.ws.starts(`d-${r}`) === starts ? true : undefined;
  }, { timeoutMs, describe: async () => `d-${r}: ${JSON.stringify(await c.h.state(fmri(`d-${r}`)))} starts ${c.ws.starts(`d-${r}`)}` });
}

async function settle(c: CaseContext, ev: Ev, table: Record<R, Record<Ev, [string, number]>>, skipPair?: R): Promise<void> {
  for (const r of RS) {
    if (ev === 'disable') await c.h.waitState(fmri(`a-${r}`), 'disabled');
    else {
      const want = ev === 'refresh' ? 1 : 2;
      await waitFor(`starts(a-${r}) = ${want}`, () => (c.ws.starts(`a-${r}`) === want ? true : undefined));
      await c.h.waitState(fmri(`a-${r}`), 'online');
    }
  }
  // the changing cells first: once they settled, the unchanged ones had every chance to change
  const order = [...RS].filter((r) => r !== skipPair).sort((x, y) => table[y][ev][1] - table[x][ev][1]);
  for (const r of order) await dState(c, r, ...table[r][ev]);
}

for (const [label, grouping, table] of [
  ['E1 require_all', 'require_all', E1], ['E1 require_any (single entity)', 'require_any', E1], ['E3 optional_all', 'optional_all', E3],
] as const) {
  for (const ev of EVENTS) {
    caseTest(`${label}: ev-${ev} for restart_on none/error/restart/refresh`, async (c, t) => {
      await setup(c, grouping);
      await fire(c, ev);
      await settle(c, ev, table, ev === 'err' ? 'error' : undefined);
      if (ev === 'err') {
        // an outside SIGKILL of a member is a FAULT (ct_ev_signal): the restart_on=error dependent restarts
        await t.test(`${label}: ev-err restarts the restart_on=error dependent`, () => dState(c, 'error', ...table.error.err));
      }
      if (ev === 'disable' && grouping === 'require_all') {
        const x = (await ok(c, 'svcs', ['-x', fmri('d-restart')])).split('\n');
        assert.equal(x[2], 'Reason: Service svc:/site/a-restart:default is disabled.');
      }
    });
  }
}
