# Every method over the system bus, with bad input: each a named error,
# rescapd stays up. The documented introspection equals the live one.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

busctl introspect --xml-interface org.rescap1 /org/rescap1 >/tmp/mgr.xml || fail introspect
"$REPO/tests/helpers/rtest-introspect-cmp" "$REPO/dbus/org.rescap1.xml" /tmp/mgr.xml org.rescap1.Manager ||
	fail "introspection differs from dbus/org.rescap1.xml"

E=org.rescap1.Error
I=org.freedesktop.DBus.Error.InvalidArgs
sleep 30 &
dead=$!
kill $dead; wait $dead 2>/dev/null
kthread=$(pgrep -x kthreadd)
bus_error $I Register uint32:0 uint64:0
bus_error $E.NotTrackable Register uint32:1 uint64:0
bus_error $E.NotTrackable Register uint32:$kthread uint64:0
bus_error $E.NoSuchProcess Register uint32:$dead uint64:0
bus_error $E.NoSuchProcess Fetch uint32:$dead
bus_error $E.NotTracked Fetch uint32:1
bus_error $E.NotTracked Deregister uint32:$$
bus_error $E.NotTracked Reset uint32:$$
bus_error $I Fetch string:1
sleep 300 &
p=$!
busctl call org.rescap1 /org/rescap1 $M Register ut $p 0 || fail "Register $p"
bus_error $E.AlreadyTracked Register uint32:$p uint64:0
bus_error $E.InvalidCap SetCap uint32:$p uint64:0 uint64:10
bus_error $E.InvalidCap SetCap uint32:$p uint64:18446744073709551614 uint64:10
bus_error $E.CapBelowUsage SetCap uint32:$p uint64:4096 uint64:18446744073709551615
out=$(busctl call org.rescap1 /org/rescap1 $M SetCapWithOptions 'ua{sv}' $p 1 Action s deny 2>&1)
if [ $BACKEND = lsm ]; then
	[ -z "$out" ] || fail "deny on the LSM: $out"
	busctl call org.rescap1 /org/rescap1 $M SetCapWithOptions 'ua{sv}' $p 1 Action s kill || fail "back to kill"
else
	case "$out" in *"Operation not supported"*) ;; *) fail "deny in the module build: $out" ;; esac
fi
busctl call org.rescap1 /org/rescap1 $M SetCap utt $p 536870912 1024 || fail "SetCap"
out=$(busctl call org.rescap1 /org/rescap1 $M Fetch u $p) || fail Fetch
case "$out" in "ussubtttttttsutss $p \"sleep\" "*" 536870912 "*" 1024 \"kill\" "*) ;; *) fail "Fetch: $out" ;; esac
busctl call org.rescap1 /org/rescap1 $M List | grep -q " $p \"sleep\"" || fail "List misses $p"
busctl call org.rescap1 /org/rescap1 $M Reset u $p || fail Reset
busctl call org.rescap1 /org/rescap1 $M Deregister u $p || fail Deregister
# RegisterWithOptions: tracked with its caps from the first moment; a bad
# option is a named error and registers nothing.
out=$(busctl call org.rescap1 /org/rescap1 $M RegisterWithOptions 'uta{sv}' $p 0 1 Bogus u 1 2>&1) &&
	fail "RegisterWithOptions with an unknown option: $out"
case "$out" in *"unknown option"*) ;; *) fail "RegisterWithOptions, unknown option: $out" ;; esac
out=$(busctl call org.rescap1 /org/rescap1 $M RegisterWithOptions 'uta{sv}' $p 0 1 FDMax t 0 2>&1) &&
	fail "RegisterWithOptions with an fd cap of 0: $out"
case "$out" in *"fd cap of 0"*) ;; *) fail "RegisterWithOptions, fd cap 0: $out" ;; esac
bus_error $E.NotTracked Deregister uint32:$p
busctl call org.rescap1 /org/rescap1 $M RegisterWithOptions 'uta{sv}' $p 0 2 FDMax t 1000 Action s notify ||
	fail "RegisterWithOptions $p"
