# kernels: stock lsm
# extra-kernels: ours stock612
# Thousands of cgroups with policies: each is listed, a member of any of
# them is held to its own cgroup's cap, a process outside all of them is
# not touched, and removing the cgroups removes every policy.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
n=2000
cgroup_fresh $cg/rt-many
start=$(date +%s)
out=$("$O/bin/rtest-nl" --cgroup-caps $cg/rt-many $n)
expect_eq "making $n cgroups with caps" ok "$out"
echo "$n cgroups made and capped in $(( $(date +%s) - start )) s"
expect_eq "policies listed" $n "$("$RESCAPCTL" list --cgroups | awk 'NR > 1' | wc -l)"
"$RESCAPCTL" list --cgroups | grep -q "^[0-9]* *infinity *1510 kill *0 *0 /rt-many/g1500$" ||
	fail "g1500 in the list: $("$RESCAPCTL" list --cgroups | grep g1500)"

# A member of g5 (cap 15) dies at its 16th descriptor ...
proc_start_in $cg/rt-many/g5
fds=$(fd_entries "$PROC")
proc_do open $((15 - fds))
case "$REPLY" in ok*) ;; *) fail "up to the cap of g5: '$REPLY'" ;; esac
proc_do open 1
expect_eq "over the cap of g5" dead "$REPLY"
proc_stop
# ... a member of g1990 (cap 2000) does not.
proc_start_in $cg/rt-many/g1990
proc_do open 100
case "$REPLY" in ok*) ;; *) fail "in g1990: '$REPLY'" ;; esac
proc_stop
# Outside: many growths, untouched.
proc_start
proc_do open 1000
case "$REPLY" in ok*) ;; *) fail "outside the cgroups: '$REPLY'" ;; esac
proc_do close 1000
proc_stop

cgroup_rmtree $cg/rt-many
expect_eq "policies after removing the cgroups" "[]" "$("$RESCAPCTL" --json list --cgroups)"
rescap_down
exit 0
