# SPDX-License-Identifier: GPL-2.0
# Sourced by the tests of this suite: where the packages are, and what a
# purge must leave no trace of.
DEBS=$O/deb
VERSION=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$REPO/debian/changelog")
M=org.rescap1.Manager
U=rleak.service
OBJ=/org/rescap1/unit/rleak_2eservice

# debs: the two packages of make deb, as apt-get takes local files.
debs() {
	_d=$(ls "$DEBS"/rescapd_"$VERSION"_*.deb 2>/dev/null | grep -v dbgsym)
	[ -f "$DEBS/rescap-dkms_${VERSION}_all.deb" ] && [ -n "$_d" ] ||
		fail "no packages in $DEBS (make deb)"
	echo "$DEBS/rescap-dkms_${VERSION}_all.deb $_d"
}

# apt_install: install (or install again) both packages with apt-get, from
# the files only: the guest has no network, and what they depend on is
# installed on the host (make deps).
apt_install() {
	# shellcheck disable=SC2046
	# Its output is the test's: a failed test shows it.
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		-o Dpkg::Options::=--force-confold "$@" $(debs) || fail "apt-get install $*"
}
