# kernels: stock
# (Stock only: the debug kernel (KASAN, lockdep) is several times slower
# under TCG, and what is fuzzed is rescapd, the same on every kernel.)
# The D-Bus fuzzer (tests/helpers/rtest-dbus-fuzz), random and malformed
# calls to every method and property of rescapd: make check sends 2,000 as
# root and 500 as nobody (2,500 in all, for its time: 4,000 + 1,000 took
# 85 s in a fresh make check; RTEST_DBUS_FUZZ_N sets both, make fuzz sends
# 20,000 each way), seed RTEST_FUZZ_SEED (and that plus one for nobody).
# Every call gets a documented answer, rescapd keeps its pid, its VmRSS
# stays within 10% of what it was after call 1,000 (call 200 of a run of
# 1,000), and valid calls work at the end. On stock under TCG, 2026-11-26,
# on a loaded host, with rescapd's polkit still synchronous: 2,500 calls
# as root took 38 to 110 s, 2,500 as nobody 131 s or more (every change
# nobody asks for waits for polkit), hence fewer calls as nobody. Seeds 1
# and 2 at 4,000 + 1,000: 101 s + 98 s, VmRSS 3500 -> 3520 kB.
#
# The fuzzer gets caps that can act on a process only for its targets:
# sleep processes and transient units started here; every other pid and
# group (pid 1, rescapd, the fuzzer, random ones) gets only caps no process
# reaches.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

N_ROOT=${RTEST_DBUS_FUZZ_N:-2000}
N_NOBODY=${RTEST_DBUS_FUZZ_N:-500}
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

# rescapd never registers itself (it would lock itself out): the fuzzer
# sends Register of its pid among the others; here it is asked once.
out=$(busctl call org.rescap1 /org/rescap1 $M Register ut "$pid0" 0 2>&1) &&
	fail "rescapd registered its own pid $pid0"
case "$out" in *"cannot track itself"*) ;; *) fail "Register of rescapd's own pid: $out" ;; esac

start=$(date +%s)
"$FUZZ" --seed "$SEED" --count $N_ROOT --errors "$ERRORS" --pids "$pids" --units "$UNITS" ||
	fail "fuzz as root: rtest-dbus-fuzz --seed $SEED --count $N_ROOT failed"
as_nobody "$FUZZ" --seed $((SEED + 1)) --count $N_NOBODY --errors "$ERRORS" --pids "$pids" --units "$UNITS" ||
	fail "fuzz as nobody: rtest-dbus-fuzz --seed $((SEED + 1)) --count $N_NOBODY failed"
echo "fuzz: $((N_ROOT + N_NOBODY)) calls in $(($(date +%s) - start)) s"

expect_eq "rescapd's MainPID" "$pid0" "$(systemctl show -p MainPID --value rescapd.service)"
systemctl is-active --quiet rescapd || fail "rescapd is not active"
exit 0
