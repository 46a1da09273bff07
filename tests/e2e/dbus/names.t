# kernels: stock
# extra-kernels: lsm
# Unit names as systemd resolves them (issue 14, part 4). An alias
# (rname-alias.service, a symlink to rname.service) is its unit: caps set
# on the alias are rname.service's (its file, its object, its armed path),
# and GetUnit of the alias is rname.service's object. A cgroup below a
# unit belongs to that unit, whatever names its sub-cgroups have, as a
# user manager's units belong to user@UID.service: a process killed in
# /system.slice/rname.service/inner.service is reported as
# rname.service's, and counted in its Kills.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rname.service
A=rname-alias.service
OBJ=/org/rescap1/unit/rname_2eservice
mon=
cleanup() {
	[ -n "$mon" ] && kill $mon 2>/dev/null
	systemctl stop $U 2>/dev/null
	busctl call org.rescap1 /org/rescap1 $M ResetUnit s $U 2>/dev/null
	rm -f /run/systemd/system/$U /run/systemd/system/$A /run/rname.sh /run/rname-go
	systemctl daemon-reload
}
trap cleanup EXIT

# The service moves a leaker into a sub-cgroup of its own (Delegate=yes)
# named like a unit, and waits.
cat >/run/rname.sh <<-'END'
	#!/bin/bash
	d=/sys/fs/cgroup/system.slice/rname.service
	mkdir $d/inner.service $d/main
	echo $$ >$d/main/cgroup.procs
	while [ ! -e /run/rname-go ]; do sleep 0.1; done
	bash -c 'echo $$ >'$d'/inner.service/cgroup.procs; for i in $(seq 40); do exec {fd}</dev/null; done'
	exec sleep 60
END
cat >/run/systemd/system/$U <<-'END'
	[Service]
	Delegate=yes
	ExecStart=/bin/bash /run/rname.sh
END
ln -sf /run/systemd/system/$U /run/systemd/system/$A
systemctl daemon-reload
rm -f /run/rname-go

busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt $A 18446744073709551615 16 || fail "SetUnitCap $A"
[ -f /etc/rescap/$U.conf ] || fail "no /etc/rescap/$U.conf: $(ls /etc/rescap)"
[ -e /etc/rescap/$A.conf ] && fail "caps persisted under the alias's name"
expect_eq "GetUnit $A" "o \"$OBJ\"" "$(busctl call org.rescap1 /org/rescap1 $M GetUnit s $A)"
expect_eq "Id of $A's object" "s \"$U\"" "$(busctl get-property org.rescap1 $OBJ org.rescap1.Unit Id)"
"$CTL" --kernel --json list --armed | grep -q "\"heap_cap\":null,\"fd_cap\":16,[^}]*\"path\":\"/system.slice/$U\"" ||
	fail "$U's path is not armed: $("$CTL" --kernel --json list --armed)"

"$CTL" --bus --json monitor >/tmp/names.signals &
mon=$!
sleep 1
systemctl start $A || fail "start $A"
touch /run/rname-go
wait_eq 100 "Killed signals" 1 sh -c "grep -c '\"event\":\"killed\"' /tmp/names.signals"
grep '"event":"killed"' /tmp/names.signals | grep -q "\"cgroup\":\"/system.slice/$U/inner.service\",\"unit\":\"$U\"" ||
	fail "the kill in inner.service is not $U's: $(cat /tmp/names.signals)"
wait_eq 50 "Kills of $U" "t 1" busctl get-property org.rescap1 $OBJ org.rescap1.Unit Kills
rm -f /run/rname-go
exit 0
