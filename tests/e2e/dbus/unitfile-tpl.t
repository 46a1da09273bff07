# kernels: stock
# extra-kernels: lsm
# Caps in a template's unit file and in a slice's (issue 14, part 2): a
# template's [X-Rescap] caps its instances (three killed at 16 fds, from
# their first moment); an instance's own drop-in wins key by key, and its
# infinity lifts the template's fd cap (the template's heap cap stays). A
# slice's [X-Rescap] caps every unit started in it. Each in the kernel
# within 1 s of the daemon-reload (armed_soon), rescapd never restarted.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

T=rutf@.service
S=rufile.slice
D=/etc/systemd/system
cleanup() {
	systemctl stop 'rutf@*.service' rufile-leak.service 2>/dev/null
	rm -rf $D/$T $D/rutf@big.service.d $D/$S /run/rufile-* /run/rutf-*
	systemctl daemon-reload
}
trap cleanup EXIT
pid0=$(systemctl show -P MainPID rescapd)

# A template's unit file: three instances capped; rutf@big's own drop-in
# lifts the fd cap (infinity over the template's 16).
cat >$D/$T <<-'END'
	[Service]
	ExecStart=/bin/bash -c 'for i in $(seq 40); do exec {fd}</dev/null; done; touch /run/rutf-%i-40; exec sleep 600'
	[X-Rescap]
	FDMax=16
	HeapMax=1G
END
mkdir -p $D/rutf@big.service.d
printf '[X-Rescap]\nFDMax=infinity\n' >$D/rutf@big.service.d/10-big.conf
sd_reload systemctl daemon-reload
armed_soon "the template's FDMax=16" "/system.slice/system-rutf.slice/rutf@*.service" 16
for i in a b c big; do systemctl start rutf@$i.service; done
for i in a b c; do
	wait_eq 100 "rutf@$i killed" failed systemctl show -P ActiveState rutf@$i.service
	[ -e /run/rutf-$i-40 ] && fail "rutf@$i went past the template's cap"
done
wait_eq 100 "rutf@big past 40 fds (its own FDMax=infinity)" yes sh -c '[ -e /run/rutf-big-40 ] && echo yes'
expect_eq "rutf@big's heap cap (the template's)" "t 1073741824" \
	"$(busctl get-property org.rescap1 /org/rescap1/unit/rutf_40big_2eservice org.rescap1.Unit HeapMax)"

# A slice: every unit in it is capped, from its first moment.
printf '[Slice]\n[X-Rescap]\nFDMax=16\n' >$D/$S
sd_reload systemctl daemon-reload
armed_soon "the slice's FDMax=16" /$S 16
systemd-run --quiet --unit=rufile-leak.service --slice=$S /bin/bash -c \
	'for i in $(seq 40); do exec {fd}</dev/null; done; touch /run/rufile-slice-40; exec sleep 600' ||
	fail "systemd-run in $S"
wait_eq 100 "the slice's unit killed" no sh -c 'systemctl is-active --quiet rufile-leak.service && echo yes || echo no'
[ -e /run/rufile-slice-40 ] && fail "a unit in $S went past the slice's cap"

expect_eq "rescapd's pid (never restarted by unit-file changes)" "$pid0" "$(systemctl show -P MainPID rescapd)"
exit 0
