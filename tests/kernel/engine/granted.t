# Is the allocation that takes a process over a kill cap ever granted?
# The grower shares its address space and file table with a watcher that
# is not tracked and survives the kill (tests/helpers/rtest-share). The
# LSM refuses the growth, so the mapping or descriptor never exists; the
# module acts once the growth is done, so the watcher finds it there.
. ../../lib/lib.sh
rescap_up

if [ "$RTEST_KERNEL" = lsm ]; then
	want=0
else
	want=1
fi

for res in heap fds; do
	_dir=$(mktemp -d)
	mkfifo "$_dir/in" "$_dir/out"
	"$O/bin/rtest-share" $res <"$_dir/in" >"$_dir/out" &
	exec 5>"$_dir/in" 6<"$_dir/out"
	read -r _ grower heap fds <&6 || fail "rtest-share $res did not start"
	ctl register "$grower"
	if [ $res = heap ]; then
		ctl cap "$grower" --heap $((heap + 1048576))	# 4M asked
	else
		ctl cap "$grower" --fds "$fds"			# none more
	fi
	echo go >&5
	read -r result <&6 || fail "rtest-share $res gave no result"
	exec 5>&- 6<&-
	wait
	rm -rf "$_dir"
	expect_eq "$res: the grower and what the watcher found" \
		"killed 9 present $want" "$result"
done

rescap_down
exit 0
