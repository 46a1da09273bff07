# kernels: -
# extra-kernels: stock stock612
# An upgrade (the same version installed again) keeps the admin's own
# /etc/rescap file as the admin left it, and the module DKMS installed.
# Only rescapd, the package /etc/rescap belongs to, is installed again:
# installing rescap-dkms again would be DKMS's remove, build and install
# once more (the compile of 01-apt-install, minutes under TCG), and it
# has no file under /etc/rescap.
. ../../lib/lib.sh
. ./setup.sh

f=/etc/rescap/$U.conf
[ -f $f ] || fail "no $f (04-unit-cap)"
printf '# edited by the admin\n[Cap]\nHeapMax=200M\n' >$f
cp $f /tmp/admin.conf
pkg=$(deb_rescapd) || exit 1
apt_install --reinstall "$pkg"
grep -q "^Unpacking rescapd ($VERSION) over ($VERSION)" /tmp/apt.log ||
	fail "rescapd was not installed again: $(tail -n 20 /tmp/apt.log)"
cmp -s $f /tmp/admin.conf || fail "the upgrade changed $f: $(cat $f)"
dkms status rescap | grep -q "^rescap/$VERSION, $(uname -r), [^:]*: installed" ||
	fail "dkms status after the upgrade: $(dkms status rescap)"
systemctl is-enabled --quiet rescapd.service || fail "rescapd.service is not enabled after the upgrade"
exit 0
