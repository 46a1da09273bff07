# The direction of rescapd's layers: the core (cgroupd/) decides and calls
# the bus layer (dbus/) only to emit, through dbus/bus-emit.h; no other
# dbus/ header is included from cgroupd/.
. ../lib/lib.sh

cd "$REPO" || fail "no repository at $REPO"
found=0
for h in dbus/*.h; do
	name=$(basename "$h")
	[ "$name" = bus-emit.h ] && continue
	found=$((found + 1))
	hits=$(grep -ln "#include *\"$name\"" cgroupd/*.c cgroupd/*.h 2>/dev/null)
	[ -z "$hits" ] || fail "cgroupd/ includes dbus/$name: $hits"
done
[ $found -gt 0 ] || fail "no dbus/ header found to check"
# The emit header is the way in, and it is used.
grep -q '#include "bus-emit.h"' cgroupd/rescapd.c || fail "cgroupd/rescapd.c does not use dbus/bus-emit.h"
exit 0
