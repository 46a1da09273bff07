# rescapd's parsers: unit names, cgroup paths, /etc/rescap files, the /proc
# readings of the monitoring sample, the error map (ASan and UBSan).
. ../lib/lib.sh
"$O/tests/test-rescapd" || fail "test-rescapd failed"
exit 0
