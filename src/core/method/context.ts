// Method context (smf-spec 4.5): which user/group/groups, working directory, privileges and
// environment a method runs with, read from the method pg first and then the method_context pg.
// Pure: name -> id resolution takes a UserDatabase value (parsed passwd/group), never files.
//
// Invariants:
// - Credentials are only taken into account when `use_profile` exists (as svc.startd does);
//   otherwise the method runs as the restarter's own user (root/root on a real host).
// - `environment` is taken wholesale from the first place that has it (no merge).
// - Every failure is a value naming the property and what to do; nothing throws for bad input.
import type { PropertyGroup } from '../model.js';
import { findProp } from '../model.js';
import { privilegesToCapabilities } from './privileges.js';

/** What the repository says, before any name lookup. */
export interface MethodContextSpec {
  /** true when `use_profile` exists: credentials (user/group/supp_groups/privileges) apply. */
  credentialsGiven: boolean;
  useProfile: boolean;
  profile?: string;
  user?: string;
  group?: string;
  suppGroups?: string;
  privileges?: string;
  limitPrivileges?: string;
  /** path, ':home' or ':default' (both = home of the effective user). */
  workingDirectory: string;
  /** NAME=value entries, unvalidated (see buildMethodEnvironment). */
  environment: string[];
  project?: string;
  resourcePool?: string;
  corefilePattern?: string;
  securityFlags?: string;
}

export interface PasswdEntry { name: string; uid: number; gid: number; home: string; shell: string }
export interface GroupEntry { name: string; gid: number; members: string[] }
export interface UserDatabase {
  userByName(name: string): PasswdEntry | undefined;
  userById(uid: number): PasswdEntry | undefined;
  groupByName(name: string): GroupEntry | undefined;
  groupById(gid: number): GroupEntry | undefined;
  /** gids of the groups listing `user` as a member (initgroups semantics). */
  groupsOf(user: string): number[];
}

/** Credentials resolved to numbers; what the process adapter applies. */
export interface ResolvedCredentials {
  user: string;
  uid: number;
  gid: number;
  /** supplementary groups; empty = none */
  groups: number[];
  home: string;
}

/** Everything the runner needs to set up the child, fully resolved. */
export interface ResolvedMethodContext {
  /** null = no credential change (run as the restarter's own user). */
  credentials: ResolvedCredentials | null;
  workingDirectory: string;
  /** Linux capability names (lower case, no CAP_ prefix) to keep as ambient caps for a non-root user; null = no change. */
  capabilities: string[] | null;
  /** Things we could not honour; the runner writes them to the instance log. */
  warnings: string[];
}

export type ContextError = { ok: false; code: 'config'; property: string; message: string };
export type ContextResult<T> = { ok: true; value: T } | ContextError;

const CONTEXT_PROPS = ['use_profile', 'profile', 'user', 'group', 'supp_groups', 'privileges', 'limit_privileges',
  'working_directory', 'environment', 'project', 'resource_pool', 'corefile_pattern', 'security_flags'] as const;
type ContextProp = (typeof CONTEXT_PROPS)[number];

/**
 * Reads the context from `methodPg` (e.g. the composed `start` pg) and then the `method_context`
 * pg(s) given in priority order (instance before service when the caller did not compose).
 */
export function readMethodContext(methodPg: PropertyGroup | undefined, ...contextPgs: (PropertyGroup | undefined)[]): MethodContextSpec {
  const sources = [methodPg, ...contextPgs];
  const first = (name: ContextProp): string[] | undefined => {
    for (const pg of sources) {
      const p = findProp(pg, name);
      if (p) return p.values;
    }
    return undefined;
  };
  const one = (name: ContextProp): string | undefined => first(name)?.[0];
  const useProfileValues = first('use_profile');
  return {
    credentialsGiven: useProfileValues !== undefined,
    useProfile: useProfileValues?.[0] === 'true',
    profile: one('profile'),
    user: one('user'),
    group: one('group'),
    suppGroups: one('supp_groups'),
    privileges: one('privileges'),
    limitPrivileges: one('limit_privileges'),
    workingDirectory: one('working_directory') ?? ':default',
    environment: first('environment') ?? [],
    project: one('project'),
    resourcePool: one('resource_pool'),
    corefilePattern: one('corefile_pattern'),
    securityFlags: one('security_flags'),
  };
}

