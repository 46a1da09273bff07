# SPDX-License-Identifier: GPL-2.0
# Sourced by the tests of this suite: installs rescapd into the guest (the
# overlay is the guest's own), loads rescap and starts rescapd, once per boot.
M=org.rescap1.Manager
CTL="$O/bin/rescapctl"
# What rescapd's Backend says: the LSM kernel has rescap built in.
if [ "$RTEST_KERNEL" = lsm ]; then BACKEND=lsm; else BACKEND=module; fi

# systemd_calls_watch FILE: dbus-monitor writes to FILE the method calls
# rescapd's own connection (its unique name now) makes to systemd, in the
# background; sets $mon, its pid. systemd_calls FILE: how many there were.
systemd_calls_watch() {
	_name=$(busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetNameOwner s org.rescap1 |
		sed 's/^s "\(.*\)"$/\1/')
	dbus-monitor --system "type='method_call',sender='$_name',destination='org.freedesktop.systemd1'" \
		>"$1" 2>&1 &
	mon=$!
}
systemd_calls() { grep -c '^method call' "$1"; }

rescapd_install() {
	# A second boot (tests/run, "# boots: 2") has the first one's /etc,
	# not its /usr.
	[ -f /etc/systemd/system/rescapd.service ] && [ -x /usr/libexec/rescapd ] && return 0
	# No /etc/rescap: the unit's ConfigurationDirectory= makes it.
	mkdir -p /etc/dbus-1/system.d /usr/share/dbus-1/system-services /usr/share/polkit-1/actions
	cp "$REPO/dbus/org.rescap1.conf" /etc/dbus-1/system.d/
	cp "$REPO/dbus/org.rescap1.service" /usr/share/dbus-1/system-services/
	cp "$REPO/dbus/org.rescap1.policy" /usr/share/polkit-1/actions/
	# Installed where the unit expects it: the build directory may be
	# under /tmp or /home, which the unit's PrivateTmp and ProtectHome hide.
	install -D -m 755 "$O/bin/rescapd" /usr/libexec/rescapd
	cp "$REPO/dbus/rescapd.service" /etc/systemd/system/rescapd.service
	# As make install: the alias dbus-org.rescap1.service, which D-Bus
	# activation starts (org.rescap1.service's SystemdService=).
	systemctl enable rescapd.service 2>/dev/null || fail "systemctl enable rescapd"
	systemctl daemon-reload
	busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig ||
		fail "dbus ReloadConfig"
}

rescapd_up() {
	rescapd_install
	[ $BACKEND = lsm ] || grep -q '^rescap ' /proc/modules || load_rescap
	systemctl start rescapd.service || { journalctl -u rescapd --no-pager | tail -20; fail "rescapd did not start"; }
	wait_eq 50 "rescapd's Backend" "s \"$BACKEND\"" busctl get-property org.rescap1 /org/rescap1 $M Backend
}

# bus_error NAME METHOD ARGS...: a dbus-send call must fail with NAME and
# rescapd must still be running.
bus_error() {
	_want=$1; shift
	_m=$1; shift
	_out=$(dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 "$M.$_m" "$@" 2>&1)
	case "$_out" in
	"Error $_want:"*) ;;
	*) fail "$_m $*: expected $_want, got: $_out" ;;
	esac
	systemctl is-active --quiet rescapd || fail "rescapd died after $_m $*"
}

# polkit_nobody RESULT: a polkit rule that answers RESULT (YES, AUTH_ADMIN,
# ...) for org.rescap1.manage asked for user nobody, in effect when this
# returns; polkit_nobody none removes it.
POLKIT_RULES=/etc/polkit-1/rules.d/49-rescap-test.rules
polkit_nobody() {
	if [ "$1" = none ]; then
		rm -f $POLKIT_RULES
	else
		cat >$POLKIT_RULES <<-RULES
			polkit.addRule(function(action, subject) {
				if (action.id == "org.rescap1.manage" && subject.user == "nobody")
					return polkit.Result.$1;
			});
		RULES
		chmod 644 $POLKIT_RULES
	fi
	systemctl restart polkit.service || fail "polkit.service does not start"
	# polkitd reads its rules after it is on the bus: wait for it to answer.
	wait_eq 50 "polkitd on the bus" 0 sh -c 'busctl get-property org.freedesktop.PolicyKit1 \
		/org/freedesktop/PolicyKit1/Authority org.freedesktop.PolicyKit1.Authority BackendName \
		>/dev/null 2>&1; echo $?'
}

