# kernels: lsm
# The kernel's own LSM selftests (tools/testing/selftests/lsm, built
# against our tree with rescap's LSM id) pass with rescap enabled.
. ../../lib/lib.sh

dir=$O/selftests/lsm
for t in lsm_list_modules_test lsm_get_self_attr_test lsm_set_self_attr_test; do
	[ -x "$dir/$t" ] || fail "$t was not built ($dir)"
	out=$("$dir/$t" 2>&1)
	rc=$?
	echo "$out"
	[ $rc -eq 0 ] || fail "$t: exit status $rc"
	echo "$out" | grep -q '^# Totals: pass:[1-9][0-9]* fail:0 ' ||
		fail "$t: no passing totals"
done
exit 0
