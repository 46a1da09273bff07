# Hole 1: the rlimits do not decide whether a cap is seen.
# - RLIMIT_DATA soft 0 with the hard limit above (the Valgrind case) made
#   may_expand_vm() return before the LSM's hook: one unprivileged
#   setrlimit and every heap growth passed unseen.
# - RLIMIT_AS at VmSize made both of mprotect()'s questions return no
#   before the hook, and a PROT_NONE reservation turned RW grew VmData
#   unseen.
# Both went unpunished on the lsm kernel (the module's callbacks sit at
# the entry of may_expand_vm() and always saw them).
. ../../lib/lib.sh
rescap_up
M=1048576

# capped_proc ACTION: a driven process capped 8M above its heap now.
capped_proc() {
	proc_start
	ctl register "$PROC"
	ctl cap "$PROC" --heap $(( $(vmdata "$PROC") + 8 * M )) --action "$1"
}

capped_proc kill
proc_do rlimit-valgrind
expect_ok "setrlimit(RLIMIT_DATA, 0:unlimited)"
proc_do mmap $((16 * M))
expect_eq "mmap of 16M over the cap, RLIMIT_DATA 0:unlimited" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over its cap after the Valgrind rlimit"
proc_stop

# brk is refused by RLIMIT_DATA itself (check_data_rlimit); mremap is not.
capped_proc kill
proc_do rlimit-valgrind
expect_ok "setrlimit(RLIMIT_DATA, 0:unlimited)"
proc_do mmap $M
expect_ok "mmap 1M under the cap"
proc_do mremap $((16 * M))
expect_eq "mremap to 16M over the cap, RLIMIT_DATA 0:unlimited" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over its cap after mremap"
proc_stop

capped_proc kill
proc_do reserve $((16 * M))
expect_ok "a PROT_NONE reservation of 16M"
proc_do rlimit-as-tight
expect_ok "setrlimit(RLIMIT_AS) at VmSize"
proc_do protect-rw
expect_eq "mprotect RW of the reservation under a tight RLIMIT_AS" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over its cap after mprotect"
proc_stop

if [ "$RTEST_KERNEL" = lsm ]; then
	# deny: the growth is refused whatever the rlimits say.
	capped_proc deny
	heap=$(vmdata "$PROC")
	proc_do rlimit-valgrind
	expect_ok "setrlimit(RLIMIT_DATA, 0:unlimited)"
	proc_do mmap $((16 * M))
	expect_eq "mmap over the deny cap, RLIMIT_DATA 0:unlimited" "err 12" "$REPLY"
	proc_do reserve $((16 * M))
	expect_ok "a PROT_NONE reservation"
	proc_do rlimit-as-tight
	expect_ok "setrlimit(RLIMIT_AS) at VmSize"
	proc_do protect-rw
	expect_eq "mprotect RW over the deny cap, tight RLIMIT_AS" "err 12" "$REPLY"
	expect_eq "VmData after the refusals" "$heap" "$(vmdata "$PROC")"
	proc_stop
fi

rescap_down
exit 0
