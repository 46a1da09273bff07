# kernels: stock
# rescapd notices rmmod and insmod (Backend), survives a restart, and the
# Sample signal comes only while subscribed.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

unload_rescap
sleep 1
expect_eq "Backend after rmmod" 's ""' "$(busctl get-property org.rescap1 /org/rescap1 $M Backend)"
bus_error org.rescap1.Error.KernelUnavailable Fetch uint32:$$
load_rescap
sleep 1
expect_eq "Backend after insmod" 's "module"' "$(busctl get-property org.rescap1 /org/rescap1 $M Backend)"

systemctl restart rescapd || fail "restart"
"$CTL" --bus status | grep -q '^Backend: *module' || fail "status after restart: $("$CTL" --bus status 2>&1)"

busctl set-property org.rescap1 /org/rescap1 $M SampleIntervalUSec t 1000000 || fail "set interval"
timeout 3 busctl monitor --match="type='signal',sender='org.rescap1',member='Sample'" >/tmp/idle 2>&1
grep -q 'Member=Sample' /tmp/idle && fail "Sample with nobody subscribed"
timeout 6.5 "$CTL" --bus --json monitor --samples >/tmp/samples
n=$(grep -c '"event":"sample"' /tmp/samples)
[ "$n" -ge 4 ] && [ "$n" -le 7 ] || fail "$n samples in 6.5 s at 1 s"
exit 0
