# The other actions on a cgroup cap: notify and the soft threshold report
# once per crossing, from a member's own edge state; deny refuses the
# allocation in the LSM build (the member lives on, with EMFILE) and is
# refused with EOPNOTSUPP by the module.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-act
events_start

proc_start_in $cg/rt-act
fds=$(fd_entries "$PROC")
# rtest-proc starts with 4 descriptors: cap 8, soft threshold 6.
expect_eq "descriptors of rtest-proc" 4 "$fds"
ctl cap --cgroup rt-act --fds 8 --action notify --soft 75
proc_do open 3	# 7: soft
proc_do open 2	# 9: over
case "$REPLY" in ok*) ;; *) fail "notify killed the member: '$REPLY'" ;; esac
proc_do close 5	# 4
proc_do open 1	# 5: below both
proc_do open 5	# 10: soft, then over
case "$REPLY" in ok*) ;; *) fail "notify killed the member: '$REPLY'" ;; esac
notify_pid=$PROC
proc_stop

if [ "$RTEST_KERNEL" = lsm ]; then
	ctl cap --cgroup rt-act --fds $((fds + 4)) --action deny --soft 0
	proc_start_in $cg/rt-act
	proc_do open 4
	case "$REPLY" in ok*) ;; *) fail "deny: up to the cap: '$REPLY'" ;; esac
	proc_do open 1
	case "$REPLY" in "err 24"*|*EMFILE*) ;; *) fail "deny: over the cap: '$REPLY'" ;; esac
	proc_do status
	case "$REPLY" in ok*) ;; *) fail "deny killed the member: '$REPLY'" ;; esac
	expect_eq "fds after the denied open" $((fds + 4)) "$(fd_entries "$PROC")"
	deny_pid=$PROC
	proc_stop
else
	ctl_fails "Operation not supported" cap --cgroup rt-act --action deny
fi

events_stop
expect_eq "notify events (two crossings)" 2 "$(grep -c "\"event\":\"warning\",\"pid\":$notify_pid,.*\"action\":\"notify\",\"kind\":\"notify\",.*\"policy\":\"cgroup\"" "$EVENTS")"
expect_eq "soft events" 2 "$(grep -c "\"event\":\"warning\",\"pid\":$notify_pid,.*\"kind\":\"soft\",.*\"policy\":\"cgroup\"" "$EVENTS")"
if [ "$RTEST_KERNEL" = lsm ]; then
	grep -q "\"event\":\"warning\",\"pid\":$deny_pid,.*\"usage\":$((fds + 5)),\"cap\":$((fds + 4)),\"action\":\"deny\",\"kind\":\"deny\",.*\"policy\":\"cgroup\",\"policy_cgroup\":\"/rt-act\"}" "$EVENTS" ||
		fail "no deny event for $deny_pid"
fi
grep -q '"event":"killed"' "$EVENTS" && fail "a kill happened"
ctl reset --cgroup rt-act
cgroup_rmtree $cg/rt-act
rm -f "$EVENTS"
rescap_down
exit 0
