# As at boot: systemd-modules-load reads /usr/lib/modules-load.d/rescap.conf
# and loads the module DKMS built.
. ../../lib/lib.sh
. ./setup.sh

grep -q '^rescap ' /proc/modules && fail "rescap is loaded before systemd-modules-load ran"
systemctl restart systemd-modules-load.service || fail "systemd-modules-load failed"
grep -q '^rescap ' /proc/modules || fail "systemd-modules-load did not load rescap"
expect_eq "the loaded module's version" "$VERSION" "$(cat /sys/module/rescap/version)"
exit 0
