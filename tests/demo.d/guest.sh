# SPDX-License-Identifier: GPL-2.0
# The guest side of 'make demo' (runs as root in the VM, systemd mode).

say() { printf '%s\n' "$*"; }
die() { say "  !! $*"; exit 1; }
ctl="$O/bin/rescapctl"
trap '' PIPE

say "[vm] up: kernel $(uname -r), PID 1 is $(cat /proc/1/comm), system bus $(systemctl is-active dbus.service)"

say "[vm] # insmod rescap.ko"
insmod "$RTEST_KMOD/rescap.ko" || die "the module did not load"
dmesg | grep 'rescap:' | tail -n 1 | sed 's/^/[vm]   kernel log: /'

say "[vm] A program that leaks starts: it maps 1 MiB more of heap, again and again."
mkfifo /tmp/leak.in
"$O/bin/rtest-proc" </tmp/leak.in >/dev/null &
leak=$!
exec 3>/tmp/leak.in
"$ctl" monitor >/tmp/events &
mon=$!
sleep 0.3

say "[vm] # rescapctl register $leak && rescapctl cap $leak --heap 64M --soft 75"
"$ctl" register "$leak" || die "register failed"
"$ctl" cap "$leak" --heap 64M --soft 75 || die "cap failed"
say "[vm] # cat /proc/rescap"
sed 's/^/[vm]   /' /proc/rescap

i=0
while [ $i -lt 200 ] && echo "mmap 1048576" >&3 2>/dev/null; do
	i=$((i + 1))
	sleep 0.05
done
wait "$leak"
status=$?
say "[vm] The leaking program is gone after $i MiB: exit status $status$( [ $status = 137 ] && echo ' (SIGKILL)')."
dmesg | grep 'rescap: killed' | tail -n 1 | sed 's/^/[vm]   kernel log: /'
sleep 0.3
kill "$mon"
say "[vm] # rescapctl monitor   (what it printed meanwhile)"
sed 's/^/[vm]   /' /tmp/events
grep -q "^killed pid=$leak comm=rtest-proc .*resource=heap" /tmp/events || die "no killed event"

say "[vm] # cat /proc/rescap        (its entry went with it)"
sed 's/^/[vm]   /' /proc/rescap
say "[vm] # rmmod rescap"
rmmod rescap || die "the module did not unload"
