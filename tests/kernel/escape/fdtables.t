# Hole 4: fd caps counted one fd table, not the process. A thread that
# unshares its table (unshare(CLONE_FILES), close_range() with
# CLOSE_RANGE_UNSHARE) has a table of its own: the process held N x cap
# descriptors and /proc/rescap showed one table. The fds of a process are
# the descriptors of all its threads' tables, each table counted once.
. ../../lib/lib.sh
rescap_up

for how in tfiles tfiles-cr; do
	proc_start
	fds=$(fd_entries "$PROC")
	ctl register "$PROC"
	ctl cap "$PROC" --fds $((2 * fds + 4))
	# The thread's table is a copy (fds) plus the 3 it opens.
	proc_do $how 3
	expect_ok "$how 3"
	wait_eq 20 "fds of the process after $how" $((2 * fds + 3)) rescap_field "$PROC" FDs
	expect_eq "fds in /proc/rescap" $((2 * fds + 3)) \
		"$(awk -v p="$PROC" '$1 == p { print $6 }' /proc/rescap)"
	killed_at_fds proc_do "$PROC" 1 "$how: the main thread's table at the cap, then over it"
	proc_stop
done

rescap_down
exit 0
