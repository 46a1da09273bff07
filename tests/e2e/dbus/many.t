# kernels: stock
# Many units with caps in their unit files (issue 17's 2,000 unit
# policies, at a scale a test VM runs): 150 units, each with its own
# [X-Rescap] FDMax=, are each armed with their own cap by one
# daemon-reload, and by rescapd's SIGHUP reload; none is lost on the way.
# rescapd asks systemd about them in batches (cgroupd/bus-get.c); the
# system bus refuses more than 128 calls awaiting replies on one
# connection (dbus-daemon's max_replies_per_connection), so a batch sent
# whole loses the caps of all units past the first 21 (six Gets each).
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

N=150
D=/etc/systemd/system
cleanup() {
	rm -f $D/rumany-*.service
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

i=1
while [ $i -le $N ]; do
	printf '[Service]\nExecStart=/bin/sleep 600\n[X-Rescap]\nFDMax=%d\n' $((100 + i)) >$D/rumany-$i.service
	i=$((i + 1))
done
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
journalctl -u rescapd --since "$since" -o cat | grep -E 'did not say|not applied|asking one by one' &&
	fail "rescapd lost answers or caps on the way"

# rescapd's own reload: the same caps, nothing set again.
systemctl reload rescapd || fail "systemctl reload rescapd"
wait_eq 100 "rescapd's SIGHUP reload logged" yes sh -c \
	"journalctl -u rescapd --since '$since' -o cat | grep -q 'reloaded (SIGHUP).* $N unit(s) with caps, 0 set' && echo yes"
echo "# measure: $N units: $(reload_line SIGHUP)"
expect_eq "units armed after rescapd's reload" $N "$(armed_count)"

# All gone: each disarmed.
rm -f $D/rumany-*.service
systemctl daemon-reload
wait_eq 300 "every unit disarmed" 0 armed_count
exit 0
