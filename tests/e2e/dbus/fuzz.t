# The D-Bus fuzzer (tests/helpers/rtest-dbus-fuzz): RTEST_DBUS_FUZZ_N calls
# as root and as many as nobody (make check: 2,500 each, 5,000 in all,
# about 90 + 60 s on the stock kernel under TCG; make fuzz sends more),
# random and malformed, to every method and property of rescapd (seed
# RTEST_FUZZ_SEED, and that plus one for nobody). Every call gets a
# documented answer, rescapd keeps its pid, its VmRSS stays within 10% of
# what it was after call 1,000, and valid calls work at the end.
#
# The fuzzer gets caps that can act on a process only for its targets:
# sleep processes and transient units started here; every other pid and
# group (pid 1, rescapd, the fuzzer, random ones) gets only caps no process
# reaches.
. ../../lib/lib.sh
# make check runs it on stock only: the debug kernel (KASAN, lockdep) is
# several times slower under TCG; RTEST_DBUS_FUZZ_N runs it anywhere.
[ "$RTEST_KERNEL" = stock ] || [ -n "${RTEST_DBUS_FUZZ_N:-}" ] ||
	skip "the D-Bus fuzzer runs on stock in make check (RTEST_DBUS_FUZZ_N=N for $RTEST_KERNEL)"
. ./setup.sh
rescapd_up

N=${RTEST_DBUS_FUZZ_N:-2500}
SEED=${RTEST_FUZZ_SEED:-1}
FUZZ="$O/bin/rtest-dbus-fuzz"
ERRORS="$REPO/dbus/org.rescap1.5"
UNITS="fuzz-1.service,fuzz-2.service"
pids=
for i in 1 2 3; do
	sleep 1000 >/dev/null 2>&1 &
	pids="$pids,$!"
	setpriv --reuid nobody --regid nogroup --clear-groups -- sleep 1000 >/dev/null 2>&1 &
	pids="$pids,$!"
done
pids=${pids#,}
for u in fuzz-1 fuzz-2; do
	systemd-run --quiet --unit=$u.service sleep 1000 || fail "systemd-run $u"
done
cleanup() {
	for u in fuzz-1 fuzz-2; do
		busctl call org.rescap1 /org/rescap1 $M ResetUnit s $u.service >/dev/null 2>&1
		systemctl stop $u.service 2>/dev/null
	done
	# shellcheck disable=SC2046
	kill $(echo "$pids" | tr , ' ') 2>/dev/null
	busctl set-property org.rescap1 /org/rescap1 $M SampleIntervalUSec t "$interval" 2>/dev/null
}
trap cleanup EXIT
interval=$(busctl get-property org.rescap1 /org/rescap1 $M SampleIntervalUSec | cut -d' ' -f2)
pid0=$(systemctl show -p MainPID --value rescapd.service)

# Known issues of rescapd, each left out of the fuzzing by name (the fuzzer
# says so at its start) and probed here: the probe fails once the issue is
# fixed, so the name is then taken off this list.
#   self-register: Register of rescapd's own pid is accepted; rescapd is
#   then tracked and the kernel refuses its every change (AccessDenied,
#   Deregister included): issue 13, item 1. Found by seed 1 as root.
KNOWN=self-register
if busctl call org.rescap1 /org/rescap1 $M Register ut "$pid0" 0 2>/dev/null; then
	echo "KNOWN ISSUE self-register: rescapd registered its own pid $pid0 (issue 13, item 1)"
	"$CTL" --kernel deregister "$pid0" || fail "cannot deregister rescapd (pid $pid0) from the kernel"
else
	fail "Register of rescapd's own pid is refused now: take self-register off KNOWN in fuzz.t"
fi

start=$(date +%s)
"$FUZZ" --seed "$SEED" --count $N --errors "$ERRORS" --pids "$pids" --units "$UNITS" --known-issues $KNOWN ||
	fail "fuzz as root: rtest-dbus-fuzz --seed $SEED --count $N failed"
as_nobody "$FUZZ" --seed $((SEED + 1)) --count $N --errors "$ERRORS" --pids "$pids" --units "$UNITS" \
	--known-issues $KNOWN ||
	fail "fuzz as nobody: rtest-dbus-fuzz --seed $((SEED + 1)) --count $N failed"
echo "fuzz: $((2 * N)) calls in $(($(date +%s) - start)) s"

expect_eq "rescapd's MainPID" "$pid0" "$(systemctl show -p MainPID --value rescapd.service)"
systemctl is-active --quiet rescapd || fail "rescapd is not active"
exit 0
