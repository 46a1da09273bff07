# Bytes from the kernel or /proc made into text (cgroupd/utf8.c): invalid
# UTF-8, overlong forms, surrogates, cuts, controls, and valid text kept
# as it is; under ASan and UBSan.
. ../lib/lib.sh
"$O/tests/test-utf8" || fail "test-utf8 failed"
exit 0
