# kernels: stock lsm
# extra-kernels: ours stock612
# Every bad request gets its errno, and the module stays usable.
. ../../lib/lib.sh
rescap_up
proc_start

# Unknown process, pid 1, kernel threads, pid 0.
dead=$(sh -c 'echo $$')
nl_expect ESRCH register pid=u32:$dead
ctl_fails "No such process" register "$dead"
nl_expect EINVAL register pid=u32:1
ctl_fails "Invalid argument" register 1
kthread=$(ps -e -o pid=,comm= | awk '$2 == "kthreadd" { print $1 }')
[ -n "$kthread" ] || fail "no kthreadd"
nl_expect EINVAL register pid=u32:$kthread
nl_expect EINVAL register pid=u32:0

# Exactly one of pid and pidfd.
nl_expect EINVAL register
nl_expect EINVAL register pid=u32:$PROC pidfd=s32:0
nl_expect EBADF register pidfd=s32:99
nl_expect EBADF register pidfd=s32:0		# stdin: not a pidfd

# Not tracked.
for cmd in deregister get set-cap reset; do
	nl_expect ENOENT $cmd pid=u32:$PROC
done

# Double registration.
nl_expect ok register pid=u32:$PROC
nl_expect EEXIST register pid=u32:$PROC
ctl_fails "File exists" register "$PROC"

# Bad attributes and values.
nl_expect EINVAL register pid=u32:$PROC flags=u32:2	# unknown flag
# Below cap-min / above soft-pct-max: the family's policy refuses them
# before any handler (include/rescap.yaml checks:), with ERANGE.
nl_expect ERANGE set-cap pid=u32:$PROC heap-cap=u64:0
nl_expect ERANGE set-cap pid=u32:$PROC fd-cap=u64:0
nl_expect ERANGE set-cap pid=u32:$PROC soft-pct=u32:100
nl_expect ERANGE set-cap pid=u32:$PROC action=u32:0	# out of the enum
nl_expect ERANGE set-cap pid=u32:$PROC action=u32:9
nl_expect EINVAL set-cap pid=u32:$PROC heap-cap=u32:5	# wrong size
nl_expect EINVAL set-cap pid=u32:$PROC 200=u32:1	# unknown attribute
if [ "$RTEST_KERNEL" = lsm ]; then
	nl_expect ok set-cap pid=u32:$PROC action=u32:2	# deny: LSM only
	nl_expect ok set-cap pid=u32:$PROC action=u32:1
else
	nl_expect EOPNOTSUPP set-cap pid=u32:$PROC action=u32:2
fi
nl_expect EOPNOTSUPP 42

# Nothing of that changed the entry.
[ "$("$RESCAPCTL" --json get $PROC | grep -c '"heap_cap":null')" = 1 ] ||
	fail "heap cap changed by a refused request"

# The CLI's own errors: usage (2), and the module not loaded (3).
"$RESCAPCTL" frobnicate 2>/dev/null; expect_eq "unknown command" 2 $?
"$RESCAPCTL" cap "$PROC" --heap 12Q 2>/dev/null; expect_eq "bad size" 2 $?
"$RESCAPCTL" get notapid 2>/dev/null; expect_eq "bad pid" 2 $?

ctl deregister "$PROC"
proc_stop
rescap_down
if [ "$RTEST_KERNEL" != lsm ]; then
	"$RESCAPCTL" list 2>/dev/null; expect_eq "module not loaded" 3 $?
fi
exit 0
