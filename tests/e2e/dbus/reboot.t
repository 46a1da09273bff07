#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernels: stock
# extra-kernels: lsm
# boots: 2
# A reboot: settings in /run/rescap (set-property --runtime) are gone, and
# those in /etc (the unit file's [X-Rescap], set-property's /etc/rescap)
# stay. tests/run boots this test twice: the second boot is a fresh boot
# of the VM (new boot id, empty /run, no rescap state in the kernel)
# with the first boot's /etc.
. ../../lib/lib.sh
. ./setup.sh

U=rureboot.service
D=/etc/systemd/system
P=/system.slice/$U
BOOT1=/etc/rureboot-boot-id

case "${RTEST_BOOT:-}" in
1)
	rescapd_up
	# The unit: 30 fds leaked at start, then it lives on.
	cat >$D/$U <<-'END'
		[Service]
		ExecStart=/bin/bash -c 'for i in $(seq 30); do exec {fd}</dev/null; done; touch /run/rureboot-30; exec sleep 600'
		[X-Rescap]
		HeapMax=1G
		FDMax=16
	END
	sd_reload systemctl daemon-reload
	armed_soon "the unit file's FDMax=16" $P 16
	"$CTL" set-property $U FDMax=40 || fail "set-property $U FDMax=40"
	"$CTL" set-property $U FDMax=20 --runtime || fail "set-property --runtime $U FDMax=20"
	expect_eq "the runtime FDMax=20 over /etc's 40" 20 "$(armed_fds $P)"
	[ -f /run/rescap/$U.conf ] || fail "no /run/rescap/$U.conf"
	cat /proc/sys/kernel/random/boot_id >$BOOT1
	# Left as it is: the second boot checks what a reboot made of it.
	;;
2)
	[ -f $BOOT1 ] || fail "the first boot's /etc is not here"
	[ "$(cat /proc/sys/kernel/random/boot_id)" != "$(cat $BOOT1)" ] || fail "the same boot id: no reboot"
	[ -e /run/rescap/$U.conf ] && fail "/run/rescap/$U.conf outlived the reboot"
	[ -f /etc/rescap/$U.conf ] || fail "/etc/rescap/$U.conf did not outlive the reboot"
	[ $BACKEND = module ] && grep -q '^rescap ' /proc/modules && fail "rescap loaded before the test loads it"
	rescapd_up
	wait_eq 50 "after the reboot: /etc's FDMax=40, /run's 20 gone" 40 armed_fds $P
	"$CTL" --kernel --json list --armed | grep -q "\"heap_cap\":1073741824,\"fd_cap\":40,[^}]*\"path\":\"$P\"" ||
		fail "$P is not armed with the unit file's heap cap: $("$CTL" --kernel --json list --armed)"
	cat=$("$CTL" cat $U) || fail "rescapctl cat $U"
	echo "$cat" | grep -q "FDMax=40 .*from /etc/rescap/$U.conf:" || fail "FDMax's source in cat: $cat"
	echo "$cat" | grep -q "/run/rescap" && fail "rescapctl cat still shows /run: $cat"
	# 30 fds: over the runtime cap the first boot had, under /etc's.
	systemctl start $U || fail "systemctl start $U"
	wait_eq 100 "$U past 30 fds" 0 sh -c '[ -e /run/rureboot-30 ]; echo $?'
	expect_eq "$U under /etc's cap" active "$(systemctl show -P ActiveState $U)"
	systemctl stop $U
	"$CTL" unit-reset $U || fail "unit-reset $U"
	rm -f $D/$U $BOOT1
	systemctl daemon-reload
	;;
*)
	fail "RTEST_BOOT is '${RTEST_BOOT:-}': this test needs tests/run's two boots"
	;;
esac
exit 0
