# SPDX-License-Identifier: GPL-2.0
# The guest side of make bench's rescapd run (issue 17): rescapd's memory
# and CPU as systemd runs it, on Debian's kernel with the module, empty,
# then with BENCH_UNITS unit policies (unit files with [X-Rescap], as an
# administrator writes them), then with BENCH_CROWD processes tracked
# besides, idle and with a subscriber to its Sample signal; then a
# restart with all of them there (the caps of every unit applied before
# it says it is ready). Each phase prints one line:
#   # rescapd PHASE: rss KB kB (anon KB, file KB), peak KB kB, cpu MS ms in S s
# (VmRSS, RssAnon, RssFile and VmHWM of its /proc status, user+system
# time of its /proc stat, over the phase). BENCH_SMAPS=1 also prints each
# of its mappings' resident size after the phases with units. Environment: O, BENCH_UNITS (default 2000),
# BENCH_CROWD (default 10000), BENCH_IDLE (seconds of each idle phase,
# default 30), BENCH_STEADY (seconds of a subscription after its first
# BENCH_IDLE, default 300).
. "$REPO/tests/lib/lib.sh"
. "$REPO/tests/bench/crowd.sh"
cd "$REPO/tests/e2e/dbus" || fail "no tests/e2e/dbus"
. ./setup.sh
set +u
units=${BENCH_UNITS:-2000}
crowd=${BENCH_CROWD:-10000}
idle=${BENCH_IDLE:-30}
hz=$(getconf CLK_TCK)
D=/etc/systemd/system

rescapd_up
pid=$(systemctl show -p MainPID --value rescapd)
[ "${pid:-0}" -gt 0 ] || fail "no MainPID for rescapd"

cpu_ms() { awk -v hz="$hz" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$pid/stat"; }
# status_kb KEY: KEY of the snapshot of rescapd's /proc status ($_status).
status_kb() { printf '%s\n' "$_status" | awk -v k="$1:" '$1 == k { print $2 }'; }
# phase NAME CMD...: runs CMD and reports what rescapd used meanwhile
# (all that a new rescapd used, when CMD restarted it).
phase() {
	_name=$1
	shift
	_c0=$(cpu_ms)
	_t0=$(date +%s%N)
	"$@" || fail "$_name: $*"
	_t=$((($(date +%s%N) - _t0) / 1000000))
	_p=$(systemctl show -p MainPID --value rescapd)
	if [ "$_p" != "$pid" ]; then
		pid=$_p
		_c0=0
	fi
	_status=$(cat "/proc/$pid/status")
	printf '# rescapd %s: rss %s kB (anon %s, file %s), peak %s kB, cpu %s ms in %d.%03d s (pid %s, at %s s)\n' \
		"$_name" "$(status_kb VmRSS)" "$(status_kb RssAnon)" "$(status_kb RssFile)" \
		"$(status_kb VmHWM)" $(($(cpu_ms) - _c0)) $((_t / 1000)) $((_t % 1000)) "$pid" \
		"$(cut -d ' ' -f 1 /proc/uptime)"
}
# smaps: rescapd's mappings with their resident size (BENCH_SMAPS=1).
smaps() {
	[ "${BENCH_SMAPS:-0}" = 1 ] || return 0
	awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6); next }
		$1 == "Rss:" && $2 > 0 { rss[name] += $2 }
		END { for (n in rss) printf "# rescapd smaps %6d kB %s\n", rss[n], n }' \
		"/proc/$pid/smaps" | sort -k4,4nr
}

# armed_count: how many rubench-N.service paths the kernel has armed.
armed_count() {
	"$CTL" --kernel list --armed | grep -c '/system\.slice/rubench-[0-9]*\.service$'
}
units_write() {
	i=1
	while [ $i -le "$units" ]; do
		printf '[Service]\nExecStart=/bin/sleep 600\n[X-Rescap]\nFDMax=%d\n' $((100 + i)) >$D/rubench-$i.service
		i=$((i + 1))
	done
}
# units_armed: daemon-reload, until every unit is armed and rescapd's
# reload is over (its "reloaded" line in the journal).
units_armed() {
	_since=$(date '+%Y-%m-%d %H:%M:%S')
	systemctl daemon-reload || return 1
	wait_eq 1800 "units armed" "$units" armed_count
	wait_eq 600 "rescapd's reload logged" yes sh -c "journalctl -u rescapd --since '$_since' -o cat |
		grep -q 'reloaded (systemd reloaded)' && echo yes"
	journalctl -u rescapd --since "$_since" -o cat | grep -e 'reloaded (systemd reloaded)' | sed 's/^/# /'
}

phase "idle, nothing" sleep "$idle"
units_write
phase "$units units: daemon-reload until all armed" units_armed
phase "idle, $units units" sleep "$idle"
smaps

# The crowd: children of rtest-bench hold, registered with the kernel, in
# a scope of their own (the job's service has a TasksMax=).
dir=$(mktemp -d)
CROWD_WRAP="systemd-run --scope --quiet -p TasksMax=infinity"
crowd_start "$crowd" "$dir"
crowd_register
tracked() { busctl get-property org.rescap1 /org/rescap1 $M Tracked; }
wait_eq 60 "rescapd's Tracked" "u $crowd" tracked
phase "idle, $units units, $crowd tracked" sleep "$idle"

# A subscriber: Sample every 5 s (rescapd's default), each with the
# table's count and the system's tops. Its first samples walk every
# process twice (the first walk has no rates and sets no pace); then the
# walk and the dump are paced by their cost (at most 5% of a CPU):
# BENCH_STEADY seconds (default 300) after the first phase show it.
"$CTL" monitor --samples >"$dir/samples" 2>&1 &
mon=$!
phase "$units units, $crowd tracked, monitor --samples, its first $idle s" sleep "$idle"
phase "$units units, $crowd tracked, monitor --samples, then" sleep "${BENCH_STEADY:-300}"
kill $mon
wait $mon 2>/dev/null
grep -c . "$dir/samples" | sed 's/^/# rescapd: monitor printed /; s/$/ line(s)/'

phase "$units units, $crowd tracked: systemctl restart" systemctl restart rescapd
expect_eq "units armed after the restart" "$units" "$(armed_count)"
ps -eo pid,ppid,etimes,args | awk '/rescapd/ && !/awk|bench|journalctl/' | sed 's/^/# rescapd process: /'
phase "idle after the restart" sleep "$idle"
smaps

crowd_stop
rm -f $D/rubench-*.service
systemctl daemon-reload
# rescapd's own account of the run (its starts, reloads, and any error).
journalctl -u rescapd -o short-monotonic | grep -v 'caps of .* not applied' | tail -n 40 | sed 's/^/# journal /'
journalctl -u rescapd -o cat | grep 'bus connection was lost' && fail "rescapd lost its bus during the run"
expect_eq "rescapd still running (its main pid)" "$pid" "$(systemctl show -p MainPID --value rescapd)"
echo "ok 1 rescapd"
