# SPDX-License-Identifier: GPL-2.0
# Sourced by the host tests of rescapd's bus object: rescapd_private DIR
# [RESCAPD-OPTIONS...] starts a private system bus in DIR with a system
# bus's default policy and rescapd's own (dbus/org.rescap1.conf), points
# DBUS_SYSTEM_BUS_ADDRESS at it, starts rescapd built with ASan/UBSan on it
# (--conf-dir=DIR/conf, --vendor-dir=DIR/vendor, --runtime-dir=DIR/run; its log in DIR/rescapd.log) and waits until it owns
# org.rescap1. Sets $bus and $daemon, the two pids.
rescapd_private() {
	_d=$1
	shift
	cat >"$_d/bus.conf" <<-CONF
	<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
	 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
	<busconfig>
	  <type>system</type>
	  <listen>unix:path=$_d/bus</listen>
	  <auth>EXTERNAL</auth>
	  <policy context="default">
	    <allow user="*"/>
	    <deny own="*"/>
	    <deny send_type="method_call"/>
	    <allow send_type="signal"/>
	    <allow send_requested_reply="true" send_type="method_return"/>
	    <allow send_requested_reply="true" send_type="error"/>
	    <allow receive_type="method_call"/>
	    <allow receive_type="method_return"/>
	    <allow receive_type="error"/>
	    <allow receive_type="signal"/>
	    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
	    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
	    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
	  </policy>
	  <include>$REPO/dbus/org.rescap1.conf</include>
	</busconfig>
	CONF
	chmod 755 "$_d"
	mkdir -p "$_d/conf"
	dbus-daemon --config-file="$_d/bus.conf" --nofork --nopidfile 2>"$_d/bus.log" &
	bus=$!
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$_d/bus"
	_i=0; until [ -S "$_d/bus" ] || [ $_i -gt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	"$O/tests/rescapd-san" --conf-dir="$_d/conf" --vendor-dir="$_d/vendor" --runtime-dir="$_d/run" "$@" \
		2>"$_d/rescapd.log" &
	daemon=$!
	_i=0
	until busctl --system status org.rescap1 >/dev/null 2>&1 || [ $_i -gt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
}
