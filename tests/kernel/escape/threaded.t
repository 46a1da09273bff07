# Hole 6: threaded cgroups. A policy could be put on a threaded cgroup and
# governed only the threads in it: another thread of the same process, in
# an ungoverned threaded sibling, grew the shared fd table unchecked (and
# passed the "governed" check of the control plane). The cgroups that
# govern a process are now its domain cgroup (the one all its threads
# share: a thread's cgroup, or the threaded domain of a thread in a
# threaded cgroup) and its ancestors; a threaded cgroup cannot have a
# policy (EOPNOTSUPP).
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup/rtest-thr
cgroup_fresh "$cg"
mkdir "$cg/t0" "$cg/t1" || fail "mkdir"
echo threaded >"$cg/t0/cgroup.type" || fail "t0 threaded"
echo threaded >"$cg/t1/cgroup.type" || fail "t1 threaded"

proc_start
echo "$PROC" >"$cg/cgroup.procs" || fail "into the threaded domain"
proc_do threads 1
expect_ok "a second thread"
other=$(ls "/proc/$PROC/task" | grep -v "^$PROC\$" | head -n 1)
echo "$other" >"$cg/t0/cgroup.threads" || fail "thread $other into t0"
# The thread that answers commands (tid = pid) goes to t1.
echo "$PROC" >"$cg/t1/cgroup.threads" || fail "thread $PROC into t1"
fds=$(fd_entries "$PROC")
ctl_fails "Operation not supported" cap --cgroup "$cg/t0" --fds $((fds + 2))
ctl_fails "Operation not supported" cap --cgroup "$cg/t1" --fds $((fds + 2))
# The domain's policy governs every thread, wherever it is.
ctl cap --cgroup "$cg" --fds $((fds + 2))
got=$("$RESCAPCTL" --json get --cgroup "$cg")
case "$got" in *"\"pid\":$PROC,"*) ;; *) fail "$PROC not a member of its domain: $got" ;; esac
killed_at_fds proc_do "$PROC" 2 "a thread in a threaded child of a governed domain"
proc_stop
ctl reset --cgroup "$cg"
cgroup_rmtree "$cg"

rescap_down
exit 0
