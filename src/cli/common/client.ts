// Client side of the svc.startd control protocol (docs/PROTOCOL.md), used by svcadm, svccfg and
// svcs: connect to <root>/run/tsmf/control.sock, do the hello handshake, send requests, match
// replies by id. Expected failures (no daemon, rejected handshake, daemon errors) are values.
import net from 'node:net';
import {
  PROTOCOL_VERSION, decodeLine, parseHelloReply, parseReply,
  type AdminAction, type AdminFlags, type HelloAccepted, type ProtocolError, type Reply, type ReplyBody, type Request,
} from '../../core/protocol/index.js';
import { controlSocketPath } from './root.js';

/** A request without its id (the client numbers them). */
export type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

export type ConnectFailure =
  /** nobody listens (socket file absent, or stale): the change will be picked up when the daemon starts */
  | { ok: false; kind: 'no-daemon'; message: string }
  /** the daemon refused the handshake (e.g. unsupported protocol version) */
  | { ok: false; kind: 'rejected'; message: string; error: ProtocolError }
  /** anything else (permission on the socket, garbage from the peer, timeout) */
  | { ok: false; kind: 'error'; message: string };

export type RequestOutcome =
  | { ok: true; result: ReplyBody }
  | { ok: false; kind: 'daemon'; error: ProtocolError }
  | ConnectFailure;

export interface ClientOptions {
  /** program name sent in hello, e.g. "svcadm" */
  client: string;
  /** overall timeout for connect + handshake and for each request (default 30 s) */
  timeoutMs?: number;
  /** protocol version to announce (tests use this to check version rejection) */
  version?: number;
}

export class ControlClient {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, (r: Reply | Error) => void>();
  private closed: Error | undefined;

  private constructor(private readonly sock: net.Socket, readonly hello: HelloAccepted, private readonly timeoutMs: number) {
    sock.on('data', (d: Buffer) => this.onData(d.toString('utf8')));
    sock.on('close', () => this.failAll(new Error('the daemon closed the connection')));
    sock.on('error', (e) => this.failAll(e));
  }

  /** Connects and performs the handshake. */
  static async connect(socketPath: string, opts: ClientOptions): Promise<{ ok: true; client: ControlClient } | ConnectFailure> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    return new Promise((resolve) => {
      const sock = net.connect(socketPath);
      let buf = '';
      let done = false;
      const finish = (r: { ok: true; client: ControlClient } | ConnectFailure) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.off('data', onHandshakeData);
        sock.off('error', onHandshakeError);
        sock.off('close', onHandshakeClose);
        if (!r.ok) sock.destroy();
        resolve(r);
      };
      const timer = setTimeout(() => finish({ ok: false, kind: 'error', message: `no answer from svc.startd at ${socketPath} within ${timeoutMs} ms` }), timeoutMs);
      const onHandshakeError = (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') finish({ ok: false, kind: 'no-daemon', message: `svc.startd is not running (no listener at ${socketPath})` });
        else finish({ ok: false, kind: 'error', message: `cannot connect to svc.startd at ${socketPath}: ${e.message}` });
      };
      sock.on('error', onHandshakeError);
      sock.on('connect', () => {
        sock.write(JSON.stringify({ type: 'hello', v: opts.version ?? PROTOCOL_VERSION, client: opts.client }) + '\n');
      });
      const onHandshakeData = (d: Buffer) => {
        buf += d.toString('utf8');
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        const rest = buf.slice(nl + 1);
        const decoded = decodeLine(line);
        const hello = decoded.ok ? parseHelloReply(decoded.value) : decoded;
        if (!hello.ok) return finish({ ok: false, kind: 'error', message: `bad handshake from svc.startd: ${hello.error.message}` });
        if (!hello.value.ok) return finish({ ok: false, kind: 'rejected', message: hello.value.error.message, error: hello.value.error });
        const client = new ControlClient(sock, hello.value, timeoutMs);
        finish({ ok: true, client });
        if (rest) client.onData(rest);
      };
      const onHandshakeClose = () => finish({ ok: false, kind: 'error', message: 'svc.startd closed the connection during the handshake' });
      sock.on('data', onHandshakeData);
      sock.on('close', onHandshakeClose);
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const decoded = decodeLine(line);
      const reply = decoded.ok ? parseReply(decoded.value) : decoded;
      if (!reply.ok) { this.failAll(new Error(`bad reply from svc.startd: ${reply.error.message}`)); this.sock.destroy(); return; }
      const id = reply.value.id;
      if (id === null) { this.failAll(new Error(`svc.startd: ${(reply.value as { error: ProtocolError }).error.message}`)); return; }
      const waiter = this.pending.get(id);
      if (waiter) { this.pending.delete(id); waiter(reply.value); }
    }
  }

  private failAll(e: Error): void {
    this.closed ??= e;
    for (const w of this.pending.values()) w(e);
    this.pending.clear();
  }

  /** Sends one request and waits for its reply. */
  /** opts.timeoutMs: this request's own (an import of thousands of services takes longer than an admin action) */
  async request(body: RequestBody, opts: { timeoutMs?: number } = {}): Promise<RequestOutcome> {
    if (this.closed) return { ok: false, kind: 'error', message: this.closed.message };
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const reply = await new Promise<Reply | Error>((resolve) => {
      const timer = setTimeout(() => { this.pending.delete(id); resolve(new Error(`svc.startd did not answer request ${id} within ${timeoutMs} ms`)); }, timeoutMs);
      this.pending.set(id, (r) => { clearTimeout(timer); resolve(r); });
      this.sock.write(JSON.stringify({ ...body, id }) + '\n');
    });
    if (reply instanceof Error) return { ok: false, kind: 'error', message: reply.message };
    return reply.ok ? { ok: true, result: reply.result } : { ok: false, kind: 'daemon', error: reply.error };
  }

  close(): void {
    this.sock.end();
    this.sock.destroy();
  }
}

/** Connects to the daemon of `root`. */
export function connectDaemon(root: string, opts: ClientOptions) {
  return ControlClient.connect(controlSocketPath(root), opts);
}

/** One-shot: connect, send one request, close. */
export async function sendRequest(root: string, body: RequestBody, opts: ClientOptions): Promise<RequestOutcome> {
  const c = await connectDaemon(root, opts);
  if (!c.ok) return c;
  try {
    return await c.client.request(body);
  } finally {
    c.client.close();
  }
}

/** svcadm's entry point: an administrative action on resolved instance FMRIs. */
export function sendAdmin(
  root: string, action: AdminAction, fmris: string[],
  options: { temporary?: boolean; flags?: AdminFlags; client?: string; timeoutMs?: number } = {},
): Promise<RequestOutcome> {
  const body: RequestBody = { type: 'admin', action, fmris };
  if (options.temporary !== undefined) body.temporary = options.temporary;
  if (options.flags !== undefined) body.flags = options.flags;
  return sendRequest(root, body, { client: options.client ?? 'svcadm', timeoutMs: options.timeoutMs });
}
