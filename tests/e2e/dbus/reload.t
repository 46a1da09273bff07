# kernels: stock
# extra-kernels: lsm
# rescapd's unit and life cycle under systemd: the unit as installed
# (WatchdogSec, OOMScoreAdjust like systemd-oomd, the alias that D-Bus
# activation starts, /etc/rescap made by ConfigurationDirectory=); the
# watchdog pinged (in a transient unit with WatchdogSec=4s: a daemon-reload
# takes some 13 s on the debug kernels under TCG); `systemctl reload` and SIGHUP read /etc/rescap again in
# the same process: a new file's caps reach the unit's cgroup, a changed
# one's change, a removed one's policy goes; a unit's caps lifted with
# SetUnitCap(max, max) after a restart of rescapd leave a file that says
# infinity and no policy, and ResetUnit removes it.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rreload.service
OBJ=/org/rescap1/unit/rreload_2eservice
UI=org.rescap1.Unit
NOCAP=18446744073709551615
cleanup() {
	systemctl stop $U rescapd-wd.service 2>/dev/null
	rm -f /etc/rescap/$U.conf
	systemctl restart rescapd
}
trap cleanup EXIT

# The unit as installed.
expect_eq WatchdogUSec 3min "$(systemctl show -P WatchdogUSec rescapd)"
expect_eq OOMScoreAdjust -900 "$(systemctl show -P OOMScoreAdjust rescapd)"
pid=$(systemctl show -P MainPID rescapd)
expect_eq "rescapd's oom_score_adj" -900 "$(cat /proc/"$pid"/oom_score_adj)"
expect_eq "the unit of dbus-org.rescap1.service" rescapd.service "$(systemctl show -P Id dbus-org.rescap1.service)"
# Started without /etc/rescap: ConfigurationDirectory= makes it.
systemctl stop rescapd
mv /etc/rescap /run/rescap.saved || fail "mv /etc/rescap"
systemctl start rescapd || fail "rescapd does not start without /etc/rescap: $(journalctl -u rescapd | tail -3)"
[ -d /etc/rescap ] || fail "no /etc/rescap after the start"
cp -a /run/rescap.saved/. /etc/rescap/ && rm -rf /run/rescap.saved
out=$(systemd-analyze verify --man=no /etc/systemd/system/rescapd.service 2>&1 | grep -i 'rescapd.service.*\(unknown\|invalid\|fail\)')
[ -z "$out" ] || fail "systemd-analyze verify: $out"

# D-Bus activation: a call starts the stopped daemon, through the alias.
systemctl stop rescapd
busctl get-property org.rescap1 /org/rescap1 $M Version >/dev/null || fail "no activation by a bus call"
systemctl is-active --quiet rescapd || fail "rescapd is not active after the activating call"

# The watchdog, pinged every 2 s at WatchdogSec=4s: still the same
# process after 9 s, and systemd saw the pings. (At 2 s, on a slow day,
# rescapd's start in the debug LSM guest once took longer than that
# before its first ping and systemd killed it.)
systemctl stop rescapd
systemd-run --unit=rescapd-wd -p Type=notify -p WatchdogSec=4s \
	-p Restart=on-failure /usr/libexec/rescapd || fail "rescapd with WatchdogSec=4s"
pid=$(systemctl show -P MainPID rescapd-wd)
t0=$(systemctl show -P WatchdogTimestampMonotonic rescapd-wd)
sleep 9
expect_eq "MainPID 9 s later at WatchdogSec=4s" "$pid" "$(systemctl show -P MainPID rescapd-wd)"
expect_eq "restarts at WatchdogSec=4s" 0 "$(systemctl show -P NRestarts rescapd-wd)"
t1=$(systemctl show -P WatchdogTimestampMonotonic rescapd-wd)
[ "${t1:-0}" -gt "${t0:-0}" ] || fail "no watchdog ping seen by systemd ($t0, then $t1)"
systemctl stop rescapd-wd
systemctl start rescapd || fail "start rescapd"
wait_eq 50 "Backend" "s \"$BACKEND\"" busctl get-property org.rescap1 /org/rescap1 $M Backend

systemd-run --unit=$U /bin/sleep infinity || fail "start $U"

# policy: the kernel's policy on the unit's cgroup, "HEAPCAP FDCAP" (max
# for none), or "".
policy() {
	"$CTL" --kernel --json list --cgroups | /usr/bin/python3 -c '
import json, sys
for g in json.load(sys.stdin):
    if g["cgroup"] == "/system.slice/'$U'":
        print(*("max" if c is None else c for c in (g["heap_cap"], g["fd_cap"])))'
}
pid=$(systemctl show -P MainPID rescapd)

# A new file, then systemctl reload.
printf '[Cap]\nHeapMax=1G\n' >/etc/rescap/$U.conf
systemctl reload rescapd || fail "systemctl reload rescapd"
wait_eq 50 "policy after a new file and systemctl reload" "1073741824 max" policy
expect_eq "HeapMax after the reload" "t 1073741824" "$(busctl get-property org.rescap1 $OBJ $UI HeapMax)"
# A changed file, then SIGHUP.
printf '[Cap]\nHeapMax=2G\nFDMax=4096\n' >/etc/rescap/$U.conf
kill -HUP "$pid"
wait_eq 50 "policy after a changed file and SIGHUP" "2147483648 4096" policy
expect_eq "FDMax after SIGHUP" "t 4096" "$(busctl get-property org.rescap1 $OBJ $UI FDMax)"
# A removed file.
rm /etc/rescap/$U.conf
systemctl reload rescapd || fail "systemctl reload rescapd"
wait_eq 50 "policy after the file's removal" "" policy
# No caps: no object either (unit objects exist for units with caps only).
busctl get-property org.rescap1 $OBJ $UI HeapMax 2>/dev/null && fail "the unit's object after its file's removal"
expect_eq "MainPID after three reloads" "$pid" "$(systemctl show -P MainPID rescapd)"
systemctl is-active --quiet rescapd || fail "rescapd is not active after the reloads"
journalctl -u rescapd --no-pager | grep -q "reloaded (SIGHUP)" || fail "no reload in the journal"

# Caps set over the bus with the default action, rescapd restarted, then
# both caps lifted: nothing left, no file.
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt $U 1073741824 $NOCAP || fail "SetUnitCap"
grep -q '^Action=' /etc/rescap/$U.conf && fail "the default action written: $(cat /etc/rescap/$U.conf)"
systemctl restart rescapd || fail "restart rescapd"
wait_eq 50 "policy after rescapd's restart" "1073741824 max" policy
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt $U $NOCAP $NOCAP || fail "SetUnitCap max max"
# As systemctl set-property MemoryMax=infinity: the file says infinity
# (over any lower layer's cap); no caps, no policy, no object.
expect_eq "the file after SetUnitCap(max, max)" "HeapMax=infinity FDMax=infinity" \
	"$(grep -v '^[#[]' /etc/rescap/$U.conf | tr '\n' ' ' | sed 's/ $//')"
expect_eq "policy after SetUnitCap(max, max)" "" "$(policy)"
busctl get-property org.rescap1 $OBJ $UI HeapMax 2>/dev/null && fail "the unit's object after SetUnitCap(max, max)"
busctl call org.rescap1 /org/rescap1 $M ResetUnit s $U || fail "ResetUnit"
[ ! -e /etc/rescap/$U.conf ] || fail "file left by ResetUnit: $(cat /etc/rescap/$U.conf)"
exit 0
