# The caps of a unit from its layers (cgroupd/unit-config.c): vendor, unit
# file and drop-ins, /etc, /run; templates; bad lines kept apart; files
# that cannot be read; long names; under ASan and UBSan.
. ../lib/lib.sh
"$O/tests/test-unit-config" || fail "test-unit-config failed"
exit 0
