# An upgrade (the same version installed again) keeps the admin's own
# /etc/rescap file as the admin left it, and the module.
. ../../lib/lib.sh
. ./setup.sh

f=/etc/rescap/$U.conf
[ -f $f ] || fail "no $f (04-unit-cap)"
printf '# edited by the admin\n[Cap]\nHeapMax=200M\n' >$f
cp $f /tmp/admin.conf
apt_install --reinstall
cmp -s $f /tmp/admin.conf || fail "the upgrade changed $f: $(cat $f)"
dkms status rescap | grep -q "^rescap/$VERSION, $(uname -r), [^:]*: installed" ||
	fail "dkms status after the upgrade: $(dkms status rescap)"
systemctl is-enabled --quiet rescapd.service || fail "rescapd.service is not enabled after the upgrade"
exit 0
