# kernels: stock
# A Subscribe handled while rescapd is slow keeps rescapd's bus. rescapd
# watched each subscriber leave with sd_bus_track, whose match on the
# subscriber's name is installed asynchronously with no install
# callback: when rescapd's loop did not come back to that answer within
# the bus's method call timeout (25 s; a reload with many units right
# after takes minutes), sd-bus timed the call out and ended rescapd's
# connection ("the bus connection was lost"), and systemd started
# another. Here rescapd is made slow by strace holding each of its
# sendmsg calls 20 s while it answers one Subscribe (about 60 s before
# its loop runs again). The watch is now installed synchronously.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up
pid0=$(systemctl show -P MainPID rescapd)
since=$(date '+%Y-%m-%d %H:%M:%S')
st=
trap '[ -n "$st" ] && kill $st 2>/dev/null' EXIT

strace -qq -o /dev/null -e trace=sendmsg -e inject=sendmsg:delay_exit=20s -p "$pid0" &
st=$!
sleep 2
t0=$(date +%s)
# Its answer may come late or never (the bus gives up on it): what is
# checked is rescapd.
busctl --timeout=120 call org.rescap1 /org/rescap1 $M Subscribe >/dev/null 2>&1
t=$(($(date +%s) - t0))
kill $st
wait $st 2>/dev/null
st=
echo "# measure: Subscribe answered (or given up) after $t s"
bus_kept "a slow Subscribe" "$t" "$since" "$pid0"
# A subscription still works (a Sample every 5 s), and rescapd goes on
# once its subscriber has left.
timeout 8 "$CTL" monitor --samples >/tmp/slowsub.out 2>&1
grep -q . /tmp/slowsub.out || fail "no Sample in 8 s of a subscription"
sleep 1
busctl get-property org.rescap1 /org/rescap1 $M Tracked >/dev/null || fail "rescapd does not answer"
expect_eq "rescapd's main pid at the end" "$pid0" "$(systemctl show -P MainPID rescapd)"
exit 0
