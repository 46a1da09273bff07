# Other ways to a new descriptor, each past an fd cap: pidfd_getfd(), a
# seccomp supervisor adding descriptors (SECCOMP_IOCTL_NOTIF_ADDFD), an
# io_uring openat run by an io-wq worker (IOSQE_ASYNC), and a vfork child
# (tracked like any child, with its own table). Each is seen like open(),
# and each kill is reported. The io_uring worker's kill is sent before its
# completion is posted: the process, on the worker's CPU and first to run
# when it is posted, never sees it (rtest-proc's uring-open).
. ../../lib/lib.sh
rescap_up

events_start
killed=
for route in getfd uring-open seccomp-addfd; do
	proc_start
	ctl register "$PROC" --fds $(( $(fd_entries "$PROC") + 4 ))
	proc_do $route 8
	expect_eq "$route 8, 4 under the cap" dead "$REPLY"
	wait_gone "$PROC" || fail "$PROC alive over its cap after $route"
	killed="$killed $route:$PROC"
	proc_stop
done
events_stop >/dev/null
for k in $killed; do
	grep -q "\"event\":\"killed\",\"pid\":${k#*:},.*\"resource\":\"fds\"" "$EVENTS" ||
		fail "no killed event for ${k%%:*}'s kill of ${k#*:}"
done
rm -f "$EVENTS"

proc_start
ctl register "$PROC" --fds $(( $(fd_entries "$PROC") + 4 ))
proc_do vfork-open 2
expect_ok "a vfork child opening under the cap"
proc_do vfork-open 8
expect_eq "a vfork child opening past the cap" "err 4" "$REPLY"
proc_do status
expect_ok "the parent of the killed vfork child"
proc_stop

if [ "$RTEST_KERNEL" = lsm ]; then
	for route in getfd uring-open seccomp-addfd; do
		proc_start
		ctl register "$PROC" --fds $(( $(fd_entries "$PROC") + 4 )) --action deny
		proc_do $route 8
		expect_eq "$route past the deny cap" "err 24" "$REPLY"
		proc_stop
	done
fi

rescap_down
exit 0
