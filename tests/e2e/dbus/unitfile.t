# kernels: stock
# extra-kernels: lsm
# Caps written in unit files, the way systemd lets other programs extend
# units (issue 14, parts 2, 3 and 5): an [X-Rescap] section in the
# fragment and in drop-ins. A daemon-reload puts them in the kernel within
# 1 s (armed_soon) without touching rescapd (its Reloading signal), whether
# the drop-in comes from `systemctl edit` or not; `systemctl revert` takes
# it away. `rescapctl set-property [--runtime]` and `rescapctl cat`;
# a bad value keeps the others and is visible (cat, journal); /run/rescap
# settings are gone when /run is (here rescapd stopped, /run/rescap
# emptied, the module reloaded where it is one, rescapd started; reboot.t
# boots the VM a second time with the same /etc).
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rufile.service
D=/etc/systemd/system
cleanup() {
	systemctl stop $U 2>/dev/null
	rm -rf $D/$U $D/$U.d /run/rufile-*
	rm -f /etc/rescap/$U.conf /run/rescap/$U.conf
	systemctl daemon-reload
}
trap cleanup EXIT

pid0=$(systemctl show -P MainPID rescapd)
P=/system.slice/$U

# The fragment: 40 fds leaked at start.
cat >$D/$U <<-'END'
	[Service]
	ExecStart=/bin/bash -c 'for i in $(seq 40); do exec {fd}</dev/null; done; touch /run/rufile-40; exec sleep 600'
	[X-Rescap]
	FDMax=16
END
sd_reload systemctl daemon-reload
armed_soon "the fragment's FDMax=16" $P 16
systemctl start $U
wait_eq 100 "$U killed at its cap" failed systemctl show -P ActiveState $U
[ -e /run/rufile-40 ] && fail "$U went past its fragment's cap"
systemctl reset-failed $U

# systemctl edit (it needs a tty: script gives it one), with an editor
# that writes the drop-in.
printf '#!/bin/sh\nprintf "[X-Rescap]\\nFDMax=100\\n" >"$1"\n' >/run/rufile-editor
chmod 755 /run/rufile-editor
sd_reload env SYSTEMD_EDITOR=/run/rufile-editor script -qec "systemctl edit $U" /dev/null >/dev/null ||
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
sd_reload systemctl revert $U >/dev/null || fail "systemctl revert $U"
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
out=$(busctl call org.rescap1 /org/rescap1 $M SetUnitCapWithOptions 'sa{sv}' $U 2 FDMax t 30 Runtime s yes 2>&1) &&
	fail "Runtime as a string was taken"
case "$out" in *"option 'Runtime' has the wrong type"*) ;; *) fail "Runtime as a string: $out" ;; esac
# rescapd's own file, broken by hand: not rewritten, BadSettings, as it was.
cp /etc/rescap/$U.conf /run/rufile-good.conf
printf '[Cap]\nFDMax=40\nHeapMax=lots\n' >/etc/rescap/$U.conf
out=$("$CTL" set-property $U FDMax=30 2>&1); rc=$?
expect_eq "set-property over a broken file: exit status" 1 $rc
case "$out" in *org.rescap1.Error.BadSettings*":3 does not parse"*|*":3 does not parse"*org.rescap1.Error.BadSettings*) ;;
*) fail "set-property over a broken file: $out" ;; esac
grep -q '^HeapMax=lots$' /etc/rescap/$U.conf || fail "the broken file was rewritten: $(cat /etc/rescap/$U.conf)"
expect_eq "the fd cap after a refused set-property" 50 "$(armed_fds $P)"
cp /run/rufile-good.conf /etc/rescap/$U.conf

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
sd_reload systemctl daemon-reload
armed_soon "the section removed" $P ""
busctl get-property org.rescap1 /org/rescap1/unit/rufile_2eservice org.rescap1.Unit FDMax 2>/dev/null &&
	fail "$U still has a unit object"

expect_eq "rescapd's pid (never restarted by unit-file changes)" "$pid0" "$(systemctl show -P MainPID rescapd)"
exit 0
