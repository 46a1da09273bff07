# A leaking service capped by unit name (rescapctl unit-cap, through
# rescapd) is killed at its cap; the cap is kept in /etc/rescap.
. ../../lib/lib.sh
. ./setup.sh

# Leaks 1 MiB every 20 ms a second after its start.
cat >/run/rleak.py <<-'PY'
	import time
	heap = [bytearray(8 << 20)]
	time.sleep(1)
	while True:
	    heap.append(bytearray(1 << 20))
	    time.sleep(0.02)
PY
cat >/run/systemd/system/$U <<-UNIT
	[Service]
	ExecStart=/usr/bin/python3 /run/rleak.py
UNIT
systemctl daemon-reload
rescapctl unit-cap $U --heap 96M >/tmp/cap 2>&1 || fail "rescapctl unit-cap: $(cat /tmp/cap)"
[ -f /etc/rescap/$U.conf ] || fail "no /etc/rescap/$U.conf"
systemctl start $U || fail "systemctl start $U"
wait_eq 600 "Kills of $U" "t 1" busctl get-property org.rescap1 $OBJ org.rescap1.Unit Kills
wait_eq 100 "$U's result" "Result=signal" systemctl show -p Result $U
exit 0
