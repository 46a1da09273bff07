# Caps on a cgroup govern the members of it and of its descendants; with
# caps at two levels the tighter one fires, and the killed event names the
# policy that fired (cgroup id and path, or the process's own cap). Only
# the member that goes over is killed.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-outer/inner
outer_id=$(stat -c %i $cg/rt-outer)
inner_id=$(stat -c %i $cg/rt-outer/inner)
events_start

# A bystander in the same cgroup, which stays under the caps.
proc_start_in $cg/rt-outer/inner
by=$PROC
exec 5>&3 6<&4
by_dir=$_pdir

# Inner tighter than outer: inner fires.
proc_start_in $cg/rt-outer/inner
fds=$(fd_entries "$PROC")
ctl cap --cgroup rt-outer --fds $((fds + 10))
ctl cap --cgroup /rt-outer/inner --fds $((fds + 3))
ctl_fails "Numerical result out of range" cap --cgroup rt-outer/inner --fds $((fds - 1))
proc_do open 3
case "$REPLY" in ok*) ;; *) fail "open up to the inner cap: '$REPLY'" ;; esac
proc_do open 1
expect_eq "answer after going over the inner cap" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over the inner cap"
inner_pid=$PROC
proc_stop

# Outer tighter than inner: outer fires.
ctl cap --cgroup rt-outer/inner --fds $((fds + 20))
proc_start_in $cg/rt-outer/inner
proc_do open 10
case "$REPLY" in ok*) ;; *) fail "open up to the outer cap: '$REPLY'" ;; esac
proc_do open 1
expect_eq "answer after going over the outer cap" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over the outer cap"
outer_pid=$PROC
proc_stop

# Its own cap tighter than both: the process cap fires.
proc_start_in $cg/rt-outer/inner
ctl register "$PROC"
ctl cap "$PROC" --fds $((fds + 2))
proc_do open 3
expect_eq "answer after going over the process cap" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over its own cap"
own_pid=$PROC
proc_stop

# The bystander lived through all of it and is listed as a member.
exec 3>&5 4<&6 5>&- 6<&-
PROC=$by
_pdir=$by_dir
proc_do open 2
case "$REPLY" in ok*) ;; *) fail "bystander: '$REPLY'" ;; esac
json=$("$RESCAPCTL" --json get --cgroup rt-outer) || fail "get --cgroup rt-outer"
echo "$json"
case "$json" in
*"\"cgroup_id\":$outer_id,\"cgroup\":\"/rt-outer\",\"heap_cap\":null,\"fd_cap\":$((fds + 10)),\"action\":\"kill\",\"soft_pct\":0,\"kills\":1,"*) ;;
*) fail "get --cgroup rt-outer: $json" ;;
esac
case "$json" in
*"\"nr_members\":1,\"members\":[{\"pid\":$by,\"comm\":\"rtest-proc\",\"cgroup_id\":$inner_id,"*) ;;
*) fail "members of rt-outer: $json" ;;
esac
"$RESCAPCTL" --json get --cgroup $inner_id | grep -q "\"kills\":1," ||
	fail "inner kills: $("$RESCAPCTL" --json get --cgroup $inner_id)"
# Not tracked: a member is not in the process list.
"$RESCAPCTL" --json list | grep -q "\"pid\":$by," && fail "the bystander is listed as tracked"
proc_stop

events_stop
grep -q "\"event\":\"killed\",\"pid\":$inner_pid,.*\"resource\":\"fds\",\"usage\":$((fds + 4)),\"cap\":$((fds + 3)),\"action\":\"kill\",\"cgroup\":\"/rt-outer/inner\",\"unit\":\"\",\"policy\":\"cgroup\",\"policy_cgroup\":\"/rt-outer/inner\"}" "$EVENTS" ||
	fail "no killed event naming the inner policy for $inner_pid"
grep -q "\"event\":\"killed\",\"pid\":$outer_pid,.*\"cap\":$((fds + 10)),.*\"policy\":\"cgroup\",\"policy_cgroup\":\"/rt-outer\"}" "$EVENTS" ||
	fail "no killed event naming the outer policy for $outer_pid"
grep -q "\"event\":\"killed\",\"pid\":$own_pid,.*\"cap\":$((fds + 2)),.*\"policy\":\"process\",\"policy_cgroup\":\"\"}" "$EVENTS" ||
	fail "no killed event naming the process cap for $own_pid"
grep -q "\"event\":\"exited\",\"pid\":$by" "$EVENTS" && fail "an exited event for an untracked member"
dmesg | grep -q "rescap: killed $inner_pid (rtest-proc): fds $((fds + 4)) over cap $((fds + 3)) of its cgroup" ||
	fail "no kernel log line for the kill of $inner_pid"

ctl reset --cgroup rt-outer
ctl reset --cgroup rt-outer/inner
ctl_fails "No such file or directory" reset --cgroup rt-outer
cgroup_rmtree $cg/rt-outer
rm -f "$EVENTS"
rescap_down
exit 0
