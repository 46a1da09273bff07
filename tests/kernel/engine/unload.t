# kernels: stock ours
# The module unloads while tracked processes keep allocating, and they go
# on unharmed.
. ../../lib/lib.sh
rescap_up
pids=
for i in 1 2 3; do
	sh -c 'while :; do x=$(cat /proc/self/status); exec 9</dev/null; exec 9<&-; done' &
	pids="$pids $!"
done
for p in $pids; do
	ctl register "$p"
	ctl cap "$p" --fds 1000 --heap 1G
done
sleep 1
rescap_down
sleep 1
for p in $pids; do
	[ -d "/proc/$p" ] || fail "$p died across the unload"
done
rescap_up
for p in $pids; do
	ctl_fails "No such file or directory" get "$p"
	kill "$p"
done
rescap_down
exit 0
