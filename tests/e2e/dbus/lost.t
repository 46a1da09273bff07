# kernels: stock
# extra-kernels: lsm
# Kernel events while rescapd cannot read them (SIGSTOP): a flood of kills,
# soft warnings and exits in a unit with caps. net.core.rmem_max is set to
# 64 KiB for the test, so that a burst of some 300 events is past what
# SO_RCVBUF allows (twice rmem_max). With the default buffer
# (SO_RCVBUFFORCE, past net.core.rmem_max) the burst is
# all delivered: every Killed signal comes. With a buffer too small for
# it (--events-buffer=16K, rescapd run as a transient unit) the kernel drops events: subscribers get
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
KILLS=15
RMEM_MAX=$(sysctl -n net.core.rmem_max)
# The units are transient (systemd-run): a daemon-reload takes some 13 s
# on the debug kernels under TCG.
SVC=rescapd.service
mon= dmon=
cleanup() {
	kill -CONT "$(systemctl show -P MainPID $SVC)" 2>/dev/null
	[ -n "$mon$dmon" ] && kill $mon $dmon 2>/dev/null
	systemctl stop $U rnocap.service rescapd-small.service 2>/dev/null
	systemctl start rescapd
	busctl call org.rescap1 /org/rescap1 $M ResetUnit s $U 2>/dev/null
	rm -f /run/rflood.sh /run/rnocap.sh /run/rflood-go /run/rflood-done
	sysctl -q -w net.core.rmem_max="$RMEM_MAX"
	systemctl restart rescapd
}
trap cleanup EXIT
sysctl -q -w net.core.rmem_max=65536 || fail "sysctl net.core.rmem_max"

# Waits for /run/rflood-go, then: as many processes as it says that just
# exit, then KILLS processes, each killed at its 17th fd (after a soft
# warning at 8): all tracked, as children of the main process. An event
# takes some 800 bytes of the socket's buffer (the kernel trims each
# message): 300 exits and 15 kills are 250 KB, past what rmem_max
# (64 KiB here, doubled by the kernel) allows with SO_RCVBUF.
cat >/run/rflood.sh <<-END
	#!/bin/bash
	while [ ! -s /run/rflood-go ]; do sleep 0.1; done
	for i in \$(seq \$(cat /run/rflood-go)); do ( : ); done
	for i in \$(seq $KILLS); do bash -c 'for j in {1..20}; do exec {fd}</dev/null; done; sleep 60'; done
	touch /run/rflood-done
	exec sleep infinity
END

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
	_inodes=$(ls -l /proc/"$(systemctl show -P MainPID $SVC)"/fd 2>/dev/null |
		sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
	awk -v inodes=" $_inodes" 'NR > 1 && index(inodes, " " $10 " ") { n += $9 } END { print n + 0 }' \
		/proc/net/netlink
}
mgr_kills() { busctl get-property org.rescap1 /org/rescap1 $M Kills; }
unit_kills() { busctl get-property org.rescap1 $OBJ $UI Kills; }

# flood NAME EXITS [RESCAPD_ARGS]: rescapd restarted (its Kills from 0,
# the kernel's count then as its base; with RESCAPD_ARGS, as the transient
# unit rescapd-small.service), the unit started again and tracked, rescapd
# stopped while the unit floods (EXITS exits, then the kills), then
# continued.
flood() {
	systemctl stop rescapd rescapd-small.service $U 2>/dev/null
	if [ -n "${3:-}" ]; then
		SVC=rescapd-small.service
		systemd-run --unit=$SVC -p Type=notify /usr/libexec/rescapd "$3" ||
			fail "$1: rescapd $3"
	else
		SVC=rescapd.service
		systemctl start rescapd || fail "$1: start rescapd"
	fi
	wait_eq 50 "$1: Backend" "s \"$BACKEND\"" busctl get-property org.rescap1 /org/rescap1 $M Backend
	rm -f /run/rflood-go /run/rflood-done
	systemd-run --unit=$U -p Type=exec /bin/bash /run/rflood.sh || fail "$1: start $U"
	# (A unit must be loaded for SetUnitCap: this one is transient.)
	busctl call org.rescap1 /org/rescap1 $M SetUnitCapWithOptions 'sa{sv}' $U 2 FDMax t 16 SoftPercent u 50 ||
		fail "$1: SetUnitCapWithOptions $U"
	main=$(systemctl show -P MainPID $U)
	busctl call org.rescap1 /org/rescap1 $M Register ut "$main" 0 || fail "$1: Register $main"
	# The policy on the unit's cgroup.
	_i=0
	until k0=$(kernel_kills) && [ -n "$k0" ]; do
		_i=$((_i + 1))
		[ $_i -le 50 ] || fail "$1: no policy on $U's cgroup"
		sleep 0.1
	done
	"$CTL" --bus --json monitor >"/tmp/lost-$1.signals" &
	mon=$!
	dbus-monitor --system "type='signal',sender='org.rescap1',member='EventsLost'" >"/tmp/lost-$1.mon" 2>&1 &
	dmon=$!
	sleep 1
	pid=$(systemctl show -P MainPID $SVC)
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
	expect_eq "$1: rescapd's pid" "$pid" "$(systemctl show -P MainPID $SVC)"
	sleep 1
	kill $mon $dmon
	wait $mon $dmon 2>/dev/null
	mon= dmon=
}

# The default buffer holds the whole burst.
flood default 300
expect_eq "default: drops" 0 "$(drops)"
grep -q EventsLost /tmp/lost-default.mon && fail "default: EventsLost: $(cat /tmp/lost-default.mon)"
n=$(grep '"event":"killed"' /tmp/lost-default.signals | grep -c "\"unit\":\"$U\"")
expect_eq "default: Killed signals" $KILLS "$n"

# A buffer that holds a few events: most are dropped.
flood small 100 --events-buffer=16K
d=$(drops)
[ "$d" -gt 0 ] || fail "small: nothing dropped"
lost=$(sed -n 's/^ *uint64 \([0-9]*\)$/\1/p' /tmp/lost-small.mon)
[ -n "$lost" ] || fail "small: no EventsLost signal: $(cat /tmp/lost-small.mon)"
expect_eq "small: EventsLost's count (the socket's drops)" "$d" "$(echo "$lost" | awk '{ n += $1 } END { print n }')"
n=$(grep '"event":"killed"' /tmp/lost-small.signals | grep -c "\"unit\":\"$U\"")
[ "$n" -lt $KILLS ] || fail "small: all $n Killed signals came: nothing was lost?"
journalctl -u $SVC --no-pager | grep -q 'kernel event(s) were lost' || fail "small: not in the journal"

# A unit without caps: its kills count in the Manager's Kills only.
systemctl stop $SVC $U
systemctl start rescapd || fail "start rescapd"
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
