// Authorization policy for control requests (smf-spec §6.7), as a pure decision:
// given who the caller is (credentials from SO_PEERCRED plus the authorizations granted to them) and
// the authorization properties of the instances involved, is the request allowed?
//
// Invariants:
// - uid 0 may do anything (and so may the daemon's own uid, which owns the repository).
// - Everything else needs an authorization; absence of data means "denied", never "allowed".
// - Authorization property values are honoured only when the property is of type astring
//   (the caller of instanceAuthData() enforces this when reading the repository).
import type { AdminRequest, Request } from './messages.js';

export interface Caller {
  uid: number;
  gid: number;
  pid: number;
  /** login name, when the uid has one */
  user?: string;
  /** authorizations granted (user_attr auths, profiles, group mapping); may contain wildcards "a.b.*" */
  auths: readonly string[];
}

/** Authorization-carrying properties of one instance (composed: instance value, else service value). */
export interface InstanceAuthData {
  /** general/action_authorization */
  action: readonly string[];
  /** general/modify_authorization */
  modifyGeneral: readonly string[];
  /** general/value_authorization */
  valueGeneral: readonly string[];
}

export const AUTH_MANAGE = 'solaris.smf.manage';
export const AUTH_MODIFY = 'solaris.smf.modify';
export const AUTH_MODIFY_FRAMEWORK = 'solaris.smf.modify.framework';
export const AUTH_MODIFY_APPLICATION = 'solaris.smf.modify.application';

export type AuthDecision = { ok: true } | { ok: false; message: string };

/** Does the granted set contain `needed`? Grants ending in ".*" cover every name below the prefix; "*" covers all. */
export function hasAuth(granted: readonly string[], needed: string): boolean {
  for (const g of granted) {
    if (g === needed || g === '*') return true;
    if (g.endsWith('.*') && needed.startsWith(g.slice(0, -1))) return true;
  }
  return false;
}

const hasAny = (granted: readonly string[], needed: readonly string[]) => needed.some((n) => hasAuth(granted, n));

function who(c: Caller): string {
  return c.user ? `user "${c.user}" (uid ${c.uid})` : `uid ${c.uid}`;
}

/** The authorizations that satisfy one admin action on one instance (any one suffices). */
export function authsForAdmin(req: AdminRequest, data: InstanceAuthData): string[] {
  const persistentEnable = (req.action === 'enable' || req.action === 'disable') && !req.temporary;
  if (persistentEnable) {
    // Writing general/enabled = modifying the `general` pg (type framework).
    return [AUTH_MODIFY, AUTH_MODIFY_FRAMEWORK, ...data.modifyGeneral, ...data.valueGeneral];
  }
  return [AUTH_MANAGE, ...data.action];
}

/**
 * Decides whether `caller` may issue `req`. `authData(fmri)` returns the instance's authorization
 * properties, or undefined for an unknown instance (then only the global authorizations count).
 */
export function authorize(
  caller: Caller, req: Request, authData: (fmri: string) => InstanceAuthData | undefined, privilegedUid = 0,
): AuthDecision {
  if (caller.uid === 0 || caller.uid === privilegedUid) return { ok: true };
  const deny = (what: string, auths: readonly string[]): AuthDecision => ({
    ok: false,
    message: `permission denied: ${who(caller)} needs ${auths.length > 1 ? 'one of ' : ''}${[...new Set(auths)].join(', ')} to ${what} (grant it in etc/user_attr or through a tsmf-* group; see docs/authorizations.md)`,
  });
  switch (req.type) {
    case 'status':
      return { ok: true };
    case 'shutdown':
      return { ok: false, message: `permission denied: only root may shut svc.startd down (${who(caller)} asked)` };
    case 'import':
      // the daemon reads the file and writes the repository as itself: only who may write the repository file
      return { ok: false, message: `permission denied: only root may have svc.startd import a manifest (${who(caller)} asked); svccfg imports it itself` };
    case 'refresh': {
      // Tells the daemon to re-read what svccfg wrote: allowed to whoever may write configuration or act.
      const need = [AUTH_MODIFY, AUTH_MODIFY_FRAMEWORK, AUTH_MANAGE];
      return hasAny(caller.auths, need) ? { ok: true } : deny('notify the restarter of configuration changes', need);
    }
    case 'admin': {
      if (req.action === 'milestone') {
        const need = req.flags?.persistent ? [AUTH_MODIFY, AUTH_MODIFY_APPLICATION] : [AUTH_MANAGE];
        const ok = hasAny(caller.auths, [AUTH_MANAGE]) && hasAny(caller.auths, need);
        return ok ? { ok: true } : deny(`change the milestone${req.flags?.persistent ? ' persistently' : ''}`, need);
      }
      // each instance on its own (authorizeAdminFmri): the request as a whole is allowed
      return { ok: true };
    }
  }
}

/**
 * Whether `caller` may apply an admin request (not milestone) to one instance. Denied operands fail
 * on their own (svcadm: "FMRI: Permission denied.", exit 1) while the others are carried out, as SMF
 * checks each instance separately. `message` says which authorization would do.
 */
export function authorizeAdminFmri(
  caller: Caller, req: AdminRequest, fmri: string, authData: (fmri: string) => InstanceAuthData | undefined, privilegedUid = 0,
): AuthDecision {
  if (caller.uid === 0 || caller.uid === privilegedUid) return { ok: true };
  const need = authsForAdmin(req, authData(fmri) ?? { action: [], modifyGeneral: [], valueGeneral: [] });
  if (hasAny(caller.auths, need)) return { ok: true };
  return {
    ok: false,
    message: `${who(caller)} needs ${need.length > 1 ? 'one of ' : ''}${[...new Set(need)].join(', ')} to ${req.action}${req.temporary ? ' -t' : ''} ${fmri} (grant it in etc/user_attr or through a tsmf-* group; see docs/authorizations.md)`,
  };
}
