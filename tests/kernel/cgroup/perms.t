# A user without CAP_SYS_RESOURCE can neither set, reset nor read a
# cgroup policy; and a root process governed by a cgroup policy cannot
# lift it (nor change anything else).
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-perm
ctl cap --cgroup rt-perm --fds 500
for args in "cap --cgroup $cg/rt-perm --fds 9" "reset --cgroup $cg/rt-perm" \
	    "get --cgroup $cg/rt-perm" "cap --cgroup $cg/rt-perm --fds infinity" "list --cgroups"; do
	out=$(as_nobody "$RESCAPCTL" --kernel $args 2>&1)
	rc=$?
	[ $rc -eq 1 ] || fail "as nobody: rescapctl $args: exit status $rc ($out)"
	case "$out" in *"Operation not permitted"*) ;; *) fail "as nobody: rescapctl $args: $out" ;; esac
done
# Even with the directory open by root and passed down as a descriptor.
out=$(as_nobody "$O/bin/rtest-nl" reset cgroup-fd=s32:7 7<$cg/rt-perm 2>&1)
case "$out" in "err EPERM"*) ;; *) fail "as nobody, reset by cgroup-fd: $out" ;; esac

# Root inside the capped cgroup: refused.
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --kernel reset --cgroup "$1"' sh $cg/rt-perm "$RESCAPCTL" 2>&1)
case "$out" in *"Operation not permitted"*"cgroup policy"*) ;; *) fail "root under the policy: reset: $out" ;; esac
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --kernel cap --cgroup "$1" --fds 1000' sh $cg/rt-perm "$RESCAPCTL" 2>&1)
case "$out" in *"Operation not permitted"*) ;; *) fail "root under the policy: cap: $out" ;; esac

"$RESCAPCTL" --json get --cgroup rt-perm | grep -q '"fd_cap":500,' || fail "the policy changed"
ctl reset --cgroup rt-perm
cgroup_rmtree $cg/rt-perm
rescap_down
exit 0
