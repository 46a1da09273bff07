# rescapctl top in batch mode against rescapd on a private bus (no kernel
# on the host: no process, one unit with caps): -n refreshes, each with
# its header and the unit's row, the system line and the top talkers'
# line from the Sample signal once one has come, monitor's end when its
# reader leaves, no terminal escapes without a terminal; bad options
# refused with exit status 2. The interactive view, with processes, is
# e2e/dbus/top.t.
. ../lib/lib.sh

[ "$(id -u)" = 0 ] || skip "needs root (the private bus's policy lets root call rescapd)"
d=$(mktemp -d)
trap 'kill $daemon $bus 2>/dev/null; rm -rf "$d"' EXIT
mkdir -p "$d/conf"
printf '[Cap]\nHeapMax=512M\nFDMax=64\n' >"$d/conf/leak.service.conf"
. ./private-bus.sh
rescapd_private "$d" --sample-interval=0.3

out=$("$O/bin/rescapctl" top -b -n 3 -d 0.5 </dev/null) || fail "top -b -n 3: exit status $?: $out"
expect_eq "refreshes" 3 "$(printf '%s\n' "$out" | grep -c '^PID  *HEAP  *HEAP_CAP  *HEAP%  *FDS  *FD_CAP  *FD%  *COMM  *UNIT$')"
expect_eq "the unit's rows" 3 "$(printf '%s\n' "$out" | grep -c '^-  *0B  *512M  *0\.0  *0  *64  *0\.0  *-  *leak\.service$')"
printf '%s\n' "$out" | tail -n 6 | grep -q '^CPU [0-9.]*%  Memory [0-9.]*[BKMGT]/[0-9.]*[BKMGT]  Load ' ||
	fail "no system line in the last refresh: $out"
printf '%s\n' "$out" | tail -n 5 | grep -q '^Net top (TCP): ' || fail "no line of top talkers in the last refresh: $out"
printf '%s\n' "$out" | LC_ALL=C grep -q "$(printf '\033')" && fail "terminal escapes without a terminal: $out"
grep -q 'ERROR: AddressSanitizer\|runtime error' "$d/rescapd.log" && fail "rescapd: $(cat "$d/rescapd.log")"

# monitor ends when its reader does, also with SIGPIPE ignored, as it is
# in a systemd service (IgnoreSIGPIPE=): it ran on until killed before.
timeout 20 sh -c 'trap "" PIPE; "$0" --bus --json monitor --samples | head -n 1' "$O/bin/rescapctl" >/dev/null
expect_eq "monitor | head -n 1 with SIGPIPE ignored: exit status" 0 $?

for bad in "-n 0" "-n x" "-d 0" "-d 5000" "--order=pid" "--json" "extra"; do
	# shellcheck disable=SC2086
	"$O/bin/rescapctl" top $bad >/dev/null 2>&1
	expect_eq "top $bad: exit status" 2 $?
done
"$O/bin/rescapctl" list -n 3 >/dev/null 2>&1
expect_eq "list -n 3: exit status" 2 $?
exit 0
