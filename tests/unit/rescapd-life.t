# rescapd's life cycle on the host, without a kernel: on a private system
# bus, rescapd built with ASan/UBSan, systemd's notification socket played
# by a small listener. It pings the watchdog (WATCHDOG_USEC); SIGHUP reads
# its configuration directory again (RELOADING=1, then READY=1) and keeps
# running: new and changed files give the unit objects their caps, a
# removed file drops them, a file that does not parse keeps what it had;
# the end of its bus connection ends it, with status 1.
. ../lib/lib.sh

[ "$(id -u)" = 0 ] || skip "needs root (the bus policy lets root own org.rescap1)"
d=$(mktemp -d)
trap 'kill $daemon $bus $listener 2>/dev/null; rm -rf "$d"' EXIT
. ./private-bus.sh

# systemd's side of sd_notify: each datagram, one line.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
f = open(sys.argv[2], "a", buffering=1)
while True:
    f.write(s.recv(4096).decode(errors="replace").replace("\n", " ") + "\n")
' "$d/notify" "$d/notify.log" &
listener=$!
i=0; until [ -S "$d/notify" ] || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done

mkdir "$d/conf"
printf '[Cap]\nHeapMax=1G\n' >"$d/conf/a.service.conf"
export NOTIFY_SOCKET="$d/notify" WATCHDOG_USEC=400000
rescapd_private "$d"
unset NOTIFY_SOCKET WATCHDOG_USEC

