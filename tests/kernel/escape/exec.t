# A heap cap survives what changes the address space's rules: exec (a new
# address space, brk from scratch), and personality() flags that change
# how mappings are made (READ_IMPLIES_EXEC: an RW mapping is RWX, still
# data; ADDR_LIMIT_3GB).
. ../../lib/lib.sh
rescap_up
M=1048576

proc_start
ctl register "$PROC" --heap $(( $(vmdata "$PROC") + 8 * M ))
proc_do exec
expect_ok "exec"
proc_do brk $((16 * M))
expect_eq "brk of 16M over the cap after exec" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive"
proc_stop

# READ_IMPLIES_EXEC 0x0400000, ADDR_LIMIT_3GB 0x8000000
proc_start
ctl register "$PROC" --heap $(( $(vmdata "$PROC") + 8 * M ))
proc_do personality $((0x0400000 | 0x8000000))
expect_ok "personality(READ_IMPLIES_EXEC | ADDR_LIMIT_3GB)"
proc_do mmap $((16 * M))
expect_eq "an RWX mmap of 16M over the cap" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive"
proc_stop

rescap_down
exit 0
