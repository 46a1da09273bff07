# kernels: stock
# extra-kernels: lsm
# An interactive polkit check that stays pending (a real polkitd, a rule
# that asks for admin authentication, and a real authentication agent,
# tests/helpers/rtest-polkit-agent, that never answers) blocks nothing
# else: a List from another client is not slower by more than 100 ms, and a
# restarted capped unit gets its caps again within 2 s (or 1 s more than
# with no check pending, when emulation is slower than that). Without the
# ALLOW_INTERACTIVE_AUTHORIZATION flag the same call fails at once with
# org.freedesktop.DBus.Error.InteractiveAuthorizationRequired.
#
# Every check is made and reported; the test fails at the end if any did.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

PY=/usr/bin/python3
AGENT=/run/rtest-polkit-agent
U=pk-victim.service
NOCAP=18446744073709551615
CAP=1073741824	# 1G
rules=$POLKIT_RULES
log=/run/pk-agent.log
bad=0
check_failed() { echo "FAILED CHECK: $*"; bad=$((bad + 1)); }

install -m 755 "$REPO/tests/helpers/rtest-polkit-agent" $AGENT
rm -f $log
touch $log
chmod 666 $log

cleanup() {
	[ -n "${agent:-}" ] && kill "$agent" 2>/dev/null
	rm -f $rules
	timeout 30 systemctl restart polkit.service
	timeout 30 busctl call org.rescap1 /org/rescap1 $M ResetUnit s $U >/dev/null 2>&1
	timeout 30 systemctl stop $U 2>/dev/null
	rm -f /run/systemd/system/$U
	systemctl daemon-reload
	[ -n "${victim:-}" ] && kill "$victim" 2>/dev/null
}
trap cleanup EXIT

# list_latency: "MAX MEDIAN" in ms of 10 Lists from root, one after the
# other on one connection; "timeout" when one took 5 s.
LAT=/run/rtest-bus-latency
install -m 755 "$REPO/tests/helpers/rtest-bus-latency" $LAT
list_latency() { $PY $LAT 10 5000 || echo "error"; }

# A process of nobody's that root registered: the object of nobody's calls.
# (setpriv itself, not as_nobody: $! of a shell function is a subshell's.)
setpriv --reuid nobody --regid nogroup --clear-groups -- sleep 600 &
victim=$!
wait_eq 50 "the owner of $victim" 65534 stat -c %u /proc/$victim
busctl call org.rescap1 /org/rescap1 $M Register ut $victim 0 || fail "root Register $victim"

# A capped unit, running, with its policy on its cgroup.
cat >/run/systemd/system/$U <<-EOF
	[Service]
	ExecStart=/bin/sleep infinity
EOF
systemctl daemon-reload
busctl call org.rescap1 /org/rescap1 $M SetUnitCap stt $U $CAP $NOCAP || fail "SetUnitCap $U"
systemctl start $U || fail "start $U"
# cgroup_policy: "ID HEAP_CAP" of the kernel's policy on the unit's cgroup
# ("" for none); policy_on_current: "yes" when it is on the unit's current
# cgroup. No python here: a probe must be cheap under emulation.
cgroup_policy() {
	timeout 5 "$CTL" --kernel list --cgroups | awk -v c=/system.slice/$U '$NF == c { print $1, $2 }'
}
policy_on_current() {
	_cp=$(cgroup_policy)
	[ -n "$_cp" ] && [ "${_cp%% *}" = "$(stat -c %i /sys/fs/cgroup/system.slice/$U 2>/dev/null)" ] && echo yes
}
wait_eq 50 "the policy on $U's cgroup" yes policy_on_current

# polkit asks for admin authentication for nobody.
polkit_nobody AUTH_ADMIN

# polkit itself, asked without AllowUserInteraction about nobody's process:
# not authorized, but a challenge would do (is_challenge true).
st=$(awk '{ sub(/.*\) /, ""); print $20 }' /proc/$victim/stat)
out=$(busctl call org.freedesktop.PolicyKit1 /org/freedesktop/PolicyKit1/Authority \
	org.freedesktop.PolicyKit1.Authority CheckAuthorization '(sa{sv})sa{ss}us' \
	unix-process 2 pid u $victim start-time t "$st" org.rescap1.manage 0 0 "" 2>&1)
echo "polkit's own answer for nobody's process, not interactive: $out"
case "$out" in "(bba{ss}) false true "*) ;; *) check_failed "polkit's answer: $out" ;; esac

# 1. Not interactive: polkit says a challenge would do (is_challenge), and
# rescapd must say InteractiveAuthorizationRequired, at once.
t0=$(date +%s%N)
out=$(as_nobody timeout 10 busctl --allow-interactive-authorization=no call org.rescap1 /org/rescap1 $M \
	SetCap utt $victim $CAP $NOCAP 2>&1)
t=$((($(date +%s%N) - t0) / 1000000))
echo "non-interactive SetCap as nobody, $t ms: $out"
# busctl prints the error's message, not its name: dbus-send (which never
# sets the flag) shows the name, below.
case "$out" in "Call failed: "*) ;; *) check_failed "busctl without the flag: $out" ;; esac
# Quickly: not after a polkit timeout (25 s); emulation is slow, and
# slower still when other VMs share the host.
[ $t -lt 15000 ] || check_failed "the non-interactive answer took $t ms"
out=$(as_nobody timeout 10 dbus-send --system --print-reply --dest=org.rescap1 /org/rescap1 $M.SetCap \
	uint32:$victim uint64:$CAP uint64:$NOCAP 2>&1)
