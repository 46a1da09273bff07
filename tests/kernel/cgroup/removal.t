# Removing a cgroup removes its policy; a cgroup made again at the same
# path is a new cgroup (a new id) without caps. The policy can also be
# named by an open descriptor of the cgroup's directory (cgroup-fd), and an
# id that names no cgroup is ENOENT.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-gone
old_id=$(stat -c %i $cg/rt-gone)
ctl cap --cgroup $cg/rt-gone --fds 12 --action notify
"$RESCAPCTL" --json list --cgroups | grep -q "\"cgroup_id\":$old_id,\"heap_cap\":null,\"fd_cap\":12,\"action\":\"notify\",[^}]*\"cgroup\":\"/rt-gone\"" ||
	fail "list --cgroups: $("$RESCAPCTL" --json list --cgroups)"
# The raw request with cgroup-fd (rescapctl opens the directory, too).
exec 7<$cg/rt-gone
nl_expect ok set-cap cgroup-fd=s32:7 fd-cap=u64:13
exec 7<&-
"$RESCAPCTL" --json get --cgroup $old_id | grep -q '"fd_cap":13,' || fail "set-cap by cgroup-fd did not apply"
nl_expect EBADF set-cap cgroup-fd=s32:0 fd-cap=u64:13
nl_expect EINVAL set-cap cgroup-id=u64:$old_id pid=u32:$$ fd-cap=u64:13
nl_expect EINVAL set-cap cgroup-id=u64:$(stat -c %i $cg) fd-cap=u64:13

rmdir $cg/rt-gone || fail "rmdir"
expect_eq "policies after rmdir" "[]" "$("$RESCAPCTL" --json list --cgroups)"
nl_expect ENOENT get cgroup-id=u64:$old_id
nl_expect ENOENT set-cap cgroup-id=u64:$old_id fd-cap=u64:13

mkdir $cg/rt-gone || fail "mkdir again"
new_id=$(stat -c %i $cg/rt-gone)
[ "$new_id" != "$old_id" ] || fail "the new cgroup has the old id $old_id"
"$RESCAPCTL" --json get --cgroup rt-gone | grep -q "\"cgroup_id\":$new_id,\"cgroup\":\"/rt-gone\",\"heap_cap\":null,\"fd_cap\":null,\"action\":\"kill\",\"soft_pct\":0,\"kills\":0," ||
	fail "the new cgroup has caps: $("$RESCAPCTL" --json get --cgroup rt-gone)"
ctl_fails "No such file or directory" reset --cgroup rt-gone
# A member of the new cgroup is free to go past the old cap.
events_start
proc_start_in $cg/rt-gone
proc_do open 20
case "$REPLY" in ok*) ;; *) fail "in the re-created cgroup: '$REPLY'" ;; esac
proc_stop
events_stop >/dev/null
grep -q '"event":"warning"' "$EVENTS" && fail "an event from the removed policy"
rmdir $cg/rt-gone
rm -f "$EVENTS"
rescap_down
exit 0
