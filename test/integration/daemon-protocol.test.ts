// svc.startd control socket: handshake, version rejection, edge validation, and authorization by
// SO_PEERCRED (root always allowed; `nobody` denied with nothing changed; allowed once granted).
// Runs the real daemon process (src/daemon/main.ts startDaemon) on a temporary root with a real
// repository, but with an engine that decides nothing and no process adapters: these tests are
// about the socket edge, not about starting services (see daemon-restart.test.ts for those).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Repository } from '../../src/repository/repository.js';
import { ROOT_VIEWER } from '../../src/repository/types.js';
import { connectDaemon, sendRequest } from '../../src/cli/common/client.js';
import { controlSocketPath, repositoryPath } from '../../src/cli/common/root.js';
import { peercredAvailable } from '../../src/adapters/peercred/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FMRI = 'svc:/site/authz:default';

const HARNESS = `
import { startDaemon } from ${JSON.stringify(path.join(repoRoot, 'src/daemon/main.ts'))};
import { RepositoryAdapter } from ${JSON.stringify(path.join(repoRoot, 'src/daemon/repo-adapter.ts'))};
import { Repository } from ${JSON.stringify(path.join(repoRoot, 'src/repository/repository.ts'))};
const root = process.argv[2];
const contracts = { mechanism: 'pgroup', kind: () => '', has: () => false, contractId: () => null, isEmpty: () => true,
  members: () => [], kill: () => 0, abandon() {}, adopt: () => false, onEvent: () => () => {}, close() {} };
const runner = { start() { throw new Error('no runner in this harness'); }, run() { throw new Error('no runner'); } };
const logs = { pathFor: (f) => root + '/var/svc/log/' + f.replace(/^svc:\\//, '').replaceAll('/', '-') + '.log', append() {} };
const running = await startDaemon({ root, wire: async () => {
  const repo = Repository.openOrThrow(root + '/etc/svc/repository.db');
  return { engine: { step: () => [] }, procs: { runner, contracts, logs }, repo: new RepositoryAdapter(repo),
    noteBoot(id) { const old = repo.bootId(); repo.noteBoot(id); return { newBoot: old !== id }; } };
} });
process.stdout.write('READY\\n');
await running.stopped;
process.exit(0);
`;

/** A raw protocol client run as another user: sends lines, prints each reply line. */
const RAW_CLIENT = `
import net from 'node:net';
const [sock, ...lines] = process.argv.slice(2);
const s = net.connect(sock);
let buf = '', got = 0;
s.on('connect', () => { for (const l of lines) s.write(l + '\\n'); });
s.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n')) >= 0) { console.log(buf.slice(0, i)); buf = buf.slice(i + 1); if (++got === lines.length) s.end(); } });
s.on('error', (e) => { console.log(JSON.stringify({ clientError: e.code })); process.exit(0); });
s.on('close', () => process.exit(0));
`;

let root = '';
let daemon: ChildProcess | undefined;
let rawClient = '';

