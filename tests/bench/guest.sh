# SPDX-License-Identifier: GPL-2.0
# The guest side of make bench: every configuration side by side in one
# boot, in interleaved rounds, medians compared to "not loaded" (module
# kernels) or "nothing tracked" (the lsm kernel, where rescap is built in
# and its hooks are always called).
# Environment: O, RTEST_KMOD, BENCH_ROUNDS (default 5), BENCH_CROWD
# (default 10000).
. "$REPO/tests/lib/lib.sh"
set +u
rounds=${BENCH_ROUNDS:-5}
crowd=${BENCH_CROWD:-10000}
raw=/tmp/bench.raw
: >"$raw"
dir=$(mktemp -d)
mkfifo "$dir/in" "$dir/out"
"$O/bin/rtest-bench" run <"$dir/in" >"$dir/out" &
bench=$!
exec 5>"$dir/in" 6<"$dir/out"

measure() {	# measure CONFIG: one run of every benchmark
	echo run >&5
	while read -r line <&6; do
		[ "$line" = done ] && break
		echo "$1 $line" >>"$raw"
	done
}
quiet() { "$@" >/dev/null 2>&1; }

# rescap_on / rescap_off: the module loaded or not; nothing on the LSM.
if [ "$RTEST_KERNEL" = lsm ]; then
	rescap_on() { :; }
	rescap_off() { :; }
else
	rescap_on() { quiet insmod "$RTEST_KMOD/rescap.ko"; }
	rescap_off() { quiet rmmod rescap; }
fi

if [ "$RTEST_KERNEL" = lsm ]; then
	# One other process tracked: the hooks get past "nothing tracked"
	# and look the benchmark up (its thread's blob).
	sleep 100000 &
	other=$!
	for r in $(seq 1 "$rounds"); do
		measure base
		"$RESCAPCTL" register "$other" || fail "register"
		measure untracked
		"$RESCAPCTL" register "$bench" && "$RESCAPCTL" cap "$bench" --heap 1G --fds 10000 || fail "register"
		measure tracked
		"$RESCAPCTL" deregister "$bench" && "$RESCAPCTL" deregister "$other" || fail "deregister"
	done
	kill "$other"
else
for r in $(seq 1 "$rounds"); do
	measure base
	quiet insmod "$RTEST_KMOD/test/tp_cost.ko" || fail "tp_cost"
	measure sys_exit-tp
	quiet rmmod tp_cost
	quiet insmod "$RTEST_KMOD/test/kp_cost.ko" || fail "kp_cost"
	measure kprobes
	quiet rmmod kp_cost
	quiet insmod "$RTEST_KMOD/rescap.ko" || fail "insmod rescap"
	measure loaded
	"$RESCAPCTL" register "$bench" && "$RESCAPCTL" cap "$bench" --heap 1G --fds 10000 || fail "register"
	measure tracked
	quiet rmmod rescap
done
fi

# The crowd: first alive and untracked, rescap not loaded (its own base),
# then all tracked.
mkfifo "$dir/hold"
"$O/bin/rtest-bench" hold "$crowd" <"$dir/hold" >"$dir/ready" &
holder=$!
exec 7>"$dir/hold"
wait_line() {
	until grep -q "$1" "$dir/ready" 2>/dev/null; do
		kill -0 "$holder" 2>/dev/null || fail "the crowd of $crowd processes failed"
		sleep 1
	done
}
wait_line ready
for r in $(seq 1 "$rounds"); do
	measure crowd-base
done
rescap_on
echo register >&7
wait_line registered
echo "# $(($(wc -l </proc/rescap) - 1)) processes tracked"
for r in $(seq 1 "$rounds"); do
	measure untracked+crowd
	"$RESCAPCTL" register "$bench" && "$RESCAPCTL" cap "$bench" --heap 1G --fds 10000 || fail "register"
	measure tracked+crowd
	"$RESCAPCTL" deregister "$bench"
done
exec 7>&-
wait "$holder"
exec 5>&- 6<&-
wait "$bench"
rescap_off

# Medians, and ratios to base.
awk -v crowd="$crowd" -v lsm="$([ "$RTEST_KERNEL" = lsm ] && echo 1 || echo 0)" '
{
	cfg = $1; val = $NF; $1 = ""; $NF = ""; name = substr($0, 2, length($0) - 2)
	key = cfg SUBSEP name; n[key]++; v[key, n[key]] = val
	if (!(name in seen_b)) { seen_b[name] = 1; benches[++nb] = name }
	if (!(cfg in seen_c)) { seen_c[cfg] = 1; cfgs[++nc] = cfg }
}
function median(key,   i, j, t, m, a) {
	m = n[key]
	for (i = 1; i <= m; i++) a[i] = v[key, i]
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
END {
	printf "%-16s %10s", "benchmark", "base ns/op"
	for (c = 2; c <= nc; c++) if (cfgs[c] != "crowd-base") printf " %15s", cfgs[c]
	printf "\n"
	for (b = 1; b <= nb; b++) {
		base = median("base" SUBSEP benches[b])
		cbase = median("crowd-base" SUBSEP benches[b])
		printf "%-16s %10.0f", benches[b], base
		for (c = 2; c <= nc; c++) {
			if (cfgs[c] == "crowd-base") continue
			ref = cfgs[c] ~ /crowd/ ? cbase : base
			printf " %15.3f", median(cfgs[c] SUBSEP benches[b]) / ref
		}
		printf "\n"
	}
	if (lsm) {
		printf "\nRatio of the median time per operation to nothing tracked (the LSM is built in:\n"
		printf "its hooks are called in every column). untracked: another process tracked, the\n"
		printf "benchmark not. tracked: the benchmark tracked, caps not hit.\n"
		printf "+crowd: %d other processes alive and tracked, against the same crowd alive and\n", crowd
		printf "untracked.\n"
		exit
	}
	printf "\nRatio of the median time per operation to rescap not loaded.\n"
	printf "sys_exit-tp: an empty probe on the sys_exit tracepoint; kprobes: empty kprobes on\n"
	printf "may_expand_vm, alloc_fd and do_dup2 (the alternatives to what rescap attaches with).\n"
	printf "loaded: rescap loaded, nothing tracked. tracked: the benchmark tracked, caps not hit.\n"
	printf "+crowd: %d other processes alive and tracked, against the same crowd alive and\n", crowd
	printf "untracked with rescap not loaded.\n"
}' "$raw"
