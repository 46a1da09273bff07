# A registered process's growth is weighed against its caps and its
# cgroup's policies once; later growths within what that weighing found
# below every threshold are answered from a window kept on its entry
# (issue 17: O(1) growth checks). The window must never outlive what it
# was made of: the process's own caps lowered, a policy made on an
# ancestor, a move into a governed cgroup, a policy's cap lowered, each
# applies at the very next growth, for descriptors and for the heap.
# Each case first grows a few times under a large cap (the window is made
# and used), then changes one thing and goes one over the new cap. The
# module's attachment is the same on 6.1 and 6.12: stock and lsm cover it.
# kernels: stock lsm
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-win/free
cgroup_fresh $cg/rt-win/gov

# start DIR: a registered process in cgroup DIR, caps far away, warmed.
start() {
	proc_start_in "$1"
	ctl register "$PROC"
	ctl cap "$PROC" --fds 10000 --heap 1G
	warm proc_do
}

# 1. Its own caps lowered.
start $cg/rt-win/free
ctl cap "$PROC" --fds $(($(fd_entries "$PROC") + 4)) --heap 1G
killed_at_fds proc_do "$PROC" 4 "own fd cap lowered"
proc_stop
start $cg/rt-win/free
ctl cap "$PROC" --fds 10000 --heap $(($(vmdata "$PROC") + 1048576))
heap_killed "own heap cap lowered"

# 2. A policy made on an ancestor of its cgroup (none existed before).
start $cg/rt-win/free
ctl cap --cgroup rt-win --fds $(($(fd_entries "$PROC") + 4))
killed_at_fds proc_do "$PROC" 4 "policy made on the parent"
proc_stop
ctl reset --cgroup rt-win
start $cg/rt-win/free
ctl cap --cgroup rt-win --heap $(($(vmdata "$PROC") + 1048576))
heap_killed "heap policy made on the parent"
ctl reset --cgroup rt-win

# 3. Moved into a cgroup whose policy existed all along (policies exist,
# so the window was made for its own cgroup, found ungoverned).
proc_start_in $cg/rt-win/free
ctl register "$PROC"
ctl cap "$PROC" --fds 10000 --heap 1G
ctl cap --cgroup rt-win/gov --fds $(($(fd_entries "$PROC") + 4)) \
	--heap $(($(vmdata "$PROC") + 1048576))
warm proc_do
echo "$PROC" >$cg/rt-win/gov/cgroup.procs || fail "cannot move $PROC"
killed_at_fds proc_do "$PROC" 4 "moved into a governed cgroup"
proc_stop
proc_start_in $cg/rt-win/free
ctl register "$PROC"
ctl cap "$PROC" --fds 10000 --heap 1G
warm proc_do
echo "$PROC" >$cg/rt-win/gov/cgroup.procs || fail "cannot move $PROC"
heap_killed "moved into a cgroup with a heap policy"
ctl reset --cgroup rt-win/gov

# 4. The policy of its own cgroup lowered (registered and governed).
ctl cap --cgroup rt-win/gov --fds 10000 --heap 1G
start $cg/rt-win/gov
ctl cap --cgroup rt-win/gov --fds $(($(fd_entries "$PROC") + 4)) --heap 1G
killed_at_fds proc_do "$PROC" 4 "its cgroup's fd cap lowered"
proc_stop
ctl cap --cgroup rt-win/gov --fds 10000 --heap 1G
start $cg/rt-win/gov
ctl cap --cgroup rt-win/gov --fds 10000 --heap $(($(vmdata "$PROC") + 1048576))
heap_killed "its cgroup's heap cap lowered"
ctl reset --cgroup rt-win/gov

cgroup_rmtree $cg/rt-win
rescap_down
exit 0
