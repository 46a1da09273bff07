# kernels: stock lsm
# extra-kernels: ours stock612
# A process named by pidfd: every command works, race free.
. ../../lib/lib.sh
rescap_up
proc_start
ctl --pidfd register "$PROC"
ctl --pidfd cap "$PROC" --fds 300
"$RESCAPCTL" --pidfd --json get "$PROC" | grep -q '"fd_cap":300' || fail "get by pidfd"
ctl --pidfd reset "$PROC"
ctl --pidfd deregister "$PROC"
ctl_fails "No such file or directory" --pidfd get "$PROC"
proc_stop
rescap_down
exit 0
