# Hole 2: mmap(MAP_FIXED) of private RW memory over a mapping that is not
# data (PROT_NONE, read-only file, shared) adds it all to VmData, but
# since 6.12 may_expand_vm() is asked only for the pages beyond those it
# replaces (none): the growth was never weighed, on the module and on the
# LSM, and a process that grew no more after it was never acted on.
. ../../lib/lib.sh
rescap_up
M=1048576

for kind in reserve fileview shared; do
	proc_start
	ctl register "$PROC"
	ctl cap "$PROC" --heap $(( $(vmdata "$PROC") + 8 * M ))
	proc_do $kind $((16 * M))
	expect_ok "$kind 16M (not data)"
	proc_do fixed-rw
	expect_eq "private RW MAP_FIXED over $kind 16M, 8M under the cap" dead "$REPLY"
	wait_gone "$PROC" || fail "$PROC alive over its cap after MAP_FIXED over $kind"
	proc_stop
done

if [ "$RTEST_KERNEL" = lsm ]; then
	proc_start
	ctl register "$PROC"
	heap=$(vmdata "$PROC")
	ctl cap "$PROC" --heap $((heap + 8 * M)) --action deny
	proc_do reserve $((16 * M))
	expect_ok "reserve 16M"
	proc_do fixed-rw
	expect_eq "MAP_FIXED over the deny cap" "err 12" "$REPLY"
	expect_eq "VmData after the refusal" "$heap" "$(vmdata "$PROC")"
	proc_stop
fi

rescap_down
exit 0
