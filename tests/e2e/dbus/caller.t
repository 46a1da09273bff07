# kernels: stock
# extra-kernels: lsm
# The kernel judges the D-Bus caller, not rescapd: a capped root process
# cannot lift its own cap over the bus, a root service in a capped unit
# cannot reset its unit, root without CAP_SYS_RESOURCE (an empty
# bounding set) changes nothing, a tracked caller that polkit authorizes
# is refused all the same, and rescapd does not register itself.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

# want_denied WHAT OUTPUT: a refusal named AccessDenied.
want_denied() {
	case "$2" in
	*"org.freedesktop.DBus.Error.AccessDenied"*|*"Access denied"*|*"ermission denied"*|*"not permitted"*) ;;
	*) fail "$1: expected AccessDenied, got: $2" ;;
	esac
}

# 1. A root shell registers itself with a cap through rescapd; its later
# children (busctl) are tracked and may not lift the cap.
out=$(sh -c '
	M=org.rescap1.Manager
	busctl call org.rescap1 /org/rescap1 $M RegisterWithOptions uta{sv} $$ 0 1 FDMax t 200 || exit 10
	busctl call org.rescap1 /org/rescap1 $M SetCap utt $$ 18446744073709551615 18446744073709551615 2>&1 && exit 12
	busctl call org.rescap1 /org/rescap1 $M Reset u $$ 2>&1 && exit 13
	busctl call org.rescap1 /org/rescap1 $M Deregister u $$ 2>&1 && exit 14
	exit 0' 2>&1)
rc=$?
[ $rc = 0 ] || fail "a tracked root shell: step $rc: $out"
want_denied "a tracked caller's Reset of itself" "$out"

# 2. A root service in a capped unit resets its own unit.
rm -f /tmp/caller-self.rc /tmp/caller-go2
systemd-run --unit=caller-self -p Type=exec sh -c '
	while [ ! -e /tmp/caller-go2 ]; do sleep 0.1; done
	busctl call org.rescap1 /org/rescap1 org.rescap1.Manager ResetUnit s caller-self.service >/tmp/caller-self.out 2>&1
	echo $? >/tmp/caller-self.rc
	sleep 300' || fail "systemd-run caller-self"
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt caller-self.service 1073741824 1000 ||
	fail "root's SetUnitCap of caller-self.service"
touch /tmp/caller-go2
wait_eq 50 "the unit's call" yes sh -c '[ -s /tmp/caller-self.rc ] && echo yes'
[ "$(cat /tmp/caller-self.rc)" != 0 ] || fail "a service in a capped unit reset its own unit"
want_denied "ResetUnit from inside the unit" "$(cat /tmp/caller-self.out)"
out=$(busctl get-property org.rescap1 /org/rescap1/unit/caller_2dself_2eservice org.rescap1.Unit HeapMax)
expect_eq "the unit's heap cap after its own ResetUnit" "t 1073741824" "$out"
systemctl stop caller-self.service
busctl call org.rescap1 /org/rescap1 $M ResetUnit s caller-self.service || fail "root's ResetUnit"

# 3. uid 0 without capabilities, as a service sandboxed with an empty
# CapabilityBoundingSet would be.
sleep 300 &
victim=$!
busctl call org.rescap1 /org/rescap1 $M RegisterWithOptions uta{sv} $victim 0 1 HeapMax t 1073741824 ||
	fail "root RegisterWithOptions"
out=$(setpriv --bounding-set=-all --inh-caps=-all busctl call org.rescap1 /org/rescap1 $M Reset u $victim 2>&1) &&
	fail "root without capabilities reset another process's caps"
want_denied "root without capabilities" "$out"
systemd-run --unit=caller-x -p Type=exec sleep 300 || fail "systemd-run caller-x"
out=$(setpriv --bounding-set=-all --inh-caps=-all busctl call org.rescap1 /org/rescap1 $M \
	SetUnitCap stt caller-x.service 1073741824 100 2>&1) &&
	fail "root without capabilities set a unit's caps"
want_denied "root without capabilities, SetUnitCap" "$out"
[ -e /etc/rescap/caller-x.service.conf ] && fail "a refused SetUnitCap was persisted"
systemctl stop caller-x.service
out=$(busctl call org.rescap1 /org/rescap1 $M Fetch u $victim) || fail "Fetch $victim"
case "$out" in *" 1073741824 "*) ;; *) fail "the victim's cap changed: $out" ;; esac

# 4. nobody, authorized by polkit, from a tracked process: the kernel
# still refuses (caller-authorized never lifts the tracked rule).
polkit_nobody YES
out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.SetCap uint32:$victim \
	uint64:2147483648 uint64:100 2>&1) || fail "nobody, authorized by polkit and untracked, cannot SetCap: $out"
rm -f /tmp/caller-go /tmp/caller-n.rc
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c '
	while [ ! -e /tmp/caller-go ]; do sleep 0.1; done
	busctl call org.rescap1 /org/rescap1 org.rescap1.Manager Reset u $$ >/tmp/caller-n.out 2>&1
	echo $? >/tmp/caller-n.rc' &
n=$!
sleep 0.3
busctl call org.rescap1 /org/rescap1 $M Register ut $n 0 || fail "root Register of nobody's shell"
touch /tmp/caller-go
wait $n
[ "$(cat /tmp/caller-n.rc)" != 0 ] || fail "a tracked nobody authorized by polkit reset itself"
want_denied "tracked nobody with polkit" "$(cat /tmp/caller-n.out)"
polkit_nobody none

# 5. rescapd does not register itself.
self=$(systemctl show -P MainPID rescapd.service)
bus_error org.rescap1.Error.NotTrackable Register uint32:$self uint64:0
kill $victim
exit 0
