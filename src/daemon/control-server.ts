// The control socket: <root>/run/tsmf/control.sock, newline-delimited JSON (docs/PROTOCOL.md).
// Per connection: identify the caller once with SO_PEERCRED, expect `hello`, then validate each
// request at the edge, check authorization, and hand it to the daemon's handler. Replies are written
// in request order per connection. A bad message gets an error reply; broken framing (line too long)
// closes the connection. Nothing a client sends can stop the daemon.
import fs from 'node:fs';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import {
  MAX_LINE_BYTES, PROTOCOL_VERSION, SUPPORTED_VERSIONS, authorize, authorizeAdminFmri, decodeLine, errorReply, parseHello, parseRequest,
  type Caller, type FmriResult, type HelloReply, type InstanceAuthData, type Reply, type ReplyBody, type Request,
} from '../core/protocol/index.js';
import { peerCredOf, peercredAvailable } from '../adapters/peercred/index.js';

export interface ControlHandler {
  /** Executes an authorized, validated request. Expected failures are error replies, not throws. */
  handle(req: Request, caller: Caller): Promise<ReplyBody | { error: { code: 'not_found' | 'invalid_state' | 'bad_request' | 'internal' | 'shutting_down'; message: string } }>;
  /** Authorization properties of an instance, or undefined when unknown. */
  authData(fmri: string): InstanceAuthData | undefined;
  /** Resolves peer credentials into a Caller (user name, groups, granted authorizations). */
  caller(cred: { pid: number; uid: number; gid: number }): Caller;
}

export interface ControlServerOptions {
  socketPath: string;
  daemonName: string;
  bootId: string;
  features: string[];
  handler: ControlHandler;
  log: (msg: string) => void;
  /** connections one user other than root and the daemon's own may hold at once (default 64) */
  maxConnectionsPerUser?: number;
  /** ms a connection may take to say hello (default 10 s) */
  helloTimeoutMs?: number;
}

