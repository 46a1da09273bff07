#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: stock
# extra-kernels: lsm
# Metrics for fleets: rescapctl metrics counts a unit's kill and another
# unit's soft warning by unit, resource and policy, shows a tracked
# process whose comm is arbitrary bytes, and Prometheus's own checker
# accepts it (promtool check metrics); rescap-metrics.service writes it to
# node_exporter's textfile directory, and a real prometheus-node-exporter
# serves rescap's series on its /metrics, fetched over loopback, with no
# textfile error.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

K=rmet-kill.service W=rmet-warn.service D=/etc/systemd/system
TF=/var/lib/prometheus/node-exporter
cleanup() {
	systemctl stop $K $W rescap-metrics.timer prometheus-node-exporter 2>/dev/null
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	"$CTL" unit-reset $K 2>/dev/null
	"$CTL" unit-reset $W 2>/dev/null
	rm -rf $D/$K $D/$W $D/rescap-metrics.* /run/rmet $TF/rescap.prom /usr/libexec/rescap-test
	systemctl daemon-reload
}
trap cleanup EXIT
[ -d $TF ] || fail "no $TF: prometheus-node-exporter is not installed (make deps)"

printf '[Service]\nExecStart=/bin/bash -c '\''for i in $(seq 40); do exec {fd}</dev/null; done; exec sleep 600'\''\n' >$D/$K
cp $D/$K $D/$W
systemctl daemon-reload
"$CTL" set-property $K FDMax=16 || fail "set-property $K"
"$CTL" set-property $W FDMax=100 SoftPercent=20 || fail "set-property $W"
systemctl start $K $W
wait_eq 100 "$K killed at its cap" failed systemctl show -P ActiveState $K
wait_eq 100 "$W running" active systemctl show -P ActiveState $W
i=0
until nwarn=$(journalctl -u $W -o cat --no-pager | grep -c 'Cap warning for') && [ "$nwarn" -ge 1 ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no cap warning for $W in its journal"
	sleep 0.1
done

# A tracked process whose comm is bytes that are not UTF-8, controls,
# a quote and a backslash.
mkdir -p /run/rmet
bad=$(printf 'x\001"\\\377y')
cp /bin/sleep "/run/rmet/$bad"
"/run/rmet/$bad" 600 &
pid=$!
"$CTL" --bus register $pid --fds 1000 || fail "register $pid"

out=$("$CTL" metrics) || fail "rescapctl metrics: exit status $?"
printf "%s\n" "$out" | promtool check metrics >/run/rmet/promtool 2>&1 ||
	fail "promtool check metrics: $(cat /run/rmet/promtool); the output: $out"
has() { printf "%s\n" "$out" | grep -qx "$1" || fail "no line matching '$1' in: $out"; }
has "rescap_kills_total{unit=\"$K\",resource=\"fds\",policy=\"cgroup\"} 1"
has "rescap_cap_warnings_total{unit=\"$W\",resource=\"fds\",policy=\"cgroup\",kind=\"soft\"} $nwarn"
has "rescap_unit_max_fds{unit=\"$W\"} 100"
has "rescap_unit_open_fds{unit=\"$W\"} [0-9][0-9]*"
has "rescap_info{version=\"[^\"]*\",backend=\"$BACKEND\"} 1"
has "rescap_process_max_fds{pid=\"$pid\",comm=\"x.*y\",unit=\"[^\"]*\"} 1000"
printf "%s\n" "$out" | grep "pid=\"$pid\"" | LC_ALL=C grep -q "$(printf '[\001\377]')" &&
	fail "raw bytes of the comm in the output: $(printf "%s\n" "$out" | grep "pid=\"$pid\"" | od -c | head)"
expect_eq "kills in the metrics, as Kills says" \
	"$(busctl get-property org.rescap1 /org/rescap1 $M Kills | cut -d' ' -f2)" \
	"$(printf "%s\n" "$out" | awk '/^rescap_kills_total/ { n += $NF } END { print n + 0 }')"

# The timer's service writes node_exporter's file; node_exporter serves it.
# rescapctl where the unit can run it: the build directory may be under
# /tmp or /home, which its PrivateTmp and ProtectHome hide (as for
# rescapd, setup.sh).
cp "$REPO/dbus/rescap-metrics.service" "$REPO/dbus/rescap-metrics.timer" $D/
install -D -m 755 "$CTL" /usr/libexec/rescap-test/rescapctl
sed -i "s|/usr/bin/rescapctl|/usr/libexec/rescap-test/rescapctl|" $D/rescap-metrics.service
systemctl daemon-reload
systemctl start rescap-metrics.service ||
	fail "rescap-metrics.service: $(systemctl status rescap-metrics.service 2>&1 | tail -8)"
[ -f $TF/rescap.prom ] || fail "no $TF/rescap.prom"
grep -q "^rescap_kills_total{unit=\"$K\"" $TF/rescap.prom || fail "the file: $(cat $TF/rescap.prom)"
expect_eq "files in $TF" rescap.prom "$(ls -A $TF)"
systemctl start rescap-metrics.timer || fail "rescap-metrics.timer"
systemctl is-active --quiet rescap-metrics.timer || fail "the timer is not active"
systemctl start prometheus-node-exporter || fail "prometheus-node-exporter did not start"
wait_eq 300 "node_exporter's /metrics with rescap's series" 1 sh -c \
	"curl -s http://127.0.0.1:9100/metrics | grep -c '^rescap_kills_total{policy=\"cgroup\",resource=\"fds\",unit=\"$K\"} 1\$'"
curl -s http://127.0.0.1:9100/metrics >/run/rmet/scrape
grep -qx 'node_textfile_scrape_error 0' /run/rmet/scrape ||
	fail "node_exporter's textfile error: $(grep node_textfile /run/rmet/scrape)"
grep -q "^rescap_process_open_fds{comm=" /run/rmet/scrape || fail "no process series in node_exporter's /metrics"
exit 0
