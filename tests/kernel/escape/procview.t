# Hole 9: /proc/rescap and netlink replies show what the reader may see,
# the way /proc/PID files do.
# - Visibility is decided by the opener's credentials (f_cred), not by
#   whoever read()s: a descriptor an unprivileged user opened and handed to
#   a privileged reader showed the reader everything.
# - Pids are those of the pid namespace of the proc mount, not of the
#   reader: in a new pid namespace with the old /proc, nothing was listed.
# - Cgroup paths are relative to the reader's cgroup namespace, in
#   /proc/rescap and in netlink replies.
. ../../lib/lib.sh
rescap_up
dir=$(mktemp -d)

# A root process, tracked: nobody may not see it.
proc_start
ctl register "$PROC"
cat >"$dir/pass.py" <<'PY'
import os, socket, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
if os.fork() == 0:
    os.setgroups([])
    os.setresgid(65534, 65534, 65534)
    os.setresuid(65534, 65534, 65534)
    fd = os.open("/proc/rescap", os.O_RDONLY)
    socket.send_fds(a, [b"x"], [fd])
    os._exit(0)
os.wait()
msg, fds, flags, addr = socket.recv_fds(b, 1, 1)
sys.stdout.write(os.read(fds[0], 1 << 20).decode())
PY
python3 "$dir/pass.py" >"$dir/passed" || fail "passing an fd of /proc/rescap"
head -n 1 "$dir/passed" | grep -q "^PID " || fail "no header through the passed fd: $(cat "$dir/passed")"
grep -q "^$PROC " "$dir/passed" &&
	fail "root read nobody's /proc/rescap descriptor and saw root's process $PROC"
grep -q "^$PROC " /proc/rescap || fail "root's own open does not list $PROC"

# A new pid namespace that keeps the old /proc: the mount's pids.
unshare --pid --fork cat /proc/rescap >"$dir/newns" || fail "unshare --pid"
grep -q "^$PROC " "$dir/newns" || fail "/proc/rescap read from a new pid namespace: $(cat "$dir/newns")"
proc_stop

# Cgroup paths in the reader's cgroup namespace.
cg=/sys/fs/cgroup/rtest-cgns
cgroup_fresh "$cg"
mkdir "$cg/a" "$cg/reader" || fail "mkdir"
proc_start
echo "$PROC" >"$cg/a/cgroup.procs"
ctl register "$PROC"
expect_eq "path from the root" /rtest-cgns/a "$(awk -v p="$PROC" '$1 == p { print $9 }' /proc/rescap)"
cat >"$dir/reader.sh" <<EOS
awk -v p="$PROC" '\$1 == p { print \$9 }' /proc/rescap
"$RESCAPCTL" --kernel --json get "$PROC"
EOS
# shellcheck disable=SC2016
got=$(sh -c 'echo $$ >'"$cg/reader/cgroup.procs"' && exec unshare --cgroup sh '"$dir/reader.sh") ||
	fail "reading from a cgroup namespace"
expect_eq "/proc/rescap path in a cgroup namespace rooted at $cg/reader" /../a "$(echo "$got" | head -n 1)"
case "$got" in *'"cgroup":"/../a"'*) ;; *) fail "get in the cgroup namespace: $got" ;; esac
proc_stop
cgroup_rmtree "$cg"

rm -rf "$dir"
rescap_down
exit 0
