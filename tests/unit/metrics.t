#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# rescapctl metrics against rescapd on a private system bus, without a
# kernel: Prometheus's own checker (promtool check metrics) accepts the
# output; the units with caps are there with their caps, a cap not set is
# no series; --output replaces the file at once (mode 0644, nothing left
# beside it); bad arguments are refused. Kills and warnings, and a real
# node_exporter reading the file, are in e2e/dbus/metrics.t.
. ../lib/lib.sh

[ "$(id -u)" = 0 ] || skip "needs root (the bus policy lets root own org.rescap1)"
command -v promtool >/dev/null || fail "no promtool (make deps installs Debian's prometheus)"
d=$(mktemp -d)
trap 'kill $daemon $bus 2>/dev/null; rm -rf "$d"' EXIT
. ./private-bus.sh
CTL="$O/bin/rescapctl"

mkdir "$d/conf"
printf '[Cap]\nHeapMax=1G\n' >"$d/conf/a.service.conf"
printf '[Cap]\nFDMax=100\nAction=notify\n' >"$d/conf/b.service.conf"
rescapd_private "$d"

out=$("$CTL" --bus metrics) || fail "rescapctl metrics: exit status $?"
printf "%s\n" "$out" | promtool check metrics >"$d/promtool.out" 2>&1 ||
	fail "promtool check metrics: $(cat "$d/promtool.out"); the output: $out"
has() { printf "%s\n" "$out" | grep -qxF "$1" || fail "no line '$1' in: $out"; }
has 'rescap_unit_heap_max_bytes{unit="a.service"} 1073741824'
has 'rescap_unit_max_fds{unit="b.service"} 100'
has 'rescap_info{version="'"$(busctl --system get-property org.rescap1 /org/rescap1 org.rescap1.Manager Version |
	sed 's/^s "\(.*\)"$/\1/')"'",backend=""} 1'
has 'rescap_events_lost_total 0'
has '# TYPE rescap_kills_total counter'
printf "%s\n" "$out" | grep -q '^rescap_unit_max_fds{unit="a.service"}' && fail "a series for a cap not set: $out"
printf "%s\n" "$out" | grep -q '^rescap_unit_heap_max_bytes{unit="b.service"}' && fail "a series for a cap not set: $out"

# --output: replaced at once, readable by node_exporter's user.
mkdir "$d/textfile"
echo stale >"$d/textfile/rescap.prom"
"$CTL" --bus metrics --output "$d/textfile/rescap.prom" || fail "metrics --output: exit status $?"
expect_eq "the file, as printed" "$out" "$(cat "$d/textfile/rescap.prom")"
expect_eq "its mode" 644 "$(stat -c %a "$d/textfile/rescap.prom")"
expect_eq "files in the directory" rescap.prom "$(ls -A "$d/textfile")"
"$CTL" --bus metrics --output="$d/none/rescap.prom" 2>"$d/err"
expect_eq "metrics --output into no directory: exit status" 1 $?
grep -q "cannot write next to $d/none/rescap.prom" "$d/err" || fail "its message: $(cat "$d/err")"
"$CTL" --bus metrics --nope 2>/dev/null
expect_eq "metrics --nope: exit status" 2 $?
"$CTL" --bus metrics --output= 2>/dev/null
expect_eq "metrics --output=: exit status" 2 $?
"$CTL" --kernel metrics 2>/dev/null
expect_eq "--kernel metrics: exit status" 5 $?
kill -0 $daemon || fail "rescapd died"
exit 0
