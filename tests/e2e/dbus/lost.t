# kernels: stock
# (Stock only for now: on the debug kernels (KASAN, lockdep) under TCG it
# ran past the 300 s per-test limit on a loaded machine; to be made faster
# and run on all three kernels.)
# Kernel events while rescapd cannot read them (SIGSTOP): a flood of kills,
# soft warnings and exits in a unit with caps. With the default buffer
# (SO_RCVBUFFORCE, past net.core.rmem_max) a burst of some 800 events is
# all delivered: every Killed signal comes. With a buffer too small for
# it (--events-buffer=16K) the kernel drops events: subscribers get
# EventsLost with the number the kernel dropped (the socket's Drops), and
# Kills, of the Manager and of the unit, equal the kernel's kill count of
# the unit's cgroup policy all the same. Kills are counted per unit only
# for units with caps.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rflood.service
OBJ=/org/rescap1/unit/rflood_2eservice
UI=org.rescap1.Unit
KILLS=30
DROPIN=/run/systemd/system/rescapd.service.d/small-buffer.conf
mon= dmon=
cleanup() {
	kill -CONT "$(systemctl show -P MainPID rescapd)" 2>/dev/null
	[ -n "$mon$dmon" ] && kill $mon $dmon 2>/dev/null
	systemctl stop $U rnocap.service 2>/dev/null
	busctl call org.rescap1 /org/rescap1 $M ResetUnit s $U 2>/dev/null
	rm -f /run/systemd/system/$U /run/rflood.sh /run/rnocap.sh /run/rflood-go /run/rflood-done $DROPIN
	systemctl daemon-reload
	systemctl restart rescapd
}
trap cleanup EXIT

# Waits for /run/rflood-go, then: as many processes as it says that just
# exit, then KILLS processes, each killed at its 17th fd (after a soft
# warning at 8): all tracked, as children of the main process. An event
# takes some 800 bytes of the socket's buffer (the kernel trims each
# message): 700 exits and 30 kills are 620 KB, past what Debian's
# rmem_max (208 KiB, doubled by the kernel) allows with SO_RCVBUF.
cat >/run/rflood.sh <<-END
	#!/bin/bash
	while [ ! -s /run/rflood-go ]; do sleep 0.1; done
	for i in \$(seq \$(cat /run/rflood-go)); do ( : ); done
	for i in \$(seq $KILLS); do bash -c 'for j in {1..20}; do exec {fd}</dev/null; done; sleep 60'; done
	touch /run/rflood-done
	exec sleep infinity
END
cat >/run/systemd/system/$U <<-END
	[Service]
	ExecStart=/bin/bash /run/rflood.sh
END
systemctl daemon-reload
busctl call org.rescap1 /org/rescap1 $M SetUnitCapWithOptions 'sa{sv}' $U 2 FDMax t 16 SoftPercent u 50 ||
	fail "SetUnitCapWithOptions $U"

