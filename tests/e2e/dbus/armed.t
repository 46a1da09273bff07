# kernels: stock lsm
# Unit caps with no uncapped moment (issue 14): rescapd arms each capped
# unit's cgroup path, and the kernel gives every cgroup systemd makes there
# its policy as it is made. A Type=oneshot unit leaking in ExecStart, a
# Type=notify unit leaking before READY=1, and a unit whose ExecStartPre
# leaks: each killed at its first growth over the cap (usage 17 of 16
# fds), with a Killed signal naming the unit. A unit that leaks at every
# start, restarted by systemd (Restart=always) R times with rescapd
# running and R times with rescapd stopped: a kill at each start, none
# over the cap (the leak marks a file past 20 fds). R is 15 on stock and
# 5 on the debug kernel (lsm), where a restart takes some 4 s under TCG;
# 50 in make check-full.
# On a kernel without armed paths, the oneshot and ExecStartPre leaks run
# to their end (their start job ends after them) and the notify one until
# it is ready.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

# Restarts with rescapd running, and as many with it stopped.
# make check runs fewer, for its time (a restart takes 6-8 s under TCG).
if [ "${RTEST_FULL:-0}" = 1 ]; then
	R=50
elif [ "$RTEST_KERNEL" = lsm ]; then
	R=3
else
	R=8
fi
UNITS="rarm-oneshot.service rarm-notify.service rarm-pre.service rarm-restart.service"
LEAK='for i in $(seq 40); do exec {fd}</dev/null; [ $i -eq 20 ] && touch /run/rarm-over; done'
mon= kmon=
cleanup() {
	[ -n "$mon$kmon" ] && kill $mon $kmon 2>/dev/null
	systemctl start rescapd
	for u in $UNITS; do
		systemctl stop $u 2>/dev/null
		busctl call org.rescap1 /org/rescap1 $M ResetUnit s $u 2>/dev/null
		rm -f /run/systemd/system/$u
	done
	systemctl daemon-reload
	rm -f /run/rarm-over
}
trap cleanup EXIT

cat >/run/systemd/system/rarm-oneshot.service <<-END
	[Service]
	Type=oneshot
	ExecStart=/bin/bash -c '$LEAK'
END
cat >/run/systemd/system/rarm-notify.service <<-END
	[Service]
	Type=notify
	NotifyAccess=all
	ExecStart=/bin/bash -c '$LEAK; systemd-notify --ready; exec sleep 60'
END
cat >/run/systemd/system/rarm-pre.service <<-END
	[Service]
	ExecStartPre=/bin/bash -c '$LEAK'
	ExecStart=/bin/sleep 60
END
cat >/run/systemd/system/rarm-restart.service <<-END
	[Unit]
	StartLimitIntervalSec=0
	[Service]
	ExecStart=/bin/bash -c '$LEAK; exec sleep 60'
	Restart=always
	RestartSec=100ms
END
systemctl daemon-reload
for u in $UNITS; do
	busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt $u 18446744073709551615 16 || fail "SetUnitCap $u"
done
"$CTL" --kernel --json list --armed | grep -q '"heap_cap":null,"fd_cap":16,[^}]*"path":"/system.slice/rarm-pre.service"' ||
	fail "rarm-pre.service's path is not armed: $("$CTL" --kernel --json list --armed)"

"$CTL" --bus --json monitor >/tmp/armed.signals &
mon=$!
"$CTL" --kernel --json monitor >/tmp/armed.events &
kmon=$!
sleep 1

# killed UNIT: the Killed signals naming UNIT, and their usages.
killed() { grep '"event":"killed"' /tmp/armed.signals | grep "\"unit\":\"$1\""; }

for u in rarm-oneshot.service rarm-notify.service rarm-pre.service; do
	systemctl start $u 2>/dev/null && fail "$u started: its leak was not stopped"
	wait_eq 50 "Killed signals naming $u" 1 sh -c "grep '\"event\":\"killed\"' /tmp/armed.signals | grep -c '\"unit\":\"$u\"'"
	killed $u | grep -q '"resource":"fds","usage":17,"cap":16,' || fail "$u: not killed at 17 fds: $(killed $u)"
done
[ -e /run/rarm-over ] && fail "a leak went past 20 fds"

# kernel_kills: the kernel's killed events of rarm-restart.service's policies.
kernel_kills() { grep -c '"event":"killed".*"policy_cgroup":"/system.slice/rarm-restart.service"' /tmp/armed.events; }

systemctl start rarm-restart.service
# restarts N: waits (polling each second) for N restarts of rarm-restart,
# at most 5 s a restart.
restarts() {
	_i=0 _t0=$(date +%s)
	until [ "$(systemctl show -P NRestarts rarm-restart.service)" -ge "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le $((5 * R)) ] || fail "not $1 restarts of rarm-restart.service in $((5 * R)) s"
		sleep 1
	done
	echo "# measure: $R restarts in $(($(date +%s) - _t0)) s"
}
restarts $R
# rescapd stopped: the kernel keeps the path armed.
systemctl stop rescapd || fail "stop rescapd"
n0=$(systemctl show -P NRestarts rarm-restart.service)
restarts $((n0 + R))
n=$(systemctl show -P NRestarts rarm-restart.service)
systemctl stop rarm-restart.service
sleep 1
# Each start was killed: NRestarts kills, and up to two more (a restart
# between the count and the stop, and the last start's leak).
k=$(kernel_kills)
[ "$k" -ge "$n" ] && [ "$k" -le $((n + 2)) ] || fail "$n restarts, $k kills in the kernel"
over=$(grep '"event":"killed".*"policy_cgroup":"/system.slice/rarm-restart.service"' /tmp/armed.events |
	grep -vc '"usage":17,"cap":16,')
expect_eq "kills of rarm-restart.service at another usage than 17" 0 "$over"
[ -e /run/rarm-over ] && fail "a restarted instance went past 20 fds"
systemctl start rescapd || fail "start rescapd"
exit 0
