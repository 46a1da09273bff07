# Hole: a copy of the fd table took a process over its cap with no new
# descriptor. A thread that unshares its table (unshare(CLONE_FILES),
# close_range() with CLOSE_RANGE_UNSHARE) gets a copy of it: the process
# holds every descriptor twice, and a process one below half its cap was
# at twice that and lived on, since no descriptor was allocated for the
# copy and only an allocation was looked at. The copy must be counted
# before the process returns to user space: killed over a kill cap, its
# own or its cgroup's. A fork copies the table too, but for the child:
# the parent at its cap is not killed for it.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup

# over HOW WHAT: the process (registered or governed, its cap set so
# that the copy takes it over) unshares with HOW, opening nothing.
over() {
	proc_do "$1" 0
	proc_do status
	expect_eq "$2: the answer after the copy" dead "$REPLY"
	wait_gone "$PROC" || fail "$2: $PROC alive over its cap after the copy"
	proc_stop
}

for how in tfiles tfiles-cr; do
	proc_start
	fds=$(fd_entries "$PROC")
	ctl register "$PROC"
	ctl cap "$PROC" --fds $((2 * fds - 1))
	over $how "$how, registered"

	cgroup_fresh $cg/rt-unshare
	proc_start_in $cg/rt-unshare
	ctl cap --cgroup rt-unshare --fds $((2 * fds - 1))
	over $how "$how, governed"
	ctl reset --cgroup rt-unshare
done

# Under the cap with the copy: both threads' tables are counted, nothing
# happens.
proc_start
fds=$(fd_entries "$PROC")
ctl register "$PROC"
ctl cap "$PROC" --fds $((2 * fds))
proc_do tfiles 0
proc_do status
case "$REPLY" in ok*) ;; *) fail "at its cap with the copy: '$REPLY'" ;; esac
expect_eq "fds with the copy" $((2 * fds)) "$(rescap_field "$PROC" FDs)"
proc_stop

# A fork's copy is the child's: the parent at its cap lives.
proc_start
fds=$(fd_entries "$PROC")
ctl register "$PROC"
ctl cap "$PROC" --fds "$fds"
proc_do vfork-open 0
case "$REPLY" in ok*) ;; *) fail "a child forked at the cap: '$REPLY'" ;; esac
proc_do status
case "$REPLY" in ok*) ;; *) fail "the parent at its cap after a fork: '$REPLY'" ;; esac
proc_stop

cgroup_rmtree $cg/rt-unshare
rescap_down
exit 0