function runAs(user: 'nobody', lines: object[]): object[] {
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, rawClient,
    controlSocketPath(root), ...lines.map((l) => JSON.stringify(l))], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, `client as ${user} failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as object);
}

function overrideEnabled(): string[] | undefined {
  const repo = Repository.openOrThrow(repositoryPath(root), { readonly: true });
  try {
    const p = repo.getProperty(FMRI, 'general_ovr', 'enabled', { viewer: ROOT_VIEWER });
    return p.ok ? p.value.values : undefined;
  } finally { repo.close(); }
}

describe('svc.startd control protocol', { skip: peercredAvailable() ? false : 'peercred addon not built (npx node-gyp rebuild)' }, () => {
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmf-daemon-proto-'));
    fs.chmodSync(root, 0o755); // `nobody` must reach run/tsmf/control.sock
    rawClient = path.join(root, 'raw-client.mjs');
    fs.writeFileSync(rawClient, RAW_CLIENT, { mode: 0o644 });
    fs.writeFileSync(path.join(root, 'harness.mts'), HARNESS);
    const repo = Repository.openOrThrow(repositoryPath(root));
    assert.ok(repo.addService('svc:/site/authz').ok);
    assert.ok(repo.addInstance(FMRI).ok);
    assert.ok(repo.addPg(FMRI, 'general', 'framework').ok);
    assert.ok(repo.setProperty(FMRI, 'general', 'enabled', 'boolean', ['false']).ok);
    repo.close();
    daemon = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'harness.mts'), root], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      daemon!.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('READY')) resolve(); });
      daemon!.once('exit', (code) => reject(new Error(`daemon exited early (${code})`)));
    });
  });

  after(async () => {
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
      const gone = new Promise((r) => daemon!.once('exit', r));
      daemon.kill('SIGKILL');
      await gone;
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('hello handshake returns version, daemon, boot id and features', async () => {
    const c = await connectDaemon(root, { client: 'test' });
    assert.ok(c.ok, c.ok ? '' : c.message);
    assert.equal(c.client.hello.v, 1);
    assert.match(c.client.hello.daemon, /svc\.startd/);
    assert.ok(c.client.hello.bootId.length > 0);
    assert.ok(c.client.hello.features.includes('admin'));
    assert.ok(c.client.hello.features.includes('import'), 'a daemon over the SQLite repository offers import');
    const st = await c.client.request({ type: 'status', fmris: [FMRI] });
    c.client.close();
    assert.ok(st.ok && st.result.kind === 'status');
    assert.equal(st.result.instances[0]?.fmri, FMRI);
  });

  test('an unsupported protocol version is rejected with a clear error', async () => {
    const c = await connectDaemon(root, { client: 'test', version: 99 });
    assert.equal(c.ok, false);
    assert.ok(!c.ok && c.kind === 'rejected');
    assert.match(c.message, /version 99 is not supported/);
  });

  test('requests before hello and malformed requests get error replies, the daemon keeps serving', () => {
    const [r1] = runAs('nobody', [{ type: 'status', id: 1 }]);
    assert.equal((r1 as { ok: boolean }).ok, false);
    assert.equal((r1 as { error: { code: string } }).error.code, 'not_hello');
    const replies = runAs('nobody', [{ type: 'hello', v: 1, client: 't' }, { type: 'admin', id: 2, action: 'explode', fmris: [FMRI] }, { type: 'status', id: 3 }]);
    assert.equal((replies[1] as { error: { code: string } }).error.code, 'bad_request');
    assert.equal((replies[2] as { ok: boolean; id: number }).ok, true);
  });

  test('nobody may not shut the daemon down', () => {
    const replies = runAs('nobody', [{ type: 'hello', v: 1, client: 't' }, { type: 'shutdown', id: 1 }]);
    assert.equal((replies[1] as { error: { code: string } }).error.code, 'permission_denied');
    assert.equal(daemon!.exitCode, null);
  });

  test('nobody may not have the daemon import a manifest (it would read the file and write as the daemon)', () => {
    const file = path.join(root, 'nobody-import.xml');
    fs.writeFileSync(file, `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="x"><service name="site/nobody-import" type="service" version="1"><create_default_instance enabled="false"/></service></service_bundle>`);
    const replies = runAs('nobody', [{ type: 'hello', v: 1, client: 'svccfg' }, { type: 'import', id: 1, file }]);
    assert.equal((replies[1] as { error: { code: string } }).error.code, 'permission_denied');
    const repo = Repository.open(repositoryPath(root), { readonly: true });
    assert.ok(repo.ok);
    try { assert.ok(!repo.value.listServices().includes('site/nobody-import'), 'nothing was imported'); } finally { repo.value.close(); }
  });

  test('nobody without authorization: permission denied and nothing changes', () => {
    const replies = runAs('nobody', [{ type: 'hello', v: 1, client: 'svcadm' }, { type: 'admin', id: 1, action: 'enable', fmris: [FMRI], temporary: true }]);
    // denied instance by instance: the reply carries the per-FMRI failure, svcadm prints "FMRI: Permission denied."
    const r = replies[1] as { ok: boolean; result: { results: { fmri: string; ok: boolean; error: { code: string; message: string; hint: string } }[] } };
    assert.equal(r.ok, true, JSON.stringify(r));
    const [one] = r.result.results;
    assert.deepEqual([one!.fmri, one!.ok, one!.error.code, one!.error.message], [FMRI, false, 'permission_denied', 'Permission denied.']);
    assert.match(one!.error.hint, /solaris\.smf\.manage/);
    assert.equal(overrideEnabled(), undefined);
  });

  test('nobody granted solaris.smf.manage in etc/user_attr may enable -t, but not enable persistently', () => {
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc', 'user_attr'), '# test grants\nnobody::::auths=solaris.smf.manage\n');
    const replies = runAs('nobody', [
      { type: 'hello', v: 1, client: 'svcadm' },
      { type: 'admin', id: 1, action: 'enable', fmris: [FMRI], temporary: true },
      { type: 'admin', id: 2, action: 'disable', fmris: [FMRI] },
    ]);
    assert.equal((replies[1] as { ok: boolean }).ok, true, JSON.stringify(replies[1]));
    assert.deepEqual(overrideEnabled(), ['true']);
    const denied = (replies[2] as { result: { results: { ok: boolean; error: { code: string; hint: string } }[] } }).result.results[0]!;
    assert.equal(denied.error.code, 'permission_denied');
    assert.match(denied.error.hint, /solaris\.smf\.modify/);
  });

  test('an authorization named in general/action_authorization is honoured', () => {
    fs.writeFileSync(path.join(root, 'etc', 'user_attr'), 'nobody::::auths=site.authz.operate\n');
    const repo = Repository.openOrThrow(repositoryPath(root));
    assert.ok(repo.setProperty(FMRI, 'general', 'action_authorization', 'astring', ['site.authz.operate']).ok);
    repo.close();
    const replies = runAs('nobody', [
      { type: 'hello', v: 1, client: 'svcadm' },
      { type: 'admin', id: 1, action: 'disable', fmris: [FMRI], temporary: true },
    ]);
    assert.equal((replies[1] as { ok: boolean }).ok, true, JSON.stringify(replies[1]));
    assert.deepEqual(overrideEnabled(), ['false']);
    // several operands: each is decided on its own, the permitted one is carried out (SMF checks each instance)
    const repo2 = Repository.openOrThrow(repositoryPath(root));
    assert.ok(repo2.addInstance('svc:/site/authz:other').ok);
    repo2.close();
    const mixed = runAs('nobody', [
      { type: 'hello', v: 1, client: 'svcadm' },
      { type: 'admin', id: 1, action: 'enable', fmris: ['svc:/site/authz:other', FMRI], temporary: true },
    ]);
    const results = (mixed[1] as { result: { results: { fmri: string; ok: boolean; error?: { code: string } }[] } }).result.results;
    assert.deepEqual(results.map((x) => [x.fmri, x.ok, x.error?.code]), [['svc:/site/authz:other', false, 'permission_denied'], [FMRI, true, undefined]]);
    assert.deepEqual(overrideEnabled(), ['true']);
  });

  test('framing: replies in request order, the line limit in bytes, characters split between reads', async () => {
    /** writes the chunks (a pause between them) and returns the reply lines, until `count` came or the socket closed */
    const exchange = (chunks: (string | Buffer)[], count: number) => new Promise<string[]>((resolve) => {
      const s = net.connect(controlSocketPath(root));
      const got: string[] = [];
      let buf = '';
      const done = () => { s.destroy(); resolve(got); };
      s.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        let i;
        while ((i = buf.indexOf('\n')) >= 0) { got.push(buf.slice(0, i)); buf = buf.slice(i + 1); if (got.length === count) done(); }
      });
      s.on('close', done);
      s.on('error', done);
      s.on('connect', async () => {
        for (const c of chunks) { s.write(c); await new Promise((r) => setTimeout(r, 30)); }
      });
    });
    const hello = JSON.stringify({ type: 'hello', v: 1, client: 'test' }) + '\n';
    // an early error (unknown type, unreadable line) does not overtake a request still being handled
    let lines = await exchange([hello + JSON.stringify({ type: 'admin', id: 1, action: 'refresh', fmris: [FMRI] }) + '\n'
      + JSON.stringify({ type: 'nope', id: 2 }) + '\nbroken\n'], 4);
    assert.deepEqual(lines.slice(1).map((l) => (JSON.parse(l) as { id: number | null }).id), [1, 2, null]);
    // a euro sign split between two reads arrives whole
    const req = Buffer.from(JSON.stringify({ type: 'admin', id: 3, action: 'restart', fmris: ['svc:/site/\u20ac:default'] }) + '\n');
    const cut = req.indexOf(0xe2) + 1;
    lines = await exchange([hello, req.subarray(0, cut), req.subarray(cut)], 2);
    assert.ok(lines[1]!.includes('\u20ac') && !lines[1]!.includes('\ufffd'), lines[1]);
    // 400,000 euro signs: fewer than 1 MiB UTF-16 units, 1.2 MB of UTF-8: a framing error
    lines = await exchange([hello, JSON.stringify({ type: 'status', id: 4, pad: '\u20ac'.repeat(400_000) }) + '\n'], 2);
    assert.equal((JSON.parse(lines[1]!) as { error: { code: string } }).error.code, 'bad_request');
    assert.equal(daemon!.exitCode, null);
  });

  test('one user cannot hold every connection: past 64 the daemon refuses theirs, root still gets in', async () => {
    const hog = path.join(root, 'hog.mjs');
    fs.writeFileSync(hog, `
