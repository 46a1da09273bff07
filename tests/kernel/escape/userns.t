# Root of a user namespace is nobody to rescap: every command that changes
# state needs CAP_SYS_RESOURCE in the initial user namespace, and fails
# with EPERM from a user namespace an unprivileged user made, whatever it
# names (a tracked process, itself, a cgroup); get of another user's
# process answers "no such process".
. ../../lib/lib.sh
rescap_up
proc_start
ctl register "$PROC"
cg=/sys/fs/cgroup/rtest-userns
cgroup_fresh "$cg"
inner=$(mktemp)
chmod 644 "$inner"
cat >"$inner" <<EOS
set -u
try() {
	err=\$("$RESCAPCTL" --kernel "\$@" 2>&1 >/dev/null) && { echo "accepted: \$*"; return; }
	case "\$err" in *"\$want"*) ;; *) echo "\$*: \$err" ;; esac
}
[ "\$(id -u)" = 0 ] || echo "not root in the user namespace"
want="Operation not permitted"
try register \$\$
try register \$\$ --fds 10
try deregister $PROC
try cap $PROC --fds 1000000 --force
try reset $PROC
try cap --cgroup $cg --fds 10
try reset --cgroup $cg
try list
try list --cgroups
want="No such process"
try get $PROC
EOS
out=$(setpriv --reuid nobody --regid nogroup --clear-groups -- unshare -Ur sh "$inner" 2>&1)
[ -z "$out" ] || fail "from a user namespace: $out"
"$RESCAPCTL" --json get "$PROC" | grep -q '"fd_cap":null' || fail "caps changed: $("$RESCAPCTL" --json get "$PROC")"
rm -f "$inner"
proc_stop
cgroup_rmtree "$cg"
rescap_down
exit 0
