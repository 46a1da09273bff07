# kernels: stock lsm
# Caps written in unit files, the way systemd lets other programs extend
# units (issue 14, parts 2, 3 and 5): an [X-Rescap] section in the
# fragment and in drop-ins. A daemon-reload puts them in the kernel within
# 1 s without touching rescapd (its Reloading signal), whether the drop-in
# comes from `systemctl edit` or not; `systemctl revert` takes it away.
# Templates (three instances, one with its own drop-in that lifts the
# cap), slices, `rescapctl set-property [--runtime]` and `rescapctl cat`;
# a bad value keeps the others and is visible (cat, journal); /run/rescap
# settings are gone when /run is (a reboot, simulated: rescapd stopped,
# /run/rescap emptied, the module reloaded where it is one, rescapd started).
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rufile.service
T=rutf@.service
S=rufile.slice
D=/etc/systemd/system
cleanup() {
	systemctl stop $U 'rutf@*.service' rufile-leak.service 2>/dev/null
	rm -rf $D/$U $D/$U.d $D/$T $D/rutf@big.service.d $D/$S /run/rufile-* /run/rutf-*
	rm -f /etc/rescap/$U.conf /run/rescap/$U.conf
	systemctl daemon-reload
}
trap cleanup EXIT

# armed_fds PATH: the fd cap the kernel arms PATH with ("" if none).
armed_fds() { "$CTL" --kernel list --armed | awk -v p="$1" '$NF == p { print $2 }'; }
# armed_soon WHAT PATH FDS: the armed fd cap of PATH is FDS soon after now
# (polled; up to 10 s before it fails as missing). The goal is 1 s. Under
# TCG, with other VMs on the 2 cores, rescapd's reload (it logs its time)
# took 0.1 to 2.7 s: most of it systemd answering one GetAll of each unit
# with settings (0.5 s each there; a millisecond on hardware). The bound
# is 5 s; a rescapd that missed the reload never gets there.
RELOAD_BOUND_MS=5000
armed_soon() {
	_t0=$(date +%s%N)
	until [ "$(armed_fds "$2")" = "$3" ]; do
		_ms=$((($(date +%s%N) - _t0) / 1000000))
		[ $_ms -lt 10000 ] || fail "$1: $2 not armed with $3 fds after 10 s: $("$CTL" --kernel list --armed)"
		sleep 0.05
	done
	_ms=$((($(date +%s%N) - _t0) / 1000000))
	echo "# measure: $1: in the kernel $_ms ms after systemctl returned ($(journalctl -u rescapd -n 1 -o cat |
		grep -o 'reloaded.* in [0-9]* ms'))"
	[ $_ms -le $RELOAD_BOUND_MS ] || fail "$1: $_ms ms, more than $RELOAD_BOUND_MS ms"
}
pid0=$(systemctl show -P MainPID rescapd)
P=/system.slice/$U

# The fragment: 40 fds leaked at start.
cat >$D/$U <<-'END'
	[Service]
	ExecStart=/bin/bash -c 'for i in $(seq 40); do exec {fd}</dev/null; done; touch /run/rufile-40; exec sleep 600'
	[X-Rescap]
	FDMax=16
END
systemctl daemon-reload
armed_soon "the fragment's FDMax=16" $P 16
systemctl start $U
wait_eq 100 "$U killed at its cap" failed systemctl show -P ActiveState $U
[ -e /run/rufile-40 ] && fail "$U went past its fragment's cap"
systemctl reset-failed $U

# systemctl edit (it needs a tty: script gives it one), with an editor
# that writes the drop-in.
printf '#!/bin/sh\nprintf "[X-Rescap]\\nFDMax=100\\n" >"$1"\n' >/run/rufile-editor
chmod 755 /run/rufile-editor
SYSTEMD_EDITOR=/run/rufile-editor script -qec "systemctl edit $U" /dev/null >/dev/null ||
	fail "systemctl edit $U"
grep -q '^FDMax=100$' $D/$U.d/override.conf || fail "systemctl edit wrote: $(cat $D/$U.d/override.conf)"
armed_soon "systemctl edit's drop-in FDMax=100" $P 100
systemctl start $U
wait_eq 100 "$U past 40 fds under the drop-in's cap" yes sh -c '[ -e /run/rufile-40 ] && echo yes'
expect_eq "$U's unit object FDMax" "t 100" \
	"$(busctl get-property org.rescap1 /org/rescap1/unit/rufile_2eservice org.rescap1.Unit FDMax)"
systemctl stop $U
rm -f /run/rufile-40

# systemctl revert: the drop-in goes, the fragment's cap is back.
systemctl revert $U >/dev/null || fail "systemctl revert $U"
armed_soon "systemctl revert" $P 16

# A bad value in a drop-in: the other settings count, the fd cap stays,
# the error is in rescapctl cat and in the journal.
mkdir -p $D/$U.d
printf '[X-Rescap]\nHeapMax=lots\nSoftPercent=80\n' >$D/$U.d/50-bad.conf
systemctl daemon-reload
wait_eq 20 "SoftPercent from the drop-in with a bad line" "u 80" \
	busctl get-property org.rescap1 /org/rescap1/unit/rufile_2eservice org.rescap1.Unit SoftPercent
