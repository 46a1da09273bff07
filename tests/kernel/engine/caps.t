# kernels: stock lsm
# extra-kernels: ours stock612
# A cap below the current usage is refused without force; with force it
# applies from the next growth. Reset lifts every cap. Soft thresholds and
# the notify action report once per crossing.
. ../../lib/lib.sh
rescap_up
events_start

proc_start
ctl register "$PROC"
proc_do open 6
fds=$(fd_entries "$PROC")
ctl_fails "Numerical result out of range" cap "$PROC" --fds $((fds - 2))
nl_expect ERANGE set-cap pid=u32:$PROC fd-cap=u64:$((fds - 2))
heap=$(vmdata "$PROC")
ctl_fails "Numerical result out of range" cap "$PROC" --heap $((heap / 2))
# No surprise kill: still alive, caps unchanged.
proc_do status
case "$REPLY" in ok*) ;; *) fail "the process died: $REPLY" ;; esac
"$RESCAPCTL" --json get "$PROC" | grep -q '"fd_cap":null' || fail "refused cap applied"
# With force: accepted, and shrinking is allowed.
ctl cap "$PROC" --fds $((fds - 2)) --force
proc_do close 3
case "$REPLY" in ok*) ;; *) fail "close under a forced cap: $REPLY" ;; esac
# Reset lifts it.
ctl reset "$PROC"
"$RESCAPCTL" --json get "$PROC" | grep -q '"heap_cap":null,.*"fd_cap":null,"action":"kill","soft_pct":0' ||
	fail "reset left caps: $("$RESCAPCTL" --json get "$PROC")"

# notify: over the cap, one event per crossing, the process lives on.
fds=$(fd_entries "$PROC")
ctl cap "$PROC" --fds $((fds + 1)) --action notify
proc_do open 3
case "$REPLY" in ok*) ;; *) fail "notify killed the process: $REPLY" ;; esac
proc_do open 2
proc_do close 5
proc_do open 3
case "$REPLY" in ok*) ;; *) fail "notify killed the process: $REPLY" ;; esac

# soft threshold: 50% of the heap cap.
heap=$(vmdata "$PROC")
ctl cap "$PROC" --fds infinity --heap $((heap * 4)) --soft 50 --action kill
proc_do mmap $((heap * 3 / 2))
case "$REPLY" in ok*) ;; *) fail "soft threshold killed: $REPLY" ;; esac
proc_do mmap 4096

events_stop
n=$(grep -c "\"event\":\"warning\",\"pid\":$PROC,.*\"resource\":\"fds\",.*\"action\":\"notify\",\"kind\":\"notify\"" "$EVENTS")
expect_eq "notify events (two crossings)" 2 "$n"
n=$(grep -c "\"event\":\"warning\",\"pid\":$PROC,.*\"resource\":\"heap\",.*\"kind\":\"soft\"" "$EVENTS")
expect_eq "soft threshold events" 1 "$n"
grep -q '"event":"killed"' "$EVENTS" && fail "a kill happened"

ctl deregister "$PROC"
proc_stop
rm -f "$EVENTS"
rescap_down
exit 0
