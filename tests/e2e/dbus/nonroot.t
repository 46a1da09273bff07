# kernels: stock
# extra-kernels: lsm
# A real non-root account is refused every change and may Fetch its own
# process; rescapctl says so with exit status 4. polkit's default for
# org.rescap1.manage is auth_admin: a call that does not allow interactive
# authorization (dbus-send) is told InteractiveAuthorizationRequired.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
setpriv --reuid=65534 --regid=65534 --clear-groups sleep 300 &
p=$!
sleep 0.5
busctl call org.rescap1 /org/rescap1 $M Register ut $p 0 || fail "root Register"
for call in "Register uint32:$p uint64:0" "Deregister uint32:$p" "SetCap uint32:$p uint64:1048576 uint64:10" \
	    "Reset uint32:$p" "SetUnitCap string:dbus.service uint64:1048576 uint64:10" "ResetUnit string:dbus.service"; do
	# shellcheck disable=SC2086
	out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.$call 2>&1)
	case "$out" in
	"Error org.freedesktop.DBus.Error.InteractiveAuthorizationRequired:"*) ;;
	*) fail "nobody: $call: $out" ;;
	esac
done
out=$(as_nobody busctl call org.rescap1 /org/rescap1 $M Fetch u $p) || fail "nobody cannot Fetch its own process"
case "$out" in "ussubtttttttsutss $p \"sleep\" "*" 65534 "*) ;; *) fail "Fetch as nobody: $out" ;; esac
as_nobody busctl call org.rescap1 /org/rescap1 $M Fetch u 1 2>/dev/null && fail "nobody fetched pid 1"
as_nobody "$CTL" cap $p --heap 1G 2>/dev/null
expect_eq "rescapctl cap as nobody" 4 $?

# polkit: a rule that grants org.rescap1.manage to nobody lets it change
# caps (rescapd asks polkitd, which D-Bus starts).
polkit_nobody YES
as_nobody busctl call org.rescap1 /org/rescap1 $M SetCap utt $p 1048576000 10 ||
	fail "nobody, authorized by polkit, cannot SetCap"
out=$(busctl call org.rescap1 /org/rescap1 $M Fetch u $p) || fail Fetch
case "$out" in *" 1048576000 "*" 10 \"kill\" "*) ;; *) fail "caps set through polkit: $out" ;; esac
as_nobody "$CTL" reset $p || fail "nobody, authorized by polkit: rescapctl reset"
polkit_nobody none
out=$(as_nobody dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.Reset uint32:$p 2>&1)
case "$out" in
"Error org.freedesktop.DBus.Error.InteractiveAuthorizationRequired:"*) ;;
*) fail "nobody after the polkit rule went: $out" ;;
esac
kill $p
exit 0
