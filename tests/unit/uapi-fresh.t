# The checked-in UAPI header and policy tables are what include/rescap.yaml
# generates: nobody edited a generated file or forgot 'make uapi'.
. ../lib/lib.sh
ksrc=$(ls -d "$O"/kernel/linux-source-* 2>/dev/null | head -n 1)
[ -f "$ksrc/tools/net/ynl/ynl-gen-c.py" ] || fail "no kernel tree under $O/kernel (make kernel)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$REPO/tests/ynl-gen" "$ksrc" "$tmp/work" "$REPO/include/rescap.yaml" "$tmp/out" ||
	fail "the generator failed on include/rescap.yaml"
for f in include/uapi/linux/rescap.h kmod/nl-gen.h kmod/nl-gen.c; do
	diff -u "$REPO/$f" "$tmp/out/$f" || fail "$f is not what 'make uapi' generates"
done
exit 0
