# kernels: stock
# extra-kernels: lsm
# Names are bytes, not text (issue 13, defect 3): a tracked process
# renamed with prctl(PR_SET_NAME) to bytes that are not UTF-8, with a
# terminal escape in them and ending inside a character (as the kernel's
# cut at 15 bytes often leaves a name), and a cgroup named with such
# bytes. sd-bus refuses a string that is not UTF-8, so rescapd escapes
# them (org.rescap1(5)): List and Fetch still answer, the process's
# Killed and Exited signals and the Samples that rank it still come, and
# rescapctl's text output carries no raw terminal escape.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

bad=0
problem() {
	printf 'FAIL: %s\n' "$*"
	bad=1
}
ESC=$(printf '\033')
sig=/tmp/strings-signals
py=/tmp/strings-check.py
# The name: ff fe (never UTF-8), ESC [ 2 J (clears a terminal), "ok", a
# backslash, then e2 82, two of the three bytes of U+20AC. The cgroup:
# "rt-", ff, ESC [ 1 m, e2 82. NAME and CG below are what rescapd says of
# them (Python literals): \xNN for each byte that is not UTF-8, "\\" for
# the backslash of a name; the ESC itself is valid UTF-8 and stays.
NAME_HEX=fffe1b5b324a6f6b5ce282
cg=/sys/fs/cgroup/rt-$(printf '\377\033[1m\342\202')
cat >$py <<'EOF'
import json, sys
NAME = '\\xff\\xfe\x1b[2Jok\\\\\\xe2\\x82'
CG = '/rt-\\xff\x1b[1m\\xe2\\x82'
mode, pid = sys.argv[1], int(sys.argv[2])
want = {'NAME': NAME, 'CG': CG}.get(sys.argv[3], sys.argv[3])
want_cg = {'CG': CG}.get(sys.argv[4], sys.argv[4]) if len(sys.argv) > 4 else None

def check(comm, cgroup):
    if comm != want or (want_cg is not None and cgroup != want_cg):
        sys.exit('%s: pid %d has comm %r cgroup %r, expected %r %r' % (mode, pid, comm, cgroup, want, want_cg))
    sys.exit(0)

if mode == 'fetch':                     # busctl --json=short call ... Fetch
    d = json.load(sys.stdin)['data']
    check(d[1], d[15])
elif mode == 'list':                    # busctl --json=short call ... List
    for e in json.load(sys.stdin)['data'][0]:
        if e[0] == pid:
            check(e[1], e[8])
    sys.exit('list: no pid %d' % pid)
else:                                   # rescapctl --json monitor lines
    seen = []
    for line in sys.stdin:
        ev = json.loads(line)
        if mode == 'sample' and ev['event'] == 'sample':
            for t in ev['top_heap']:
                if t['pid'] == pid:
                    check(t['comm'], None)
            seen.append([t['pid'] for t in ev['top_heap']])
        elif ev['event'] == mode and ev['pid'] == pid:
            check(ev['comm'], ev.get('cgroup'))
    sys.exit('no %s signal of pid %d (samples: %r)' % (mode, pid, seen))
EOF
# raw_esc WHAT TEXT: rescapctl's text output must escape ESC as \x1b.
raw_esc() {
	case "$2" in
	*"$ESC"*) problem "$1: a raw ESC in: $(printf '%s' "$2" | od -c | head -n 5)" ;;
	esac
}

"$CTL" --json monitor --samples >$sig &
mon=$!
sleep 1

proc_start
proc_do rename $NAME_HEX
expect_ok rename
# 64 GiB of VmData that costs nothing: first in every Sample's top_heap.
proc_do mmap-noreserve $((64 << 30))
expect_ok "mmap-noreserve 64G"
"$CTL" --bus register $PROC || fail "register over D-Bus"

# bus_check METHOD ARGS -- CHECK...: a call as root must succeed and its
# reply (busctl's JSON) pass python3 $py CHECK...
bus_check() {
	_m=$1
	shift
	_args=
	while [ "$1" != -- ]; do _args="$_args $1"; shift; done
	shift
	# shellcheck disable=SC2086
	if _out=$(busctl --json=short call org.rescap1 /org/rescap1 $M $_m $_args 2>&1); then
		printf '%s\n' "$_out" | python3 $py "$@" || problem "$_m: $_out"
	else
		problem "$_m as root: $_out"
	fi
}
bus_check Fetch u $PROC -- fetch $PROC NAME
bus_check List -- list $PROC NAME
for how in --bus --kernel; do
	out=$("$CTL" $how list 2>&1) || problem "rescapctl $how list: $out"
	raw_esc "rescapctl $how list" "$out"
	printf '%s\n' "$out" | grep -qF ' \xff\xfe\x1b[2Jok\\\xe2\x82 ' ||
		problem "rescapctl $how list does not show the escaped name: $out"
	out=$("$CTL" $how get $PROC 2>&1) || problem "rescapctl $how get: $out"
	raw_esc "rescapctl $how get" "$out"
done

# A Sample comes while the process is first in top_heap (every 5 s).
i=0
until python3 $py sample $PROC NAME <$sig >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 40 ] || { problem "$(python3 $py sample $PROC NAME <$sig 2>&1)"; break; }
	sleep 0.5
done
# Capped above its 64 GiB, it grows over: killed, and both signals come.
"$CTL" --bus cap $PROC --heap 65G || problem "cap over D-Bus"
proc_do mmap-noreserve $((2 << 30))
expect_eq "growing over the cap" dead "$REPLY"
wait_gone $PROC || fail "$PROC alive over its cap"
proc_stop
for ev in killed exited; do
	i=0
	until python3 $py $ev $PROC NAME <$sig >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 30 ] || { problem "$(python3 $py $ev $PROC NAME <$sig 2>&1)"; break; }
		sleep 0.2
	done
done

# A cgroup named with such bytes: its tracked member lists fine, with the
# path escaped, and the kernel's list of policies prints no raw ESC.
cgroup_fresh "$cg"
proc_start_in "$cg"
"$CTL" --bus register $PROC || problem "register the member of $cg"
bus_check List -- list $PROC rtest-proc CG
bus_check Fetch u $PROC -- fetch $PROC rtest-proc CG
out=$("$CTL" --bus list 2>&1) || problem "rescapctl --bus list, with $cg: $out"
raw_esc "rescapctl --bus list, with $cg" "$out"
"$CTL" --kernel cap --cgroup "$cg" --fds 1000 || problem "cap --cgroup $cg"
out=$("$CTL" --kernel list --cgroups 2>&1) || problem "list --cgroups: $out"
raw_esc "list --cgroups" "$out"
printf '%s\n' "$out" | grep -qF ' /rt-\xff\x1b[1m\xe2\x82' || problem "list --cgroups: $out"
out=$("$CTL" --kernel get --cgroup "$cg" 2>&1) || problem "get --cgroup: $out"
raw_esc "get --cgroup" "$out"
"$CTL" --kernel reset --cgroup "$cg" || problem "reset --cgroup $cg"
kill $PROC
proc_stop
cgroup_rmtree "$cg"

kill $mon
wait $mon 2>/dev/null
systemctl is-active --quiet rescapd || problem "rescapd died"
out=$(journalctl -q -u rescapd --no-pager | grep "cannot emit")
[ -z "$out" ] || problem "rescapd dropped signals: $(printf '%s\n' "$out" | sort | uniq -c)"
exit $bad
