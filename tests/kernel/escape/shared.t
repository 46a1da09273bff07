# Shared memory is not heap (VmData counts private writable mappings, as
# RLIMIT_DATA does; README, "What is not counted"): a shared mapping grown
# with mremap far past a heap cap leaves VmData and the process alone, and
# rescap's heap stays VmData. Turning shared pages into private writable
# ones is data again (mapfixed.t).
. ../../lib/lib.sh
rescap_up
M=1048576
proc_start
heap=$(vmdata "$PROC")
ctl register "$PROC" --heap $((heap + 8 * M))
proc_do shared $((4 * M))
expect_ok "a shared mapping of 4M"
proc_do mremap $((64 * M))
expect_ok "the shared mapping grown to 64M with mremap, past the heap cap"
expect_eq "VmData after growing a shared mapping" "$heap" "$(vmdata "$PROC")"
expect_eq "rescap's heap" "$heap" "$(rescap_field "$PROC" Heap)"
proc_do mmap $((16 * M))
expect_eq "a private mapping past the cap" dead "$REPLY"
proc_stop
rescap_down
exit 0
