# Hole 7: a process over a notify cap was killed by surprise when the
# action was changed to kill: the usage check weighed only the caps in the
# request. It weighs the caps as they will be, for processes and cgroups.
. ../../lib/lib.sh
rescap_up

proc_start
ctl register "$PROC"
fds=$(fd_entries "$PROC")
ctl cap "$PROC" --fds $((fds + 2)) --action notify
proc_do open 5
expect_ok "open over the notify cap"
ctl_fails "Numerical result out of range" cap "$PROC" --action kill
nl_expect ERANGE set-cap pid=u32:$PROC action=u32:1
proc_do open 1
expect_ok "the process after the refused change"
"$RESCAPCTL" --json get "$PROC" | grep -q '"action":"notify"' ||
	fail "the refused action applied: $("$RESCAPCTL" --json get "$PROC")"
# A change that enforces nothing more is not refused.
ctl cap "$PROC" --soft 50
ctl cap "$PROC" --action notify
# Raising the cap with the action is fine.
ctl cap "$PROC" --fds $((fds + 100)) --action kill
ctl cap "$PROC" --fds $((fds + 2)) --action notify --force
# With force, the kill applies from the next growth.
ctl cap "$PROC" --action kill --force
proc_do open 1
expect_eq "open over the cap once kill was forced" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive"
proc_stop

# The same for a cgroup policy over a member.
cg=/sys/fs/cgroup/rtest-action
cgroup_fresh "$cg"
proc_start
echo "$PROC" >"$cg/cgroup.procs"
fds=$(fd_entries "$PROC")
ctl cap --cgroup "$cg" --fds $((fds + 2)) --action notify
proc_do open 5
expect_ok "open over the cgroup's notify cap"
ctl_fails "Numerical result out of range" cap --cgroup "$cg" --action kill
proc_do open 1
expect_ok "the member after the refused change"
proc_stop
ctl reset --cgroup "$cg"
rmdir "$cg"

rescap_down
exit 0
