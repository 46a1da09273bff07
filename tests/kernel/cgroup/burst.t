# Processes forked inside a capped cgroup are governed from their start: a
# burst of short-lived processes, half of them going over the fd cap, half
# staying under. Exactly the ones over are killed, each reported once, and
# the cgroup's kill count says so.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-burst
# rtest-proc starts with 4 descriptors (stdin, stdout, stderr, its status file).
ctl cap --cgroup rt-burst --fds 20
events_start
n=40
out=$(sh -c '
	echo $$ >"$1/cgroup.procs" || exit 1
	i=0
	while [ $i -lt "$3" ]; do
		printf "open 5\n" | "$2" >/dev/null; echo "under $?"
		printf "open 30\n" | "$2" >/dev/null; echo "over $?"
		i=$((i + 1))
	done' sh $cg/rt-burst "$O/bin/rtest-proc" $n 2>&1)
events_stop >/dev/null
expect_eq "processes under the cap that exited normally" $n "$(echo "$out" | grep -c '^under 0$')"
expect_eq "processes over the cap killed (SIGKILL)" $n "$(echo "$out" | grep -c '^over 137$')"
expect_eq "killed events" $n "$(grep -c '"event":"killed",.*"policy":"cgroup","policy_cgroup":"/rt-burst"' "$EVENTS")"
"$RESCAPCTL" --json get --cgroup rt-burst | grep -q "\"kills\":$n," ||
	fail "kills: $("$RESCAPCTL" --json get --cgroup rt-burst)"
# None of them left an entry behind.
expect_eq "entries left in /proc/rescap" 0 "$(awk 'NR > 1' /proc/rescap | wc -l)"
cgroup_rmtree $cg/rt-burst
expect_eq "policies after rmdir" "[]" "$("$RESCAPCTL" --json list --cgroups)"
rm -f "$EVENTS"
rescap_down
exit 0
