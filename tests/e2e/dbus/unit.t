# kernels: stock
# extra-kernels: lsm
# Caps on a systemd unit by name: set while it is stopped, persisted, put on
# each new cgroup of the unit (start, automatic restart, systemctl restart,
# rescapd restart, module reload on module kernels); the leaking service is
# killed each time and Killed names the unit; ResetUnit lifts it all.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rleak.service
OBJ=/org/rescap1/unit/rleak_2eservice
UI=org.rescap1.Unit
CAP=100663296	# 96M
# Leaks 1 MiB every 20 ms a second after its start, unless /run/rleak-calm
# exists: then it holds 8 MiB and sleeps.
cat >/run/rleak.py <<-'EOF'
	import os, time
	heap = [bytearray(8 << 20)]
	time.sleep(1)
	while not os.path.exists("/run/rleak-calm"):
	    heap.append(bytearray(1 << 20))
	    time.sleep(0.02)
	time.sleep(100000)
EOF
cat >/run/systemd/system/$U <<-EOF
	[Unit]
	StartLimitIntervalSec=0
	[Service]
	ExecStart=/usr/bin/python3 /run/rleak.py
	Restart=on-failure
	RestartSec=1
EOF
rm -f /run/rleak-calm
systemctl daemon-reload

# cgroup_policy: the kernel's policy on the unit's cgroup, "ID HEAPCAP", or
# "" when it has none.
cgroup_policy() {
	"$CTL" --kernel --json list --cgroups | /usr/bin/python3 -c '
import json, sys
for g in json.load(sys.stdin):
    if g["cgroup"] == "/system.slice/'$U'":
        print(g["cgroup_id"], g["heap_cap"])'
}
cgroup_id() { stat -c %i /sys/fs/cgroup/system.slice/$U; }
# wait_kills N: the unit's Kills property reaches N.
wait_kills() { wait_eq 300 "Kills of $U" "t $1" busctl get-property org.rescap1 $OBJ $UI Kills; }
# wait_policy WHEN: the unit runs (after an automatic restart, a second
# later) and its current cgroup has the policy.
policy_on_current() { [ "$(cgroup_policy)" = "$(cgroup_id 2>/dev/null) $CAP" ] && echo yes; }
wait_policy() { wait_eq 300 "the policy on $U's current cgroup $1" yes policy_on_current; }

dbus-monitor --system "type='signal',sender='org.rescap1',interface='org.freedesktop.DBus.Properties'" \
	"type='signal',sender='org.rescap1',interface='org.freedesktop.DBus.ObjectManager'" \
	>/tmp/unit-props 2>&1 &
pmon=$!
"$CTL" --bus --json monitor >/tmp/unit-signals &
mon=$!
sleep 1

# Set while stopped (the unit is not even loaded yet).
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt $U $CAP 18446744073709551615 ||
	fail "SetUnitCap on a stopped unit"
grep -qx "HeapMax=$CAP" /etc/rescap/$U.conf || fail "not persisted: $(cat /etc/rescap/$U.conf)"
expect_eq HeapMax "t $CAP" "$(busctl get-property org.rescap1 $OBJ $UI HeapMax)"
expect_eq FDMax "t 18446744073709551615" "$(busctl get-property org.rescap1 $OBJ $UI FDMax)"
busctl call org.rescap1 /org/rescap1 $M ListUnits | grep -q "\"$U\" \"\" \"$OBJ\" $CAP 18446744073709551615" ||
	fail "ListUnits: $(busctl call org.rescap1 /org/rescap1 $M ListUnits)"
# Setting one cap keeps the other.
busctl set-property org.rescap1 $OBJ $UI FDMax t 4096 || fail "set FDMax"
expect_eq "HeapMax after FDMax" "t $CAP" "$(busctl get-property org.rescap1 $OBJ $UI HeapMax)"
grep -qx "FDMax=4096" /etc/rescap/$U.conf || fail "FDMax not persisted: $(cat /etc/rescap/$U.conf)"

