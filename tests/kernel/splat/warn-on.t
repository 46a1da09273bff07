# Loads the module that triggers WARN_ON: the runner must catch it.
. ../../lib/lib.sh

ko=$RTEST_KMOD/test/splat_test.ko
insmod "$ko" || fail "insmod $ko failed"
grep -qw splat_test /proc/modules || fail "splat_test did not load"
rmmod splat_test || fail "rmmod splat_test failed"
exit 0
