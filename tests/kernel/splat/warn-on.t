# Loads the module that triggers WARN_ON: the runner must catch it.
. ../../lib/lib.sh

ko=$O/kmod/$RTEST_KERNEL/splat/splat_test.ko
insmod "$ko" || fail "insmod $ko failed"
grep -qw splat_test /proc/modules || fail "splat_test did not load"
rmmod splat_test || fail "rmmod splat_test failed"
exit 0
