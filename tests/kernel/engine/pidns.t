# kernels: stock lsm
# extra-kernels: ours stock612
# Pids in requests are read in the caller's pid namespace and reported in
# the reader's; a recycled pid never meets an old entry.
. ../../lib/lib.sh
rescap_up
dir=$(mktemp -d)

# Inside a new pid namespace (with its own /proc): register a process by
# its pid there, see it there; outside it has another pid.
cat >"$dir/inside.sh" <<INNER
sleep 6543 &
inner=\$!
echo "\$inner" >"$dir/inner"
"$RESCAPCTL" register "\$inner" || exit 1
"$RESCAPCTL" --json get "\$inner" >"$dir/get-inside" || exit 1
cat /proc/rescap >"$dir/proc-inside"
wait
INNER
unshare --pid --fork --mount-proc sh "$dir/inside.sh" &
ns_sh=$!
i=0
while [ ! -s "$dir/get-inside" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
inner=$(cat "$dir/inner")
[ -s "$dir/get-inside" ] || fail "registration inside the pid namespace failed"
grep -q "\"pid\":$inner," "$dir/get-inside" || fail "get inside: $(cat "$dir/get-inside")"
outer=$(ps -e -o pid=,args= | awk '$2 == "sleep" && $3 == "6543" { print $1 }' | head -n 1)
[ -n "$outer" ] && [ "$outer" != "$inner" ] || fail "cannot find the sleeper outside ($outer, $inner)"
"$RESCAPCTL" --json get "$outer" | grep -q "\"pid\":$outer," || fail "get outside by outer pid"
grep -q "^$inner " "$dir/proc-inside" || fail "/proc/rescap inside: $(cat "$dir/proc-inside")"
grep -q "^$outer " /proc/rescap || fail "/proc/rescap outside lacks $outer"
kill "$outer"
wait "$ns_sh" 2>/dev/null

# PID reuse: a small pid space, a tracked process with a tiny fd cap
# exits, and the next process to get its pid is neither tracked nor killed.
old_max=$(cat /proc/sys/kernel/pid_max)
echo 400 >/proc/sys/kernel/pid_max || fail "cannot lower pid_max"
proc_start
victim=$PROC
ctl register "$victim"
ctl cap "$victim" --fds "$(fd_entries "$victim")" --force
proc_do exit
proc_stop
wait_gone "$victim" || fail "$victim did not exit"
reused=
for i in $(seq 1 2000); do
	sh -c 'exec 5</dev/null 6</dev/null 7</dev/null; [ "$$" = "$1" ] && touch "$2"' sh "$victim" "$dir/reused"
	if [ -e "$dir/reused" ]; then reused=yes; break; fi
done
echo "$old_max" >/proc/sys/kernel/pid_max
[ "$reused" = yes ] || fail "pid $victim was not reused in 2000 forks"
ctl_fails "No such process" get "$victim"
[ "$(wc -l </proc/rescap)" = 1 ] || fail "stale entries: $(cat /proc/rescap)"
rm -rf "$dir"
rescap_down
exit 0
