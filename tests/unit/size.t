# Sizes as admins write them (cgroupd/size.c), under ASan and UBSan.
. ../lib/lib.sh
"$O/tests/test-size" || fail "test-size failed"
exit 0
