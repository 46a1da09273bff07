# kernels: -
# extra-kernels: stock stock612
# apt purge leaves no file of rescap behind: each path the packages, DKMS,
# systemd's enabling and rescapd made, then any name with rescap in it in
# the directories they write to (but the test bed's own rescap-test units).
. ../../lib/lib.sh
. ./setup.sh

systemctl stop $U 2>/dev/null
DEBIAN_FRONTEND=noninteractive apt-get purge -y rescap-dkms rescapd >/tmp/purge.log 2>&1 ||
	{ tail -n 30 /tmp/purge.log; fail "apt-get purge"; }
kver=$(uname -r)
for p in /usr/src/rescap-$VERSION /var/lib/dkms/rescap /lib/modules/$kver/updates/dkms/rescap.ko \
	 /usr/lib/modules-load.d/rescap.conf /etc/rescap /usr/libexec/rescapd /usr/bin/rescapctl \
	 /lib/systemd/system/rescapd.service /etc/systemd/system/dbus-org.rescap1.service \
	 /etc/systemd/system/multi-user.target.wants/rescapd.service \
	 /usr/share/dbus-1/system-services/org.rescap1.service /usr/share/dbus-1/system.d/org.rescap1.conf \
	 /usr/share/dbus-1/interfaces/org.rescap1.xml /usr/share/polkit-1/actions/org.rescap1.policy \
	 /usr/lib/tmpfiles.d/rescap.conf /usr/share/man/man8/rescapd.8.gz /usr/share/man/man8/rescapctl.8.gz \
	 /usr/share/man/man5/org.rescap1.5.gz /usr/share/doc/rescapd /usr/share/doc/rescap-dkms \
	 /usr/share/bash-completion/completions/rescapctl \
	 /var/lib/systemd/deb-systemd-helper-enabled/rescapd.service.dsh-also; do
	[ -e $p ] || [ -L $p ] && fail "$p is left after the purge"
done
left=$(find /etc /usr/src /usr/libexec /usr/bin /usr/lib/modules-load.d /usr/lib/tmpfiles.d \
	/lib/systemd/system /usr/share/dbus-1 /usr/share/polkit-1 /usr/share/man /usr/share/doc \
	/var/lib/dkms /var/lib/systemd /var/lib/dpkg/info /lib/modules/$kver/updates \
	-iname '*rescap*' ! -name 'rescap-test.*' 2>/dev/null)
[ -z "$left" ] || fail "left after the purge: $left"
dpkg-query -W rescapd rescap-dkms 2>/dev/null | grep -q . && fail "dpkg still knows: $(dpkg-query -W rescapd rescap-dkms)"
exit 0
