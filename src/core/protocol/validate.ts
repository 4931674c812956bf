// Validation of control-protocol messages at the socket edge. Takes one decoded line (unknown JSON)
// and returns either a typed message or a ProtocolError saying exactly which field is wrong.
// Pure: no I/O. Unknown fields are ignored (forward compatible); unknown request types are errors.
import {
  ADMIN_ACTIONS, SUPPORTED_VERSIONS, type AdminAction, type AdminFlags, type AdminRequest,
  type HelloReply, type HelloRequest, type ProtocolError, type Reply, type Request,
} from './messages.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

const bad = (message: string): { ok: false; error: ProtocolError } =>
  ({ ok: false, error: { code: 'bad_request', message } });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes one line of JSON text. */
export function decodeLine(line: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(line) as unknown };
  } catch (e) {
    return bad(`not valid JSON: ${(e as Error).message}`);
  }
}

export function parseHello(msg: unknown): Parsed<HelloRequest> {
  if (!isObject(msg)) return bad('message must be a JSON object');
  if (msg.type !== 'hello') {
    return { ok: false, error: { code: 'not_hello', message: `expected "hello" first, got ${JSON.stringify(msg.type)}` } };
  }
  if (typeof msg.v !== 'number' || !Number.isInteger(msg.v)) return bad('hello.v must be an integer protocol version');
  if (!SUPPORTED_VERSIONS.includes(msg.v)) {
    return { ok: false, error: { code: 'unsupported_version', message: `protocol version ${msg.v} is not supported (this daemon speaks ${SUPPORTED_VERSIONS.join(', ')}); upgrade the client or the daemon so they match` } };
  }
  if (typeof msg.client !== 'string' || msg.client.length === 0 || msg.client.length > 200) {
    return bad('hello.client must be a non-empty string (the client program name)');
  }
  return { ok: true, value: { type: 'hello', v: msg.v, client: msg.client } };
}

function stringList(v: unknown, field: string, allowEmpty: boolean): Parsed<string[]> {
  if (!Array.isArray(v)) return bad(`${field} must be an array of strings`);
  if (!allowEmpty && v.length === 0) return bad(`${field} must not be empty`);
  for (const [i, s] of v.entries()) {
    if (typeof s !== 'string' || s.length === 0) return bad(`${field}[${i}] must be a non-empty string`);
    if (s.includes('\n') || s.includes('\0')) return bad(`${field}[${i}] contains a newline or NUL`);
  }
  return { ok: true, value: v as string[] };
}

function optBool(o: Record<string, unknown>, key: string, where: string): Parsed<boolean | undefined> {
  const v = o[key];
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v !== 'boolean') return bad(`${where}.${key} must be a boolean`);
  return { ok: true, value: v };
}

function parseFlags(v: unknown): Parsed<AdminFlags | undefined> {
  if (v === undefined) return { ok: true, value: undefined };
  if (!isObject(v)) return bad('admin.flags must be an object');
  const flags: AdminFlags = {};
  for (const key of ['immediate', 'dump', 'tty', 'persistent'] as const) {
    const b = optBool(v, key, 'admin.flags');
    if (!b.ok) return b;
    if (b.value !== undefined) flags[key] = b.value;
  }
  if (v.state !== undefined) {
    if (v.state !== 'maintenance' && v.state !== 'degraded') return bad('admin.flags.state must be "maintenance" or "degraded"');
    flags.state = v.state;
  }
  if (v.auxiliaryFmri !== undefined) {
    if (typeof v.auxiliaryFmri !== 'string') return bad('admin.flags.auxiliaryFmri must be a string');
    flags.auxiliaryFmri = v.auxiliaryFmri;
  }
  return { ok: true, value: flags };
}

function parseAdmin(msg: Record<string, unknown>, id: number): Parsed<AdminRequest> {
  if (typeof msg.action !== 'string' || !(ADMIN_ACTIONS as readonly string[]).includes(msg.action)) {
    return bad(`admin.action must be one of ${ADMIN_ACTIONS.join(', ')}`);
  }
  const action = msg.action as AdminAction;
  const fmris = stringList(msg.fmris, 'admin.fmris', false);
  if (!fmris.ok) return fmris;
  const temporary = optBool(msg, 'temporary', 'admin');
  if (!temporary.ok) return temporary;
  const flags = parseFlags(msg.flags);
  if (!flags.ok) return flags;
  if (action === 'mark' && !flags.value?.state) return bad('admin "mark" needs flags.state ("maintenance" or "degraded")');
  if (action === 'milestone' && fmris.value.length !== 1) return bad('admin "milestone" takes exactly one target in fmris');
  const req: AdminRequest = { type: 'admin', id, action, fmris: fmris.value };
  if (temporary.value !== undefined) req.temporary = temporary.value;
  if (flags.value !== undefined) req.flags = flags.value;
  return { ok: true, value: req };
}