/** The context used when nothing is configured: no credential change, cwd = home of `self`. */
export function defaultMethodContext(): MethodContextSpec {
  return { credentialsGiven: false, useProfile: false, workingDirectory: ':default', environment: [] };
}

const isNumeric = (s: string) => /^[0-9]+$/.test(s);
const isDefaultToken = (s: string | undefined) => s === undefined || s === '' || s === ':default';

function resolveUser(spec: MethodContextSpec, db: UserDatabase): ContextResult<PasswdEntry> {
  const u = isDefaultToken(spec.user) ? 'root' : spec.user!;
  const entry = isNumeric(u) ? db.userById(Number(u)) : db.userByName(u);
  if (entry) return { ok: true, value: entry };
  if (isNumeric(u)) return { ok: true, value: { name: u, uid: Number(u), gid: Number.NaN, home: '/', shell: '' } };
  return { ok: false, code: 'config', property: 'user', message: `method_context/user "${u}": no such user in the password database; create the user or fix the property` };
}

function resolveGroup(name: string, property: string, db: UserDatabase): ContextResult<number> {
  if (isNumeric(name)) return { ok: true, value: Number(name) };
  const g = db.groupByName(name);
  if (g) return { ok: true, value: g.gid };
  return { ok: false, code: 'config', property, message: `method_context/${property} "${name}": no such group; create the group or fix the property` };
}

/**
 * Resolves names to ids and picks the working directory. `self` is the restarter's own identity
 * (used for ':default' working directory when no credentials are configured).
 */
export function resolveMethodContext(spec: MethodContextSpec, db: UserDatabase, self: { uid: number; home: string }): ContextResult<ResolvedMethodContext> {
  const warnings: string[] = [];
  let credentials: ResolvedCredentials | null = null;
  let capabilities: string[] | null = null;
  if (spec.credentialsGiven) {
    if (spec.useProfile) warnings.push(`method_context/use_profile=true (profile "${spec.profile ?? ''}"): RBAC profiles do not exist on Linux; running with the user/group given instead`);
    const user = resolveUser(spec, db);
    if (!user.ok) return user;
    let gid = user.value.gid;
    if (!isDefaultToken(spec.group)) {
      const g = resolveGroup(spec.group!, 'group', db);
      if (!g.ok) return g;
      gid = g.value;
    }
    if (Number.isNaN(gid)) return { ok: false, code: 'config', property: 'group', message: `method_context/user "${spec.user}" has no password entry, so its primary group is unknown; set method_context/group` };
    const groups: number[] = [];
    if (!isDefaultToken(spec.suppGroups)) {
      for (const name of spec.suppGroups!.split(/[\s,]+/).filter(Boolean)) {
        const g = resolveGroup(name, 'supp_groups', db);
        if (!g.ok) return g;
        groups.push(g.value);
      }
    } else {
      // Solaris initgroups(3C) semantics: the user's memberships from the group database.
      groups.push(...db.groupsOf(user.value.name));
    }
    credentials = { user: user.value.name, uid: user.value.uid, gid, groups: uniq([gid, ...groups]), home: user.value.home };
    if (!isDefaultToken(spec.privileges) || !isDefaultToken(spec.limitPrivileges)) {
      const caps = privilegesToCapabilities(spec.privileges ?? 'basic', spec.limitPrivileges);
      warnings.push(...caps.warnings);
      capabilities = credentials.uid === 0 ? null : caps.capabilities;
    }
  }
  for (const [prop, v] of [['project', spec.project], ['resource_pool', spec.resourcePool], ['corefile_pattern', spec.corefilePattern], ['security_flags', spec.securityFlags]] as const) {
    if (!isDefaultToken(v)) warnings.push(`method_context/${prop}="${v}" has no Linux equivalent and is ignored`);
  }
  const wd = spec.workingDirectory;
  let workingDirectory: string;
  if (wd === ':default' || wd === ':home' || wd === '') workingDirectory = credentials ? credentials.home : self.home;
  else if (wd.startsWith('/')) workingDirectory = wd;
  else return { ok: false, code: 'config', property: 'working_directory', message: `method_context/working_directory "${wd}" is neither an absolute path nor :default/:home; fix the property` };
  return { ok: true, value: { credentials, workingDirectory, capabilities, warnings } };
}

function uniq(xs: number[]): number[] {
  return [...new Set(xs)];
}
