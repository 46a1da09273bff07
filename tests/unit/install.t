# make install into a DESTDIR: every file where systemd, D-Bus, polkit, the
# desktop and man look for it, rescap-notify's user unit enabled for every
# user, and the service enabled as systemctl enable does: the
# alias dbus-org.rescap1.service, which the D-Bus activation file names
# (SystemdService=), and the start at boot.
. ../lib/lib.sh

command -v systemctl >/dev/null || skip "no systemctl"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# A make of its own: not a sub-make of make check's.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$REPO" O="$O" install DESTDIR="$d" >"$d/log" 2>&1 ||
	fail "make install: $(cat "$d/log")"
for f in usr/libexec/rescapd usr/bin/rescapctl usr/lib/systemd/system/rescapd.service \
	 usr/share/dbus-1/system-services/org.rescap1.service usr/share/dbus-1/system.d/org.rescap1.conf \
	 usr/share/polkit-1/actions/org.rescap1.policy usr/share/dbus-1/interfaces/org.rescap1.xml \
	 usr/lib/tmpfiles.d/rescap.conf usr/share/man/man8/rescapd.8 usr/share/man/man8/rescapctl.8 \
	 usr/share/man/man5/org.rescap1.5 usr/lib/systemd/system/rescap-metrics.service \
	 usr/lib/systemd/system/rescap-metrics.timer usr/share/bash-completion/completions/rescapctl \
	 usr/bin/rescap-notify usr/lib/systemd/user/rescap-notify.service etc/xdg/autostart/rescap-notify.desktop \
	 usr/share/man/man1/rescap-notify.1; do
	[ -f "$d/$f" ] || fail "make install did not install /$f"
done
alias=$(sed -n 's/^Alias=//p' "$d/usr/lib/systemd/system/rescapd.service")
expect_eq "the unit's Alias=" dbus-org.rescap1.service "$alias"
expect_eq "the activation file's SystemdService=" "$alias" \
	"$(sed -n 's/^SystemdService=//p' "$d/usr/share/dbus-1/system-services/org.rescap1.service")"
expect_eq "the alias installed" /usr/lib/systemd/system/rescapd.service \
	"$(readlink "$d/etc/systemd/system/$alias")"
expect_eq "the start at boot" /usr/lib/systemd/system/rescapd.service \
	"$(readlink "$d/etc/systemd/system/multi-user.target.wants/rescapd.service")"
expect_eq "the metrics timer enabled" /usr/lib/systemd/system/rescap-metrics.timer \
	"$(readlink "$d/etc/systemd/system/timers.target.wants/rescap-metrics.timer")"
expect_eq "rescap-notify enabled for every user" /usr/lib/systemd/user/rescap-notify.service \
	"$(readlink "$d/etc/systemd/user/graphical-session.target.wants/rescap-notify.service")"
grep -q '^ReadWritePaths=' "$d/usr/lib/systemd/system/rescapd.service" &&
	fail "ReadWritePaths= fails when the path is missing: ConfigurationDirectory= makes it"
grep -q '^ConfigurationDirectory=rescap$' "$d/usr/lib/systemd/system/rescapd.service" ||
	fail "no ConfigurationDirectory=rescap"
exit 0
