# kernels: stock
# extra-kernels: lsm
# The top talkers in Sample (issue 16, part 4): processes that stream over
# loopback TCP, paced at 256 KiB/s (root's) and 128 KiB/s (nobody's), are in
# each Sample's top_net at about those rates, with the sink that reads
# them; a process whose connection is idle is not. A subscriber who may
# not read every process (nobody) gets its own talker there and none of
# root's processes; rescapctl top shows them. Against a rescapd without
# top_net the samples have none and the check fails on it.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

D=/run/rtalk pids=
NOBODY="setpriv --reuid nobody --regid nogroup --clear-groups --"
cleanup() {
	[ -n "$pids" ] && kill $pids 2>/dev/null
	rm -rf $D
}
trap cleanup EXIT
mkdir -p $D
chmod 755 $D
cat >$D/sink.py <<'PY'
import socket, sys, threading
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def drain(c):
    while c.recv(1 << 16):
        pass
while True:
    c, _ = s.accept()
    threading.Thread(target=drain, args=(c,), daemon=True).start()
PY
# talk.py PORTFILE RATE [SENT]: RATE bytes a second in tenths, on an
# absolute schedule (a late tenth is caught up); RATE 0: one byte, then
# the file SENT, then idle.
cat >$D/talk.py <<'PY'
import socket, sys, time
c = socket.create_connection(("127.0.0.1", int(open(sys.argv[1]).read())))
rate = int(sys.argv[2])
if rate == 0:
    c.sendall(b"x")
    open(sys.argv[3], "w").write("sent")
    time.sleep(600)
buf = b"x" * (rate // 10)
t = time.monotonic()
while True:
    c.sendall(buf)
    t += 0.1
    d = t - time.monotonic()
    if d > 0:
        time.sleep(d)
PY
python3 $D/sink.py $D/port &
sink=$! pids=$sink
wait_eq 600 "the sink's port" yes sh -c "[ -s $D/port ] && echo yes"
python3 $D/talk.py $D/port $((256 << 10)) &
talk=$! pids="$pids $talk"
$NOBODY python3 $D/talk.py $D/port $((128 << 10)) &
ntalk=$! pids="$pids $ntalk"
python3 $D/talk.py $D/port 0 $D/quiet &
quiet=$! pids="$pids $quiet"
# Its byte moves before the subscriptions' first reading.
wait_eq 600 "the idle connection's byte" sent cat $D/quiet

# Four samples, 2 s apart, each way (a starved guest may take long to
# send them: the bound is generous, the count exact).
busctl set-property org.rescap1 /org/rescap1 $M SampleIntervalUSec t 2000000 || fail "set interval"
samples() { timeout 180 "$@" --bus --json monitor --samples | grep --line-buffered '"event":"sample"' | head -n 4; }
samples "$CTL" >$D/root &
mon=$!
samples $NOBODY "$CTL" >$D/nobody
wait $mon

# The first sample may have no rates (the first of a subscription); each
# other must show the talkers and not the idle connection, and their
# mean rates must be within half and twice their pace (a sample is 2 s of
# a TCG guest's scheduling; a talker catches up a late tenth).
check() {	# check FILE "PID:RATE ..." "PID ...": these in top_net, those never
	python3 - "$@" <<'PY'
import json, sys
f, want, never = sys.argv[1], sys.argv[2].split(), set(sys.argv[3].split())
s = [json.loads(l) for l in open(f)]
if len(s) != 4:
    sys.exit(f"{f}: {len(s)} samples, not 4")
for w in want:
    pid, rate = map(int, w.split(":"))
    got = []
    for x in s[1:]:
        net = {e["pid"]: e["value"] for e in x["top_net"]}
        if pid not in net:
            sys.exit(f"{f}: pid {pid} not in {x['top_net']}")
        got.append(net[pid])
    mean = sum(got) / len(got)
    if not rate / 2 <= mean <= rate * 2:
        sys.exit(f"{f}: pid {pid} at {got} B/s, mean {mean:.0f}, not within half and twice {rate}")
for x in s:
    bad = never & {str(e["pid"]) for e in x["top_net"]}
    if bad:
        sys.exit(f"{f}: top_net has {bad}: {x['top_net']}")
PY
}
check $D/root "$talk:$((256 << 10)) $ntalk:$((128 << 10)) $sink:$((384 << 10))" "$quiet" ||
	fail "root's samples: $(cat $D/root)"
check $D/nobody "$ntalk:$((128 << 10))" "$talk $sink $quiet" || fail "nobody's samples: $(cat $D/nobody)"

# rescapctl top shows them under its system line.
out=$("$CTL" top -b -n 3 -d 2.5 </dev/null) || fail "top -b: $?: $out"
net=$(printf '%s\n' "$out" | grep '^Net top (TCP): ' | tail -n 1)
case $net in
*"python3[$talk] "*"python3[$sink] "*|*"python3[$sink] "*"python3[$talk] "*) ;;
*) fail "top's last line of talkers: $net (talker $talk, sink $sink)" ;;
esac
case $net in *"[$quiet]"*) fail "the idle connection in top's talkers: $net" ;; esac
exit 0
