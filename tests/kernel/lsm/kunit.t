# kernels: lsm
# The KUnit tests of the engine (kmod/policy_test.c, kmod/measure_test.c)
# ran at boot and all passed: their KTAP reports are in the kernel log.
. ../../lib/lib.sh

# suite NAME MIN: the KTAP report of suite NAME, with at least MIN cases
# passed and none failed.
suite() {
	ktap=$(dmesg | sed -n 's/^\[[ 0-9.]*\] //p' | sed -n "/# Subtest: $1\$/,/ok [0-9]* $1\$/p")
	[ -n "$ktap" ] || fail "no KTAP report of the $1 suite in the kernel log"
	echo "$ktap"
	cases=$(echo "$ktap" | grep -c '^ *ok [0-9]* rescap_test_')
	failed=$(echo "$ktap" | grep '^ *not ok ' || true)
	[ -z "$failed" ] || fail "KUnit cases of $1 failed: $failed"
	[ "$cases" -ge "$2" ] || fail "only $cases KUnit cases of $1 passed"
	echo "$ktap" | grep -q "^ok [0-9]* $1\$" || fail "the $1 suite did not pass"
}
suite rescap-policy 4
suite rescap-measure 1
exit 0
