# SPDX-License-Identifier: GPL-2.0
# The guest side of 'make demo' (runs as root in the VM, systemd mode).

say() { printf '%s\n' "$*"; }
die() { say "  !! $*"; exit 1; }

say "[vm] up: kernel $(uname -r), PID 1 is $(cat /proc/1/comm), system bus $(systemctl is-active dbus.service)"

say "[vm] # insmod rescap.ko"
insmod "$RTEST_KMOD/rescap.ko" || die "the module did not load"
dmesg | grep 'rescap:' | tail -n 1 | sed 's/^/[vm]   kernel log: /'

say "[vm] # cat /proc/rescap        (no process is tracked yet)"
sed 's/^/[vm]   /' /proc/rescap || die "/proc/rescap is missing"

say "[vm] # rmmod rescap"
rmmod rescap || die "the module did not unload"
[ -e /proc/rescap ] && die "/proc/rescap is still there"
say "[vm]   unloaded; /proc/rescap is gone"
