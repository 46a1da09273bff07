# rescapd's bus object on the host, without a kernel (the host never loads
# rescap): a private system bus with the shipped bus policy, rescapd built
# with ASan/UBSan on it. The documented introspection equals the live one;
# every method answers bad input with a named error and rescapd stays up;
# a non-root caller is refused every change (no polkit on this bus: root
# only) and methods the policy does not list; the Sample signal comes only
# while subscribed, at the configured interval; rescapctl over D-Bus.
. ../lib/lib.sh

[ "$(id -u)" = 0 ] || skip "needs root (a second, non-root account calls the bus)"
d=$(mktemp -d)
trap 'kill $daemon $bus 2>/dev/null; rm -rf "$d"' EXIT
# A unit with caps has an object (units without caps have none).
mkdir -p "$d/conf"
printf '[Cap]\nHeapMax=512M\n' >"$d/conf/leak.service.conf"
. ./private-bus.sh
rescapd_private "$d" --sample-interval=0.5

M="org.rescap1.Manager"
# expect_error NAME METHOD ARGS...: dbus-send of METHOD must fail with NAME.
expect_error() {
	_want=$1; shift
	_m=$1; shift
	_out=$(dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 "$M.$_m" "$@" 2>&1)
	case "$_out" in
	"Error $_want:"*) ;;
	*) fail "$_m $*: expected $_want, got: $_out" ;;
	esac
	kill -0 $daemon 2>/dev/null || fail "rescapd died after $_m $*"
}

# The contract.
busctl --system introspect --xml-interface org.rescap1 /org/rescap1 >"$d/mgr.xml" || fail "introspect"
busctl --system introspect --xml-interface org.rescap1 /org/rescap1/unit/leak_2eservice >"$d/unit.xml" || fail "introspect unit"
"$REPO/tests/helpers/rtest-introspect-cmp" "$REPO/dbus/org.rescap1.xml" "$d/mgr.xml" org.rescap1.Manager ||
	fail "org.rescap1.Manager differs from dbus/org.rescap1.xml"
"$REPO/tests/helpers/rtest-introspect-cmp" "$REPO/dbus/org.rescap1.xml" "$d/unit.xml" org.rescap1.Unit ||
	fail "org.rescap1.Unit differs from dbus/org.rescap1.xml"

expect_eq Version 's "0.1"' "$(busctl --system get-property org.rescap1 /org/rescap1 $M Version)"
expect_eq Backend 's ""' "$(busctl --system get-property org.rescap1 /org/rescap1 $M Backend)"
expect_eq SampleIntervalUSec 't 500000' "$(busctl --system get-property org.rescap1 /org/rescap1 $M SampleIntervalUSec)"

# Bad input, each a named error.
E=org.rescap1.Error
I=org.freedesktop.DBus.Error.InvalidArgs
expect_error $I Fetch uint32:0
expect_error $I Register uint32:0 uint64:0
expect_error $I Register uint32:4242 uint64:2
expect_error $I Fetch string:x
expect_error $I SetCap uint32:4242 uint64:1
expect_error $E.InvalidCap SetCap uint32:4242 uint64:0 uint64:10
expect_error $E.InvalidCap SetCap uint32:4242 uint64:1048576 uint64:0
expect_error $E.InvalidCap SetCap uint32:4242 uint64:18446744073709551614 uint64:10
expect_error $E.InvalidCap SetCap uint32:4242 uint64:1048576 uint64:4294967296
# dbus-send cannot write variants: busctl, and the error's text.
out=$(busctl --system call org.rescap1 /org/rescap1 $M SetCapWithOptions 'ua{sv}' 4242 1 SoftPercent u 150 2>&1) &&
	fail "SoftPercent 150 accepted"
case "$out" in *"soft threshold of 150%"*) ;; *) fail "SoftPercent 150: $out" ;; esac
out=$(busctl --system call org.rescap1 /org/rescap1 $M SetCapWithOptions 'ua{sv}' 4242 1 HeapMax s 1G 2>&1) &&
	fail "HeapMax as a string accepted"
case "$out" in *"option 'HeapMax' has the wrong type"*) ;; *) fail "HeapMax s: $out" ;; esac
expect_error $I SetCapWithOptions uint32:4242 dict:string:string:Nope,x
expect_error $E.KernelUnavailable Fetch uint32:4242
expect_error $E.KernelUnavailable Register uint32:4242 uint64:0
expect_error $E.KernelUnavailable SetCap uint32:4242 uint64:1048576 uint64:10
expect_error $E.KernelUnavailable Reset uint32:4242
expect_error $E.KernelUnavailable Deregister uint32:4242
expect_error $E.KernelUnavailable List
expect_error $E.NotSubscribed Unsubscribe
expect_error $I GetUnit string:../x
expect_error $E.NoSuchUnit GetUnit string:/no-such-cgroup
expect_error $E.NoSuchUnit SetUnitCap string:/no-such-cgroup uint64:1048576 uint64:10
expect_error $E.InvalidCap SetUnitCap string:x.service uint64:0 uint64:10
expect_error $I ResetUnit string:multi-user.target
out=$(busctl --system set-property org.rescap1 /org/rescap1 $M SampleIntervalUSec t 5 2>&1) &&
	fail "SampleIntervalUSec 5 us was accepted"

