# SPDX-License-Identifier: GPL-2.0
#
# Helpers for tests (*.t), sourced as ". ../../lib/lib.sh" from a suite
# directory. A test fails by exiting non-zero (fail does that with a
# message) and skips by exiting 77 (skip).
#
# Environment from the runner: REPO, O (build directory), RTEST_KERNEL
# (stock or ours; host for host tests), RTEST_KMOD (the directory of the
# modules built for the running kernel).

set -u
# A write to a driven process that died fails instead of killing the test.
trap '' PIPE

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# expect_ok WHAT: the last answer of the driven process (REPLY) is "ok ...".
expect_ok() {
	case "$REPLY" in ok*) ;; *) fail "$1: '$REPLY'" ;; esac
}

# The rescap module built for the running kernel.
rescap_ko() {
	echo "$RTEST_KMOD/rescap.ko"
}

load_rescap() {
	insmod "$(rescap_ko)" || fail "insmod $(rescap_ko) failed"
}

# A check queued on a tracked task holds a module reference until the task
# leaves the kernel, so rmmod may find the module in use for a moment
# (EAGAIN): try for up to 2 s, as an admin would retry.
unload_rescap() {
	_i=0
	until rmmod rescap 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 20 ] || { rmmod rescap; fail "rmmod rescap failed"; }
		sleep 0.1
	done
}

RESCAPCTL=${O:-}/bin/rescapctl

# A driven process (tests/helpers/rtest-proc): proc_start runs one with
# PROC its pid, proc_do sends it a command and leaves its answer in REPLY
# ("ok HEAP FDS", "err ERRNO", or "dead" once it is gone).
proc_start() {
	_pdir=$(mktemp -d)
	mkfifo "$_pdir/in" "$_pdir/out"
	"$O/bin/rtest-proc" <"$_pdir/in" >"$_pdir/out" &
	PROC=$!
	exec 3>"$_pdir/in" 4<"$_pdir/out"
	read -r REPLY <&4 || fail "rtest-proc did not start"
}

proc_do() {
	echo "$*" >&3 2>/dev/null || { REPLY=dead; return; }
	read -r REPLY <&4 || REPLY=dead
}

proc_stop() {
	exec 3>&- 4<&-
	wait "$PROC" 2>/dev/null
	rm -rf "$_pdir"
}

# reply_heap / reply_fds: the numbers of the last "ok HEAP FDS" answer
reply_heap() { set -- $REPLY; echo "$2"; }
reply_fds() { set -- $REPLY; echo "$3"; }

# rescap_get PID FIELD: one field of 'rescapctl get' (Heap:, FDs:, ...)
rescap_field() {
	"$RESCAPCTL" get "$1" | sed -n "s/^$2: *\([^ ]*\).*/\1/p"
}

# A fresh rescap module for this test (unloaded first if a previous test
# left it), and its unload at the end, which must succeed.
#
# On the lsm kernel rescap is built in: there is nothing to load, and the
# end of a test deregisters what it left tracked, so the next test starts
# from nothing tracked as it would with a fresh module.
rescap_up() {
	if [ "${RTEST_KERNEL:-}" = lsm ]; then
		[ -r /proc/rescap ] || fail "no /proc/rescap on the LSM kernel"
		rescap_untrack_all
		return
	fi
	if grep -q '^rescap ' /proc/modules; then
		rmmod rescap || fail "cannot unload a rescap left loaded"
	fi
	load_rescap
}

rescap_down() {
	if [ "${RTEST_KERNEL:-}" = lsm ]; then
		rescap_untrack_all
		return
	fi
	unload_rescap
}

# Deregister every tracked process (those that exit meanwhile are gone).
rescap_untrack_all() {
	for _p in $(awk 'NR > 1 { print $1 }' /proc/rescap); do
		"$RESCAPCTL" deregister "$_p" 2>/dev/null
	done
	[ "$(awk 'NR > 1' /proc/rescap | wc -l)" = 0 ] ||
		fail "still tracked after deregistering all: $(cat /proc/rescap)"
}

# nl_expect RESULT COMMAND [ATTR=TYPE:VALUE...]: a raw request (rtest-nl)
# must answer RESULT: "ok" or an errno name such as ESRCH.
nl_expect() {
	_want=$1
	shift
	_got=$("$O/bin/rtest-nl" "$@")
	case "$_want" in
	ok) [ "$_got" = ok ] || fail "rtest-nl $*: expected ok, got '$_got'" ;;
	*) case "$_got" in
	   "err $_want"*) ;;
	   *) fail "rtest-nl $*: expected $_want, got '$_got'" ;;
	   esac ;;
	esac
}

# ctl_fails MESSAGE ARGS...: rescapctl ARGS must fail (exit 1) with MESSAGE
# (a strerror text) on stderr.
ctl_fails() {
	_msg=$1
	shift
	_err=$("$RESCAPCTL" "$@" 2>&1 >/dev/null)
	_rc=$?
	[ $_rc -eq 1 ] || fail "rescapctl $*: exit status $_rc, expected 1 ($_err)"
	case "$_err" in
	*"$_msg"*) ;;
	*) fail "rescapctl $*: expected '$_msg', got '$_err'" ;;
	esac
}

# ctl ARGS...: rescapctl ARGS must succeed.
ctl() {
	"$RESCAPCTL" "$@" || fail "rescapctl $* failed"
}