out=$(busctl call org.rescap1 /org/rescap1 $M Fetch u $p) || fail Fetch
case "$out" in *" 1000 \"notify\" "*) ;; *) fail "Fetch after RegisterWithOptions: $out" ;; esac
busctl call org.rescap1 /org/rescap1 $M Deregister u $p || fail Deregister
kill $p
bus_error $E.NoSuchUnit GetUnit string:no-such-unit.service
bus_error $E.NoSuchUnit SetUnitCap string:no-such-unit.service uint64:1048576 uint64:10
bus_error $I SetUnitCap string:no/such.service uint64:1048576 uint64:10
bus_error $I SetUnitCap string:/../x uint64:1048576 uint64:10
bus_error $E.NoSuchUnit SetUnitCap string:/no/such/cgroup uint64:1048576 uint64:10
bus_error $E.InvalidCap SetUnitCap string:dbus.service uint64:0 uint64:4096
bus_error $I SetUnitCap string:dbus.service uint32:1
# Groups that hold rescapd: the kernel would refuse rescapd's every change.
bus_error $E.NotSupported SetUnitCap string:rescapd.service uint64:1073741824 uint64:4096
bus_error $E.NotSupported SetUnitCap string:system.slice uint64:1073741824 uint64:4096
bus_error $E.NotSupported SetUnitCap string:-.slice uint64:1073741824 uint64:4096
bus_error $E.CapBelowUsage SetUnitCap string:dbus.service uint64:18446744073709551615 uint64:1
[ -z "$(ls /etc/rescap)" ] || fail "refused caps were persisted: $(ls /etc/rescap)"
# A cgroup that is no unit's own: caps in the kernel only, not persisted.
mkdir /sys/fs/cgroup/rt-plain || fail "mkdir rt-plain"
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt /rt-plain 1048576000 100 || fail "SetUnitCap /rt-plain"
"$CTL" --kernel list --cgroups | grep -q " 100 kill .* /rt-plain$" ||
	fail "no kernel policy on /rt-plain: $("$CTL" --kernel list --cgroups)"
[ -z "$(ls /etc/rescap)" ] || fail "a plain cgroup's caps were persisted: $(ls /etc/rescap)"
busctl call org.rescap1 /org/rescap1 $M ResetUnit s /rt-plain || fail "ResetUnit /rt-plain"
bus_error $E.NotTracked ResetUnit string:/rt-plain
expect_eq "policies after ResetUnit /rt-plain" "[]" "$("$CTL" --kernel --json list --cgroups)"
rmdir /sys/fs/cgroup/rt-plain
bus_error $E.NoSuchUnit SetUnitCap string:/rt-plain uint64:1048576000 uint64:100
out=$(busctl call org.rescap1 /org/rescap1 $M SetUnitCapWithOptions 'sa{sv}' dbus.service 1 Action s deny 2>&1)
if [ $BACKEND = lsm ]; then
	[ -z "$out" ] || fail "unit deny on the LSM: $out"
	grep -qx "Action=deny" /etc/rescap/dbus.service.conf || fail "deny not persisted"
	busctl call org.rescap1 /org/rescap1 $M ResetUnit s dbus.service || fail "ResetUnit dbus.service"
	[ -z "$(ls /etc/rescap)" ] || fail "ResetUnit left $(ls /etc/rescap)"
else
	case "$out" in *"Operation not supported"*) ;; *) fail "unit deny in the module build: $out" ;; esac
fi
out=$(busctl call org.rescap1 /org/rescap1 $M GetUnit s dbus.service) || fail "GetUnit dbus.service"
expect_eq GetUnit 'o "/org/rescap1/unit/dbus_2eservice"' "$out"
# A unit object exists while the unit has caps.
obj=/org/rescap1/unit/dbus_2eservice
out=$(busctl get-property org.rescap1 $obj org.rescap1.Unit ControlGroup 2>&1) &&
	fail "an object for dbus.service, which has no caps: $out"
busctl call org.rescap1 /org/rescap1 $M SetUnitCapWithOptions 'sa{sv}' dbus.service 2 \
	FDMax t 100000 Action s notify || fail "caps on dbus.service"
expect_eq ControlGroup 's "/system.slice/dbus.service"' \
	"$(busctl get-property org.rescap1 $obj org.rescap1.Unit ControlGroup)"
expect_eq Action 's "notify"' "$(busctl get-property org.rescap1 $obj org.rescap1.Unit Action)"
heap=$(busctl get-property org.rescap1 $obj org.rescap1.Unit HeapCurrent)
case "$heap" in "t 0"|"") fail "HeapCurrent of dbus.service: '$heap'" ;; esac
busctl tree org.rescap1 | grep -q dbus_2eservice || fail "busctl tree does not show $obj: $(busctl tree org.rescap1)"
out=$(busctl call org.rescap1 /org/rescap1 org.freedesktop.DBus.ObjectManager GetManagedObjects) ||
	fail "GetManagedObjects"
case "$out" in *'"/org/rescap1/unit/dbus_2eservice"'*) ;; *) fail "GetManagedObjects: $out" ;; esac
busctl call org.rescap1 /org/rescap1 $M ResetUnit s dbus.service || fail "ResetUnit dbus.service"
busctl get-property org.rescap1 $obj org.rescap1.Unit ControlGroup 2>/dev/null &&
	fail "the object of dbus.service after ResetUnit"
systemctl is-active --quiet rescapd || fail "rescapd is not running"
exit 0
