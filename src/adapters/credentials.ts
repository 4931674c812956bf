// Turns kernel-verified peer credentials into a Caller: login name (host /etc/passwd), Unix groups
// (primary gid + /etc/group membership) and granted authorizations (<root>/etc/user_attr + the
// tsmf-* group mapping, core/protocol/user-attr.ts). Files are re-read when they change (mtime),
// so granting takes effect without restarting the daemon.
import fs from 'node:fs';
import path from 'node:path';
import { authsFor, parseUserAttr, type Caller, type UserAttrTable } from '../core/protocol/index.js';

interface Cached<T> { mtimeMs: number; value: T }

function readCached<T>(file: string, cache: Map<string, Cached<T>>, parse: (text: string) => T, empty: T): T {
  let st: fs.Stats;
  try { st = fs.statSync(file); } catch { return empty; }
  const c = cache.get(file);
  if (c && c.mtimeMs === st.mtimeMs) return c.value;
  let value = empty;
  try { value = parse(fs.readFileSync(file, 'utf8')); } catch { /* unreadable: grant nothing */ }
  cache.set(file, { mtimeMs: st.mtimeMs, value });
  return value;
}

interface PasswdDb { byUid: Map<number, string> }
interface GroupDb { byGid: Map<number, string>; members: Map<string, string[]> }

function parsePasswd(text: string): PasswdDb {
  const byUid = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]!) && !byUid.has(Number(f[2]))) byUid.set(Number(f[2]), f[0]!);
  }
  return { byUid };
}

function parseGroup(text: string): GroupDb {
  const byGid = new Map<number, string>();
  const members = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !/^\d+$/.test(f[2]!)) continue;
    byGid.set(Number(f[2]), f[0]!);
    for (const m of f[3]!.split(',').map((s) => s.trim()).filter(Boolean)) {
      members.set(m, [...(members.get(m) ?? []), f[0]!]);
    }
  }
  return { byGid, members };
}

export class CredentialResolver {
  private readonly passwd = new Map<string, Cached<PasswdDb>>();
  private readonly group = new Map<string, Cached<GroupDb>>();
  private readonly userAttr = new Map<string, Cached<UserAttrTable>>();
  private reported = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly log: (msg: string) => void,
    private readonly etc = '/etc',
  ) {}

  get userAttrPath(): string { return path.join(this.root, 'etc', 'user_attr'); }

  resolve(cred: { pid: number; uid: number; gid: number }): Caller {
    const pw = readCached(path.join(this.etc, 'passwd'), this.passwd, parsePasswd, { byUid: new Map() });
    const gr = readCached(path.join(this.etc, 'group'), this.group, parseGroup, { byGid: new Map(), members: new Map() });
    const table = readCached(this.userAttrPath, this.userAttr, parseUserAttr, { byUser: new Map(), diagnostics: [] });
    for (const d of table.diagnostics) {
      const key = `${d.line}:${d.message}`;
      if (!this.reported.has(key)) { this.reported.add(key); this.log(`${this.userAttrPath}:${d.line}: ${d.message}`); }
    }
    const user = pw.byUid.get(cred.uid);
    const groups = new Set<string>();
    const primary = gr.byGid.get(cred.gid);
    if (primary) groups.add(primary);
    if (user) for (const g of gr.members.get(user) ?? []) groups.add(g);
    const caller: Caller = { uid: cred.uid, gid: cred.gid, pid: cred.pid, auths: authsFor(user, [...groups], table) };
    if (user) caller.user = user;
    return caller;
  }
}
