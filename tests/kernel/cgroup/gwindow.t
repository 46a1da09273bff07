# A process governed by a cgroup policy, with no entry of its own, grows
# unseen within how far its cgroup's policies let a member grow (issue
# 17): one growth is weighed against every policy in its ancestry, that
# leaves the highest usage below all their thresholds in this CPU's slot
# for the cgroup, with the policies' generation, and the next growths of
# any member within it are answered inline in the hook. The answer must
# never outlive what it was made of, nor be taken for another member's
# or another cgroup's: a policy lowered, a policy made on an ancestor, a
# move into a cgroup with lower caps, a larger member of the same cgroup,
# a cgroup sharing the slot, each applies at the very next growth, for
# descriptors and for the heap; a soft threshold is still reported once
# per crossing. Each case first grows a few times far below the caps (the
# answer is made and used), then changes one thing and goes one over.
# Every process here runs on CPU 0, so they all meet the same slots.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-gw/gov
cgroup_fresh $cg/rt-gw/low

# start DIR: a process in cgroup DIR (governed, not registered), on CPU 0,
# warmed.
start() {
	proc_start_in "$1"
	taskset -p -c 0 "$PROC" >/dev/null || fail "cannot pin $PROC to CPU 0"
	warm proc_do
}

# other_do: proc_do for a second process, kept on descriptors 5 and 6.
other_do() {
	echo "$*" >&5 2>/dev/null || { REPLY=dead; return; }
	read -r REPLY <&6 || REPLY=dead
}

# 1. Its cgroup's policy lowered.
ctl cap --cgroup rt-gw/gov --fds 10000 --heap 1G
start $cg/rt-gw/gov
ctl cap --cgroup rt-gw/gov --fds $(($(fd_entries "$PROC") + 4)) --heap 1G
killed_at_fds proc_do "$PROC" 4 "its cgroup's fd cap lowered"
proc_stop
ctl cap --cgroup rt-gw/gov --fds 10000 --heap 1G
start $cg/rt-gw/gov
ctl cap --cgroup rt-gw/gov --fds 10000 --heap $(($(vmdata "$PROC") + 1048576))
heap_killed "its cgroup's heap cap lowered"

# 2. A lower policy made on an ancestor.
ctl cap --cgroup rt-gw/gov --fds 10000 --heap 1G
start $cg/rt-gw/gov
ctl cap --cgroup rt-gw --fds $(($(fd_entries "$PROC") + 4))
killed_at_fds proc_do "$PROC" 4 "a lower fd policy made on the parent"
proc_stop
ctl reset --cgroup rt-gw
start $cg/rt-gw/gov
ctl cap --cgroup rt-gw --heap $(($(vmdata "$PROC") + 1048576))
heap_killed "a lower heap policy made on the parent"
ctl reset --cgroup rt-gw

# 3. Moved into a cgroup whose lower policy existed all along.
start $cg/rt-gw/gov
ctl cap --cgroup rt-gw/low --fds $(($(fd_entries "$PROC") + 4)) \
	--heap $(($(vmdata "$PROC") + 1048576))
warm proc_do
echo "$PROC" >$cg/rt-gw/low/cgroup.procs || fail "cannot move $PROC"
killed_at_fds proc_do "$PROC" 4 "moved into a cgroup with a lower fd cap"
proc_stop
start $cg/rt-gw/gov
warm proc_do
echo "$PROC" >$cg/rt-gw/low/cgroup.procs || fail "cannot move $PROC"
heap_killed "moved into a cgroup with a lower heap cap"
ctl reset --cgroup rt-gw/low

# 4. Another member of the same cgroup, larger: the answer is how far the
# policies let a member grow, each member's own usage is what is weighed.
ctl cap --cgroup rt-gw/gov --fds 64 --heap 1G
start $cg/rt-gw/gov
exec 5>&3 6<&4
small=$PROC
small_dir=$_pdir
proc_start_in $cg/rt-gw/gov
taskset -p -c 0 "$PROC" >/dev/null || fail "cannot pin $PROC to CPU 0"
warm other_do
killed_at_fds proc_do "$PROC" $((64 - $(fd_entries "$PROC"))) "a larger member"
proc_stop
warm other_do
other_do status
case "$REPLY" in ok*) ;; *) fail "the small member after the larger one: '$REPLY'" ;; esac
exec 5>&- 6<&-
wait "$small" 2>/dev/null
rm -rf "$small_dir"

# 5. A cgroup whose id shares the slot of rt-gw/gov, with a lower cap.
cgroup_same_slot $cg/rt-gw-slot "$(stat -c %i $cg/rt-gw/gov)"
other=$SAME_SLOT
ctl cap --cgroup rt-gw/gov --fds 10000 --heap 1G
start $cg/rt-gw/gov
exec 5>&3 6<&4
warmer=$PROC
warmer_dir=$_pdir
proc_start_in $other
taskset -p -c 0 "$PROC" >/dev/null || fail "cannot pin $PROC to CPU 0"
ctl cap --cgroup ${other#$cg/} --fds $(($(fd_entries "$PROC") + 4))
# The slot holds rt-gw/gov's answer again, at the new generation.
warm other_do
killed_at_fds proc_do "$PROC" 4 "a cgroup sharing the slot"
proc_stop
exec 5>&- 6<&-
wait "$warmer" 2>/dev/null
rm -rf "$warmer_dir"
ctl reset --cgroup ${other#$cg/}
cgroup_rmtree $cg/rt-gw-slot

# 6. A soft threshold, reported once per crossing (cap 200, soft 50%: at
# 100 descriptors), the answer made and used below it each time.
events_start
ctl cap --cgroup rt-gw/gov --fds 200 --heap 1G --action notify --soft 50
start $cg/rt-gw/gov
soft_pid=$PROC
for crossing in 1 2; do
	proc_do open $((99 - $(fd_entries "$PROC")))
	case "$REPLY" in ok*) ;; *) fail "soft $crossing: up to 99: '$REPLY'" ;; esac
	proc_do open 1
	case "$REPLY" in ok*) ;; *) fail "soft $crossing: at 100: '$REPLY'" ;; esac
	proc_do close 96
	warm proc_do
done
proc_stop
events_stop
expect_eq "soft events (two crossings)" 2 "$(grep -c "\"event\":\"warning\",\"pid\":$soft_pid,.*\"kind\":\"soft\",.*\"policy\":\"cgroup\"" "$EVENTS")"
grep -q '"event":"killed"' "$EVENTS" && fail "a kill happened"
rm -f "$EVENTS"

ctl reset --cgroup rt-gw/gov
cgroup_rmtree $cg/rt-gw
rescap_down
exit 0
