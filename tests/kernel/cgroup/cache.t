# A cgroup found with no policy in its ancestry is remembered per CPU,
# in one of 64 slots by cgroup id (with the generation of the policies),
# and the growth hooks answer from that inline. The answer must never
# outlive what it was made of: another cgroup's process, whose id falls
# in the same slot on the same CPU, is looked at anew, and a policy made
# on an ancestor afterwards governs the next growth. Every process here
# runs on CPU 0, so they all meet the same remembered answers.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_fresh $cg/rt-cache/free
free_id=$(stat -c %i $cg/rt-cache/free)
# A cgroup whose id shares the slot of rt-cache/free.
cgroup_same_slot $cg/rt-cache-gov "$free_id"
gov=${SAME_SLOT#$cg/}
# A policy somewhere, so the hooks go past "no cgroup has a policy".
ctl cap --cgroup $gov --fds 1000

# The ungoverned one: its growth leaves "rt-cache/free is ungoverned" on
# CPU 0, and many more growths answer from it.
proc_start_in $cg/rt-cache/free
taskset -p -c 0 "$PROC" >/dev/null || fail "cannot pin $PROC to CPU 0"
free=$PROC
exec 5>&3 6<&4
free_dir=$_pdir
free_do() {
	echo "$*" >&5 2>/dev/null || { REPLY=dead; return; }
	read -r REPLY <&6 || REPLY=dead
}
churn free_do 5

# A governed process on the same CPU, right after: its cgroup is another
# one in the same slot, so the remembered answer is not its own.
proc_start_in $cg/$gov
taskset -p -c 0 "$PROC" >/dev/null || fail "cannot pin $PROC to CPU 0"
fds=$(fd_entries "$PROC")
ctl cap --cgroup $gov --fds $((fds + 3))
churn free_do 1
proc_do open 3
case "$REPLY" in ok*) ;; *) fail "governed, up to the cap: '$REPLY'" ;; esac
churn free_do 1
proc_do open 1
expect_eq "governed, after going over its cgroup's cap" dead "$REPLY"
wait_gone "$PROC" || fail "$PROC alive over its cgroup's cap"
proc_stop

# A policy made on the ancestor of the remembered cgroup: the next growth
# is governed by it.
churn free_do 1
fds=$(fd_entries "$free")
ctl cap --cgroup rt-cache --fds $((fds + 2))
killed_at_fds free_do "$free" 2 "the ancestor's new cap"
exec 5>&- 6<&-
wait "$free" 2>/dev/null
rm -rf "$free_dir"

ctl reset --cgroup rt-cache
ctl reset --cgroup $gov
cgroup_rmtree $cg/rt-cache
cgroup_rmtree $cg/rt-cache-gov
rescap_down
exit 0
