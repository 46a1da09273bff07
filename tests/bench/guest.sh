# SPDX-License-Identifier: GPL-2.0
# The guest side of make bench: every configuration side by side in one
# boot, in interleaved rounds (a new random order in each round), medians
# compared to "not loaded" (module kernels) or "nothing tracked" (the lsm
# kernel, where rescap is built in and its hooks are always called).
# Each configuration is set up from nothing (rescap not loaded on the
# module kernels, nothing tracked, no cgroup policy, the benchmark in its
# own cgroup) just before it is measured, and torn down just after.
# Environment: O, RTEST_KMOD, BENCH_ROUNDS (default 5), BENCH_CROWD
# (default 10000), BENCH_CGROUPS (default 2000), BENCH_RAW (1: print
# every measure, "# raw CONFIG BENCHMARK NS_PER_OP", in the order made),
# BENCH_BEFORE_KMOD (module kernels: the directory of another build of
# rescap.ko, e.g. an older tree's; its loaded, tracked and tracked+bigfds
# columns are measured too, as before:NAME, in the same rounds).
. "$REPO/tests/lib/lib.sh"
. "$REPO/tests/bench/crowd.sh"
set +u
rounds=${BENCH_ROUNDS:-5}
crowd=${BENCH_CROWD:-10000}
ncg=${BENCH_CGROUPS:-2000}
# The large-table and many-VMA columns: the benchmark holds this many
# descriptors, or as many VMAs (every other page read-only).
big=${BENCH_BIG:-100000}
ulimit -n $((big + 1000)) || fail "cannot raise RLIMIT_NOFILE to hold $big descriptors"
sysctl -qw vm.max_map_count=$((big + 65536)) || fail "cannot raise vm.max_map_count"
raw=/tmp/bench.raw
label=
times=/tmp/bench.times
: >"$raw"
: >"$times"
dir=$(mktemp -d)
mkfifo "$dir/in" "$dir/out"
"$O/bin/rtest-bench" run <"$dir/in" >"$dir/out" &
bench=$!
exec 5>"$dir/in" 6<"$dir/out"

hold() {	# hold fds|vmas N: the benchmark holds N descriptors, or N VMAs
	echo "$1 $2" >&5
	read -r _line <&6
	[ "$_line" = ok ] || fail "the benchmark cannot hold $2 $1: $_line"
}
measure() {	# measure CONFIG: one run of every benchmark (as $label if set)
	echo run >&5
	while read -r line <&6; do
		[ "$line" = done ] && break
		echo "${label:-$1} $line" >>"$raw"
	done
}
quiet() { "$@" >/dev/null 2>&1; }

# The cgroups, all at depth 2: the benchmark lives in $home, where no
# cgroup of its ancestry ever has a policy; $gov gets a policy for the
# governed columns (the benchmark moved there for them); $many/g1 ...
# gN get one each for the +Ncg columns.
cg=/sys/fs/cgroup
home=$cg/bench-free/x
gov=$cg/bench-gov/x
many=$cg/bench-cg
mkdir -p "$home" "$gov" "$many" || fail "cannot make the cgroups"
moveto() { echo "$bench" >"$1/cgroup.procs" || fail "cannot move the benchmark to $1"; }
moveto "$home"

# rescap_on / rescap_off: the module loaded or not; nothing on the LSM.
if [ "$RTEST_KERNEL" = lsm ]; then
	rescap_on() { :; }
	rescap_off() { :; }
else
	rescap_on() { quiet insmod "$kmod/rescap.ko" || fail "insmod $kmod/rescap.ko"; }
	rescap_off() { unload_rescap; }
fi

# policies_on / policies_off: the N cgroups with a policy each, or none
# (on the module kernels rmmod removes them).
policies_on() {
	_t=$("$O/bin/rtest-bench" cgroups "$many" "$ncg" set) || fail "setting $ncg policies"
	echo "set $_t" >>"$times"
	policies_are "$ncg"
}
policies_off() {
	[ "$RTEST_KERNEL" = lsm ] || return 0
	_t=$("$O/bin/rtest-bench" cgroups "$many" "$ncg" reset) || fail "removing $ncg policies"
	echo "reset $_t" >>"$times"
	policies_are 0
}
policies_are() {
	_n=$("$RESCAPCTL" list --cgroups | awk 'NR > 1' | wc -l)
	[ "$_n" = "$1" ] || fail "$_n cgroup policies, not $1"
}
governed_on() {
	"$RESCAPCTL" cap --cgroup "$gov" --heap 1G --fds 10000 || fail "cap --cgroup"
	moveto "$gov"
}
governed_off() {
	moveto "$home"
	[ "$RTEST_KERNEL" = lsm ] || return 0
	"$RESCAPCTL" reset --cgroup "$gov" || fail "reset --cgroup"
}
track() {
	"$RESCAPCTL" register "$bench" && "$RESCAPCTL" cap "$bench" --heap 1G --fds 10000 ||
		fail "register"
}

