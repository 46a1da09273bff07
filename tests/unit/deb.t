# make deb from a fresh clone of the tree's commit: both packages are
# built, lintian finds no error, and each package holds what it must.
. ../lib/lib.sh

command -v dpkg-buildpackage >/dev/null || skip "no dpkg-buildpackage (make deps)"
command -v lintian >/dev/null || skip "no lintian (make deps)"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
git clone -q "$REPO" "$d/src" || fail "git clone $REPO"
git -C "$d/src" checkout -q "$(git -C "$REPO" rev-parse HEAD)" || fail "git checkout"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$d/src" O="$d/out" deb >"$d/log" 2>&1 ||
	fail "make deb: $(tail -n 40 "$d/log")"
ver=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$REPO/debian/changelog")
dkms=$d/out/deb/rescap-dkms_${ver}_all.deb
daemon=$(ls "$d"/out/deb/rescapd_"${ver}"_*.deb 2>/dev/null | grep -v dbgsym)
[ -f "$dkms" ] || fail "no $dkms"
[ -f "$daemon" ] || fail "no rescapd_${ver}_*.deb"
# make deb fails on a lintian error; say it again on its own output.
grep -q '^E: ' "$d/log" && fail "lintian errors: $(grep '^E: ' "$d/log")"

has() {	# has DEB PATH...
	_deb=$1; shift
	dpkg-deb -c "$_deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$d/list"
	for _f in "$@"; do
		grep -qx "$_f" "$d/list" || fail "$(basename "$_deb") has no $_f"
	done
}
has "$dkms" /usr/src/rescap-$ver/dkms.conf /usr/src/rescap-$ver/Kbuild /usr/src/rescap-$ver/module.c \
	/usr/src/rescap-$ver/include/uapi/linux/rescap.h /usr/lib/modules-load.d/rescap.conf
has "$daemon" /usr/libexec/rescapd /usr/bin/rescapctl /lib/systemd/system/rescapd.service \
	/usr/share/dbus-1/system-services/org.rescap1.service /usr/share/dbus-1/system.d/org.rescap1.conf \
	/usr/share/polkit-1/actions/org.rescap1.policy /usr/lib/tmpfiles.d/rescap.conf /etc/rescap/ \
	/usr/share/man/man8/rescapd.8.gz /usr/share/man/man8/rescapctl.8.gz /usr/share/man/man5/org.rescap1.5.gz \
	/usr/share/bash-completion/completions/rescapctl
dpkg-deb -c "$dkms" | grep -q policy_test && fail "the KUnit test is in the DKMS source"
# DKMS builds without -Werror, with the package's version.
dpkg-deb --fsys-tarfile "$dkms" | tar -xO ./usr/src/rescap-$ver/dkms.conf >"$d/dkms.conf"
grep -v "^#" "$d/dkms.conf" | grep -q Werror && fail "dkms.conf builds with -Werror"
grep -qx "PACKAGE_VERSION=\"$ver\"" "$d/dkms.conf" || fail "dkms.conf's version is not $ver"
grep -q "RESCAP_VERSION=\${PACKAGE_VERSION}" "$d/dkms.conf" || fail "dkms.conf does not pass RESCAP_VERSION"
grep -qx 'AUTOINSTALL="yes"' "$d/dkms.conf" || fail "dkms.conf without AUTOINSTALL"
exit 0
