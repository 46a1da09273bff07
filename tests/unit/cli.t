# rescapctl's command line, on the host (no rescap family, no rescapd):
# options after the command are taken (list --json exited 2 on 087d47e,
# now it gets as far as the kernel: 3); each bad input is a usage error
# (2) with a message naming it, before anything is asked of anyone.
. ../lib/lib.sh
CTL=$O/bin/rescapctl
usage() {	# usage WORD ARGS...: exit status 2 and WORD in the message
	_w=$1; shift
	_e=$("$CTL" "$@" 2>&1 >/dev/null)
	_rc=$?
	expect_eq "rescapctl $*: exit status" 2 $_rc
	case "$_e" in *"$_w"*) ;; *) fail "rescapctl $*: no '$_w' in: $_e" ;; esac
}
RESCAPCTL_KERNEL=1 "$CTL" list --json 2>/dev/null
expect_eq "list --json (options after the command): not loaded" 3 $?
RESCAPCTL_KERNEL=1 "$CTL" cap 12 --fds 3 2>/dev/null
expect_eq "cap PID --fds N: not loaded" 3 $?
usage "not options of list" list --heap 5M
usage "not an option of status" status --pidfd
usage "not a process id" --kernel get abc
usage "not a process id" --kernel get 0
usage "unknown column 'nosuch'" --kernel list -o pid,nosuch
usage "nothing to set" --kernel cap 12
usage "missing argument" get
usage "too many arguments" deregister 1 2
usage "unknown command" frobnicate
usage "not both" list --cgroups --armed
usage "--pidfd names a process" get --cgroup / --pidfd
usage "talks to the kernel" --bus arm /x --fds 3
usage "bad size" cap 12 --heap 10Q
exit 0
