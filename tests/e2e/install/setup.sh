# SPDX-License-Identifier: GPL-2.0
# Sourced by the tests of this suite: where the packages are, and what a
# purge must leave no trace of.
DEBS=$O/deb
VERSION=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$REPO/debian/changelog")
M=org.rescap1.Manager
U=rleak.service
OBJ=/org/rescap1/unit/rleak_2eservice

# deb_rescapd, debs: the rescapd package, and both packages, of make deb,
# as apt-get takes local files (the failure goes to stderr, out of the
# command substitution: pkgs=$(debs) || exit 1).
deb_rescapd() {
	_d=$(ls "$DEBS"/rescapd_"$VERSION"_*.deb 2>/dev/null)
	[ -n "$_d" ] || fail "no rescapd package in $DEBS (make deb)" >&2
	echo "$_d"
}
debs() {
	[ -f "$DEBS/rescap-dkms_${VERSION}_all.deb" ] || fail "no rescap-dkms package in $DEBS (make deb)" >&2
	_r=$(deb_rescapd) || exit 1
	echo "$DEBS/rescap-dkms_${VERSION}_all.deb $_r"
}

# apt_install ARG...: apt-get install with ARGs (options, then the .debs),
# from the files only: the guest has no network, and what they depend on
# is installed on the host (make deps). Its output is in /tmp/apt.log, and
# the test's when it fails.
apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		-o Dpkg::Options::=--force-confold "$@" >/tmp/apt.log 2>&1 ||
		{ tail -n 40 /tmp/apt.log; fail "apt-get install $*"; }
}
