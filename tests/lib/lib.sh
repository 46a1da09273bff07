# SPDX-License-Identifier: GPL-2.0
#
# Helpers for tests (*.t), sourced as ". ../../lib/lib.sh" from a suite
# directory. A test fails by exiting non-zero (fail does that with a
# message) and skips by exiting 77 (skip).
#
# Environment from the runner: REPO, O (build directory), RTEST_KERNEL
# (stock or ours; host for host tests), RTEST_KMOD (the directory of the
# modules built for the running kernel).

set -u

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# The rescap module built for the running kernel.
rescap_ko() {
	echo "$RTEST_KMOD/rescap.ko"
}

load_rescap() {
	insmod "$(rescap_ko)" || fail "insmod $(rescap_ko) failed"
}

unload_rescap() {
	rmmod rescap || fail "rmmod rescap failed"
}
