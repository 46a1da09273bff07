# A process that grows while another one is tracked, and is not tracked
# itself, is told so at once by its thread's cache in the LSM build (the
# growth hook does not call into the engine). That answer must not
# outlive the table it was read from: once the process is registered,
# or its cgroup gets a policy, its next growth is governed. On the module
# kernels, which keep no cache, the same must hold.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
sleep 1000 &
other=$!
ctl register "$other"

# Untracked, many growths; then registered with a cap: killed at it.
proc_start
churn proc_do 5
ctl register "$PROC"
fds=$(fd_entries "$PROC")
ctl cap "$PROC" --fds $((fds + 2))
killed_at_fds proc_do "$PROC" 2 "registered after growing untracked"
proc_stop

# Registered, then deregistered: free again, and its growths are not
# looked at (no cap applies, it is not in /proc/rescap).
proc_start
ctl register "$PROC"
fds=$(fd_entries "$PROC")
ctl cap "$PROC" --fds $((fds + 2))
ctl deregister "$PROC"
proc_do open 10
case "$REPLY" in ok*) ;; *) fail "deregistered, over the old cap: '$REPLY'" ;; esac
[ -z "$(awk -v p="$PROC" 'NR > 1 && $1 == p' /proc/rescap)" ] ||
	fail "$PROC in /proc/rescap after deregister"
proc_do close 10
# ... and registered again: governed again.
ctl register "$PROC"
ctl cap "$PROC" --fds $((fds + 2))
killed_at_fds proc_do "$PROC" 2 "registered again"
proc_stop

# Untracked in a cgroup with no policy, many growths; then a policy on
# that cgroup: its next growths are governed.
cgroup_fresh $cg/rt-untracked
proc_start_in $cg/rt-untracked
churn proc_do 5
fds=$(fd_entries "$PROC")
ctl cap --cgroup rt-untracked --fds $((fds + 2))
killed_at_fds proc_do "$PROC" 2 "cgroup capped after growing untracked"
proc_stop
ctl reset --cgroup rt-untracked
cgroup_rmtree $cg/rt-untracked

kill "$other"
wait "$other" 2>/dev/null
rescap_down
exit 0
