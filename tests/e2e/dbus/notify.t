# kernels: stock
# extra-kernels: lsm
# rescap-notify (issue 16, part 5) in a user's session: nobody's own
# session bus with a stand-in notification server
# (tests/helpers/rtest-notify-server). A process of nobody's warned at its
# soft threshold and then killed at its fd cap gives notifications naming
# it, the resource, the usage and the cap (one for the kill, critical);
# root's process killed at its cap gives none. The desktop file and the
# user unit are the installed ones: they start the same program.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

N=/run/rnotify
sbus= srv= ntf= mine= roots=
cleanup() {
	for p in $ntf $srv $sbus $mine $roots; do kill $p 2>/dev/null; done
	rm -rf $N
}
trap cleanup EXIT
mkdir -p $N
chown nobody:nogroup $N
SESSION="DBUS_SESSION_BUS_ADDRESS=unix:path=$N/bus"
# As nobody, in this process (its pid is $!): not through a function.
NOBODY="setpriv --reuid nobody --regid nogroup --clear-groups --"
# dead PID: "yes" once PID is gone or a zombie (killed, not yet reaped).
dead() {
	if [ ! -d /proc/$1 ] || grep -q '^[0-9]* (.*) Z ' /proc/$1/stat 2>/dev/null; then echo yes; else echo no; fi
}

$NOBODY dbus-daemon --session --address=unix:path=$N/bus --nofork --nopidfile 2>$N/bus.log &
sbus=$!
wait_eq 50 "nobody's session bus" yes sh -c "[ -S $N/bus ] && echo yes"
$NOBODY env $SESSION "$REPO/tests/helpers/rtest-notify-server" $N/log 2>$N/server.err &
srv=$!
wait_eq 100 "the notification server on the session bus" ready head -n 1 $N/log
$NOBODY env $SESSION "$O/bin/rescap-notify" 2>$N/notify.err &
ntf=$!
wait_eq 100 "rescap-notify subscribed" 1 grep -c '^rescap-notify: subscribed' $N/notify.err

# root's leak first: killed, and nothing for nobody.
bash -c 'while [ ! -e /run/rnotify/go-root ]; do sleep 0.1; done
	for i in $(seq 30); do exec {fd}</dev/null; done; exec sleep 600' &
roots=$!
"$CTL" register $roots --fds 16 || fail "register root's $roots"
touch $N/go-root
wait_eq 100 "root's process killed at its cap" yes dead $roots
# nobody's: a warning at half of 30 fds, killed at 31.
$NOBODY bash -c 'while [ ! -e /run/rnotify/go ]; do sleep 0.1; done
	for i in $(seq 40); do exec {fd}</dev/null; done; exec sleep 600' &
mine=$!
"$CTL" register $mine --fds 30 --soft 50 || fail "register nobody's $mine"
touch $N/go
wait_eq 100 "nobody's process killed at its cap" yes dead $mine
wait_eq 100 "a notification of the kill" 1 grep -c '"summary": "bash ('"$mine"') was killed"' $N/log
sleep 2

log=$(cat $N/log)
printf '%s\n' "$log" | grep -q "($roots)" && fail "a notification for root's process: $log"
expect_eq "notifications of the kill" 1 "$(grep -c 'was killed' $N/log)"
grep -q '"summary": "bash ('"$mine"') was killed", "body": "bash was killed at 31 open files; its cap is 30 open files (its own cap, in [a-z]* [^"]*).", "urgency": 2, "icon": "dialog-warning"' $N/log ||
	fail "the kill's notification: $log"
grep -q '"summary": "bash ('"$mine"') is near its cap", "body": "bash has 15 open files; its cap is 30 open files (its own cap, in [a-z]* [^"]*).", "urgency": 1' $N/log ||
	fail "the soft warning's notification: $log"
grep -q '"app_name": "rescap"' $N/log || fail "app_name: $log"
kill -0 $ntf || fail "rescap-notify exited: $(cat $N/notify.err)"

# It stops at SIGTERM with status 0.
kill $ntf
wait $ntf
expect_eq "rescap-notify's exit status at SIGTERM" 0 $?
ntf=

# The installed files start this program.
grep -qx 'ExecStart=/usr/bin/rescap-notify' "$REPO/dbus/rescap-notify.service" || fail "the user unit's ExecStart="
grep -qx 'Exec=/usr/bin/rescap-notify' "$REPO/dbus/rescap-notify.desktop" || fail "the desktop file's Exec="
exit 0