# Entries of /proc/PID/fd, counted from outside the process.
fd_entries() {
	ls "/proc/$1/fd" | wc -l
}

# VmData of a process in bytes.
vmdata() {
	echo $(( $(sed -n 's/^VmData:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status") * 1024 ))
}

# churn DO N: through DO (proc_do, or a function like it) open and close
# 20 descriptors, N times; every open must succeed.
churn() {
	for _i in $(seq 1 "$2"); do
		$1 open 20
		case "$REPLY" in ok*) ;; *) fail "open 20, $_i of $2: '$REPLY'" ;; esac
		$1 close 20
	done
}

# killed_at_fds DO PID N WHAT: through DO open N descriptors, up to a cap
# (they must be granted), then one more: process PID must die of it.
killed_at_fds() {
	$1 open "$3"
	case "$REPLY" in ok*) ;; *) fail "$4: open $3, up to the cap: '$REPLY'" ;; esac
	$1 open 1
	expect_eq "$4: the answer over the cap" dead "$REPLY"
	wait_gone "$2" || fail "$4: $2 alive over the cap"
}

# warm DO: through DO, growths of both resources far below any cap: churn
# DO 5, then five mmap/munmap of 64 KiB (each must succeed). What a
# window or a cached answer is made and used by.
warm() {
	churn "$1" 5
	for _w in $(seq 1 5); do
		$1 mmap 65536
		case "$REPLY" in ok*) ;; *) fail "warm mmap $_w: '$REPLY'" ;; esac
		$1 munmap
	done
}

# heap_killed WHAT: the driven process ($PROC) is granted 512 KiB more,
# then killed by 1 MiB more; stops it.
heap_killed() {
	proc_do mmap 524288
	case "$REPLY" in ok*) ;; *) fail "$1: mmap under the cap: '$REPLY'" ;; esac
	proc_do mmap 1048576
	expect_eq "$1: the answer over the cap" dead "$REPLY"
	wait_gone "$PROC" || fail "$1: $PROC alive over the cap"
	proc_stop
}

# Waits up to 5 s for a process to be gone.
wait_gone() {
	_i=0
	while [ -d "/proc/$1" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ ! -d "/proc/$1" ]
}

# as_nobody COMMAND...: COMMAND as user nobody, group nogroup, no groups.
as_nobody() {
	setpriv --reuid nobody --regid nogroup --clear-groups -- "$@"
}

# wait_eq TRIES WHAT EXPECTED COMMAND...: runs COMMAND every 0.1 s, at most
# TRIES times, until what it prints is EXPECTED; fails otherwise.
wait_eq() {
	_n=$1 _what=$2 _want=$3
	shift 3
	_i=0
	until _got=$("$@" 2>/dev/null) && [ "$_got" = "$_want" ]; do
		_i=$((_i + 1))
		[ $_i -lt "$_n" ] || fail "$_what: expected '$_want', got '$_got' after $_n tries"
		sleep 0.1
	done
}

# events_start: record rescap's events (rescapctl --json monitor) into the
# file EVENTS until events_stop.
events_start() {
	EVENTS=$(mktemp)
	"$RESCAPCTL" --json monitor >"$EVENTS" &
	_mon=$!
	sleep 0.3
}

events_stop() {
	sleep 0.3
	kill "$_mon"
	wait "$_mon" 2>/dev/null
	cat "$EVENTS"
}

# cgroup_fresh DIR: an empty cgroup at DIR (a path under /sys/fs/cgroup),
# removed first with its descendants if a previous test left it.
cgroup_fresh() {
	cgroup_rmtree "$1"
	mkdir -p "$1" || fail "cannot make cgroup $1"
}

# cgroup_rmtree DIR: remove a cgroup and its descendants (they must hold
# no process any more).
cgroup_rmtree() {
	[ -d "$1" ] || return 0
	find "$1" -depth -type d -exec rmdir {} + ||
		fail "cannot remove cgroup $1"
}

# cgroup_same_slot DIR ID: makes cgroups DIR/g1, DIR/g2, ... (DIR first)
# until one's id is ID modulo 64 (ids come in sequence: one of the next
# 64 is), and sets SAME_SLOT to its path: a cgroup sharing ID's slot in
# the engine's per-CPU cache of cgroups.
cgroup_same_slot() {
	cgroup_fresh "$1"
	for _g in $(seq 1 64); do
		mkdir "$1/g$_g" || fail "cannot make $1/g$_g"
		if [ $(($(stat -c %i "$1/g$_g") % 64)) -eq $(($2 % 64)) ]; then
			SAME_SLOT=$1/g$_g
			return
		fi
	done
	fail "no cgroup id in the slot of $2 among 64 new ones"
}

# proc_start_in DIR: proc_start, with the driven process in cgroup DIR from
# its start (its shell moves itself there, then becomes rtest-proc).
# PROC_AS: empty, or a command (not a shell function) that runs the
# process under other credentials, e.g. "setpriv --reuid nobody ... --".
proc_start_in() {
	_pdir=$(mktemp -d)
	mkfifo "$_pdir/in" "$_pdir/out"
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$1" ${PROC_AS:-} "$O/bin/rtest-proc" \
		<"$_pdir/in" >"$_pdir/out" 3>&- 4>&- 5>&- 6>&- &
	PROC=$!
	exec 3>"$_pdir/in" 4<"$_pdir/out"
	read -r REPLY <&4 || fail "rtest-proc did not start in $1"
}
