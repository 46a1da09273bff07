# A leaking service started with systemd-run, capped (by pid, for now)
# through rescapd, is killed; the Killed signal says who, why and how much.
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
line=$(grep '"event":"Killed"' /tmp/signals)
[ -n "$line" ] || fail "no Killed signal: $(cat /tmp/signals)"
case "$line" in
*"\"pid\":$pid,\"comm\":\"python3\",\"uid\":0,\"cgroup\":\"/system.slice/leak.service\",\"unit\":\"leak.service\",\"resource\":\"heap\",\"usage\":"*",\"cap\":100663296,\"action\":\"kill\"}") ;;
*) fail "Killed: $line" ;;
esac
line=$(grep '"event":"Exited"' /tmp/signals)
case "$line" in
*"\"pid\":$pid,\"comm\":\"python3\",\"uid\":0,\"cgroup\":\"/system.slice/leak.service\",\"unit\":\"leak.service\",\"heap_peak\":"*) ;;
*) fail "Exited: $line (signals: $(cat /tmp/signals)) kernel: $(cat /tmp/kevents)" ;;
esac
expect_eq Kills "t 1" "$(busctl get-property org.rescap1 /org/rescap1 $M Kills)"
exit 0
