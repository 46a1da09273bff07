# apt installs the two packages; DKMS builds and installs the module for
# the running kernel, with the package's version; rescapd is enabled, with
# the alias D-Bus activation starts.
. ../../lib/lib.sh
. ./setup.sh

# man-db's trigger rebuilds its index: minutes under TCG, nothing to test.
# (No initramfs is rebuilt: Debian 12's DKMS 3.0.10 does not call
# update-initramfs for a module, and neither package triggers it.)
rm -f /var/lib/man-db/auto-update
pkgs=$(debs) || exit 1
# shellcheck disable=SC2086
apt_install $pkgs
kver=$(uname -r)
dkms status rescap >/tmp/dkms.status 2>&1
grep -q "^rescap/$VERSION, $kver, [^:]*: installed" /tmp/dkms.status ||
	fail "dkms status: $(cat /tmp/dkms.status)"
ko=$(modinfo -k "$kver" -n rescap 2>/dev/null) || fail "no rescap module for $kver after the install"
case $ko in */updates/dkms/*) ;; *) fail "rescap found at $ko, not DKMS's" ;; esac
expect_eq "the module's version" "$VERSION" "$(modinfo -k "$kver" -F version rescap)"
systemctl is-enabled --quiet rescapd.service || fail "rescapd.service is not enabled"
expect_eq "the activation alias" /lib/systemd/system/rescapd.service \
	"$(readlink /etc/systemd/system/dbus-org.rescap1.service)"
[ -d /etc/rescap ] || fail "no /etc/rescap"
exit 0
