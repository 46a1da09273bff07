# Register, set caps, reset, deregister and exit from several loops at
# once for a while, then unload: no kernel report (the runner checks the
# console), no entry left behind.
. ../../lib/lib.sh
rescap_up
end=$(( $(date +%s) + 20 ))
churn() {
	while [ "$(date +%s)" -lt "$end" ]; do
		sleep 0.2 &
		p=$!
		"$RESCAPCTL" register "$p" 2>/dev/null
		"$RESCAPCTL" cap "$p" --fds 100 --heap 64M 2>/dev/null
		"$RESCAPCTL" reset "$p" 2>/dev/null
		[ $((p % 2)) = 0 ] && "$RESCAPCTL" deregister "$p" 2>/dev/null
		wait "$p"
	done
}
forker() {	# tracked processes forking tracked children that exit at once
	sh -c 'while [ "$(date +%s)" -lt '"$end"' ]; do /bin/true; done' &
	p=$!
	"$RESCAPCTL" register "$p"
	wait "$p"
}
lister() {
	while [ "$(date +%s)" -lt "$end" ]; do
		"$RESCAPCTL" list >/dev/null 2>&1
		cat /proc/rescap >/dev/null
	done
}
churn & churn & forker & lister &
wait
sleep 0.5
left=$(($(wc -l </proc/rescap) - 1))
expect_eq "entries left" 0 "$left"
rescap_down
exit 0
