# A process is governed by the cgroup it is in now: moving in (a write to
# cgroup.procs) puts it under the cgroup's caps, moving out frees it.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-capped
cgroup_fresh $cg/rt-free

proc_start_in $cg/rt-free
fds=$(fd_entries "$PROC")
ctl cap --cgroup rt-capped --fds $((fds + 5))
proc_do open 8
case "$REPLY" in ok*) ;; *) fail "outside the capped cgroup: '$REPLY'" ;; esac
proc_do close 8
# In: governed from its next growth.
echo "$PROC" >$cg/rt-capped/cgroup.procs || fail "cannot move $PROC in"
proc_do open 5
case "$REPLY" in ok*) ;; *) fail "in, up to the cap: '$REPLY'" ;; esac
# Out again: free.
echo "$PROC" >$cg/rt-free/cgroup.procs || fail "cannot move $PROC out"
proc_do open 5
case "$REPLY" in ok*) ;; *) fail "moved out, over the cap: '$REPLY'" ;; esac
proc_do close 10
# In again: over the cap at its next growth.
echo "$PROC" >$cg/rt-capped/cgroup.procs || fail "cannot move $PROC in again"
proc_do open 5
case "$REPLY" in ok*) ;; *) fail "in again, up to the cap: '$REPLY'" ;; esac
proc_do open 1
expect_eq "answer after going over the cgroup cap" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over its cgroup's cap"
proc_stop

# Heap too: a cgroup heap cap.
proc_start_in $cg/rt-free
heap=$(vmdata "$PROC")
ctl cap --cgroup rt-capped --heap $((heap + 8 * 1048576)) --fds infinity
echo "$PROC" >$cg/rt-capped/cgroup.procs || fail "cannot move $PROC in"
proc_do mmap 4194304
case "$REPLY" in ok*) ;; *) fail "heap under the cgroup cap: '$REPLY'" ;; esac
proc_do mmap 8388608
expect_eq "answer after going over the cgroup heap cap" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over its cgroup's heap cap"
proc_stop

"$RESCAPCTL" --json get --cgroup rt-capped | grep -q '"kills":2,' ||
	fail "kills: $("$RESCAPCTL" --json get --cgroup rt-capped)"
ctl reset --cgroup rt-capped
cgroup_rmtree $cg/rt-capped
cgroup_rmtree $cg/rt-free
rescap_down
exit 0
