# kernels: stock
# extra-kernels: ours
# Hole 3: sysctl kernel.ftrace_enabled=0 turned the module's callbacks off
# silently, for any root process, a capped one included; and the module
# loaded while it was 0, enforcing nothing. The ops are permanent now.
. ../../lib/lib.sh
sysctl_file=/proc/sys/kernel/ftrace_enabled
[ -w "$sysctl_file" ] || fail "no $sysctl_file"
expect_eq "ftrace_enabled at start" 1 "$(cat "$sysctl_file")"
# Whatever happens, the tests after this one run with ftrace enabled.
trap 'echo 1 >"$sysctl_file" 2>/dev/null' EXIT

rescap_up
echo 0 >"$sysctl_file" 2>/dev/null && fail "ftrace_enabled=0 accepted with rescap loaded"
expect_eq "ftrace_enabled with rescap loaded" 1 "$(cat "$sysctl_file")"
proc_start
ctl register "$PROC"
ctl cap "$PROC" --fds $(( $(fd_entries "$PROC") + 2 ))
killed_at_fds proc_do "$PROC" 2 "after the refused sysctl"
proc_stop
rescap_down

echo 0 >"$sysctl_file" || fail "ftrace_enabled=0 refused with rescap unloaded"
insmod "$(rescap_ko)" 2>/dev/null && { rmmod rescap; fail "rescap loaded with ftrace disabled"; }
echo 1 >"$sysctl_file" || fail "ftrace_enabled=1"
dmesg | grep -q "rescap: ftrace is disabled" || fail "no reason logged for the refused load"
exit 0
