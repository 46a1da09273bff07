# kernels: stock ours
# extra-kernels: stock612
# Loaded with nothing to govern, the module costs nothing: its growth
# callbacks (ftrace_ops on may_expand_vm, mmap_region, alloc_fd, do_dup2, dup_fd)
# are attached while a process is tracked, a cgroup has a policy or a
# path is armed, and taken away 10 s after the last of these has gone.
# Before, they were attached from load to unload (this test failed at its
# first check). The attacks: a process registered, a cgroup capped or a
# path armed right after the callbacks went is governed from its first
# growth; sysctl kernel.ftrace_enabled=0 is refused while the module is
# loaded, with no callback attached too.
. ../../lib/lib.sh
tr=/sys/kernel/tracing
cg=/sys/fs/cgroup
sysctl_file=/proc/sys/kernel/ftrace_enabled
[ -r $tr/enabled_functions ] || mount -t tracefs nodev $tr || fail "no tracefs"
trap 'echo 1 >"$sysctl_file" 2>/dev/null' EXIT

# attached: how many of the four growth functions have a callback.
attached() {
	grep -cE '^(may_expand_vm|mmap_region|alloc_fd|do_dup2|dup_fd) ' $tr/enabled_functions || :
}
# gone WHAT: the callbacks are taken away once nothing is left to govern
# (10 s, and the time to detach under TCG).
gone() {
	wait_eq 300 "$1: callbacks attached" 0 attached
}
ftrace_stays() {
	echo 0 >"$sysctl_file" 2>/dev/null && fail "$1: ftrace_enabled=0 accepted with rescap loaded"
	expect_eq "$1: ftrace_enabled" 1 "$(cat "$sysctl_file")"
}

rescap_up
expect_eq "callbacks attached, loaded with nothing to govern" 0 "$(attached)"
grep -q '^rescap_ftrace_guard' $tr/enabled_functions || fail "no guard callback while loaded"
ftrace_stays "loaded, nothing tracked"

# A process tracked: attached when register returns.
proc_start
ctl register "$PROC"
expect_eq "callbacks attached, one process tracked" 5 "$(attached)"
ctl deregister "$PROC"
gone "the last process deregistered"
ftrace_stays "nothing tracked any more"
# ... and registered again right after: governed at once.
ctl register "$PROC"
ctl cap "$PROC" --fds $(($(fd_entries "$PROC") + 2))
killed_at_fds proc_do "$PROC" 2 "registered after the callbacks went"
proc_stop
# Its exit was the last: away again.
gone "the last tracked process exited"

# A cgroup policy, then an armed path: the same.
cgroup_fresh $cg/rt-hooks
proc_start_in $cg/rt-hooks
ctl cap --cgroup rt-hooks --fds $(($(fd_entries "$PROC") + 2))
expect_eq "callbacks attached, one cgroup policy" 5 "$(attached)"
killed_at_fds proc_do "$PROC" 2 "in a cgroup capped with no callback attached before"
proc_stop
ctl reset --cgroup rt-hooks
gone "the last policy removed"
ctl arm /rt-hooks/armed --fds 16
expect_eq "callbacks attached, one armed path" 5 "$(attached)"
mkdir $cg/rt-hooks/armed || fail "mkdir"
proc_start_in $cg/rt-hooks/armed
killed_at_fds proc_do "$PROC" $((16 - $(fd_entries "$PROC"))) "in a cgroup made at an armed path"
proc_stop
ctl disarm /rt-hooks/armed
rmdir $cg/rt-hooks/armed || fail "rmdir"
gone "the last armed path and its policy gone"
cgroup_rmtree $cg/rt-hooks

rescap_down
grep -q '^rescap_ftrace_guard' $tr/enabled_functions && fail "guard callback left after unload"
exit 0
