# A call to org.rescap1 starts rescapd by D-Bus activation (the package's
# postinst started it: stopped first), and it drives the module.
. ../../lib/lib.sh
. ./setup.sh

systemctl stop rescapd.service
systemctl is-active --quiet rescapd.service && fail "rescapd still runs after stop"
wait_eq 100 "rescapd's Backend" 's "module"' busctl get-property org.rescap1 /org/rescap1 $M Backend
systemctl is-active --quiet rescapd.service || fail "rescapd did not start by activation"
rescapctl status >/tmp/status 2>&1 || fail "rescapctl status: $(cat /tmp/status)"
exit 0
