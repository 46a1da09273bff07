# The splat detector (tests/vm/splat-scan) finds each kind of kernel report
# and passes a clean boot log with look-alike lines.
. ../lib/lib.sh

scan=$REPO/tests/vm/splat-scan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/clean" <<'LOG'
[    0.155820] rcu: 	RCU lockdep checking is enabled.
[    0.231360] Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
[    0.231677] ... MAX_LOCKDEP_SUBCLASSES:  8
[    0.823429] PCI: Using host bridge windows from ACPI; if necessary, use "pci=nocrs" and report a bug
[    0.900000] kasan: KernelAddressSanitizer initialized (generic)
[    1.000000] KTAP version 1
[    2.000000] rescap: loaded
[FAILED] Failed to start foo.service - Some Unit.
LOG
"$scan" "$tmp/clean" >/dev/null || fail "a clean log was reported as a splat"

check_found() {	# check_found WHAT LINE
	printf '[    0.100000] booting\n%s\n[    0.300000] done\n' "$2" >"$tmp/bad"
	found=$("$scan" "$tmp/bad") && fail "$1 not detected"
	[ -n "$found" ] || fail "$1: no line printed"
}

check_found WARN '[    5.123456] WARNING: CPU: 0 PID: 81 at tests/vm/splat/splat_test.c:17 splat_test_init+0x5/0x10 [splat_test]'
check_found "cut here" '[    5.123400] ------------[ cut here ]------------'
check_found BUG '[    3.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008'
check_found "atomic sleep" '[    3.000000] BUG: sleeping function called from invalid context at mm/slub.c:4112'
check_found Oops '[    3.000000] Oops: 0002 [#1] PREEMPT SMP NOPTI'
check_found "kernel BUG" '[    3.000000] kernel BUG at mm/slub.c:431!'
check_found GPF '[    3.000000] general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1]'
check_found KASAN '[    3.000000] BUG: KASAN: slab-use-after-free in rescap_exit+0x20/0x40'
check_found UBSAN '[    3.000000] UBSAN: shift-out-of-bounds in kmod/engine.c:42:7'
check_found lockdep '[    3.000000] WARNING: possible circular locking dependency detected'
check_found "lockdep off" '[    3.000000] INFO: lockdep is turned off. turning off the locking correctness validator.'
check_found "RCU stall" '[   30.000000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'
check_found "hung task" '[  130.000000] INFO: task kworker/0:1:12 blocked for more than 120 seconds.'
check_found panic '[    3.000000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009'

"$scan" "$tmp/nonexistent" 2>/dev/null
expect_eq "exit status for a missing log" 2 $?
exit 0