# A non-root account: refused every change, by rescapd or by the bus policy.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
for call in "Register uint32:4242 uint64:0" "Deregister uint32:4242" "SetCap uint32:4242 uint64:1048576 uint64:10" \
	    "Reset uint32:4242" "SetUnitCap string:/ uint64:1048576 uint64:10" "ResetUnit string:/"; do
	# shellcheck disable=SC2086
	out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.$call 2>&1)
	case "$out" in
	"Error org.freedesktop.DBus.Error.AccessDenied:"*) ;;
	*) fail "nobody: $call: $out" ;;
	esac
done
out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 org.freedesktop.DBus.Properties.Set \
	string:$M string:SampleIntervalUSec variant:uint64:1000000 2>&1) && fail "nobody changed SampleIntervalUSec"
case "$out" in *"org.rescap1.manage"*) ;; *) fail "nobody set-property: $out" ;; esac
# Reads the bus policy lets through (rescapd judges them): metrics'
# counters, a unit's settings, sockets (of pid 1: refused by rescapd, not
# by the bus).
as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.GetCounters >/dev/null 2>&1 ||
	fail "nobody cannot call GetCounters"
for call in "GetUnitConfig string:leak.service" "GetSockets uint32:1" "GetUnitSockets string:leak.service"; do
	# shellcheck disable=SC2086
	out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.$call 2>&1)
	case "$out" in *"Rejected send"*) fail "the bus policy refuses nobody's $call: $out" ;; esac
done
out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.Nope 2>&1)
case "$out" in "Error org.freedesktop.DBus.Error.AccessDenied:"*"Rejected send"*) ;; *) fail "policy: $out" ;; esac
as_nobody busctl --system get-property org.rescap1 /org/rescap1 $M Version >/dev/null || fail "nobody cannot read Version"
as_nobody "$O/bin/rescapctl" register 4242 2>"$d/err"
expect_eq "rescapctl register as nobody: exit status" 4 $?

# Signals only while subscribed, at the configured interval.
timeout 2 busctl --system monitor --match="type='signal',sender='org.rescap1',member='Sample'" >"$d/idle" 2>&1
grep -q 'Member=Sample' "$d/idle" && fail "a Sample signal with nobody subscribed"
busctl --system set-property org.rescap1 /org/rescap1 $M SampleIntervalUSec t 300000 || fail "set interval"
as_nobody timeout 3.2 "$O/bin/rescapctl" --json monitor --samples >"$d/samples"
n=$(grep -c '"event":"sample"' "$d/samples")
# 3 s at 0.3 s: 10; a slow machine may lose a couple, a wrong interval is far off.
[ "$n" -ge 7 ] && [ "$n" -le 11 ] || fail "$n samples in 3 s at 0.3 s (want about 10): $(cat "$d/samples")"
grep -q '"memory_total":[1-9]' "$d/samples" || fail "no memory total in a sample"
# Signals are sent to each subscriber, with what it may read: nobody's
# top lists hold none of root's processes (rescapd, built with ASan, has
# the largest VmData of all), root's do.
grep -q "\"pid\":$daemon," "$d/samples" && fail "nobody was sent root's rescapd in a top list: $(head -c 600 "$d/samples")"
timeout 1.5 "$O/bin/rescapctl" --json monitor --samples >"$d/root-samples"
grep -q "\"top_heap\":\[{\"pid\":$daemon," "$d/root-samples" ||
	fail "root's samples do not show rescapd first: $(head -c 600 "$d/root-samples")"
timeout 1.5 busctl --system monitor --match="type='signal',sender='org.rescap1',member='Sample'" >"$d/after" 2>&1
grep -q 'Member=Sample' "$d/after" && fail "Sample signals went on after the subscriber left"

"$O/bin/rescapctl" --bus status | grep -q '^Backend: *none' || fail "rescapctl status"
kill -0 $daemon || fail "rescapd died"
kill $daemon
wait $daemon
rc=$?
[ $rc = 0 ] || fail "rescapd exit status $rc: $(cat "$d/rescapd.log")"
grep -q 'ERROR: AddressSanitizer\|runtime error' "$d/rescapd.log" && fail "sanitizer: $(cat "$d/rescapd.log")"
exit 0
