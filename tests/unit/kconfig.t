# The LSM's Kconfig says what it needs: SECURITY_RESCAP depends on CGROUPS
# (the engine walks cgroup v2 ancestries), so a configuration without
# cgroups cannot select it. Checked with the 6.12 tree's own kconfig, on
# a copy of our kernel's configuration with CGROUPS turned off.
. ../lib/lib.sh
ksrc=$(ls -d "$O"/kernel/linux-source-* 2>/dev/null | head -n 1)
config=$(ls "$O"/kernel/obj*/.config 2>/dev/null | head -n 1)
[ -n "$ksrc" ] && [ -n "$config" ] || fail "no configured kernel tree under $O/kernel (make kernel)"
grep -q '^CONFIG_SECURITY_RESCAP=y' "$config" || fail "our kernel has no SECURITY_RESCAP=y: $config"
obj=$(mktemp -d)
trap 'rm -rf "$obj"' EXIT
cp "$config" "$obj/.config"
"$ksrc/scripts/config" --file "$obj/.config" -d CGROUPS || fail "scripts/config"
make -s -C "$ksrc" O="$obj" olddefconfig >/dev/null 2>&1 || fail "olddefconfig without CGROUPS"
grep -q '^CONFIG_CGROUPS=y' "$obj/.config" && fail "CGROUPS still on (selected by something else)"
grep -q '^CONFIG_SECURITY_RESCAP=y' "$obj/.config" && fail "SECURITY_RESCAP=y without CGROUPS"
exit 0