import net from 'node:net';
const socks = [];
let refused = 0;
for (let i = 0; i < 70; i++) {
  const s = net.connect(process.argv[2]);
  s.on('data', (d) => { if (String(d).includes('too many connections')) refused++; });
  s.on('error', () => {});
  socks.push(s);
}
setTimeout(() => { console.log(refused); for (const s of socks) s.destroy(); process.exit(0); }, 1500);
`, { mode: 0o644 });
    const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, hog, controlSocketPath(root)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    // while nobody holds 64 connections, root is served
    await new Promise((r) => setTimeout(r, 700));
    const st = await sendRequest(root, { type: 'status' }, { client: 'test' });
    assert.ok(st.ok, JSON.stringify(st));
    await new Promise((r) => child.on('exit', r));
    assert.equal(out.trim(), '6');
  });

  test('root may always act, and may shut the daemon down (services are left alone)', async () => {
    const r = await sendRequest(root, { type: 'admin', action: 'enable', fmris: [FMRI], temporary: true }, { client: 'test' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(overrideEnabled(), ['true']);
    const s = await sendRequest(root, { type: 'shutdown' }, { client: 'test' });
    assert.ok(s.ok);
    const code = await new Promise<number | null>((resolve) => {
      if (daemon!.exitCode !== null) resolve(daemon!.exitCode);
      else daemon!.once('exit', (c) => resolve(c));
    });
    assert.equal(code, 0);
    assert.equal(fs.existsSync(controlSocketPath(root)), false);
  });
});
