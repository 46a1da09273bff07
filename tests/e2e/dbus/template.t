# kernels: stock
# extra-kernels: lsm
# Caps on a template unit (issue 14, part 2): caps on rtpl@.service apply
# to every instance, from its first moment (rescapd arms the pattern
# /system.slice/system-rtpl.slice/rtpl@*.service); an instance's own
# caps win over the template's, key by key (rtpl@big.service: FDMax 100,
# the template's HeapMax kept). An instance running when the template
# gets caps gets them too. Lifting the template's caps disarms the
# pattern. A template systemd does not have is NoSuchUnit.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

T=rtpl@.service
NOCAP=18446744073709551615
cleanup() {
	systemctl stop 'rtpl@*.service' 2>/dev/null
	for u in $T rtpl@big.service; do busctl call org.rescap1 /org/rescap1 $M ResetUnit s $u 2>/dev/null; done
	rm -f /run/systemd/system/$T /run/rtpl.sh
	systemctl daemon-reload
}
trap cleanup EXIT

# Each instance leaks 40 fds, then says how far it got.
cat >/run/rtpl.sh <<-'END'
	#!/bin/bash
	for i in $(seq 40); do exec {fd}</dev/null; done
	touch /run/rtpl-$1-40
	exec sleep 600
END
cat >/run/systemd/system/$T <<-'END'
	[Service]
	ExecStart=/bin/bash /run/rtpl.sh %i
END
systemctl daemon-reload
rm -f /run/rtpl-*-40

# fd_cap CGROUP: the fd cap of the kernel's policy on CGROUP ("" if none).
fd_cap() {
	"$CTL" --kernel --json list --cgroups | /usr/bin/python3 -c '
import json, sys
for g in json.load(sys.stdin):
    if g["cgroup"] == sys.argv[1]:
        print(g["fd_cap"], g["heap_cap"])' "$1"
}
S=/system.slice/system-rtpl.slice

# A template systemd does not have: NoSuchUnit, nothing persisted.
bus_error org.rescap1.Error.NoSuchUnit SetUnitCap string:rnone@.service uint64:$NOCAP uint64:16
[ -e /etc/rescap/rnone@.service.conf ] && fail "caps persisted for a template that does not exist"

# An instance running before the template has caps.
systemctl start rtpl@early.service || fail "start rtpl@early"
busctl call org.rescap1 /org/rescap1 $M SetUnitCapWithOptions 'sa{sv}' $T 2 FDMax t 100 HeapMax t 1073741824 ||
	fail "SetUnitCap $T"
"$CTL" --kernel --json list --armed | grep -q "\"heap_cap\":1073741824,\"fd_cap\":100,[^}]*\"path\":\"$S/rtpl@\\*.service\"" ||
	fail "the template's pattern is not armed: $("$CTL" --kernel --json list --armed)"
expect_eq "the running instance's policy" "100 1073741824" "$(fd_cap $S/rtpl@early.service)"

# New instances: the template's caps; rtpl@big's own FDMax wins.
busctl call org.rescap1 /org/rescap1 $M SetUnitCapWithOptions 'sa{sv}' $T 1 FDMax t 16 || fail "SetUnitCap $T 16"
busctl call org.rescap1 /org/rescap1 $M SetUnitCapWithOptions 'sa{sv}' rtpl@big.service 1 FDMax t 100 ||
	fail "SetUnitCap rtpl@big"
for i in a b big; do systemctl start rtpl@$i.service; done
wait_eq 100 "rtpl@big past 40 fds (its own cap is 100)" yes sh -c '[ -e /run/rtpl-big-40 ] && echo yes'
for i in a b; do
	wait_eq 100 "rtpl@$i killed" failed systemctl show -P ActiveState rtpl@$i.service
	[ -e /run/rtpl-$i-40 ] && fail "rtpl@$i went past the template's cap"
done
expect_eq "rtpl@big's policy (its FDMax, the template's HeapMax)" "100 1073741824" "$(fd_cap $S/rtpl@big.service)"

# The template's caps lifted: the pattern is disarmed.
busctl call org.rescap1 /org/rescap1 $M ResetUnit s $T || fail "ResetUnit $T"
"$CTL" --kernel --json list --armed | grep -q 'rtpl@\*' && fail "the pattern is still armed"
systemctl start rtpl@c.service
expect_eq "a new instance after the template's caps are lifted" "" "$(fd_cap $S/rtpl@c.service)"
exit 0