gcols="ungoverned+${ncg}cg governed governed+${ncg}cg"
# base+bigfds / tracked+bigfds: the benchmark holding $big descriptors,
# rescap not loaded (nothing tracked on the LSM) / it tracked; the same
# with $big VMAs.
bcols="base+bigfds tracked+bigfds governed+bigfds base+bigvmas tracked+bigvmas"
if [ "$RTEST_KERNEL" = lsm ]; then
	# One other process tracked: the hooks get past "nothing tracked"
	# and look the benchmark up (its thread's blob).
	sleep 100000 &
	other=$!
	cols="base untracked tracked $gcols $bcols"
else
	cols="base sys_exit-tp kprobes loaded tracked $gcols $bcols"
	[ -n "${BENCH_BEFORE_KMOD:-}" ] &&
		cols="$cols before:loaded before:tracked before:governed before:tracked+bigfds"
fi
kmod=$RTEST_KMOD

# config NAME: set NAME up from nothing, measure it, tear it down.
# before:NAME is NAME with the module of BENCH_BEFORE_KMOD.
config() {
	case "$1" in
	before:*)
		kmod=$BENCH_BEFORE_KMOD
		label=$1
		config "${1#before:}"
		kmod=$RTEST_KMOD
		label=
		return ;;
	base)
		measure base ;;
	sys_exit-tp)
		quiet insmod "$RTEST_KMOD/test/tp_cost.ko" || fail "tp_cost"
		measure "$1"
		quiet rmmod tp_cost ;;
	kprobes)
		quiet insmod "$RTEST_KMOD/test/kp_cost.ko" || fail "kp_cost"
		measure "$1"
		quiet rmmod kp_cost ;;
	loaded)
		rescap_on
		measure "$1"
		rescap_off ;;
	untracked)
		"$RESCAPCTL" register "$other" || fail "register"
		measure "$1"
		"$RESCAPCTL" deregister "$other" || fail "deregister" ;;
	tracked)
		rescap_on
		track
		measure "$1"
		if [ "$RTEST_KERNEL" = lsm ]; then
			"$RESCAPCTL" deregister "$bench" || fail "deregister"
		fi
		rescap_off ;;
	base+big*)
		hold "${1#base+big}" "$big"
		measure "$1"
		hold "${1#base+big}" 0 ;;
	tracked+big*)
		hold "${1#tracked+big}" "$big"
		rescap_on
		# An fd cap four times what it holds: not near, as in "tracked".
		"$RESCAPCTL" register "$bench" && "$RESCAPCTL" cap "$bench" --heap 1G --fds $((big * 4)) ||
			fail "register"
		measure "$1"
		if [ "$RTEST_KERNEL" = lsm ]; then
			"$RESCAPCTL" deregister "$bench" || fail "deregister"
		fi
		rescap_off
		hold "${1#tracked+big}" 0 ;;
	governed+big*)
		hold "${1#governed+big}" "$big"
		rescap_on
		# Its cgroup's fd cap four times what it holds, as tracked+big*.
		"$RESCAPCTL" cap --cgroup "$gov" --heap 1G --fds $((big * 4)) || fail "cap --cgroup"
		moveto "$gov"
		measure "$1"
		governed_off
		rescap_off
		hold "${1#governed+big}" 0 ;;
	ungoverned+*)
		rescap_on
		policies_on
		measure "$1"
		policies_off
		rescap_off ;;
	governed)
		rescap_on
		governed_on
		measure "$1"
		governed_off
		rescap_off ;;
	governed+*)
		rescap_on
		policies_on
		governed_on
		measure "$1"
		governed_off
		policies_off
		rescap_off ;;
	*)
		fail "no configuration $1" ;;
	esac
}

for r in $(seq 1 "$rounds"); do
	order=$(shuf -e $cols | tr '\n' ' ')
	echo "# round $r: $order"
	for c in $order; do
		config "$c"
	done