# Start: killed at the cap, and Restart=on-failure starts it again in a new
# cgroup, which gets the cap too: killed again.
systemctl start $U || fail "start"
wait_kills 1
wait_kills 2
kill $mon
line=$(grep '"event":"killed"' /tmp/unit-signals | head -1)
case "$line" in
*"\"comm\":\"python3\",\"uid\":0,\"resource\":\"heap\",\"usage\":"*",\"cap\":$CAP,\"action\":\"kill\",\"cgroup\":\"/system.slice/$U\",\"unit\":\"$U\",\"policy\":\"cgroup\",\"policy_cgroup\":\"/system.slice/$U\"}") ;;
*) fail "Killed: $line" ;;
esac
[ "$(grep -c '"event":"killed"' /tmp/unit-signals)" -ge 2 ] || fail "one Killed signal: $(cat /tmp/unit-signals)"
p1=$(grep '"event":"killed"' /tmp/unit-signals | sed -n '1s/.*"pid":\([0-9]*\).*/\1/p')
p2=$(grep '"event":"killed"' /tmp/unit-signals | sed -n '2s/.*"pid":\([0-9]*\).*/\1/p')
[ "$p1" != "$p2" ] || fail "the same pid was killed twice: $p1"
# Why the unit's process died, in the unit's log: the unit's own policy.
journalctl --sync
out=$(journalctl -u $U -o verbose MESSAGE_ID=a281cb52c4b244e0a2fb34e36f1a3163 --no-pager)
for want in "RESCAP_PID=$p1" "RESCAP_PID=$p2" "RESCAP_POLICY=cgroup" "RESCAP_POLICY_CGROUP=/system.slice/$U"; do
	case "$out" in *"$want"*) ;; *) fail "journal of $U: no $want in: $out" ;; esac
done

# Calm now: the policy is on each new cgroup, after systemctl restart too.
touch /run/rleak-calm
systemctl restart $U || fail "restart"
wait_policy "after systemctl restart"
id1=$(cgroup_id)
systemctl restart $U || fail "restart"
wait_policy "after a second restart"
[ "$(cgroup_id)" != "$id1" ] || fail "the restart kept cgroup $id1"

# rescapd stopped while the unit restarts: the kernel keeps the unit's
# path armed, so its new cgroup has the policy from its first moment.
# (Before armed paths, it had none until rescapd started again.)
systemctl stop rescapd
systemctl restart $U
[ "$(policy_on_current)" = yes ] ||
	fail "no policy on the new cgroup with rescapd stopped: '$(cgroup_policy)', cgroup $(cgroup_id)"
systemctl start rescapd || fail "rescapd start"
wait_policy "after rescapd's start"
# Still enforced: the unit leaks again and is killed.
rm -f /run/rleak-calm
systemctl restart $U
wait_kills 1		# rescapd counts kills since its start
touch /run/rleak-calm
wait_policy "after the restart that followed the kill"

# The module reloaded: rescapd puts the policy back.
if [ $BACKEND = module ]; then
	unload_rescap
	load_rescap
	wait_policy "after the module came back"
fi

# ResetUnit: policy, file and caps gone, PropertiesChanged sent.
busctl call org.rescap1 /org/rescap1 $M ResetUnit s $U || fail "ResetUnit"
[ -z "$(cgroup_policy)" ] || fail "policy after ResetUnit: $(cgroup_policy)"
[ ! -e /etc/rescap/$U.conf ] || fail "file after ResetUnit"
busctl get-property org.rescap1 $OBJ $UI HeapMax 2>/dev/null && fail "the unit's object after ResetUnit"
sleep 0.5
kill $pmon
# InterfacesAdded (with the properties) when the unit got caps,
# PropertiesChanged when they changed, InterfacesRemoved when they went.
n=$(grep -c 'string "HeapMax"' /tmp/unit-props)
[ "$n" -ge 2 ] || fail "HeapMax sent $n times: $(cat /tmp/unit-props)"
grep -q "path=$OBJ;.*member=PropertiesChanged" /tmp/unit-props ||
	fail "PropertiesChanged not from $OBJ: $(cat /tmp/unit-props)"
grep -q "member=InterfacesAdded" /tmp/unit-props || fail "no InterfacesAdded: $(cat /tmp/unit-props)"
grep -q "member=InterfacesRemoved" /tmp/unit-props || fail "no InterfacesRemoved: $(cat /tmp/unit-props)"

# A unit gone from systemd keeps its file until ResetUnit, which works
# without it; new caps for a unit systemd does not know are refused.
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt $U $CAP 100 || fail "SetUnitCap again"
systemctl stop $U
rm -f /run/systemd/system/$U /run/rleak.py /run/rleak-calm
systemctl daemon-reload
bus_error org.rescap1.Error.NoSuchUnit SetUnitCap string:other-$U uint64:$CAP uint64:100
busctl call org.rescap1 /org/rescap1 $M ResetUnit s $U || fail "ResetUnit of a unit gone from systemd"
[ ! -e /etc/rescap/$U.conf ] || fail "file after ResetUnit of a unit gone from systemd"
systemctl is-active --quiet rescapd || fail "rescapd is not running"
exit 0
