# kernels: lsm
# The LSM kernel has rescap built in and active.
. ../../lib/lib.sh

lsms=$(cat /sys/kernel/security/lsm) || fail "cannot read /sys/kernel/security/lsm"
case ",$lsms," in
*,rescap,*) ;;
*) fail "rescap not in /sys/kernel/security/lsm: $lsms" ;;
esac
dmesg | grep -q 'rescap: LSM initialized' || fail "no LSM init message in the kernel log"
exit 0
