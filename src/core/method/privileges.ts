// Solaris privilege sets (privileges(7)) -> Linux capabilities, as far as a mapping exists.
// Pure. Used only when a method runs as a non-root user: the mapped capabilities are raised
// as ambient capabilities so the unprivileged program keeps them across exec.
//
// Invariants: unknown or unmappable privileges are never silently granted; each one yields a
// warning (the method still runs, without it). `basic` and `zone`/`all` sets are understood.

const MAP: Record<string, string[]> = {
  net_privaddr: ['net_bind_service'],
  net_rawaccess: ['net_raw'],
  net_icmpaccess: ['net_raw'],
  net_config: ['net_admin'],
  sys_net_config: ['net_admin'],
  sys_ip_config: ['net_admin'],
  file_chown: ['chown'],
  file_chown_self: ['chown'],
  file_dac_read: ['dac_read_search'],
  file_dac_search: ['dac_read_search'],
  file_dac_write: ['dac_override'],
  file_dac_execute: ['dac_override'],
  file_owner: ['fowner'],
  file_setid: ['fsetid', 'setfcap'],
  proc_setid: ['setuid', 'setgid'],
  proc_owner: ['kill', 'sys_ptrace'],
  proc_priocntl: ['sys_nice'],
  proc_lock_memory: ['ipc_lock'],
  proc_chroot: ['sys_chroot'],
  proc_audit: ['audit_write'],
  sys_audit: ['audit_control'],
  sys_admin: ['sys_admin'],
  sys_mount: ['sys_admin'],
  sys_devices: ['mknod'],
  sys_resource: ['sys_resource'],
  sys_time: ['sys_time'],
  sys_module: ['sys_module'],
  ipc_owner: ['ipc_owner'],
};
/** Privileges every Solaris process has (basic set) that are not capabilities on Linux. */
const BASIC = new Set(['file_link_any', 'file_read', 'file_write', 'net_access', 'proc_exec', 'proc_fork', 'proc_info', 'proc_session']);

export interface CapabilityMapping { capabilities: string[]; warnings: string[] }

/**
 * `privileges` is a comma-separated Solaris privilege set specification: names, `basic`,
 * `all`, `zone`, `none`, with `!` or `-` removing a privilege. `limitPrivileges` bounds it.
 */
export function privilegesToCapabilities(privileges: string, limitPrivileges?: string): CapabilityMapping {
  const warnings: string[] = [];
  const caps = new Set<string>();
  const items = privileges.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const raw of items) {
    const negated = raw.startsWith('!') || raw.startsWith('-');
    const name = negated ? raw.slice(1) : raw;
    if (name === 'basic' || name === 'none' || BASIC.has(name)) continue;
    if (name === 'all' || name === 'zone') {
      warnings.push(`privileges: "${name}" is not granted to a non-root method on Linux; run it as root (user=root) instead`);
      continue;
    }
    const mapped = MAP[name];
    if (!mapped) {
      if (!negated) warnings.push(`privileges: "${name}" has no Linux capability equivalent and is not granted`);
      continue;
    }
    for (const c of mapped) {
      if (negated) caps.delete(c);
      else caps.add(c);
    }
  }
  if (limitPrivileges && limitPrivileges !== ':default' && limitPrivileges !== 'all') {
    const limit = privilegesToCapabilities(limitPrivileges).capabilities;
    for (const c of [...caps]) if (!limit.includes(c)) caps.delete(c);
  }
  return { capabilities: [...caps].sort(), warnings };
}
