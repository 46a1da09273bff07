# kernels: stock
# extra-kernels: lsm
# Process-level network correlation (issue 16, part 4): a tracked client
# exchanges 10 MiB each way with a server over loopback TCP; the server
# runs in a unit with caps. rescapctl get (through rescapd's GetSockets,
# and --kernel, from rescapctl itself) reports the client's connection
# with its peer and both byte counts within 1% of 10 MiB, and socket
# counts that match ss's for the process; unit-get (GetUnitSockets)
# reports the unit's listener and connection. A user may read the
# sockets of their own processes only.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rsock.service D=/run/rsock
cli=
cleanup() {
	[ -n "$cli" ] && kill $cli 2>/dev/null
	systemctl stop $U 2>/dev/null
	"$CTL" unit-reset $U 2>/dev/null
	rm -rf $D
}
trap cleanup EXIT
mkdir -p $D
cat >$D/server.py <<'PY'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
c, _ = s.accept()
left = 10 << 20
while left:
    left -= len(c.recv(min(left, 1 << 16)))
c.sendall(b"x" * (10 << 20))
time.sleep(600)
PY
cat >$D/client.py <<'PY'
import socket, sys, time
while True:
    try:
        port = int(open(sys.argv[1]).read())
        break
    except (OSError, ValueError):
        time.sleep(0.1)
c = socket.create_connection(("127.0.0.1", port))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
c.sendall(b"y" * (10 << 20))
left = 10 << 20
while left:
    left -= len(c.recv(min(left, 1 << 16)))
open(sys.argv[2], "w").write("done")
time.sleep(600)
PY
systemd-run --unit=$U --property=Type=exec python3 $D/server.py $D/port >/dev/null || fail "systemd-run $U"
"$CTL" unit-cap $U --fds 100 || fail "unit-cap $U"
python3 $D/client.py $D/port $D/done &
cli=$!
"$CTL" register $cli || fail "register $cli"
wait_eq 300 "the client's 10 MiB each way" done cat $D/done
sleep 0.5

near() { [ "$1" -ge $((10485760 - 104857)) ] && [ "$1" -le $((10485760 + 104857)) ]; }
for side in --bus --kernel; do
	j=$("$CTL" $side --json get $cli) || fail "get $side: $?"
	got=$(printf '%s' "$j" | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = [c for c in d["tcp"] if c["state"] == "ESTAB"]
n = {(s["family"], s["type"], s["state"]): s["count"] for s in d["sockets"]}
print(len(t), t[0]["bytes_sent"], t[0]["bytes_received"], t[0]["peer"], n.get(("ipv4", "tcp", "ESTAB"), 0),
      n.get(("ipv4", "udp", "UNCONN"), 0), sum(n.values()))') || fail "get $side --json: $j"
	set -- $got
	expect_eq "$side: TCP connections" 1 "$1"
	near "$2" || fail "$side: bytes sent $2, not 10 MiB within 1%"
	near "$3" || fail "$side: bytes received $3, not 10 MiB within 1%"
	expect_eq "$side: the peer" "127.0.0.1:$(cat $D/port)" "$4"
	# ss, for the same process.
	expect_eq "$side: TCP ESTAB as ss counts it" \
		"$(ss -Htanp state established | grep -c "pid=$cli,")" "$5"
	expect_eq "$side: UDP as ss counts it" "$(ss -Huanp | grep -c "pid=$cli,")" "$6"
	expect_eq "$side: every socket descriptor counted" \
		"$(ls -l /proc/$cli/fd | grep -c 'socket:')" "$7"
done
# The kernel's count of bytes acknowledged may take in the SYN's (one).
"$CTL" get $cli | grep -Eq "^TCP:       127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:$(cat $D/port) ESTAB, sent (10M|1048576[01]B), received 10M$" ||
	fail "get's TCP line: $("$CTL" get $cli)"

# The unit: its listener and its end of the connection.
j=$("$CTL" --json unit-get $U) || fail "unit-get $U: $?"
got=$(printf '%s' "$j" | python3 -c '
import json, sys
d = json.load(sys.stdin)
n = {(s["family"], s["type"], s["state"]): s["count"] for s in d["sockets"]}
print(n.get(("ipv4", "tcp", "LISTEN"), 0), n.get(("ipv4", "tcp", "ESTAB"), 0), len(d["tcp"]),
      sum(c["bytes_received"] for c in d["tcp"]))') || fail "unit-get --json: $j"
set -- $got
expect_eq "the unit's listener" 1 "$1"
expect_eq "the unit's connection" 1 "$2"
expect_eq "the unit's TCP connections listed" 1 "$3"
near "$4" || fail "the unit received $4, not 10 MiB within 1%"

# Not yours: refused; yours: answered.
out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.GetSockets uint32:$cli 2>&1) &&
	fail "nobody read root's process's sockets: $out"
case "$out" in *AccessDenied*|*InteractiveAuthorizationRequired*) ;; *) fail "nobody's GetSockets: $out" ;; esac
out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.GetUnitSockets string:$U 2>&1) &&
	fail "nobody read a unit's sockets: $out"
setpriv --reuid nobody --regid nogroup --clear-groups -- sleep 60 &
mine=$!
as_nobody busctl call org.rescap1 /org/rescap1 $M GetSockets u $mine >/dev/null ||
	fail "nobody could not read its own process's sockets"
kill $mine
exit 0
