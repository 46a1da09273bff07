# kernels: lsm
# Deny: an allocation beyond the cap fails (ENOMEM, EMFILE), the process
# goes on, can free and allocate again, and the exceeded event says so.
# Nothing is killed.
. ../../lib/lib.sh
rescap_up
events_start

ENOMEM=12
EMFILE=24

# heap: mmap, malloc (large: mmap, then glibc's brk fallback), brk.
proc_start
ctl register "$PROC"
heap=$(vmdata "$PROC")
ctl cap "$PROC" --heap $((heap + 8 * 1048576)) --action deny
for op in "mmap 16777216" "malloc 16777216" "brk 16777216" "mremap 16777216"; do
	[ "${op%% *}" = mremap ] && { proc_do mmap 1048576; expect_ok "mmap 1M"; }
	proc_do $op
	expect_eq "$op over the deny cap" "err $ENOMEM" "$REPLY"
done
proc_do mmap 4194304
expect_ok "mmap 4M under the cap after refusals"
proc_do mmap 4194304
expect_eq "mmap 4M more, over the cap" "err $ENOMEM" "$REPLY"
proc_do munmap
expect_ok "munmap 4M"
proc_do malloc 3145728
expect_ok "malloc 3M once memory was freed"
proc_do brk 65536
expect_ok "brk 64K"
[ "$(vmdata "$PROC")" -le $((heap + 8 * 1048576)) ] ||
	fail "VmData $(vmdata "$PROC") over the cap $((heap + 8 * 1048576))"
heappid=$PROC
proc_do status
expect_ok "the process goes on"
proc_stop

# fds: open, dup, dup2, F_DUPFD, pipe, socketpair, socket.
proc_start
ctl register "$PROC"
fds=$(fd_entries "$PROC")
ctl cap "$PROC" --fds $((fds + 2)) --action deny
proc_do open 2
expect_ok "open up to the cap"
for op in "open 1" dup "dup2 500" "dupfd 600" pipe socketpair socket eventfd; do
	proc_do $op
	expect_eq "$op over the deny cap" "err $EMFILE" "$REPLY"
done
expect_eq "fds in /proc after the refusals" $((fds + 2)) "$(fd_entries "$PROC")"
proc_do close 1
expect_ok "close 1"
proc_do socket
expect_ok "socket once a descriptor was closed"
fdpid=$PROC
proc_stop

events_stop >/dev/null
grep -q "\"event\":\"warning\",\"pid\":$heappid,.*\"resource\":\"heap\",.*\"action\":\"deny\",\"kind\":\"deny\"" "$EVENTS" ||
	fail "no deny event for the heap of $heappid"
grep -q "\"event\":\"warning\",\"pid\":$fdpid,.*\"resource\":\"fds\",\"usage\":$((fds + 3)),\"cap\":$((fds + 2)),\"action\":\"deny\",\"kind\":\"deny\"" "$EVENTS" ||
	fail "no deny event for the fds of $fdpid"
grep -q '"event":"killed"' "$EVENTS" && fail "a deny cap killed: $(grep killed "$EVENTS")"
dmesg | grep -q 'rescap: killed' && fail "a kill in the kernel log"
rm -f "$EVENTS"
rescap_down
exit 0