# count WHAT: notification lines with WHAT
count() { grep -c "$1" "$d/notify.log" 2>/dev/null; }
# wait_count N WHAT: up to 5 s for N such lines
wait_count() {
	_i=0
	until [ "$(count "$2")" -ge "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le 50 ] || fail "$1 '$2' notification(s) awaited, got: $(cat "$d/notify.log")"
		sleep 0.1
	done
}
unit_prop() { busctl --system get-property org.rescap1 "/org/rescap1/unit/$1" org.rescap1.Unit "$2"; }

wait_count 1 READY=1
# Every 200 ms at WATCHDOG_USEC=400000: several in 1.5 s.
n0=$(count WATCHDOG=1)
sleep 1.5
n1=$(count WATCHDOG=1)
[ $((n1 - n0)) -ge 3 ] || fail "$((n1 - n0)) watchdog pings in 1.5 s at a 400 ms watchdog: $(cat "$d/notify.log")"
expect_eq "HeapMax of a.service" "t 1073741824" "$(unit_prop a_2eservice HeapMax)"

# A changed file and a new one.
printf '[Cap]\nHeapMax=2G\n' >"$d/conf/a.service.conf"
printf '[Cap]\nFDMax=100\n' >"$d/conf/b.service.conf"
kill -HUP $daemon
wait_count 2 READY=1
kill -0 $daemon 2>/dev/null || fail "SIGHUP ended rescapd: $(tail -5 "$d/rescapd.log")"
[ "$(count RELOADING=1)" = 1 ] || fail "no RELOADING=1: $(cat "$d/notify.log")"
grep -q 'RELOADING=1.*MONOTONIC_USEC=[0-9]' "$d/notify.log" || fail "RELOADING=1 without MONOTONIC_USEC"
expect_eq "HeapMax of a.service after SIGHUP" "t 2147483648" "$(unit_prop a_2eservice HeapMax)"
expect_eq "FDMax of b.service after SIGHUP" "t 100" "$(unit_prop b_2eservice FDMax)"

# A file that does not parse keeps its caps; a removed one loses them.
printf '[Cap]\nHeapMax=lots\n' >"$d/conf/a.service.conf"
rm "$d/conf/b.service.conf"
kill -HUP $daemon
wait_count 3 READY=1
expect_eq "HeapMax of a.service from a bad file" "t 2147483648" "$(unit_prop a_2eservice HeapMax)"
# b.service has no caps after its file went: no object either.
unit_prop b_2eservice FDMax 2>/dev/null && fail "b.service still has an object after its file went"
grep -q 'a.service keeps the caps it had' "$d/rescapd.log" || fail "not logged: $(cat "$d/rescapd.log")"

# The layers (no systemd here, so no unit files): /usr/lib/rescap <
# /etc/rescap (its UNIT.conf, then UNIT.conf.d/ in name order) < /run/rescap,
# key by key; a template's files before an instance's in each. A bad line
# is skipped, the rest counts, and GetUnitConfig says where each value
# comes from and what is wrong.
mkdir -p "$d/vendor" "$d/conf/c.service.conf.d" "$d/run"
printf '[Cap]\nHeapMax=1G\nFDMax=10\nSoftPercent=50\n' >"$d/vendor/c.service.conf"
printf '[Cap]\nFDMax=30\n' >"$d/conf/c.service.conf.d/20-b.conf"
printf '[Cap]\nFDMax=20\nAction=lots\n' >"$d/conf/c.service.conf.d/10-a.conf"
printf '[Cap]\nHeapMax=3G\n' >"$d/run/c.service.conf"
printf '[Cap]\nHeapMax=100M\nFDMax=40\n' >"$d/vendor/t@.service.conf"
printf '[Cap]\nHeapMax=infinity\n' >"$d/conf/t@x.service.conf"
kill -HUP $daemon
wait_count 4 READY=1
expect_eq "HeapMax of c.service (/run over /usr/lib)" "t 3221225472" "$(unit_prop c_2eservice HeapMax)"
expect_eq "FDMax of c.service (the last drop-in)" "t 30" "$(unit_prop c_2eservice FDMax)"
expect_eq "SoftPercent of c.service (/usr/lib)" "u 50" "$(unit_prop c_2eservice SoftPercent)"
expect_eq "Action of c.service (the bad line skipped)" 's "kill"' "$(unit_prop c_2eservice Action)"
expect_eq "HeapMax of t@x.service (its own infinity over the template's)" "t 18446744073709551615" \
	"$(unit_prop t_40x_2eservice HeapMax)"
expect_eq "FDMax of t@x.service (the template's)" "t 40" "$(unit_prop t_40x_2eservice FDMax)"
cat=$(busctl --system --json=short call org.rescap1 /org/rescap1 org.rescap1.Manager GetUnitConfig s c.service) ||
	fail "GetUnitConfig c.service"
echo "$cat" | python3 -c '
import json, sys
# busctl 252 writes newlines in strings raw
text, errors = json.loads(sys.stdin.read(), strict=False)["data"]
d = sys.argv[1]
want = ["# " + d + "/vendor/c.service.conf", "# " + d + "/conf/c.service.conf.d/10-a.conf",
        "# " + d + "/conf/c.service.conf.d/20-b.conf", "# " + d + "/run/c.service.conf"]
got = [l for l in text.splitlines() if l.startswith("# /")]
assert got == want, (got, want)
assert "HeapMax=3G" in text and "from " + d + "/run/c.service.conf:2" in text, text
assert "FDMax=30" in text and "20-b.conf:2" in text, text
assert errors == [d + "/conf/c.service.conf.d/10-a.conf:3: Action=lots: not an action (kill, deny, notify)"], errors
' "$d" || fail "GetUnitConfig c.service: $cat"
grep -q '10-a.conf:3: Action=lots: not an action.*(caps of c.service)' "$d/rescapd.log" ||
	fail "the bad line is not logged: $(cat "$d/rescapd.log")"
for bad in ../x.service x.target ''; do
	dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 org.rescap1.Manager.GetUnitConfig \
		"string:$bad" 2>"$d/err" >/dev/null && fail "GetUnitConfig '$bad' answered"
	grep -q org.freedesktop.DBus.Error.InvalidArgs "$d/err" || fail "GetUnitConfig '$bad': $(cat "$d/err")"
done
kill -0 $daemon || fail "rescapd died"

# The bus goes away: so does rescapd, with status 1.
kill $bus
wait $bus 2>/dev/null
i=0
while kill -0 $daemon 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 50 ] || fail "rescapd still runs 5 s after its bus went away"
	sleep 0.1
done
wait $daemon
rc=$?
[ $rc = 1 ] || fail "rescapd exit status $rc after the bus went away (want 1): $(tail -5 "$d/rescapd.log")"
grep -q 'the bus connection was lost' "$d/rescapd.log" || fail "not logged: $(cat "$d/rescapd.log")"
grep -q 'ERROR: AddressSanitizer\|runtime error' "$d/rescapd.log" && fail "sanitizer: $(cat "$d/rescapd.log")"
exit 0
