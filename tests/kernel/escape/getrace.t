# Hole 8: get checked the permission on one resolution of its pid/pidfd
# and replied from a second one: nobody, pointing the pidfd number in
# flight at another user's process (dup2 from another thread), could read
# a process it may not inspect. The target is resolved once now.
. ../../lib/lib.sh
rescap_up

proc_start
victim=$PROC
ctl register "$victim"
setpriv --reuid nobody --regid nogroup --clear-groups -- sleep 600 &
own=$!
ctl register "$own"
out=$(as_nobody "$O/bin/rtest-race" "$victim" "$own" 5)
rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "nobody read root's $victim through a pidfd number it flipped: $out (exit $rc)"
kill "$own"
proc_stop
rescap_down
exit 0
