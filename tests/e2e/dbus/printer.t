# kernels: stock
# rescapctl prints the same thing whichever side answers (issue 16, part
# 1): a tracked process's get and its list entry, as JSON, from the
# kernel (--kernel) and from rescapd (--bus), compared field by field.
# Options anywhere on the line; --pidfd through rescapd refused where
# rescapd would name the process by number, and used for register;
# monitor subscribes again when rescapd restarts.
# (Stock only: what is tested is rescapctl, the same on every kernel.)
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

mon=
cleanup() {
	[ -n "$mon" ] && kill $mon 2>/dev/null
	systemctl stop rprint.service rprint2.service 2>/dev/null
	systemctl reset-failed rprint.service rprint2.service 2>/dev/null
}
trap cleanup EXIT

systemd-run --unit=rprint -p Type=exec sleep 1000 || fail "systemd-run"
pid=$(systemctl show -P MainPID rprint.service)
[ "$pid" -gt 0 ] || fail "no MainPID"
"$CTL" register "$pid" --heap 1G --fds 100 --soft 50 --bus || fail "register, options after the pid"

compare() {	# compare WHAT KERNEL_JSON BUS_JSON
	python3 - "$@" <<-'PY' || fail "$1: the kernel's and rescapd's differ"
		import json, sys
		what, k, b = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
		if isinstance(k, list):
		    if [sorted(e) for e in k] != [sorted(e) for e in b]:
		        sys.exit('%s: fields %s, %s' % (what, [sorted(e) for e in k], [sorted(e) for e in b]))
		    pid = int(sys.argv[4])
		    k = [e for e in k if e['pid'] == pid]
		    b = [e for e in b if e['pid'] == pid]
		    if len(k) != 1 or len(b) != 1:
		        sys.exit('%s: %d and %d entries for %d' % (what, len(k), len(b), pid))
		    k, b = k[0], b[0]
		for f in sorted(set(k) | set(b)):
		    if k.get(f, '<none>') != b.get(f, '<none>'):
		        sys.exit('%s: %s: %r from the kernel, %r from rescapd' % (what, f, k.get(f, '<none>'), b.get(f, '<none>')))
		if k.get('unit') != 'rprint.service':
		    sys.exit('%s: unit %r' % (what, k.get('unit')))
	PY
}
kget=$("$CTL" --kernel get "$pid" --json) || fail "--kernel get --json"
bget=$("$CTL" get --json "$pid" --bus) || fail "--bus get --json"
compare get "$kget" "$bget"
klist=$("$CTL" list --json --kernel) || fail "--kernel list --json"
blist=$("$CTL" list --bus --json) || fail "--bus list --json"
compare list "$klist" "$blist" "$pid"
# The text too (the unit, not the same from rescapd's List before).
expect_eq "list's text" "$("$CTL" --kernel list | grep "^$pid ")" "$("$CTL" --bus list | grep "^$pid ")"
expect_eq "-o" "[{\"unit\":\"rprint.service\",\"pid\":$pid}]" \
	"$("$CTL" --bus --json list -o unit,pid | python3 -c "
import json, sys
print(json.dumps([e for e in json.load(sys.stdin) if e['pid'] == $pid], separators=(',', ':')))")"

# --pidfd: rescapd names the process by number for get, cap, reset and
# deregister; refused (usage), not dropped. register takes one.
for cmd in "get $pid" "cap $pid --fds 90" "reset $pid" "deregister $pid" "register $pid --fds 5"; do
	# shellcheck disable=SC2086
	"$CTL" --bus --pidfd $cmd 2>/tmp/pidfd.err
	expect_eq "--bus --pidfd $cmd: exit status" 2 $?
done
grep -q "pidfd" /tmp/pidfd.err || fail "no word of the pidfd: $(cat /tmp/pidfd.err)"
"$CTL" get "$pid" --json | grep -q '"fd_cap":100,' || fail "a refused --pidfd command changed the caps"
"$CTL" --bus deregister "$pid" || fail "deregister"
"$CTL" --bus --pidfd register "$pid" || fail "register --pidfd through rescapd"
"$CTL" --kernel --json get "$pid" | grep -q "\"pid\":$pid," || fail "not tracked after register --pidfd"

# monitor comes back with rescapd.
"$CTL" --bus --json monitor >/tmp/printer.mon 2>/tmp/printer.monerr &
mon=$!
sleep 1
systemctl restart rescapd.service || fail "restart rescapd"
wait_eq 50 "rescapd's Backend" "s \"$BACKEND\"" busctl get-property org.rescap1 /org/rescap1 $M Backend
wait_eq 50 "monitor subscribed again" 1 grep -c "subscribed again" /tmp/printer.monerr
# A process that grows over its cap after the restart.
systemd-run --unit=rprint2 -p Type=exec /bin/sh -c 'sleep 2; exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null; sleep 100' ||
	fail "systemd-run rprint2"
pid2=$(systemctl show -P MainPID rprint2.service)
"$CTL" --bus register "$pid2" --fds 4 || fail "register rprint2"
wait_gone "$pid2" || fail "rprint2 was not killed"
wait_eq 50 "the kill seen by the monitor after rescapd's restart" 1 \
	grep -c "\"event\":\"killed\",\"pid\":$pid2," /tmp/printer.mon
exit 0