export class ControlServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** open connections per uid: one user must not take every descriptor of the daemon */
  private readonly perUser = new Map<number, number>();
  /** the daemon's own uid: its callers are as privileged as root */
  private readonly daemonUid = process.getuid?.() ?? 0;
  private accepting = true;
  /** true when SO_PEERCRED works; false => socket mode 0600 (only our uid can connect). */
  readonly authenticated = peercredAvailable();

  constructor(private readonly opts: ControlServerOptions) {}

  async listen(): Promise<void> {
    const p = this.opts.socketPath;
    fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
    try { fs.unlinkSync(p); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
    const server = net.createServer((sock) => this.onConnection(sock));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, () => { server.off('error', reject); resolve(); });
    });
    // With peer credentials every local user may connect and is authorized per request; without
    // them only our own uid may connect (fail closed).
    fs.chmodSync(p, this.authenticated ? 0o666 : 0o600);
    if (!this.authenticated) this.opts.log('peercred addon unavailable: control socket restricted to the daemon user');
  }

  /** Stops accepting connections and requests; open connections get `shutting_down`. */
  stopAccepting(): void {
    this.accepting = false;
    this.server?.close();
    try { fs.unlinkSync(this.opts.socketPath); } catch { /* already gone */ }
  }

  close(): void {
    this.stopAccepting();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private onConnection(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let caller: Caller;
    if (this.authenticated) {
      const cred = peerCredOf(sock);
      if (!cred.ok) {
        this.opts.log(`control: rejecting connection: ${cred.reason}`);
        sock.end(JSON.stringify(errorReply(null, 'internal', `cannot identify the caller: ${cred.reason}`)) + '\n');
        return;
      }
      caller = this.opts.handler.caller(cred.cred);
    } else {
      caller = { uid: this.daemonUid, gid: process.getgid?.() ?? 0, pid: 0, auths: [] };
    }
    const privileged = caller.uid === 0 || caller.uid === this.daemonUid;
    if (!privileged) {
      const open = this.perUser.get(caller.uid) ?? 0;
      const max = this.opts.maxConnectionsPerUser ?? 64;
      if (open >= max) {
        this.opts.log(`control: refusing a connection of uid ${caller.uid}: ${open} already open`);
        sock.end(JSON.stringify(errorReply(null, 'bad_request', `too many connections (${max}) from uid ${caller.uid}; close some`)) + '\n');
        return;
      }
      this.perUser.set(caller.uid, open + 1);
      sock.on('close', () => {
        const n = (this.perUser.get(caller.uid) ?? 1) - 1;
        if (n > 0) this.perUser.set(caller.uid, n); else this.perUser.delete(caller.uid);
      });
    }
    // a connection that never says hello does not hold a descriptor for ever
    const helloTimer = setTimeout(() => {
      this.opts.log(`control: closing a connection of uid ${caller.uid} that sent no hello`);
      sock.destroy();
    }, this.opts.helloTimeoutMs ?? 10_000);
    helloTimer.unref();
    sock.on('close', () => clearTimeout(helloTimer));
    let buffer = '';
    /** UTF-8 bytes of the line being received (the limit is in bytes, not UTF-16 units) */
    let lineBytes = 0;
    // a character split across two reads is decoded whole
    const decoder = new StringDecoder('utf8');
    let greeted = false;
    let chain: Promise<void> = Promise.resolve();
    const send = (msg: Reply | HelloReply) => { if (!sock.destroyed) sock.write(JSON.stringify(msg) + '\n'); };
    // every reply, an early error included, goes out in request order
    const reply = (msg: Reply) => { chain = chain.then(() => send(msg)); };
    const tooLong = () => {
      reply(errorReply(null, 'bad_request', `line longer than ${MAX_LINE_BYTES} bytes; closing`));
      chain = chain.then(() => { sock.end(); });
      sock.pause();
    };

    sock.on('data', (chunk: Buffer) => {
      // the byte length of every line, also of one spread over several reads
      for (let pos = 0; ;) {
        const i = chunk.indexOf(0x0a, pos);
        lineBytes += (i < 0 ? chunk.length : i) - pos;
        if (lineBytes > MAX_LINE_BYTES) return tooLong();
        if (i < 0) break;
        lineBytes = 0;
        pos = i + 1;
      }
      buffer += decoder.write(chunk);
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line === '') continue;
        const decoded = decodeLine(line);
        if (!greeted) {
          const hello = decoded.ok ? parseHello(decoded.value) : decoded;
          if (!hello.ok) {
            send({ type: 'hello', ok: false, error: hello.error, supported: [...SUPPORTED_VERSIONS] });
            sock.end();
            return;
          }
          greeted = true;
          clearTimeout(helloTimer);
          send({ type: 'hello', ok: true, v: PROTOCOL_VERSION, daemon: this.opts.daemonName, bootId: this.opts.bootId, features: this.opts.features });
          continue;
        }
        if (!decoded.ok) { reply(errorReply(null, 'bad_request', decoded.error.message)); continue; }
        const parsed = parseRequest(decoded.value);
        if (!parsed.ok) { reply(errorReply(parsed.id, parsed.error.code, parsed.error.message)); continue; }
        const req = parsed.value;
        chain = chain.then(() => this.dispatch(req, caller)).then(send, (e: unknown) => {
          this.opts.log(`control: internal error on ${req.type}: ${(e as Error)?.stack ?? String(e)}`);
          send(errorReply(req.id, 'internal', `internal error: ${(e as Error)?.message ?? String(e)}`));
        });
      }
    });
  }

  private async dispatch(req: Request, caller: Caller): Promise<Reply> {
    if (!this.accepting) return errorReply(req.id, 'shutting_down', 'svc.startd is shutting down');
    const decision = authorize(caller, req, (f) => this.opts.handler.authData(f), this.daemonUid);
    if (!decision.ok) {
      this.opts.log(`control: denied ${req.type}${req.type === 'admin' ? ' ' + req.action : ''} from uid ${caller.uid} pid ${caller.pid}`);
      return errorReply(req.id, 'permission_denied', decision.message);
    }
    // an admin request is authorized instance by instance: denied ones fail alone, the others are carried out
    const denied = new Map<number, FmriResult>();
    if (req.type === 'admin' && req.action !== 'milestone') {
      req.fmris.forEach((f, i) => {
        const d = authorizeAdminFmri(caller, req, f, (x) => this.opts.handler.authData(x), this.daemonUid);
        if (d.ok) return;
        this.opts.log(`control: denied admin ${req.action} ${f} from uid ${caller.uid} pid ${caller.pid}`);
        denied.set(i, { fmri: f, ok: false, error: { code: 'permission_denied', message: 'Permission denied.', hint: d.message } });
      });
    }
    if (denied.size && req.type === 'admin') {
      const allowed = req.fmris.filter((_, i) => !denied.has(i));
      let results: FmriResult[] = [];
      if (allowed.length) {
        const body = await this.opts.handler.handle({ ...req, fmris: allowed }, caller);
        if ('error' in body) return errorReply(req.id, body.error.code, body.error.message);
        if (body.kind === 'admin') results = body.results;
      }
      let k = 0;
      return { id: req.id, ok: true, result: { kind: 'admin', results: req.fmris.map((_, i) => denied.get(i) ?? results[k++]!) } };
    }
    const body = await this.opts.handler.handle(req, caller);
    if ('error' in body) return errorReply(req.id, body.error.code, body.error.message);
    return { id: req.id, ok: true, result: body };
  }
}

