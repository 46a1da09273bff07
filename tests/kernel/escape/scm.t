# Descriptors sent by a peer (SCM_RIGHTS) are installed in the receiver's
# table by recvmsg(), so a sender can push a receiver over its fd cap: a
# receiver with a kill cap is killed. Deny is the answer for services that
# receive descriptors: the receive fails (MSG_CTRUNC, the descriptors are
# dropped), and the receiver goes on (lsm only).
. ../../lib/lib.sh
rescap_up

proc_start
# scm: a socketpair (2 descriptors), then one of them received (1 more).
ctl register "$PROC" --fds $(( $(fd_entries "$PROC") + 2 ))
proc_do scm
expect_eq "receiving one descriptor past a kill cap" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive"
proc_stop

if [ "$RTEST_KERNEL" = lsm ]; then
	proc_start
	fds=$(fd_entries "$PROC")
	ctl register "$PROC" --fds $((fds + 2)) --action deny
	proc_do scm
	expect_eq "receiving past a deny cap: no descriptor (EPROTO from rtest-proc)" "err 71" "$REPLY"
	expect_eq "descriptors after the refused receive" $((fds + 2)) "$(fd_entries "$PROC")"
	proc_do status
	expect_ok "the receiver goes on"
	proc_stop
fi

rescap_down
exit 0
