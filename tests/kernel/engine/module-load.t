# kernels: stock stock612 ours
# The rescap module loads, creates /proc/rescap, and unloads cleanly.
. ../../lib/lib.sh

# The tests before this one in the boot leave the module loaded.
if grep -q '^rescap ' /proc/modules; then
	rmmod rescap || fail "cannot unload a rescap left loaded"
fi
[ -e /proc/rescap ] && fail "/proc/rescap exists before the module is loaded"
load_rescap
grep -qw rescap /proc/modules || fail "rescap is not in /proc/modules"
[ -r /proc/rescap ] || fail "/proc/rescap missing after insmod"
header=$(head -n 1 /proc/rescap)
set -- $header
expect_eq "/proc/rescap header" "PID COMM STATE HEAP HEAP_CAP FDS FD_CAP ACTION CGROUP" "$*"
unload_rescap
grep -qw rescap /proc/modules && fail "rescap still in /proc/modules after rmmod"
[ -e /proc/rescap ] && fail "/proc/rescap left behind after rmmod"
dmesg | grep -q 'rescap: loaded' || fail "no load message in the kernel log"
exit 0