done
[ "$RTEST_KERNEL" = lsm ] && kill "$other"
awk '{ n[$1]++; s[$1] = s[$1] " " $2 }
     END { for (k in n) printf "# %s %d policies (s):%s\n", k == "set" ? "setting" : "removing", '"$ncg"', s[k] }' "$times"

# The crowd: first alive and untracked, rescap not loaded (its own base),
# then all tracked.
crowd_start "$crowd" "$dir"
for r in $(seq 1 "$rounds"); do
	measure crowd-base
done
rescap_on
crowd_register
echo "# $(($(wc -l </proc/rescap) - 1)) processes tracked"
for r in $(seq 1 "$rounds"); do
	for c in $(shuf -e untracked+crowd tracked+crowd); do
		[ "$c" = tracked+crowd ] && track
		measure "$c"
		[ "$c" = tracked+crowd ] && "$RESCAPCTL" deregister "$bench"
	done
done
crowd_stop
exec 5>&- 6<&-
wait "$bench"
rescap_off

[ "$BENCH_RAW" = 1 ] && sed 's/^/# raw /' "$raw"

# Medians, and ratios to base, in the order of $cols.
awk -v crowd="$crowd" -v ncg="$ncg" -v big="$big" -v cols="$cols untracked+crowd tracked+crowd" \
    -v lsm="$([ "$RTEST_KERNEL" = lsm ] && echo 1 || echo 0)" '
BEGIN { nc = split(cols, cfgs, " ") }
{
	cfg = $1; val = $NF; $1 = ""; $NF = ""; name = substr($0, 2, length($0) - 2)
	key = cfg SUBSEP name; n[key]++; v[key, n[key]] = val
	if (!(name in seen_b)) { seen_b[name] = 1; benches[++nb] = name }
}
function median(key,   i, j, t, m, a) {
	m = n[key]
	for (i = 1; i <= m; i++) a[i] = v[key, i]
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
END {
	printf "%-16s %10s", "benchmark", "base ns/op"
	for (c = 2; c <= nc; c++) {
		w[c] = length(cfgs[c]) < 8 ? 8 : length(cfgs[c])
		printf " %" w[c] "s", cfgs[c]
	}
	printf "\n"
	for (b = 1; b <= nb; b++) {
		base = median("base" SUBSEP benches[b])
		cbase = median("crowd-base" SUBSEP benches[b])
		printf "%-16s %10.0f", benches[b], base
		for (c = 2; c <= nc; c++) {
			ref = cfgs[c] ~ /crowd/ ? cbase : base
			if (cfgs[c] ~ /^(before:)?(tracked|governed)\+big/) {
				bref = cfgs[c]
				sub(/^(before:)?(tracked|governed)/, "base", bref)
				ref = median(bref SUBSEP benches[b])
			}
			if (n[cfgs[c] SUBSEP benches[b]] && ref)
				printf " %" w[c] ".3f", median(cfgs[c] SUBSEP benches[b]) / ref
			else
				printf " %" w[c] "s", "-"
		}
		printf "\n"
	}
	if (lsm) {
		printf "\nRatio of the median time per operation to nothing tracked (the LSM is built in:\n"
		printf "its hooks are called in every column). untracked: another process tracked, the\n"
		printf "benchmark not. tracked: the benchmark tracked, caps not hit.\n"
	} else {
		printf "\nRatio of the median time per operation to rescap not loaded.\n"
		printf "sys_exit-tp: an empty probe on the sys_exit tracepoint; kprobes: empty kprobes on\n"
		printf "may_expand_vm, alloc_fd and do_dup2 (the alternatives to what rescap attaches with).\n"
		printf "loaded: rescap loaded, nothing tracked, no cgroup policy. tracked: the benchmark\n"
		printf "tracked, caps not hit.\n"
	}
	printf "ungoverned+%dcg: %d cgroups at depth 2 with a policy each (heap and fds), the\n", ncg, ncg
	printf "benchmark in a cgroup at depth 2 with no policy in its ancestry, nothing tracked.\n"
	printf "governed: the benchmark'"'"'s cgroup (depth 2) has a policy, caps not hit, no other\n"
	printf "policy; governed+%dcg: the same, with the %d other policies.\n", ncg, ncg
	printf "The benchmark is in the same depth-2 cgroup (no policy) in every other column,\n"
	printf "and no policy exists in them: each configuration is set up just before its\n"
	printf "measure and torn down after it (policies made and removed each time), in a new\n"
	printf "random order in each round.\n"
	printf "+bigfds: the benchmark holds %d open descriptors; +bigvmas: %d mappings (every\n", big, big
	printf "other one writable). base+big*: against base (the kernel'"'"'s own cost of them);\n"
	printf "tracked+big*: against base+big*, so it is what rescap costs a process that large;\n"
	printf "governed+bigfds: the same, governed (its cgroup'"'"'s fd cap four times what it holds).\n"
	printf "fork/exit is not measured in the big columns (a fork copies all they hold).\n"
	if (cols ~ /before:/)
		printf "before:NAME: NAME with the module of BENCH_BEFORE_KMOD, in the same rounds.\n"
	printf "+crowd: %d other processes alive and tracked, against the same crowd alive and\n", crowd
	printf "untracked%s (measured in the rounds before the crowd\n", lsm ? "" : " with rescap not loaded"
	printf "is registered; untracked+crowd and tracked+crowd in a random order per round).\n"
}' "$raw"

