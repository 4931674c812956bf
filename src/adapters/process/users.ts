// The password and group databases for method credentials: /etc/passwd and /etc/group (re-read
// when they change), with `getent` as a fallback for names only NSS knows (LDAP, sssd...).
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { GroupEntry, PasswdEntry, UserDatabase } from '../../core/method/context.js';

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#') || !/^[0-9]+$/.test(f[2]!) || !/^[0-9]+$/.test(f[3]!)) continue;
    out.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#') || !/^[0-9]+$/.test(f[2]!)) continue;
    out.push({ name: f[0]!, gid: Number(f[2]), members: f[3]!.split(',').filter(Boolean) });
  }
  return out;
}

export class SystemUserDatabase implements UserDatabase {
  private users: PasswdEntry[] = [];
  private groups: GroupEntry[] = [];
  private stamp = '';

  constructor(private readonly passwdPath = '/etc/passwd', private readonly groupPath = '/etc/group', private readonly useGetent = true) {}

  userByName(name: string): PasswdEntry | undefined {
    this.refresh();
    return this.users.find((u) => u.name === name) ?? this.getent('passwd', name, parsePasswd);
  }
  userById(uid: number): PasswdEntry | undefined {
    this.refresh();
    return this.users.find((u) => u.uid === uid) ?? this.getent('passwd', String(uid), parsePasswd);
  }
  groupByName(name: string): GroupEntry | undefined {
    this.refresh();
    return this.groups.find((g) => g.name === name) ?? this.getent('group', name, parseGroup);
  }
  groupById(gid: number): GroupEntry | undefined {
    this.refresh();
    return this.groups.find((g) => g.gid === gid) ?? this.getent('group', String(gid), parseGroup);
  }
  groupsOf(user: string): number[] {
    this.refresh();
    return this.groups.filter((g) => g.members.includes(user)).map((g) => g.gid);
  }

  private refresh(): void {
    const stamp = [this.passwdPath, this.groupPath].map((p) => {
      const st = fs.statSync(p, { throwIfNoEntry: false });
      return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : '-';
    }).join('|');
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    this.users = parsePasswd(readOr(this.passwdPath));
    this.groups = parseGroup(readOr(this.groupPath));
  }

  private getent<T>(db: 'passwd' | 'group', key: string, parse: (text: string) => T[]): T | undefined {
    if (!this.useGetent) return undefined;
    const r = spawnSync('getent', [db, key], { encoding: 'utf8', timeout: 5000 });
    return r.status === 0 ? parse(r.stdout)[0] : undefined;
  }
}

function readOr(p: string): string {
  try { return fs.readFileSync(p, 'utf8'); } catch { return ''; }
}
