#!/bin/sh
# smf_include.sh: definitions for SMF method scripts, as illumos ships them in
# /lib/svc/share/smf_include.sh. svc.startd (tsmf) installs this file as
# <root>/lib/svc/share/smf_include.sh (with the root "/", the illumos path). Source it:
#
#   . /lib/svc/share/smf_include.sh
#
# POSIX sh; defines only SMF_* variables and smf_* functions. See docs/methods.md.

# Method exit codes (smf-spec 4.7) and what svc.startd does with them.
SMF_EXIT_OK=0                # success
SMF_EXIT_NODAEMON=94         # start succeeded; its processes are not tracked this time (transient)
SMF_EXIT_ERR_FATAL=95        # maintenance at once
SMF_EXIT_ERR_CONFIG=96       # maintenance at once (misconfiguration)
SMF_EXIT_MON_DEGRADE=97      # retried like any failure
SMF_EXIT_MON_OFFLINE=98      # retried like any failure
SMF_EXIT_ERR_NOSMF=99        # maintenance at once (not run by SMF)
SMF_EXIT_ERR_PERM=100        # maintenance at once (permission)
SMF_EXIT_TEMP_DISABLE=101    # the instance is disabled until the next boot
SMF_EXIT_TEMP_TRANSIENT=102  # start succeeded; treated as transient this time
SMF_EXIT_ERR_OTHER=1         # any other non-zero code: retried, then fault_threshold_reached

# True when the service management facility runs here: this script runs as an SMF method, or the
# daemon of this state root ($TSMF_ROOT, default /) listens.
smf_present() {
	[ -n "${SMF_FMRI:-}" ] || [ -S "${TSMF_ROOT:-}/run/tsmf/control.sock" ]
}

# Removes what svc.startd put in the method's environment, for a child that must not look like
# a method (illumos: SMF_FMRI, SMF_METHOD, SMF_RESTARTER, SMF_ZONENAME).
smf_clear_env() {
	unset SMF_FMRI SMF_METHOD SMF_RESTARTER SMF_ZONENAME
}

# The zone name. On Linux svc.startd passes the host (or container) name in SMF_ZONENAME.
smf_zonename() {
	if [ -n "${SMF_ZONENAME:-}" ]; then echo "$SMF_ZONENAME"; else uname -n; fi
}

# The "global zone" is the host: the initial PID namespace, whose inode number the kernel fixes
# (PROC_PID_INIT_INO); a container or a zone-like namespace has another.
smf_is_globalzone() {
	[ "$(readlink /proc/self/ns/pid 2>/dev/null)" = 'pid:[4026531836]' ]
}

smf_is_nonglobalzone() {
	! smf_is_globalzone
}

# The cgroup v2 directory whose inode number is the contract id (tsmf's contracts are cgroups;
# restarter/contract holds that number). Empty when there is none.
_smf_contract_dir() {
	_smf_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts 2>/dev/null)
	[ -n "$_smf_root" ] || return 1
	find "$_smf_root" -xdev -type d -inum "$1" -print 2>/dev/null | head -n 1
}

# Processes of a contract: its cgroup's members, else (process-group contracts) the group's.
_smf_contract_pids() {
	if [ -n "$2" ]; then
		cat "$2/cgroup.procs" 2>/dev/null
	else
		# /proc/PID/stat: "PID (COMM) STATE PPID PGRP ..." (COMM may hold spaces and parentheses)
		# (zombies are dead already: their parent may not have reaped them yet)
		cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '{ pid = $1; sub(/^.*\) /, ""); if ($3 == g && $1 != "Z") print pid }'
	fi
}

# smf_kill_contract CONTRACT SIGNAL [WAIT [TIMEOUT]]
# Sends SIGNAL (a name such as TERM, or a number) to every process of CONTRACT. With WAIT 1, waits
# until the contract is empty: at most TIMEOUT seconds (0 or none: no limit). Returns 0 when the
# contract is empty (or WAIT is not 1), 1 when processes are left after TIMEOUT, 2 on bad
# arguments, as on illumos.
smf_kill_contract() {
	[ $# -ge 2 ] || return 2
	_smf_ct=$1 _smf_sig=$2 _smf_wait=${3:-0} _smf_timeout=${4:-0}
	case $_smf_ct in '' | *[!0-9]*) return 2 ;; esac
	case $_smf_wait in 0 | 1) ;; *) return 2 ;; esac
	case $_smf_timeout in '' | *[!0-9]*) return 2 ;; esac
	case $_smf_sig in '' | -* | *[!A-Za-z0-9]*) return 2 ;; esac
	_smf_dir=$(_smf_contract_dir "$_smf_ct")
	_smf_pids=$(_smf_contract_pids "$_smf_ct" "$_smf_dir")
	if [ -n "$_smf_pids" ]; then
		case $_smf_sig in
		*[!0-9]*) kill -s "$_smf_sig" $_smf_pids 2>/dev/null ;;
		*) kill -"$_smf_sig" $_smf_pids 2>/dev/null ;;
		esac
	fi
	[ "$_smf_wait" = 1 ] || return 0
	# polled every 0.1 s where sleep takes fractions (GNU, busybox), else every second
	if sleep 0.1 2>/dev/null; then _smf_tick=0.1 _smf_per_s=10; else _smf_tick=1 _smf_per_s=1; fi
	_smf_ticks=0
	while [ -n "$(_smf_contract_pids "$_smf_ct" "$_smf_dir")" ]; do
		if [ "$_smf_timeout" -gt 0 ] && [ "$_smf_ticks" -ge $((_smf_timeout * _smf_per_s)) ]; then return 1; fi
		sleep $_smf_tick
		_smf_ticks=$((_smf_ticks + 1))
	done
	return 0
}

# smf_method_exit CODE REASON MESSAGE (Solaris 11): logs why, then exits with CODE, e.g.
#   smf_method_exit $SMF_EXIT_TEMP_DISABLE no_config "nothing to serve yet"
smf_method_exit() {
	echo "${3:-exiting}${2:+ ($2)}" >&2
	exit "${1:-$SMF_EXIT_ERR_OTHER}"
}
