# kernels: stock lsm
# extra-kernels: ours stock612
# The heap rescap reports is VmData, after every way the heap changes.
. ../../lib/lib.sh
rescap_up
proc_start
ctl register "$PROC"

check() {	# check WHAT: rescap's heap equals the process's VmData
	case "$REPLY" in ok*) ;; *) fail "$1: the process answered '$REPLY'" ;; esac
	got=$("$RESCAPCTL" --json get "$PROC" | sed 's/.*"heap":\([0-9]*\).*/\1/')
	expect_eq "heap after $1" "$(vmdata "$PROC")" "$got"
	expect_eq "VmData seen by the process after $1" "$(reply_heap)" "$got"
}

proc_do status;            check start
proc_do brk 1048576;       check "brk grow"
proc_do brk -524288;       check "brk shrink"
proc_do mmap 4194304;      check "anonymous mmap"
proc_do touch;             check "touching it"
proc_do mremap 8388608;    check "mremap grow"
proc_do munmap;            check "munmap"
before=$(vmdata "$PROC")
proc_do reserve 2097152;   check "PROT_NONE reservation"
expect_eq "a PROT_NONE reservation is not heap" "$before" "$(vmdata "$PROC")"
proc_do protect-rw;        check "mprotect of the reservation to RW"
[ "$(vmdata "$PROC")" -eq $((before + 2097152)) ] || fail "RW reservation not counted"
before=$(vmdata "$PROC")
proc_do fileview 8192;     check "read-only private file mapping"
expect_eq "a read-only file mapping is not heap" "$before" "$(vmdata "$PROC")"
proc_do thread-mmap 1048576; check "mmap from another thread"

ctl deregister "$PROC"
proc_stop
rescap_down
exit 0
