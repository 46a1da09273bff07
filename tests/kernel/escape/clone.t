# clone3(CLONE_INTO_CGROUP): a governed process makes a child in another
# cgroup. Like a write to cgroup.procs, it needs write access to that
# cgroup and the common ancestor: root can (a guard, not a boundary, as
# README says), a user without delegation cannot. A child made in the
# governed cgroup itself is governed from its first growth.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup/rtest-clone
cgroup_fresh "$cg"
mkdir "$cg/a" "$cg/b" || fail mkdir

proc_start_in "$cg/a"
ctl cap --cgroup "$cg/a" --fds $(( $(fd_entries "$PROC") + 2 ))
proc_do clone-into 8 "$cg/a"
expect_eq "root's child made in the governed cgroup, past the cap" "err 4" "$REPLY"
proc_do clone-into 8 "$cg/b"
expect_ok "root's child made in an ungoverned cgroup (root may leave)"
proc_stop

PROC_AS="setpriv --reuid nobody --regid nogroup --clear-groups --" proc_start_in "$cg/a"
proc_do clone-into 1 "$cg/b"
case "$REPLY" in "err 13"|"err 1") ;; *) fail "nobody's child into $cg/b: '$REPLY'" ;; esac
proc_stop
ctl reset --cgroup "$cg/a"
cgroup_rmtree "$cg"
rescap_down
exit 0