# armed_fds PATH: the fd cap the kernel arms PATH with ("" if none).
armed_fds() { "$CTL" --kernel list --armed | awk -v p="$1" '$NF == p { print $2 }'; }
# sd_reload CMD...: runs CMD (one that has systemd reload its units:
# systemctl daemon-reload, edit, revert), and keeps when it started and
# returned (CLOCK_MONOTONIC seconds, the journal's) for armed_soon.
uptime_s() { cut -d' ' -f1 /proc/uptime; }
sd_reload() {
	SD_RELOAD_START=$(uptime_s)
	"$@"
	_rc=$?
	SD_RELOAD_END=$(uptime_s)
	return $_rc
}
# armed_soon WHAT PATH FDS: after sd_reload, the armed fd cap of PATH is
# FDS (polled; up to 10 s before it fails as missing), and rescapd's
# reload that armed it ended within 1 s of systemctl's return: its
# "reloaded" line in the journal (stamped when journald read it, an upper
# bound), not when the poll saw it (each poll spawns processes, slow on the
# debug kernel under TCG). systemd is busiest right after its reload (its
# change signals about every unit), and rescapd asks it where each unit
# with settings has its files and its cgroup, in one batch of Gets.
# Measured on 2026-11-26 on the debug LSM kernel (KASAN, lockdep) under
# TCG, nothing else running, where systemctl daemon-reload itself takes
# 11 to 14 s: the reload ended 0 to 300 ms after systemctl returned (often
# before), the poll saw it 400 to 520 ms after; the poll alone, the bound
# before, saw 0.35 to 1.2 s for a template and an instance.
RELOAD_BOUND_MS=1000
armed_soon() {
	[ -n "$SD_RELOAD_END" ] || fail "armed_soon without sd_reload"
	_t0=$(date +%s%N)
	until [ "$(armed_fds "$2")" = "$3" ]; do
		_ms=$((($(date +%s%N) - _t0) / 1000000))
		[ $_ms -lt 10000 ] || fail "$1: $2 not armed with $3 fds after 10 s: $("$CTL" --kernel list --armed)
$(journalctl -u rescapd -n 20 -o cat)"
		sleep 0.05
	done
	_seen=$((($(date +%s%N) - _t0) / 1000000))
	# The reload's line, once journald has it.
	_i=0
	until _ms=$(journalctl -u rescapd -o short-monotonic -n 50 | grep "reloaded (systemd reloaded)" |
		awk -v s="$SD_RELOAD_START" -v e="$SD_RELOAD_END" '
			!match($0, /^\[ *[0-9.]+\]/) { next }
			{ t = substr($0, RSTART + 1, RLENGTH - 2) + 0 }
			t >= s && !found { ms = (t - e) * 1000; found = 1 }
			END { if (!found) exit 1; printf "%d\n", ms < 0 ? 0 : ms }'); do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "$1: no reload of rescapd in the journal after systemd's: $(journalctl -u rescapd -n 20 -o short-monotonic)"
		sleep 0.1
	done
	echo "# measure: $1: rescapd's reload ended $_ms ms after systemctl returned (which took" \
		"$(awk -v s="$SD_RELOAD_START" -v e="$SD_RELOAD_END" 'BEGIN { printf "%d", (e - s) * 1000 }') ms)," \
		"seen armed after $_seen ms ($(journalctl -u rescapd -n 1 -o cat | grep -o 'reloaded.* in [0-9]* ms'))"
	[ $_ms -le $RELOAD_BOUND_MS ] || fail "$1: $_ms ms, more than $RELOAD_BOUND_MS ms"
	SD_RELOAD_END=
}

# bus_kept WHAT SECONDS SINCE PID: after WHAT, which took SECONDS (past the
# bus's method call timeout, 25 s, or the test shows nothing), rescapd
# (main pid PID) did not lose its bus: nothing in its journal since SINCE,
# the same pid 5 s later.
bus_kept() {
	[ "$2" -gt 25 ] || fail "$1 took $2 s, within the bus's timeout: nothing was shown"
	sleep 5
	journalctl -u rescapd --since "$3" -o cat | grep 'bus connection was lost' &&
		fail "rescapd lost its bus after $1"
	expect_eq "rescapd's main pid 5 s after $1" "$4" "$(systemctl show -P MainPID rescapd)"
}
