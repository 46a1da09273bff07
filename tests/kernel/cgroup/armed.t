# Armed paths (issue 14): a cgroup made at an armed path has its policy
# from the moment it exists, before any process can be in it: a process
# cloned straight into the new cgroup (the first thing any process does
# there) is killed at its first growth over the cap. Re-created ten times,
# each new cgroup gets the policy. A pattern arms every matching name in
# one parent; an exact path wins over it. A cgroup at the path when it is
# armed gets the policy too (ERANGE, and nothing armed, if a member is
# over the cap). Bad paths are refused; disarm stops it; permissions are
# set-cap's.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-arm

# kill_in DIR CAP WHAT: a process started in DIR (written to cgroup.procs
# by its own shell before it runs anything else) opens descriptors up to
# CAP, then one more: it must be killed.
kill_in() {
	proc_start_in "$1"
	killed_at_fds proc_do $PROC $(($2 - $(fd_entries $PROC))) "$3"
	proc_stop 2>/dev/null
}

# fd_cap PATH: the fd cap of the policy of the cgroup at PATH ("" if none).
fd_cap() {
	"$RESCAPCTL" --json list --cgroups | /usr/bin/python3 -c '
import json, sys
for g in json.load(sys.stdin):
    if g["cgroup"] == sys.argv[1]:
        print(g["fd_cap"])' "$1"
}

# Armed before the cgroup exists; made and removed ten times.
ctl arm /rt-arm/svc --fds 16
for i in $(seq 10); do
	mkdir $cg/rt-arm/svc || fail "mkdir $i"
	expect_eq "fd cap of /rt-arm/svc, made the ${i}th time" 16 "$(fd_cap /rt-arm/svc)"
	[ "$i" -le 2 ] && kill_in $cg/rt-arm/svc 16 "round $i"
	rmdir $cg/rt-arm/svc || fail "rmdir $i"
done
out=$("$RESCAPCTL" --json list --armed)
case "$out" in
'[{"heap_cap":null,"fd_cap":16,"action":"kill","soft_pct":0,"attaches":10,"attach_failures":0,"path":"/rt-arm/svc"}]') ;;
*) fail "list --armed: $out" ;;
esac

# A pattern: each instance gets its caps; an exact path wins.
ctl arm '/rt-arm/app@*.service' --fds 20 --action notify
ctl arm /rt-arm/app@big.service --fds 100
mkdir $cg/rt-arm/app@a.service $cg/rt-arm/app@b.service $cg/rt-arm/app@big.service $cg/rt-arm/other.service
expect_eq "app@a.service" 20 "$(fd_cap /rt-arm/app@a.service)"
expect_eq "app@b.service" 20 "$(fd_cap /rt-arm/app@b.service)"
expect_eq "app@big.service (exact path)" 100 "$(fd_cap /rt-arm/app@big.service)"
expect_eq "other.service (no match)" "" "$(fd_cap /rt-arm/other.service)"
# Only the parent given: a deeper cgroup with a matching name is not armed.
mkdir $cg/rt-arm/other.service/app@c.service
expect_eq "a match one level deeper" "" "$(fd_cap /rt-arm/other.service/app@c.service)"
rmdir $cg/rt-arm/other.service/app@c.service $cg/rt-arm/app@a.service $cg/rt-arm/app@b.service \
	$cg/rt-arm/app@big.service $cg/rt-arm/other.service

# A cgroup at the path when it is armed: it gets the caps, weighed against
# its members' usage (ERANGE without force, and then nothing is armed).
mkdir $cg/rt-arm/now
proc_start_in $cg/rt-arm/now
proc_do open 30
ctl_fails "Numerical result out of range" arm /rt-arm/now --fds 10
expect_eq "policy after a refused arm" "" "$(fd_cap /rt-arm/now)"
"$RESCAPCTL" --json list --armed | grep -q '"/rt-arm/now"' && fail "armed after ERANGE"
ctl arm /rt-arm/now --fds 100
expect_eq "policy of the cgroup there when armed" 100 "$(fd_cap /rt-arm/now)"
killed_at_fds proc_do $PROC $((100 - $(fd_entries $PROC))) "the member of the cgroup armed while it existed"
proc_stop 2>/dev/null
# Arming again replaces the caps (all of them: those not given are none).
ctl arm /rt-arm/now --heap 1G
expect_eq "fd cap after arming again with a heap cap only" None "$(fd_cap /rt-arm/now)"

# disarm: new cgroups get nothing; the policies made stay.
ctl disarm /rt-arm/now
rmdir $cg/rt-arm/now && mkdir $cg/rt-arm/now
expect_eq "after disarm" "" "$(fd_cap /rt-arm/now)"
rmdir $cg/rt-arm/now
ctl_fails "No such file or directory" disarm /rt-arm/now

# Bad paths.
for p in rt-arm "/" "/rt-arm//x" "/rt-arm/./x" "/rt-arm/../x" "/rt-arm/x/" '/rt-*/x'; do
	out=$("$RESCAPCTL" --kernel arm "$p" --fds 10 2>&1) && fail "arm '$p' accepted"
	case "$out" in *"Invalid argument"*) ;; *) fail "arm '$p': $out" ;; esac
done
"$RESCAPCTL" arm 2>/dev/null
expect_eq "rescapctl arm without a path: usage" 2 $?
"$RESCAPCTL" disarm /rt-arm/a /rt-arm/b 2>/dev/null
expect_eq "rescapctl disarm with two paths: usage" 2 $?
"$RESCAPCTL" --bus arm /rt-arm/x --fds 10 2>/dev/null
expect_eq "rescapctl --bus arm (the kernel's only): usage" 2 $?
nl_expect EINVAL arm fd-cap=u64:10
nl_expect EINVAL arm armed-path=str:/$(head -c 1100 /dev/zero | tr '\0' a) fd-cap=u64:10
nl_expect ERANGE arm armed-path=str:/rt-arm/x fd-cap=u64:0

# Permissions: as set-cap's.
out=$(as_nobody "$RESCAPCTL" --kernel arm /rt-arm/x --fds 9 2>&1)
case "$out" in *"Operation not permitted"*) ;; *) fail "as nobody: arm: $out" ;; esac
out=$(as_nobody "$RESCAPCTL" --kernel disarm /rt-arm/svc 2>&1)
case "$out" in *"Operation not permitted"*) ;; *) fail "as nobody: disarm: $out" ;; esac
out=$(as_nobody "$RESCAPCTL" --kernel list --armed 2>&1)
case "$out" in *"Operation not permitted"*) ;; *) fail "as nobody: list --armed: $out" ;; esac
# Root inside an armed, capped cgroup cannot disarm it.
mkdir $cg/rt-arm/svc
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --kernel disarm /rt-arm/svc' sh $cg/rt-arm/svc "$RESCAPCTL" 2>&1)
case "$out" in *"Operation not permitted"*"cgroup policy"*) ;; *) fail "root under the policy: disarm: $out" ;; esac
rmdir $cg/rt-arm/svc

ctl disarm /rt-arm/svc
ctl disarm '/rt-arm/app@*.service'
ctl disarm /rt-arm/app@big.service
expect_eq "armed paths at the end" "[]" "$("$RESCAPCTL" --json list --armed)"
cgroup_rmtree $cg/rt-arm
rescap_down
exit 0
