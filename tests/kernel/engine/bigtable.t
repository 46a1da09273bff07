# kernels: stock lsm
# extra-kernels: ours stock612
# A file table too large to count at every growth (more than 1024 slots:
# rescap bounds it by its size first and counts only when that bound
# reaches a threshold, issue 17) is judged as exactly as a small one: the
# first descriptor over the cap kills, the soft threshold warns at the
# descriptor that reaches it, the events carry the exact count, and the
# peak a process without caps reports (its table counted once every
# max_fds / 64 growths, at each read and at its exit) is within one such
# window of the true peak. Both a process's own caps and a cgroup policy.
. ../../lib/lib.sh
rescap_up
events_start
ulimit -n 20000 || fail "cannot raise RLIMIT_NOFILE"

# The kill: cap 3000 in a table of 4096 slots.
proc_start
ctl register "$PROC"
base=$(fd_entries "$PROC")
ctl cap "$PROC" --fds 3000
proc_do open $((3000 - base))
case "$REPLY" in ok*) ;; *) fail "open up to the cap: '$REPLY'" ;; esac
expect_eq "fds at the cap" 3000 "$(fd_entries "$PROC")"
proc_do open 1
expect_eq "answer after going over the fd cap" dead "$REPLY"
wait_gone "$PROC" || fail "process $PROC still alive over its fd cap"
killpid=$PROC
proc_stop

# The soft threshold, 50% of 5000: nothing at 2499, a warning at 2500;
# below the cap the process lives on. Its table grows through 2048 (the
# bound alone says no threshold is near) to 4096 (counted).
proc_start
ctl register "$PROC"
base=$(fd_entries "$PROC")
ctl cap "$PROC" --fds 5000 --soft 50 --action kill
proc_do open $((2499 - base))
sleep 0.5
grep -q "\"event\":\"warning\",\"pid\":$PROC," "$EVENTS" && fail "a warning below the soft threshold: $(cat "$EVENTS")"
proc_do open 1
case "$REPLY" in ok*) ;; *) fail "the soft threshold killed: '$REPLY'" ;; esac
softpid=$PROC
proc_stop

# The peak, with no cap at all: up to 3000, back to a few; a read and the
# exited event report at least 3000 - 64 (4096 slots: counted once every
# 64 growths).
proc_start
ctl register "$PROC"
base=$(fd_entries "$PROC")
proc_do open $((3000 - base))
proc_do close $((3000 - base))
peak=$("$RESCAPCTL" --json get "$PROC" | sed 's/.*"fds_peak":\([0-9]*\).*/\1/')
[ "$peak" -ge $((3000 - 64)) ] && [ "$peak" -le 3000 ] || fail "fds_peak $peak after 3000 open, 64 or fewer below"
peakpid=$PROC
proc_do exit
wait_gone "$PROC"
proc_stop

# A cgroup policy: the same kill, for a process it governs.
cg=/sys/fs/cgroup/rtest-bigtable
mkdir "$cg" || fail "mkdir $cg"
ctl cap --cgroup "$cg" --fds 2100
proc_start_in "$cg"
base=$(fd_entries "$PROC")
proc_do open $((2100 - base))
case "$REPLY" in ok*) ;; *) fail "open up to the cgroup's cap: '$REPLY'" ;; esac
proc_do open 1
expect_eq "answer after going over the cgroup's fd cap" dead "$REPLY"
wait_gone "$PROC" || fail "process $PROC still alive over its cgroup's fd cap"
cgpid=$PROC
proc_stop

events_stop
grep -q "\"event\":\"killed\",\"pid\":$killpid,\"comm\":\"rtest-proc\",\"uid\":0,\"resource\":\"fds\",\"usage\":3001,\"cap\":3000," "$EVENTS" ||
	fail "no killed event at 3001 for $killpid: $(grep "$killpid" "$EVENTS")"
expect_eq "soft warnings of $softpid" 1 "$(grep -c "\"event\":\"warning\",\"pid\":$softpid,.*\"resource\":\"fds\",\"usage\":2500,.*\"kind\":\"soft\"" "$EVENTS")"
line=$(grep "\"event\":\"exited\",\"pid\":$peakpid," "$EVENTS")
expect_eq "the exited event's fds_peak" "$peak" "$(echo "$line" | sed 's/.*"fds_peak":\([0-9]*\).*/\1/')"
grep -q "\"event\":\"killed\",\"pid\":$cgpid,.*\"resource\":\"fds\",\"usage\":2101,\"cap\":2100," "$EVENTS" ||
	fail "no killed event at 2101 for $cgpid: $(grep "$cgpid" "$EVENTS")"
ctl reset --cgroup "$cg"
rmdir "$cg"
rm -f "$EVENTS"
rescap_down
exit 0
