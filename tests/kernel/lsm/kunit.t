# kernels: lsm
# The KUnit tests of the engine (kmod/policy_test.c) ran at boot and all
# passed: their KTAP report is in the kernel log.
. ../../lib/lib.sh

ktap=$(dmesg | sed -n 's/^\[[ 0-9.]*\] //p' | sed -n '/# Subtest: rescap-policy/,/ok [0-9]* rescap-policy$/p')
[ -n "$ktap" ] || fail "no KTAP report of the rescap-policy suite in the kernel log"
echo "$ktap"
cases=$(echo "$ktap" | grep -c '^ *ok [0-9]* rescap_test_')
failed=$(echo "$ktap" | grep '^ *not ok ' || true)
[ -z "$failed" ] || fail "KUnit cases failed: $failed"
[ "$cases" -ge 4 ] || fail "only $cases KUnit cases passed"
echo "$ktap" | grep -q '^ok [0-9]* rescap-policy$' || fail "the rescap-policy suite did not pass"
exit 0
