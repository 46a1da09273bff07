# Hole 5: register took no caps, and fork copies the parent's caps of the
# moment: a child forked between register and cap stayed uncapped for
# good. Register carries the caps now, in one request.
. ../../lib/lib.sh
rescap_up

proc_start
fds=$(fd_entries "$PROC")
ctl register "$PROC" --fds $((fds + 4)) --heap 1G --action kill --soft 50
got=$("$RESCAPCTL" --json get "$PROC")
for want in '"heap_cap":1073741824' "\"fd_cap\":$((fds + 4))" '"action":"kill","soft_pct":50'; do
	case "$got" in *"$want"*) ;; *) fail "register with caps: no $want in $got" ;; esac
done
proc_do fork
expect_ok fork
child=$(echo "$REPLY" | cut -d' ' -f4)
"$RESCAPCTL" --json get "$child" | grep -q "\"fd_cap\":$((fds + 4))" ||
	fail "the child forked right after register has no caps: $("$RESCAPCTL" --json get "$child")"
kill "$child"
proc_stop

# The caps are checked as set-cap checks them.
proc_start
fds=$(fd_entries "$PROC")
ctl_fails "Numerical result out of range" register "$PROC" --fds $((fds - 1))
ctl_fails "No such file or directory" get "$PROC"
nl_expect ERANGE register pid=u32:$PROC soft-pct=u32:100
nl_expect ERANGE register pid=u32:$PROC fd-cap=u64:0
ctl register "$PROC" --fds $((fds - 1)) --force
proc_do open 1
expect_eq "open over a cap forced at register" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive"
proc_stop

rescap_down
exit 0
