# Fork inheritance and its opt-out, exec, exit cleanup.
. ../../lib/lib.sh
rescap_up

proc_start
ctl register "$PROC"
ctl cap "$PROC" --fds 1000 --heap 1G --soft 80
proc_do fork
set -- $REPLY
child=$4
[ -n "$child" ] || fail "fork: '$REPLY'"
out=$("$RESCAPCTL" --json get "$child") || fail "the child $child is not tracked"
case "$out" in
*'"heap_cap":1073741824'*'"fd_cap":1000'*'"soft_pct":80'*) ;;
*) fail "the child did not inherit the caps: $out" ;;
esac
kill "$child"
wait_gone "$child" || fail "child $child did not exit"
ctl_fails "No such process" get "$child"
ctl deregister "$PROC"
proc_stop

# Opt-out: the child is not tracked.
proc_start
ctl register "$PROC" --no-inherit
proc_do fork
set -- $REPLY
child=$4
ctl_fails "No such file or directory" get "$child"
"$RESCAPCTL" --json get "$PROC" | grep -q '"inherit":false' || fail "inherit not reported off"
kill "$child"

# Exit cleanup: the entry goes away with the process.
pid=$PROC
proc_do exit
proc_stop
wait_gone "$pid" || fail "$pid did not exit"
ctl_fails "No such process" get "$pid"
[ "$("$RESCAPCTL" list | grep -c "^$pid ")" = 0 ] || fail "$pid still listed"
[ "$(wc -l </proc/rescap)" = 1 ] || fail "entries left in /proc/rescap: $(cat /proc/rescap)"
rescap_down
exit 0
