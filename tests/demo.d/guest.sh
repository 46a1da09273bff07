# SPDX-License-Identifier: GPL-2.0
# The guest side of 'make demo' (runs as root in the VM, systemd mode).
. "$REPO/tests/lib/lib.sh"
# rescapd_install, rescapd_up, as the D-Bus tests use them.
. "$REPO/tests/e2e/dbus/setup.sh"
set +u

say() { printf '%s\n' "$*"; }
die() { say "  !! $*"; exit 1; }
show() { sed 's/^/[vm]   /'; }
M=org.rescap1.Manager

say "[vm] up: kernel $(uname -r), PID 1 is $(cat /proc/1/comm), system bus $(systemctl is-active dbus.service)"

say "[vm] # insmod rescap.ko && systemctl start rescapd"
rescapd_up
dmesg | grep 'rescap:' | tail -n 1 | sed 's/^/[vm]   kernel log: /'
say "[vm] # busctl get-property org.rescap1 /org/rescap1 $M Version Backend"
busctl get-property org.rescap1 /org/rescap1 $M Version Backend | show

# Someone subscribed (signals are sent only then), and busctl watching.
"$CTL" --bus monitor >/tmp/demo-events &
mon=$!
busctl monitor --match="type='signal',sender='org.rescap1',member='Killed'" >/tmp/demo-busctl 2>&1 &
bmon=$!
sleep 1

say "[vm] A leaking program starts as a service: 1 MiB more heap every 20 ms, two seconds after it starts."
cat >/run/demo-leak.py <<-'EOF'
	import time
	heap = []
	time.sleep(2)
	while True:
	    heap.append(bytearray(1 << 20))
	    time.sleep(0.02)
EOF
say "[vm] # systemd-run --unit=leak -p Restart=on-failure -p RestartSec=2 python3 /run/demo-leak.py"
systemd-run -q --unit=leak -p Restart=on-failure -p RestartSec=2 /usr/bin/python3 /run/demo-leak.py ||
	die "systemd-run failed"
pid=$(systemctl show -P MainPID leak.service)

say "[vm] # busctl call org.rescap1 /org/rescap1 $M Register ut $pid 0"
busctl call org.rescap1 /org/rescap1 $M Register ut "$pid" 0 || die "Register failed"
say "[vm] # busctl call org.rescap1 /org/rescap1 $M SetCap utt $pid 67108864 1024      (64 MiB, 1024 fds)"
busctl call org.rescap1 /org/rescap1 $M SetCap utt "$pid" 67108864 1024 || die "SetCap failed"
say "[vm] # cat /proc/rescap"
show </proc/rescap
wait_gone "$pid" || { sleep 10; wait_gone "$pid"; } || die "the leaking program was not killed"
say "[vm] It is gone: killed by rescap at its cap."
dmesg | grep 'rescap: killed' | tail -n 1 | sed 's/^/[vm]   kernel log: /'
say "[vm] # cat /proc/rescap        (its entry went with it)"
show </proc/rescap

say "[vm] systemd restarts it in 2 s, as a new process nobody registered. Cap the unit instead:"
say "[vm] # busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt leak.service 67108864 18446744073709551615"
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt leak.service 67108864 18446744073709551615 ||
	die "SetUnitCap failed"
say "[vm] # cat /etc/rescap/leak.service.conf"
show </etc/rescap/leak.service.conf
wait_eq 300 "kills of leak.service (1 by pid, then 2 by its unit's cap)" "t 3" \
	busctl get-property org.rescap1 /org/rescap1/unit/leak_2eservice org.rescap1.Unit Kills
say "[vm] Each new process of leak.service, in each new cgroup, is killed at 64 MiB (1 kill by pid, 2 by unit):"
say "[vm] # busctl get-property org.rescap1 /org/rescap1/unit/leak_2eservice org.rescap1.Unit Kills HeapMax"
busctl get-property org.rescap1 /org/rescap1/unit/leak_2eservice org.rescap1.Unit Kills HeapMax | show
systemctl stop leak.service
systemctl reset-failed leak.service 2>/dev/null
sleep 0.5
kill "$mon" "$bmon"

say "[vm] # rescapctl monitor     (a D-Bus client: the signals it received meanwhile)"
show </tmp/demo-events
grep -q "^killed pid=$pid comm=python3 .*resource=heap" /tmp/demo-events || die "no Killed signal for $pid"
say "[vm] # busctl monitor --match=\"...member='Killed'\"     (the first Killed signal on the bus)"
awk '/Member=Killed/ { on = 1 } on { print } on && /^ *};/ { exit }' /tmp/demo-busctl | show
grep -q "Member=Killed" /tmp/demo-busctl || die "busctl saw no Killed signal"

say "[vm] # busctl call org.rescap1 /org/rescap1 $M ResetUnit s leak.service"
busctl call org.rescap1 /org/rescap1 $M ResetUnit s leak.service || die "ResetUnit failed"
systemctl stop rescapd
say "[vm] # rmmod rescap"
unload_rescap