/** Validates a post-handshake request. On failure the error carries the id when one could be read. */
export function parseRequest(msg: unknown): { ok: true; value: Request } | { ok: false; id: number | null; error: ProtocolError } {
  if (!isObject(msg)) return { ...bad('message must be a JSON object'), id: null };
  const id = typeof msg.id === 'number' && Number.isSafeInteger(msg.id) && msg.id >= 0 ? msg.id : null;
  if (id === null) return { ...bad('request.id must be a non-negative integer'), id: null };
  const fail = (p: { ok: false; error: ProtocolError }) => ({ ok: false as const, id, error: p.error });
  switch (msg.type) {
    case 'hello':
      return fail(bad('hello was already received on this connection'));
    case 'refresh': {
      const fmris = stringList(msg.fmris, 'refresh.fmris', true);
      if (!fmris.ok) return fail(fmris);
      if (msg.reread !== undefined && typeof msg.reread !== 'boolean') return fail(bad('refresh.reread must be a boolean'));
      return { ok: true, value: { type: 'refresh', id, fmris: fmris.value, ...(msg.reread ? { reread: true } : {}) } };
    }
    case 'import': {
      if (typeof msg.file !== 'string' || !msg.file.startsWith('/') || msg.file.includes('\0') || msg.file.includes('\n')) return fail(bad('import.file must be an absolute path'));
      const flags: { strict?: true; verbose?: true; noValidate?: true } = {};
      for (const k of ['strict', 'verbose', 'noValidate'] as const) {
        const b = optBool(msg, k, 'import');
        if (!b.ok) return fail(b);
        if (b.value) flags[k] = true;
      }
      if (msg.dtd !== undefined && (typeof msg.dtd !== 'string' || msg.dtd.includes('\0'))) return fail(bad('import.dtd must be a string'));
      return { ok: true, value: { type: 'import', id, file: msg.file, ...flags, ...(msg.dtd ? { dtd: msg.dtd } : {}) } };
    }
    case 'admin': {
      const a = parseAdmin(msg, id);
      return a.ok ? a : fail(a);
    }
    case 'status': {
      if (msg.fmris === undefined) return { ok: true, value: { type: 'status', id } };
      const fmris = stringList(msg.fmris, 'status.fmris', true);
      return fmris.ok ? { ok: true, value: { type: 'status', id, fmris: fmris.value } } : fail(fmris);
    }
    case 'shutdown': {
      const s = optBool(msg, 'stopServices', 'shutdown');
      if (!s.ok) return fail(s);
      return { ok: true, value: s.value === undefined ? { type: 'shutdown', id } : { type: 'shutdown', id, stopServices: s.value } };
    }
    default:
      return fail(bad(`unknown request type ${JSON.stringify(msg.type)}`));
  }
}

/** Client side: validates the daemon's hello reply. */
export function parseHelloReply(msg: unknown): Parsed<HelloReply> {
  if (!isObject(msg) || msg.type !== 'hello' || typeof msg.ok !== 'boolean') return bad('daemon sent no valid hello reply');
  if (msg.ok) {
    if (typeof msg.v !== 'number' || typeof msg.daemon !== 'string' || typeof msg.bootId !== 'string' || !Array.isArray(msg.features)) {
      return bad('daemon hello reply lacks v/daemon/bootId/features');
    }
    return { ok: true, value: msg as unknown as HelloReply };
  }
  if (!isObject(msg.error) || typeof msg.error.message !== 'string') return bad('daemon hello rejection lacks an error');
  return { ok: true, value: msg as unknown as HelloReply };
}

/** Client side: validates a reply to a request. */
export function parseReply(msg: unknown): Parsed<Reply> {
  if (!isObject(msg) || typeof msg.ok !== 'boolean') return bad('daemon reply is not an object with "ok"');
  if (msg.ok) {
    if (typeof msg.id !== 'number' || !isObject(msg.result) || typeof msg.result.kind !== 'string') return bad('daemon reply lacks id/result.kind');
  } else if (!isObject(msg.error) || typeof msg.error.code !== 'string' || typeof msg.error.message !== 'string') {
    return bad('daemon error reply lacks error.code/error.message');
  }
  return { ok: true, value: msg as unknown as Reply };
}
