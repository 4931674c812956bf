// Who reads the repository from a command-line tool (smf-spec §6.7): root sees everything; any
// other user sees read-protected values only with an authorization granted to them in
// <root>/etc/user_attr or through a tsmf-* group (the grants svc.startd uses at its socket).
import { CredentialResolver } from '../../adapters/credentials.js';
import { ROOT_VIEWER, type Viewer } from '../../repository/types.js';

export function callerViewer(root: string): Viewer {
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return ROOT_VIEWER;
  const caller = new CredentialResolver(root, () => undefined).resolve({ pid: process.pid, uid, gid: process.getgid?.() ?? uid });
  return { uid, auths: new Set(caller.auths) };
}
