# Going over a cap kills the whole process before it runs another
# instruction of its own, and the killed event says who, what and how much.
. ../../lib/lib.sh
rescap_up
events_start

# fds: the call that takes it over never answers.
proc_start
ctl register "$PROC"
fds=$(fd_entries "$PROC")
ctl cap "$PROC" --fds $((fds + 2))
proc_do open 2
case "$REPLY" in ok*) ;; *) fail "open up to the cap: '$REPLY'" ;; esac
proc_do open 1
expect_eq "answer after going over the fd cap" dead "$REPLY"
wait_gone "$PROC" || fail "process $PROC still alive after going over its fd cap"
fdpid=$PROC
proc_stop

# heap, from a process with threads: every thread dies.
proc_start
ctl register "$PROC"
proc_do threads 3
expect_eq "threads" 4 "$(ls /proc/$PROC/task | wc -l)"
heap=$(vmdata "$PROC")
ctl cap "$PROC" --heap $((heap + 4 * 1048576))
proc_do mmap 2097152
case "$REPLY" in ok*) ;; *) fail "mmap under the cap: '$REPLY'" ;; esac
proc_do thread-mmap 4194304
expect_eq "answer after going over the heap cap" dead "$REPLY"
wait_gone "$PROC" || fail "process $PROC (or one of its threads) survived"
heappid=$PROC
proc_stop

events_stop
grep -q "\"event\":\"killed\",\"pid\":$fdpid,\"comm\":\"rtest-proc\",\"uid\":0,\"resource\":\"fds\",\"usage\":$((fds + 3)),\"cap\":$((fds + 2)),\"action\":\"kill\"" "$EVENTS" ||
	fail "no killed event for the fd kill of $fdpid"
grep -q "\"event\":\"killed\",\"pid\":$heappid,\"comm\":\"rtest-proc\",\"uid\":0,\"resource\":\"heap\"" "$EVENTS" ||
	fail "no killed event for the heap kill of $heappid"
grep -q "\"event\":\"exited\",\"pid\":$heappid" "$EVENTS" || fail "no exited event for $heappid"
dmesg | grep -q "rescap: killed $fdpid (rtest-proc): fds $((fds + 3)) over cap $((fds + 2))" ||
	fail "no kernel log line for the kill of $fdpid"
rm -f "$EVENTS"
rescap_down
exit 0
