// Caller identity on the control socket: SO_PEERCRED through the tiny N-API addon in native/
// (built by `npm ci` via binding.gyp). The kernel records pid/uid/gid at connect(); the peer cannot
// forge them. If the addon is missing (build failed), `available` is false and the daemon falls back
// to a socket only its own uid can open (see docs/authorizations.md).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBuiltArtifact } from '../package-root.js';
import type net from 'node:net';

export interface PeerCred { pid: number; uid: number; gid: number }
interface Addon { peercred(fd: number): PeerCred }

let addon: Addon | null | undefined;

function load(): Addon | null {
  if (addon !== undefined) return addon;
  addon = null;
  const file = findBuiltArtifact(path.dirname(fileURLToPath(import.meta.url)), 'tsmf_peercred.node');
  if (!file) return addon;
  try {
    addon = createRequire(import.meta.url)(file) as Addon;
  } catch { /* not loadable: the fallback applies */ }
  return addon;
}

/** True when the native addon is built and loadable. */
export function peercredAvailable(): boolean {
  return load() !== null;
}

/** The fd of a connected net.Socket (libuv handle), or undefined. */
function socketFd(sock: net.Socket): number | undefined {
  const handle = (sock as unknown as { _handle?: { fd?: number } })._handle;
  return typeof handle?.fd === 'number' && handle.fd >= 0 ? handle.fd : undefined;
}

export type PeerCredResult = { ok: true; cred: PeerCred } | { ok: false; reason: string };

/** Credentials of the process at the other end of a unix-domain stream socket. */
export function peerCredOf(sock: net.Socket): PeerCredResult {
  const a = load();
  if (!a) return { ok: false, reason: 'the peercred addon is not built (run `npm ci` or `npx node-gyp rebuild`)' };
  const fd = socketFd(sock);
  if (fd === undefined) return { ok: false, reason: 'socket has no file descriptor' };
  try {
    return { ok: true, cred: a.peercred(fd) };
  } catch (e) {
    return { ok: false, reason: `getsockopt(SO_PEERCRED) failed: ${(e as Error).message}` };
  }
}