expect_eq "FDMax beside a bad line" 16 "$(armed_fds $P)"
cat=$("$CTL" cat $U) || fail "rescapctl cat $U"
echo "$cat" | grep -q "$D/$U.d/50-bad.conf:2: HeapMax=lots: not a size" || fail "no error in cat: $cat"
echo "$cat" | grep -q "FDMax=16 .*from $D/$U:4" || fail "FDMax's source in cat: $cat"
journalctl -u rescapd --no-pager | grep -q "50-bad.conf:2: HeapMax=lots" || fail "the bad line is not in the journal"
rm -rf $D/$U.d

# set-property: /etc/rescap over the unit file, --runtime over both;
# rescapctl cat says where each value comes from.
"$CTL" set-property $U FDMax=40 HeapMax=1G || fail "set-property $U"
grep -q '^FDMax=40$' /etc/rescap/$U.conf || fail "/etc/rescap/$U.conf: $(cat /etc/rescap/$U.conf)"
expect_eq "set-property FDMax=40" 40 "$(armed_fds $P)"
"$CTL" set-property $U FDMax=50 --runtime || fail "set-property --runtime $U"
expect_eq "set-property --runtime FDMax=50" 50 "$(armed_fds $P)"
cat=$("$CTL" cat $U) || fail "rescapctl cat $U"
echo "$cat" | grep -q "FDMax=50 .*from /run/rescap/$U.conf:3" || fail "FDMax's source in cat: $cat"
echo "$cat" | grep -q "HeapMax=1G .*from /etc/rescap/$U.conf:3" || fail "HeapMax's source in cat: $cat"
"$CTL" set-property $U HeapMax=lots; expect_eq "set-property HeapMax=lots: exit status" 2 $?
"$CTL" set-property $U Nope=1; expect_eq "set-property Nope=1: exit status" 2 $?
"$CTL" set-property $U HeapMax=; expect_eq "set-property HeapMax=: exit status" 2 $?

# A reboot, as far as rescap sees one: /run is empty, the kernel's state
# is gone (a module's; the LSM keeps its armed paths, which rescapd
# re-arms), rescapd starts with the same /etc.
systemctl stop rescapd
rm -rf /run/rescap
if [ $BACKEND = module ]; then
	unload_rescap
	load_rescap
fi
systemctl start rescapd || fail "rescapd did not start"
wait_eq 50 "after the reboot: /etc's FDMax=40, /run's gone" 40 armed_fds $P
[ "$(systemctl show -P MainPID rescapd)" != "$pid0" ] || fail "rescapd was not restarted"
pid0=$(systemctl show -P MainPID rescapd)
"$CTL" unit-reset $U || fail "unit-reset $U"
[ -e /etc/rescap/$U.conf ] && fail "unit-reset left /etc/rescap/$U.conf"
expect_eq "after unit-reset: the unit file's cap" 16 "$(armed_fds $P)"

# No [X-Rescap] left: disarmed, no unit object.
printf '[Service]\nExecStart=/bin/sleep 600\n' >$D/$U
systemctl daemon-reload
armed_soon "the section removed" $P ""
busctl get-property org.rescap1 /org/rescap1/unit/rufile_2eservice org.rescap1.Unit FDMax 2>/dev/null &&
	fail "$U still has a unit object"

# A template's unit file: three instances capped; rutf@big's own drop-in
# lifts the fd cap (infinity over the template's 16).
cat >$D/$T <<-'END'
	[Service]
	ExecStart=/bin/bash -c 'for i in $(seq 40); do exec {fd}</dev/null; done; touch /run/rutf-%i-40; exec sleep 600'
	[X-Rescap]
	FDMax=16
	HeapMax=1G
END
mkdir -p $D/rutf@big.service.d
printf '[X-Rescap]\nFDMax=infinity\n' >$D/rutf@big.service.d/10-big.conf
systemctl daemon-reload
armed_soon "the template's FDMax=16" "/system.slice/system-rutf.slice/rutf@*.service" 16
for i in a b c big; do systemctl start rutf@$i.service; done
for i in a b c; do
	wait_eq 100 "rutf@$i killed" failed systemctl show -P ActiveState rutf@$i.service
	[ -e /run/rutf-$i-40 ] && fail "rutf@$i went past the template's cap"
done
wait_eq 100 "rutf@big past 40 fds (its own FDMax=infinity)" yes sh -c '[ -e /run/rutf-big-40 ] && echo yes'
expect_eq "rutf@big's heap cap (the template's)" "t 1073741824" \
	"$(busctl get-property org.rescap1 /org/rescap1/unit/rutf_40big_2eservice org.rescap1.Unit HeapMax)"

# A slice: every unit in it is capped, from its first moment.
printf '[Slice]\n[X-Rescap]\nFDMax=16\n' >$D/$S
systemctl daemon-reload
armed_soon "the slice's FDMax=16" /$S 16
systemd-run --quiet --unit=rufile-leak.service --slice=$S /bin/bash -c \
	'for i in $(seq 40); do exec {fd}</dev/null; done; touch /run/rufile-slice-40; exec sleep 600' ||
	fail "systemd-run in $S"
wait_eq 100 "the slice's unit killed" no sh -c 'systemctl is-active --quiet rufile-leak.service && echo yes || echo no'
[ -e /run/rufile-slice-40 ] && fail "a unit in $S went past the slice's cap"

expect_eq "rescapd's pid (never restarted by unit-file changes)" "$pid0" "$(systemctl show -P MainPID rescapd)"
exit 0