# kernel_kills: the kills counter of the policy on the unit's cgroup.
kernel_kills() {
	"$CTL" --kernel --json list --cgroups | /usr/bin/python3 -c '
import json, sys
for g in json.load(sys.stdin):
    if g["cgroup"] == "/system.slice/'$U'":
        print(g["kills"])'
}
# drops: what the kernel dropped on rescapd's netlink sockets (the Drops
# column of /proc/net/netlink, for the sockets rescapd holds).
drops() {
	_inodes=$(ls -l /proc/"$(systemctl show -P MainPID rescapd)"/fd 2>/dev/null |
		sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
	awk -v inodes=" $_inodes" 'NR > 1 && index(inodes, " " $10 " ") { n += $9 } END { print n + 0 }' \
		/proc/net/netlink
}
mgr_kills() { busctl get-property org.rescap1 /org/rescap1 $M Kills; }
unit_kills() { busctl get-property org.rescap1 $OBJ $UI Kills; }

# flood NAME EXITS: rescapd restarted (its Kills from 0, the kernel's
# count then as its base), the unit started again and tracked, rescapd
# stopped while the unit floods (EXITS exits, then the kills), then
# continued.
flood() {
	systemctl restart rescapd || fail "$1: restart rescapd"
	wait_eq 50 "$1: Backend" "s \"$BACKEND\"" busctl get-property org.rescap1 /org/rescap1 $M Backend
	rm -f /run/rflood-go /run/rflood-done
	systemctl restart $U || fail "$1: start $U"
	main=$(systemctl show -P MainPID $U)
	busctl call org.rescap1 /org/rescap1 $M Register ut "$main" 0 || fail "$1: Register $main"
	k0=$(kernel_kills)
	[ -n "$k0" ] || fail "$1: no policy on $U's cgroup"
	"$CTL" --bus --json monitor >"/tmp/lost-$1.signals" &
	mon=$!
	dbus-monitor --system "type='signal',sender='org.rescap1',member='EventsLost'" >"/tmp/lost-$1.mon" 2>&1 &
	dmon=$!
	sleep 1
	pid=$(systemctl show -P MainPID rescapd)
	kill -STOP "$pid"
	echo "$2" >/run/rflood-go
	_i=0
	until [ -e /run/rflood-done ]; do
		_i=$((_i + 1))
		[ $_i -le 2400 ] || fail "$1: the flood did not end in 240 s"
		sleep 0.1
	done
	expect_eq "$1: kills in the kernel" $((k0 + KILLS)) "$(kernel_kills)"
	kill -CONT "$pid"
	# rescapd catches up.
	wait_eq 300 "$1: Kills of $U" "t $KILLS" unit_kills
	expect_eq "$1: Kills" "t $KILLS" "$(mgr_kills)"
	expect_eq "$1: rescapd's pid" "$pid" "$(systemctl show -P MainPID rescapd)"
	sleep 1
	kill $mon $dmon
	wait $mon $dmon 2>/dev/null
	mon= dmon=
}

# The default buffer holds the whole burst.
flood default 700
expect_eq "default: drops" 0 "$(drops)"
grep -q EventsLost /tmp/lost-default.mon && fail "default: EventsLost: $(cat /tmp/lost-default.mon)"
n=$(grep '"event":"Killed"' /tmp/lost-default.signals | grep -c "\"unit\":\"$U\"")
expect_eq "default: Killed signals" $KILLS "$n"

# A buffer that holds a few events: most are dropped.
mkdir -p "$(dirname $DROPIN)"
cat >$DROPIN <<-END
	[Service]
	ExecStart=
	ExecStart=/usr/libexec/rescapd --events-buffer=16K
END
systemctl daemon-reload
flood small 200
d=$(drops)
[ "$d" -gt 0 ] || fail "small: nothing dropped"
lost=$(sed -n 's/^ *uint64 \([0-9]*\)$/\1/p' /tmp/lost-small.mon)
[ -n "$lost" ] || fail "small: no EventsLost signal: $(cat /tmp/lost-small.mon)"
expect_eq "small: EventsLost's count (the socket's drops)" "$d" "$(echo "$lost" | awk '{ n += $1 } END { print n }')"
n=$(grep '"event":"Killed"' /tmp/lost-small.signals | grep -c "\"unit\":\"$U\"")
[ "$n" -lt $KILLS ] || fail "small: all $n Killed signals came: nothing was lost?"
journalctl -u rescapd --no-pager | grep -q 'kernel event(s) were lost' || fail "small: not in the journal"

# A unit without caps: its kills count in the Manager's Kills only.
rm -f $DROPIN
systemctl daemon-reload
systemctl restart rescapd || fail "restart rescapd"
wait_eq 50 "Backend" "s \"$BACKEND\"" busctl get-property org.rescap1 /org/rescap1 $M Backend
cat >/run/rnocap.sh <<-'END'
	#!/bin/bash
	sleep 3
	for j in {1..40}; do exec {fd}</dev/null; done
	sleep 60
END
systemd-run --unit=rnocap -p Type=exec /bin/bash /run/rnocap.sh || fail "systemd-run"
p=$(systemctl show -P MainPID rnocap.service)
busctl call org.rescap1 /org/rescap1 $M RegisterWithOptions 'uta{sv}' "$p" 0 2 FDMax t 16 Force b true ||
	fail "RegisterWithOptions"
wait_eq 100 "Kills after rnocap's kill" "t 1" mgr_kills
# A unit without caps has no object, and rescapd keeps no count for it.
busctl get-property org.rescap1 /org/rescap1/unit/rnocap_2eservice $UI Kills 2>/dev/null &&
	fail "an object (and a Kills count) for rnocap.service, which has no caps"
exit 0
