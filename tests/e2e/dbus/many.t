# kernels: stock
# Many units with caps in their unit files (issue 17's 2,000 unit
# policies, at a scale a test VM runs): 150 units, each with its own
# [X-Rescap] FDMax=, are each armed with their own cap by one
# daemon-reload, and by rescapd's SIGHUP reload; none is lost on the way.
# rescapd asks systemd about them in batches (cgroupd/bus-get.c); the
# system bus refuses more than 128 calls awaiting replies on one
# connection (dbus-daemon's max_replies_per_connection), so a batch sent
# whole loses the caps of all units past the first 21 (six Gets each).
# The signals of the reload (InterfacesAdded of each new unit object, with
# its ControlGroup) carry the batch's answers: rescapd's own connection
# asks systemd nothing per unit. It asked each unit's cgroup again, three
# calls each, once the batch's answer was a second old: with 2,000 units
# always, with 150 only when rescapd is slow (strace attached to it during
# the reload makes it so). ListUnits asks the cgroups it names in one
# batch too. A start with them all, slower than the bus's timeout, keeps
# its bus.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

N=150
D=/etc/systemd/system
pid0=$(systemctl show -P MainPID rescapd)
restarts0=$(systemctl show -P NRestarts rescapd)
mon= st=
slow=/run/systemd/system/rescapd.service.d/50-many-slow.conf
cleanup() {
	[ -n "$mon$st" ] && kill $mon $st 2>/dev/null
	rm -f $D/rumany-*.service $slow
	systemctl set-property --runtime rescapd.service CPUQuota=
	systemctl daemon-reload
}
trap cleanup EXIT

# armed_count: how many rumany-N.service paths are armed with FDMax=100+N.
armed_count() {
	"$CTL" --kernel list --armed | awk '
		match($NF, /^\/system\.slice\/rumany-[0-9]+\.service$/) {
			n = substr($NF, 22) + 0
			if ($2 == 100 + n) ok++
		}
		END { print ok + 0 }'
}

# For the slow start below: systemd waits for it (read with the units'
# daemon-reload).
mkdir -p "${slow%/*}"
printf '[Service]\nTimeoutStartSec=600\n' >$slow
i=1
while [ $i -le $N ]; do
	printf '[Service]\nExecStart=/bin/sleep 600\n[X-Rescap]\nFDMax=%d\n' $((100 + i)) >$D/rumany-$i.service
	i=$((i + 1))
done
systemd_calls_watch /tmp/many-systemd.mon
strace -qq -f -o /dev/null -p "$(systemctl show -P MainPID rescapd)" &
st=$!
since=$(date '+%Y-%m-%d %H:%M:%S')
systemctl daemon-reload
wait_eq 300 "units armed with their own FDMax after a daemon-reload" $N armed_count
reload_line() {
	journalctl -u rescapd --since "$since" -o cat | grep "reloaded ($1)" | tail -1
}
wait_eq 300 "rescapd's reload logged" yes sh -c "$(command -v journalctl) -u rescapd --since '$since' -o cat |
	grep -q 'reloaded (systemd reloaded)' && echo yes"
line=$(reload_line 'systemd reloaded')
echo "# measure: $N units: $line"
case "$line" in
*" $N unit(s) with caps"*) ;;
*) fail "rescapd's reload: $line" ;;
esac
kill $mon $st
wait $mon $st 2>/dev/null
mon= st=
n=$(systemd_calls /tmp/many-systemd.mon)
echo "# measure: $n call(s) to systemd on rescapd's own connection during the reload"
[ "$n" -le 10 ] || fail "$N units' reload: $n calls to systemd on rescapd's own connection (at most 10): $(
	grep '^method call' /tmp/many-systemd.mon | sed 's/.*member=//' | sort | uniq -c)"
journalctl -u rescapd --since "$since" -o cat | grep -E 'did not say|not applied|asking one by one' &&
	fail "rescapd lost answers or caps on the way"

# ListUnits names each unit's cgroup: those not asked in the last second
# are asked in one batch (on rescapd's second connection), not three
# calls each on its own (450 here before).
sleep 1.5
systemd_calls_watch /tmp/many-list.mon
sleep 1
out=$(busctl call org.rescap1 /org/rescap1 $M ListUnits) || fail "ListUnits: $out"
kill $mon
wait $mon 2>/dev/null
mon=
expect_eq "units in ListUnits, each with its cgroup (\"\": not running)" $N \
	"$(echo "$out" | grep -o '"rumany-[0-9]*\.service" "" "/org/rescap1/unit/rumany_2d[0-9]*_2eservice"' | wc -l)"
n=$(systemd_calls /tmp/many-list.mon)
echo "# measure: ListUnits of $N units: $n call(s) to systemd on rescapd's own connection"
[ "$n" -le 10 ] || fail "ListUnits of $N units: $n calls to systemd on rescapd's own connection (at most 10)"

# rescapd's own reload: the same caps, nothing set again.
systemctl reload rescapd || fail "systemctl reload rescapd"
wait_eq 100 "rescapd's SIGHUP reload logged" yes sh -c \
	"journalctl -u rescapd --since '$since' -o cat | grep -q 'reloaded (SIGHUP).* $N unit(s) with caps, 0 set' && echo yes"
echo "# measure: $N units: $(reload_line SIGHUP)"
expect_eq "units armed after rescapd's reload" $N "$(armed_count)"

# A start longer than the bus's method call timeout (25 s): these units
# on a busy machine (rescapd at 2% of a CPU). rescapd installed its
# matches on systemd's signals asynchronously before the start's work;
# their answers waited for its loop, and sd-bus timed the calls out first
# and closed the connection, as it does when a match cannot be installed:
# the new rescapd exited once ready ("the bus connection was lost") and
# systemd started another.
started=$(date '+%Y-%m-%d %H:%M:%S')
systemctl set-property --runtime rescapd.service CPUQuota=2% || fail "CPUQuota=2%"
t0=$(date +%s)
systemctl restart rescapd || fail "systemctl restart rescapd at 2% of a CPU"
t=$(($(date +%s) - t0))
pid1=$(systemctl show -P MainPID rescapd)
systemctl set-property --runtime rescapd.service CPUQuota= || fail "CPUQuota reset"
echo "# measure: restart of rescapd with $N units at 2% of a CPU: $t s"
bus_kept "a slow start" "$t" "$started" "$pid1"
expect_eq "units armed after the slow start" $N "$(armed_count)"
pid0=$pid1
restarts0=$(systemctl show -P NRestarts rescapd)

# All gone: each disarmed, in the same rescapd.
gone=$(date '+%Y-%m-%d %H:%M:%S')
rm -f $D/rumany-*.service
systemctl daemon-reload
wait_eq 300 "every unit disarmed" 0 armed_count
wait_eq 300 "rescapd's reload logged" yes sh -c "$(command -v journalctl) -u rescapd --since '$gone' -o cat |
	grep -q 'reloaded (systemd reloaded).* 0 unit(s) with caps' && echo yes"
echo "# measure: $N units gone: $(journalctl -u rescapd --since "$gone" -o cat | grep 'reloaded (' | tail -1)"
expect_eq "rescapd's restarts" "$restarts0" "$(systemctl show -P NRestarts rescapd)"
expect_eq "rescapd's main pid" "$pid0" "$(systemctl show -P MainPID rescapd)"
exit 0
