# kernels: stock lsm
# extra-kernels: ours stock612
# The fd count rescap reports is the number of entries in /proc/PID/fd,
# whatever created them.
. ../../lib/lib.sh
rescap_up
proc_start
ctl register "$PROC"

check() {
	case "$REPLY" in ok*) ;; *) fail "$1: the process answered '$REPLY'" ;; esac
	got=$("$RESCAPCTL" --json get "$PROC" | sed 's/.*"fds":\([0-9]*\).*/\1/')
	expect_eq "fds after $1" "$(fd_entries "$PROC")" "$got"
}

proc_do status;          check start
proc_do open 5;          check open
proc_do dup;             check dup
proc_do dup2 40;         check dup2
proc_do dup2 40;         check "dup2 onto an open fd"
proc_do dup3 41;         check dup3
proc_do dupfd 60;        check "fcntl F_DUPFD"
proc_do pipe;            check pipe
proc_do socketpair;      check socketpair
proc_do accept;          check accept
proc_do eventfd;         check eventfd
proc_do memfd;           check memfd
proc_do scm;             check "SCM_RIGHTS receive"
proc_do thread-open 3;   check "open from another thread"
proc_do close 4;         check close
proc_do close-range 3;   check close_range
proc_do open 3;          check "open again"
proc_do open-cloexec 4;  check "open with O_CLOEXEC"
n=$(fd_entries "$PROC")
proc_do exec;            check "exec"
expect_eq "fds after exec drops the CLOEXEC ones" $((n - 4)) "$(fd_entries "$PROC")"
expect_eq "still tracked after exec" "$PROC" "$("$RESCAPCTL" --json get "$PROC" | sed 's/.*"pid":\([0-9]*\).*/\1/')"

ctl deregister "$PROC"
proc_stop
rescap_down
exit 0
