# kernels: stock
# extra-kernels: lsm
# Unprivileged loops cannot make rescapd do work that grows with them
# (issue 13, item 7). nobody Gets, as fast as one connection can, the
# Manager's Tracked (51 processes tracked) and a capped unit's
# ControlGroup, HeapCurrent and FDCurrent, 50 times each. What rescapd
# does meanwhile is counted: its netlink requests (sendto, under strace)
# during the Tracked loop, at most about one dump a second; its calls to
# systemd during the unit loop (dbus-monitor), at most about one look-up of
# the unit's cgroup a second (3 calls: LoadUnit, LoadState, ControlGroup;
# 4 a second are allowed);
# its directory reads (getdents64) then, none: usage comes from the
# kernel's cgroup totals, not from a walk of /proc.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rbound.service
OBJ=/org/rescap1/unit/rbound_2eservice
N=50
GET=/run/rtest-bus-get
install -m 755 "$REPO/tests/helpers/rtest-bus-get" $GET
tp= st= mon=
cleanup() {
	[ -n "$st$mon" ] && kill $st $mon 2>/dev/null
	[ -n "$tp" ] && pkill -P "$tp" sleep
	systemctl stop $U 2>/dev/null
	busctl call org.rescap1 /org/rescap1 $M ResetUnit s $U 2>/dev/null
	rm -f $GET /run/rbound-go
}
trap cleanup EXIT
pid=$(systemctl show -P MainPID rescapd)

# calls NAME FILE: how many NAME calls strace -c counted in FILE.
calls() { awk -v s="$1" '$NF == s { n = $4 } END { print n + 0 }' "$2"; }
# bound SECONDS [PER [MORE]]: PER (default 1) times a second of the
# SECONDS a loop took, rounded up, and 2 more (the second before and after
# it), plus MORE (default 0).
bound() { awk -v s="$1" -v k="${2:-1}" -v more="${3:-0}" 'BEGIN { print k * (int(s) + 3) + more }'; }

# 51 tracked processes: a shell registered with inheritance, then its 50
# children.
rm -f /run/rbound-go
sh -c 'while [ ! -e /run/rbound-go ]; do sleep 0.1; done; for i in $(seq 50); do sleep 600 & done; wait' &
tp=$!
"$CTL" --kernel register $tp || fail "register $tp"
touch /run/rbound-go
wait_eq 100 "Tracked" "u 51" busctl get-property org.rescap1 /org/rescap1 $M Tracked

# Tracked: rescapd's netlink requests while nobody loops.
strace -qq -f -c -e trace=sendto,getdents64 -o /tmp/bounded-tracked.strace -p "$pid" &
st=$!
sleep 1
secs=$(as_nobody $GET $N /org/rescap1 $M Tracked) || fail "nobody: Get Tracked"
kill -INT $st; wait $st; st=
n=$(calls sendto /tmp/bounded-tracked.strace)
[ "$n" -le "$(bound "$secs")" ] ||
	fail "$N Gets of Tracked in $secs s: $n netlink requests by rescapd (at most $(bound "$secs")): $(cat /tmp/bounded-tracked.strace)"

# A capped unit's ControlGroup and usage: rescapd's calls to systemd and
# its directory reads while nobody loops.
systemd-run --unit=$U /bin/sleep infinity || fail "start $U"
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt $U 1073741824 1000 || fail "SetUnitCap $U"
expect_eq "$U's ControlGroup" "s \"/system.slice/$U\"" "$(busctl get-property org.rescap1 $OBJ org.rescap1.Unit ControlGroup)"
systemd_calls_watch /tmp/bounded-systemd.mon
strace -qq -f -c -e trace=sendto,getdents64 -o /tmp/bounded-unit.strace -p "$pid" &
st=$!
sleep 1
secs=$(as_nobody $GET $N $OBJ org.rescap1.Unit ControlGroup HeapCurrent FDCurrent) || fail "nobody: Get $OBJ"
sleep 0.5
kill -INT $st; wait $st; st=
kill $mon; wait $mon 2>/dev/null; mon=
n=$(systemd_calls /tmp/bounded-systemd.mon)
# MORE: rescapd's own calls when the unit's start job ends (it arms the
# unit's cgroup path again: LoadUnit, ControlGroup), which may fall in the
# loop. (On ours, 100 calls in 27 s were counted against 96 allowed at 3 a
# second; rescapd's code before the caches made 9 per Get.)
[ "$n" -le "$(bound "$secs" 4 10)" ] ||
	fail "$N Gets of $U's properties in $secs s: $n calls by rescapd to systemd (at most $(bound "$secs" 4 10))"
expect_eq "directory reads by rescapd during $N Gets of $U's usage" 0 "$(calls getdents64 /tmp/bounded-unit.strace)"
exit 0
