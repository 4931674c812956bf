// The svc.startd control protocol, version 1: message types shared by the daemon's control server
// and the client (src/cli/common/client.ts). Newline-delimited JSON over a unix stream socket.
//
// Invariants:
// - A connection starts with exactly one `hello`; nothing else is accepted before it.
// - Every later request carries a client-chosen `id` echoed by exactly one reply.
// - A message's meaning never changes once released: new behaviour gets a new message type, a new
//   optional field whose absence keeps the old meaning, or a new protocol version.
// - Types here are plain data; validation lives in validate.ts (pure, no I/O).

export const PROTOCOL_VERSION = 1;
export const SUPPORTED_VERSIONS: readonly number[] = [1];
/** Longest accepted line (bytes). Longer input is a protocol error and closes the connection. */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface HelloRequest { type: 'hello'; v: number; client: string }

export interface HelloAccepted {
  type: 'hello'; ok: true; v: number;
  /** e.g. "tsmf svc.startd 0.1.0" */
  daemon: string;
  bootId: string;
  /** Request types (and optional extensions) this daemon understands. */
  features: string[];
}
export interface HelloRejected { type: 'hello'; ok: false; error: ProtocolError; supported: number[] }
export type HelloReply = HelloAccepted | HelloRejected;

/** Repository content for these instances/services changed (svccfg import/refresh/apply/delete). */
/** reread: only properties that act at once changed (general/enabled, general_ovr, general/restarter;
 *  smf-spec §6.4): re-read those instances without refreshing them (no refresh method, no new running snapshot) */
export interface RefreshRequest { type: 'refresh'; id: number; fmris: string[]; reread?: boolean }

export const ADMIN_ACTIONS = ['enable', 'disable', 'restart', 'refresh', 'clear', 'mark', 'milestone'] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export interface AdminFlags {
  /** mark: -I (immediate) */
  immediate?: boolean;
  /** mark: state to enter */
  state?: 'maintenance' | 'degraded';
  /** restart -d: request a core dump (do_dump) */
  dump?: boolean;
  /** mark maintenance: svcadm's stdin was a terminal (administrative_request vs service_request) */
  tty?: boolean;
  /** mark maintenance from a method: FMRI of the calling service (restarter/auxiliary_fmri) */
  auxiliaryFmri?: string;
  /** milestone -d: also store the boot default (options/milestone) */
  persistent?: boolean;
}

/**
 * An administrative action on fully resolved instance FMRIs (the client resolves abbreviations).
 * For `milestone`, `fmris` holds exactly one entry: "all", "none" or a milestone instance FMRI.
 */
export interface AdminRequest {
  type: 'admin'; id: number; action: AdminAction; fmris: string[];
  /** enable/disable -t, mark -t: temporary (general_ovr / lost at reboot) */
  temporary?: boolean;
  flags?: AdminFlags;
}

export interface StatusRequest { type: 'status'; id: number; fmris?: string[] }
export interface ShutdownRequest { type: 'shutdown'; id: number; stopServices?: boolean }

/**
 * svccfg import carried out by svc.startd itself (smf-spec §8; as svc.configd does the writes for
 * illumos svccfg): `file` is an absolute path the daemon reads. Root and the daemon's uid only.
 */
export interface ImportRequest {
  type: 'import'; id: number; file: string;
  /** svccfg import -V: template violations are errors */
  strict?: boolean;
  /** svccfg -v: report each created instance */
  verbose?: boolean;
  /** svccfg's SVCCFG_NOVALIDATE and SVCCFG_DTD, which the daemon does not see */
  noValidate?: boolean;
  dtd?: string;
}

export type Request = RefreshRequest | AdminRequest | StatusRequest | ShutdownRequest | ImportRequest;

/** One line svccfg prints on stderr: `svccfg: [location]text`, or without the command-file location when `plain`. */
export interface ImportLine { text: string; plain?: true }
/** An import's outcome as svccfg reports it: its exit status and its stderr lines. */
export interface ImportResult { status: number; lines: ImportLine[] }
export type RequestType = Request['type'];

export type ErrorCode =
  | 'bad_request'          // malformed or invalid message; the connection stays usable unless framing broke
  | 'unsupported_version'  // hello with a version this daemon does not speak
  | 'not_hello'            // a request before the handshake
  | 'permission_denied'    // the caller lacks the needed authorization
  | 'not_found'            // unknown instance
  | 'invalid_state'        // e.g. clear of an instance that is not in maintenance
  | 'shutting_down'        // the daemon no longer accepts requests
  | 'internal';            // a daemon bug; the message says what failed

/** hint: what would help (e.g. which authorization), for a client to show on a terminal */
export interface ProtocolError { code: ErrorCode; message: string; hint?: string }

export interface FmriResult { fmri: string; ok: boolean; error?: ProtocolError }

export interface InstanceStatus {
  fmri: string; state: string; nextState: string; auxiliaryState?: string;
  stateTimestampMs?: number; contract?: number; enabled?: boolean;
}

export type ReplyBody =
  | { kind: 'refresh'; results: FmriResult[] }
  | { kind: 'admin'; results: FmriResult[] }
  | { kind: 'status'; instances: InstanceStatus[] }
  | { kind: 'shutdown' }
  | ({ kind: 'import' } & ImportResult);

export type Reply =
  | { id: number; ok: true; result: ReplyBody }
  | { id: number | null; ok: false; error: ProtocolError };

export function errorReply(id: number | null, code: ErrorCode, message: string): Reply {
  return { id, ok: false, error: { code, message } };
}