echo "dbus-send (no interactive flag) SetCap as nobody: $out"
case "$out" in
"Error org.freedesktop.DBus.Error.InteractiveAuthorizationRequired:"*) ;;
*) check_failed "dbus-send without the flag: expected InteractiveAuthorizationRequired, got: $out" ;;
esac

# 2. Baselines with no check pending: List from root, and how long the
# policy takes to come back after a restart of the unit.
base=$(list_latency)
echo "List x10, no check pending: max, median (ms): $base"
case "$base" in timeout | error) fail "List with no check pending: $base" ;; esac
bmax=${base%% *}
# restart_policy: restarts the unit and waits (RP_MAX ms at most) until
# its new cgroup has the policy; RP is how long that took after the
# restart, in ms, or "none ..." when it did not come.
RP_MAX=5000
restart_policy() {
	_old=$(stat -c %i /sys/fs/cgroup/system.slice/$U)
	_t0=$(date +%s%N)
	timeout 10 systemctl restart $U || check_failed "restart $U: status $?"
	_new=$(stat -c %i /sys/fs/cgroup/system.slice/$U)
	echo "systemctl restart $U: $((($(date +%s%N) - _t0) / 1000000)) ms, cgroup $_old -> $_new"
	[ "$_old" != "$_new" ] || check_failed "the restart of $U kept cgroup $_old"
	# A probe that starts within RP_MAX ms and finds the policy is in time.
	_t0=$(date +%s%N)
	while :; do
		RP=$((($(date +%s%N) - _t0) / 1000000))
		[ $RP -le $RP_MAX ] || { RP="none after $RP ms (policy: '$(cgroup_policy)')"; break; }
		[ "$(policy_on_current)" = yes ] && break
		sleep 0.05
	done
}
restart_policy
echo "$U restarted, no check pending: policy on its new cgroup: $RP"
case "$RP" in none*) fail "no policy on $U's new cgroup with no check pending" ;; esac
# With a check pending it must come as fast: within 2 s, or 1 s more than
# it took now when emulation is that slow (a blocked rescapd takes 25 s).
RP_MAX=$((RP + 1000 > 2000 ? RP + 1000 : 2000))

# 3. A pending interactive check: nobody's agent registers for its own
# process and calls SetCap with the flag; polkitd asks the agent
# (BeginAuthentication), which never answers. pending_check makes sure one
# is pending (a new one if rescapd answered the last one meanwhile, as a
# polkit call with a timeout would).
answered() { grep -q '^reply\|^error' $log; }
pending_check() {
	if [ -n "${agent:-}" ]; then
		answered || return 0
		echo "the pending check was answered: $(grep '^reply\|^error' $log); a new one"
		kill $agent
		wait $agent 2>/dev/null
	fi
	: >$log
	setpriv --reuid nobody --regid nogroup --clear-groups -- $PY $AGENT $log SetCap utt "$victim" $CAP $NOCAP &
	agent=$!
	wait_eq 100 "the agent registered" yes sh -c "grep -q '^registered $agent ' $log && echo yes"
	wait_eq 100 "polkitd asked the agent (BeginAuthentication)" yes \
		sh -c "grep -q '^begin org.rescap1.manage ' $log && echo yes"
	echo "agent: $(tr '\n' '|' <$log)"
	echo "polkitd: $(journalctl -u polkit --no-pager -o cat | grep 'Registered Authentication Agent' | tail -1)"
	answered && fail "the call was answered before the test began: $(cat $log)"
}
pending_check

# 4. While it is pending: the unit restarted gets its policy again within
# RP_MAX ms of the restart.
restart_policy
echo "$U restarted during the pending check: policy on its new cgroup: $RP"
case "$RP" in none*) check_failed "$U restarted during the pending check: no policy on its new cgroup within $RP_MAX ms" ;; esac

# 5. While it is pending: List from root is not slower by more than
# 100 ms. A List over the bound with a check pending when it began counts
# against rescapd; one within it counts for rescapd only if the check was
# still pending after it (rescapd answers the check when its call to polkit
# times out: then a new one is made). Emulation is noisy: a measurement
# over the bound is made again, 3 times in all (a blocked rescapd is over
# it every time).
try=0 n=0
while :; do
	n=$((n + 1))
	[ $n -le 8 ] || { check_failed "no measurement of List with the check pending throughout"; break; }
	pending_check
	pend=$(list_latency)
	sleep 0.3	# the agent logs rescapd's answer a moment after it
	over=1
	case "$pend" in timeout | error) ;; *) [ "${pend%% *}" -le $((bmax + 100)) ] && over=0 ;; esac
	if [ $over = 0 ] && answered; then
		echo "List x10: max, median (ms): $pend, but the check was answered meanwhile:" \
			"$(grep '^reply\|^error' $log); not counted"
		continue
	fi
	try=$((try + 1))
	echo "List x10, interactive check pending (try $try): max, median (ms): $pend"
	[ $over = 0 ] && break
	if [ $try = 3 ]; then
		check_failed "a pending polkit check delays List: max, median (ms) $pend against a max of $bmax without"
		break
	fi
done

# 6. The agent goes (the user closes the dialog): polkitd cancels the
# check, rescapd answers it AccessDenied and still answers others.
kill $agent
wait $agent 2>/dev/null
agent=
sleep 1
busctl call org.rescap1 /org/rescap1 $M List >/dev/null || check_failed "List after the agent went"
systemctl is-active --quiet rescapd || fail "rescapd died"
out=$(busctl call org.rescap1 /org/rescap1 $M Fetch u $victim)
case "$out" in *" $CAP "*) check_failed "SetCap went through without authentication: $out" ;; esac

[ $bad = 0 ] || fail "$bad checks failed"
exit 0