# Paired blocks: tracked against untracked in one process, in short blocks
# taken in turn (rtest-bench pair), so that a drift of the machine's speed
# (TCG's moves by 2x from one second to the next on a shared host) is in
# both halves of each pair; the median of the pairs' ratios. Another
# process is tracked throughout, so untracked is "tracked, but not this
# one". With BENCH_BIG descriptors held too, and with the module of
# BENCH_BEFORE_KMOD.
pairs=${BENCH_PAIRS:-30}
paired=/tmp/bench.paired
: >"$paired"
pair_run() {	# pair_run LABEL [SUFFIX]: with rescap on (module: $kmod)
	rescap_on
	sleep 100000 &
	_po=$!
	"$RESCAPCTL" register "$_po" || fail "register"
	for _h in 0 "$big"; do
		_l=$1
		[ "$_h" = 0 ] || _l="$1, $big fds"
		"$O/bin/rtest-bench" pair "$pairs" "$_h" >"$dir/pair" || fail "rtest-bench pair $pairs $_h"
		sed "s|^|$_l\t|" "$dir/pair" >>"$paired"
	done
	# The same, governed: its cgroup's policy as make bench's governed
	# column (fds four times what it holds, when it holds many).
	for _h in 0 "$big"; do
		_l="governed / ungoverned${2:-}"
		[ "$_h" = 0 ] || _l="$_l, $big fds"
		"$RESCAPCTL" cap --cgroup "$gov" --heap 1G --fds $([ "$_h" = 0 ] && echo 10000 || echo $((big * 4))) ||
			fail "cap --cgroup"
		"$O/bin/rtest-bench" pair "$pairs" "$_h" "$gov" "$home" >"$dir/pair" ||
			fail "rtest-bench pair $pairs $_h governed"
		sed "s|^|$_l\t|" "$dir/pair" >>"$paired"
		"$RESCAPCTL" reset --cgroup "$gov" || fail "reset --cgroup"
	done
	kill "$_po"
	rescap_off
}
pair_run "tracked / untracked"
if [ -n "${BENCH_BEFORE_KMOD:-}" ] && [ "$RTEST_KERNEL" != lsm ]; then
	kmod=$BENCH_BEFORE_KMOD
	pair_run "before: tracked / untracked" ", before"
	kmod=$RTEST_KMOD
fi
echo
awk -F'\t' '
{
	split($2, f, " "); ratio = f[length(f)]; name = $2; sub(/ [^ ]+ [^ ]+ [^ ]+$/, "", name)
	if (!(name in seen_b)) { seen_b[name] = 1; benches[++nb] = name }
	if (!($1 in seen_c)) { seen_c[$1] = 1; cfgs[++nc] = $1 }
	r[name, $1] = ratio
}
END {
	printf "%-16s", "benchmark"
	for (c = 1; c <= nc; c++) printf " | %s", cfgs[c]
	printf "\n"
	for (b = 1; b <= nb; b++) {
		printf "%-16s", benches[b]
		for (c = 1; c <= nc; c++)
			printf " | %" length(cfgs[c]) "s", (benches[b], cfgs[c]) in r ? r[benches[b], cfgs[c]] : "-"
		printf "\n"
	}
	printf "\nPaired: the median, over '"$pairs"' pairs of blocks in one process, of tracked / untracked\n"
	printf "(another process tracked in both, the benchmark registered by a helper for one\n"
	printf "block of each pair, caps not hit); '"$big"' fds: the same while it holds that many.\n"
	printf "governed / ungoverned: the same with the benchmark moved into a cgroup with a\n"
	printf "policy (caps not hit) for one block of each pair, and back for the other.\n"
}' "$paired"
