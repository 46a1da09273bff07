# RTEST_FUZZ_N (default 50,000) random and mutated messages to the rescap
# family (tests/helpers/rtest-fuzz.c): random commands, attribute types,
# lengths, nesting, header flags, dump and do, as root in a sandbox (its
# own pid namespace, cgroup namespace and cgroup) and as nobody. Then the
# family must still answer correctly, and the console must stay clean
# (console-clean: no KASAN, lockdep, WARN or BUG report).
. ../../lib/lib.sh
rescap_up
n=${RTEST_FUZZ_N:-50000}
[ -n "$n" ] || n=50000
seed=${RTEST_FUZZ_SEED:-1}

sb=/sys/fs/cgroup/rtest-fuzz
cgroup_fresh "$sb"
mkdir "$sb/w" || fail "cannot make $sb/w"
out=$("$O/bin/rtest-fuzz" "$sb" "$n" "$seed") || fail "rtest-fuzz (seed $seed): exit status $?: $out"
echo "rtest-fuzz on $RTEST_KERNEL, seed $seed: $out" | tee /dev/kmsg
set -- $out
[ "$1" = sent ] && [ "$2" -ge "$n" ] || fail "sent fewer than $n messages: $out"
[ "$4" -gt 0 ] || fail "no reply at all: $out"

# Every process of the sandbox is gone with its pid 1.
wait_eq 50 "processes left in the sandbox" "" cat "$sb/cgroup.procs" "$sb/w/cgroup.procs"
"$RESCAPCTL" reset --cgroup "$sb/w" 2>/dev/null
cgroup_rmtree "$sb"

# The family still answers, and right.
proc_start
ctl register "$PROC" --fds 100 --heap 1G --action kill
got=$("$RESCAPCTL" --json get "$PROC")
case "$got" in *'"heap_cap":1073741824'*'"fd_cap":100,"action":"kill"'*) ;;
*) fail "get after the fuzzing: $got" ;; esac
"$RESCAPCTL" list | grep -q "^$PROC " || fail "list after the fuzzing: $("$RESCAPCTL" list)"
ctl deregister "$PROC"
ctl_fails "No such file or directory" get "$PROC"
nl_expect EINVAL register pid=u32:1
proc_stop

rescap_down
exit 0
