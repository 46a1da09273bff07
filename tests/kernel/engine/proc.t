# kernels: stock lsm
# extra-kernels: ours stock612
# /proc/rescap: a header, aligned columns, bytes, state letters.
. ../../lib/lib.sh
rescap_up
proc_start
ctl register "$PROC"
ctl cap "$PROC" --heap 1G --fds 4096
sleep 600 &
stopped=$!
kill -STOP "$stopped"
ctl register "$stopped"
cat /proc/rescap
header=$(head -n 1 /proc/rescap)
set -- $header
expect_eq header "PID COMM STATE HEAP HEAP_CAP FDS FD_CAP ACTION CGROUP" "$*"
line=$(grep "^$PROC " /proc/rescap) || fail "no line for $PROC"
set -- $line
expect_eq comm rtest-proc "$2"
expect_eq state S "$3"
expect_eq heap "$(vmdata "$PROC")" "$4"
expect_eq heap_cap 1073741824 "$5"
expect_eq fds "$(fd_entries "$PROC")" "$6"
expect_eq fd_cap 4096 "$7"
expect_eq action kill "$8"
expect_eq cgroup / "$9"
set -- $(grep "^$stopped " /proc/rescap)
expect_eq "state of a stopped process" T "$3"
expect_eq "no cap" max "$5"
# Columns line up: the HEAP column ends at the same offset on every line.
ends=$(awk '{ print index($0, " " $4 " ") + length($4) }' /proc/rescap | sort -u | wc -l)
expect_eq "aligned HEAP column" 1 "$ends"
kill -9 "$stopped"
ctl deregister "$PROC"
proc_stop
rescap_down
exit 0
