# A leaking service started with systemd-run, capped (by pid, for now)
# through rescapd, is killed; the Killed signal says who, why and how much,
# and rescapctl monitor prints it as it prints the kernel's event.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

"$CTL" --bus --json monitor >/tmp/signals &
mon=$!
"$CTL" --kernel --json monitor >/tmp/kevents &
kmon=$!
sleep 1
systemd-run --unit=leak -p Type=exec /usr/bin/python3 -c '
import time
heap = []
time.sleep(2)
while True:
    heap.append(bytearray(1 << 20))
    time.sleep(0.02)
' || fail "systemd-run"
pid=$(systemctl show -P MainPID leak.service)
[ "$pid" -gt 0 ] || fail "no MainPID"
"$CTL" --bus register "$pid" || fail "register over D-Bus"
"$CTL" --bus cap "$pid" --heap 96M || fail "cap over D-Bus"
wait_gone "$pid" || { sleep 10; wait_gone "$pid"; } || fail "the leaking service was not killed"
sleep 1
kill $mon
kill $kmon
line=$(grep '"event":"killed"' /tmp/signals)
[ -n "$line" ] || fail "no Killed signal: $(cat /tmp/signals)"
case "$line" in
*"\"pid\":$pid,\"comm\":\"python3\",\"uid\":0,\"resource\":\"heap\",\"usage\":"*",\"cap\":100663296,\"action\":\"kill\",\"cgroup\":\"/system.slice/leak.service\",\"unit\":\"leak.service\",\"policy\":\"process\",\"policy_cgroup\":\"\"}") ;;
*) fail "Killed: $line" ;;
esac
line=$(grep '"event":"exited"' /tmp/signals)
case "$line" in
*"\"pid\":$pid,\"comm\":\"python3\",\"uid\":0,\"heap_peak\":"*",\"cgroup\":\"/system.slice/leak.service\",\"unit\":\"leak.service\"}") ;;
*) fail "Exited: $line (signals: $(cat /tmp/signals)) kernel: $(cat /tmp/kevents)" ;;
esac
# One printer: the kernel's events and rescapd's signals, the same lines.
for ev in killed exited; do
	expect_eq "rescapctl monitor's $ev line, from the kernel and from rescapd" \
		"$(grep "\"event\":\"$ev\",\"pid\":$pid," /tmp/kevents)" \
		"$(grep "\"event\":\"$ev\",\"pid\":$pid," /tmp/signals)"
done
expect_eq Kills "t 1" "$(busctl get-property org.rescap1 /org/rescap1 $M Kills)"
# The journal has the kill in the unit's own log, with structured fields.
journalctl --sync
out=$(journalctl -u leak.service -o verbose MESSAGE_ID=a281cb52c4b244e0a2fb34e36f1a3163 --no-pager)
for want in "OBJECT_SYSTEMD_UNIT=leak.service" "PRIORITY=4" "RESCAP_PID=$pid" "RESCAP_RESOURCE=heap" \
	    "RESCAP_CAP=100663296" "RESCAP_POLICY=process" "MESSAGE=Killed $pid (python3) of leak.service: heap"; do
	case "$out" in *"$want"*) ;; *) fail "journal: no $want in: $out" ;; esac
done
exit 0
