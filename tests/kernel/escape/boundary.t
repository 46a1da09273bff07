# What a cgroup cap is against root and against a user with a delegated
# subtree: a guard against leaks, not a boundary (README, "What a cap is").
# - Root can move a governed process out of its cgroup (cgroup.procs):
#   from then on it is free of that policy. rescap does not stop it.
# - A user to whom a subtree is delegated can move its own processes
#   between the cgroups of that subtree, out of a policy set on one of
#   them; it cannot move them out of the delegated subtree, so a policy on
#   the subtree's root holds: that is where a cap that must hold goes.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup/rtest-bound
cgroup_fresh "$cg"

# Root leaves.
mkdir "$cg/a" "$cg/b" || fail mkdir
proc_start_in "$cg/a"
fds=$(fd_entries "$PROC")
ctl cap --cgroup "$cg/a" --fds $((fds + 2))
echo "$PROC" >"$cg/b/cgroup.procs" || fail "root moves $PROC out"
proc_do open 5
expect_ok "a process root moved out of the governed cgroup, past the old cap"
proc_stop
ctl reset --cgroup "$cg/a"

# Delegation to nobody: $cg/d with d/x, d/y (as cgroup v2 delegation:
# the directory and its cgroup.procs, cgroup.threads, cgroup.subtree_control).
mkdir "$cg/d" || fail mkdir
chown nobody "$cg/d" "$cg/d/cgroup.procs" "$cg/d/cgroup.threads" "$cg/d/cgroup.subtree_control" ||
	fail "delegate $cg/d"
as_nobody mkdir "$cg/d/x" "$cg/d/y" || fail "nobody makes cgroups in its subtree"
PROC_AS="setpriv --reuid nobody --regid nogroup --clear-groups --" proc_start_in "$cg/d/x"
fds=$(fd_entries "$PROC")
ctl cap --cgroup "$cg/d/x" --fds $((fds + 2))
as_nobody sh -c "echo $PROC >$cg/d/y/cgroup.procs" || fail "nobody moves its process within its subtree"
proc_do open 5
expect_ok "nobody's process moved out of d/x, past d/x's cap"
ctl reset --cgroup "$cg/d/x"
# A cap on the delegated root holds: nobody cannot leave it.
fds=$(fd_entries "$PROC")
ctl cap --cgroup "$cg/d" --fds $((fds + 2))
as_nobody sh -c "echo $PROC >$cg/b/cgroup.procs" 2>/dev/null &&
	fail "nobody moved its process out of the delegated subtree"
as_nobody sh -c "echo $PROC >/sys/fs/cgroup/cgroup.procs" 2>/dev/null &&
	fail "nobody moved its process to the root cgroup"
killed_at_fds proc_do "$PROC" 2 "a process under the cap of its delegated root"
proc_stop
ctl reset --cgroup "$cg/d"
cgroup_rmtree "$cg"
rescap_down
exit 0
