# The sockets of processes (cgroupd/sockets.c: /proc/PID/fd joined to
# sock_diag), on the test's own sockets, under ASan and UBSan: 10 MiB
# each way over loopback within 1%, counts by family, type and state.
. ../lib/lib.sh
"$O/tests/test-sockets" || fail "test-sockets failed"
exit 0
