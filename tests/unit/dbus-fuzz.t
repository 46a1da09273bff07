# The D-Bus fuzzer (tests/helpers/rtest-dbus-fuzz) on the host: its table
# of methods and properties is the documented contract (every method and
# property of dbus/org.rescap1.xml, with its signatures), so a new member
# is not left out of the fuzzing; and a short run against rescapd built
# with ASan/UBSan on a private system bus (no kernel here: the changes get
# KernelUnavailable) is clean, as root and as nobody. The long runs are
# tests/e2e/dbus/fuzz.t, in the VM.
. ../lib/lib.sh

FUZZ="$O/bin/rtest-dbus-fuzz"
d=$(mktemp -d)
trap 'kill $daemon $bus 2>/dev/null; rm -rf "$d"' EXIT
daemon= bus=

# The table against the XML.
python3 - "$REPO/dbus/org.rescap1.xml" >"$d/xml.list" <<'PY' || fail "cannot read dbus/org.rescap1.xml"
import sys
import xml.etree.ElementTree as ET
for iface in ET.parse(sys.argv[1]).getroot().iter("interface"):
    for m in iface.iter("method"):
        args = m.findall("arg")
        sig = lambda d: "".join(a.get("type") for a in args if a.get("direction", "in") == d) or "-"
        print("method", iface.get("name"), m.get("name"), sig("in"), sig("out"))
    for p in iface.iter("property"):
        print("property", iface.get("name"), p.get("name"), p.get("type"), p.get("access"))
PY
"$FUZZ" --list >"$d/fuzz.list" || fail "rtest-dbus-fuzz --list"
sort -o "$d/xml.list" "$d/xml.list"
sort -o "$d/fuzz.list" "$d/fuzz.list"
diff -u "$d/xml.list" "$d/fuzz.list" ||
	fail "rtest-dbus-fuzz's table differs from dbus/org.rescap1.xml (- the XML, + the table)"

# A short run against rescapd-san on a private bus.
[ "$(id -u)" = 0 ] || { echo "not root: the run on a private bus is left out"; exit 0; }
. ./private-bus.sh
rescapd_private "$d"
# Sacrificial targets, one of root and one of nobody (setpriv run
# directly: $! is then the sleep itself, not a subshell).
sleep 300 >/dev/null 2>&1 &
s1=$!
setpriv --reuid nobody --regid nogroup --clear-groups -- sleep 300 >/dev/null 2>&1 &
s2=$!
trap 'kill $daemon $bus $s1 $s2 2>/dev/null; rm -rf "$d"' EXIT
"$FUZZ" --seed 1 --count 1500 --errors "$REPO/dbus/org.rescap1.5" --pids $s1,$s2 \
	--units fuzz-host-1.service --rss no || fail "rtest-dbus-fuzz as root (seed 1)"
as_nobody "$FUZZ" --seed 2 --count 1500 --errors "$REPO/dbus/org.rescap1.5" --pids $s1,$s2 \
	--units fuzz-host-1.service --rss no || fail "rtest-dbus-fuzz as nobody (seed 2)"
kill -0 $daemon || { cat "$d/rescapd.log"; fail "rescapd-san died"; }
kill $daemon
wait $daemon
rc=$?
[ $rc = 0 ] || { tail -40 "$d/rescapd.log"; fail "rescapd-san exited with $rc"; }
exit 0
