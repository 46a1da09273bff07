# systemd is PID 1 and the system bus answers.
. ../../lib/lib.sh

expect_eq "PID 1" systemd "$(cat /proc/1/comm)"
systemctl is-active --quiet dbus.service || fail "dbus.service is not active"
id=$(busctl --system call org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus GetId) || fail "the system bus does not answer"
case $id in
's "'*) ;;
*) fail "unexpected GetId reply: $id" ;;
esac
exit 0
