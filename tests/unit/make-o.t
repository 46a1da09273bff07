# make O=DIR, as a new user runs it: every output under DIR, none in the
# tree. The command-line O= reaches every sub-make through MAKEFLAGS, and
# Debian's kernel headers take it as their own output directory ("Kernel
# configuration is invalid") unless the kbuild sub-make is given its own.
# Builds the stock module, the userspace and the host test programs into
# a fresh directory, by a make of its own (not a sub-make of make check's).
. ../lib/lib.sh

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mark=$d/mark
touch "$mark"
sleep 1
out=$d/out
run_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$REPO" O="$out" "$@" >"$d/log" 2>&1 ||
		fail "make O=$out $*: $(tail -n 30 "$d/log")"
}
run_make "$out/kmod/stock/rescap.ko"
run_make userspace "$out/tests/test-size"
for f in kmod/stock/rescap.ko bin/rescapctl bin/rescapd tests/test-size; do
	[ -f "$out/$f" ] || fail "make O=$out did not build $out/$f"
done
# Nothing written into the tree (kbuild objects, a build/ of its own).
stray=$(cd "$REPO" && find . -path ./.git -prune -o -path ./build -prune -o \
	-newer "$mark" -type f -print | grep -v "^\./\.git" | head -n 5)
[ -z "$stray" ] || fail "make O=$out wrote into the tree: $stray"
# Targets that are too long to run here take their paths from O too.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -n -C "$REPO" O="$out" kernel >"$d/n" 2>&1
grep -q "$out/kernel" "$d/n" || fail "make -n O=$out kernel: $(head -n 5 "$d/n")"
exit 0
