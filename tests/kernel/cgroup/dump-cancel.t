# kernels: stock lsm
# extra-kernels: ours stock612
# A dump whose callback fails (rk_dump_cgroups stops calling it) is read
# to its end all the same: the next dump on the same link gets every
# policy, not EBUSY from the kernel, which holds a socket's dump until it
# is read out. Enough policies that the dump takes several replies.
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
n=1000
cgroup_fresh $cg/rt-cancel
expect_eq "making $n cgroups with caps" ok "$("$O/bin/rtest-nl" --cgroup-caps $cg/rt-cancel $n)"
expect_eq "the dump after a cancelled one" "ok $n" "$("$O/bin/rtest-nl" --dump-cancel)"
cgroup_rmtree $cg/rt-cancel
rescap_down
exit 0
