// Granting authorizations on Linux: parse <root>/etc/user_attr (illumos format) and map Unix groups
// to authorizations. Pure: the daemon reads the files and passes their text in.
//
// user_attr lines:  user:qualifier:res1:res2:attr   where attr = key=value;key=value
//   auths=solaris.smf.manage,solaris.smf.modify.framework   profiles=Service Operator,Service Management
// Comments start with '#'; blank lines are ignored. A line with the wrong number of fields is a
// diagnostic (file:line), not a crash, and grants nothing.
//
// Group mapping (fixed, documented in docs/authorizations.md):
//   tsmf-admin    -> profile "Service Management"   (manage + modify)
//   tsmf-manage   -> solaris.smf.manage
//   tsmf-operator -> profile "Service Operator"     (manage + modify.framework)
//   tsmf-modify   -> solaris.smf.modify

export const PROFILES: Readonly<Record<string, readonly string[]>> = {
  'Service Management': ['solaris.smf.manage', 'solaris.smf.modify'],
  'Service Operator': ['solaris.smf.manage', 'solaris.smf.modify.framework'],
  'All': ['*'],
};

export const GROUP_AUTHS: Readonly<Record<string, readonly string[]>> = {
  'tsmf-admin': PROFILES['Service Management']!,
  'tsmf-manage': ['solaris.smf.manage'],
  'tsmf-operator': PROFILES['Service Operator']!,
  'tsmf-modify': ['solaris.smf.modify'],
};

export interface UserAttrDiagnostic { line: number; message: string }
export interface UserAttrTable { byUser: Map<string, string[]>; diagnostics: UserAttrDiagnostic[] }

function splitList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export function parseUserAttr(text: string): UserAttrTable {
  const byUser = new Map<string, string[]>();
  const diagnostics: UserAttrDiagnostic[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(':');
    if (fields.length < 5) {
      diagnostics.push({ line: i + 1, message: `expected "user::::auths=..." (5 colon-separated fields), got ${fields.length}` });
      return;
    }
    const user = fields[0]!.trim();
    if (!user) { diagnostics.push({ line: i + 1, message: 'empty user name' }); return; }
    const grants = byUser.get(user) ?? [];
    for (const kv of fields.slice(4).join(':').split(';')) {
      const eq = kv.indexOf('=');
      if (eq < 0) continue;
      const key = kv.slice(0, eq).trim();
      const value = kv.slice(eq + 1);
      if (key === 'auths') grants.push(...splitList(value));
      else if (key === 'profiles') {
        for (const p of splitList(value)) {
          const auths = PROFILES[p];
          if (auths) grants.push(...auths);
          else diagnostics.push({ line: i + 1, message: `unknown profile "${p}" (known: ${Object.keys(PROFILES).join(', ')})` });
        }
      }
    }
    byUser.set(user, grants);
  });
  return { byUser, diagnostics };
}

/** All authorizations of a user: user_attr entries plus the group mapping. */
export function authsFor(user: string | undefined, groups: readonly string[], table: UserAttrTable): string[] {
  const out = new Set<string>(user ? table.byUser.get(user) ?? [] : []);
  for (const g of groups) for (const a of GROUP_AUTHS[g] ?? []) out.add(a);
  return [...out];
}
