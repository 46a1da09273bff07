# kernels: stock
# extra-kernels: lsm
# The top talkers in Sample (issue 16, part 4): processes that stream over
# loopback TCP, paced at 2 MiB/s (root's) and 1 MiB/s (nobody's), are in
# each Sample's top_net at about those rates, with the sink that reads
# them; a process whose connection is idle is not. A subscriber who may
# not read every process (nobody) gets its own talker there and none of
# root's processes; rescapctl top shows them. Written first against rescapd without top_net:
# monitor's samples had no top_net.
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
# talk.py PORTFILE RATE: RATE bytes a second in tenths, on an absolute
# schedule (a late tenth is caught up); RATE 0: one byte, then idle.
cat >$D/talk.py <<'PY'
import socket, sys, time
c = socket.create_connection(("127.0.0.1", int(open(sys.argv[1]).read())))
rate = int(sys.argv[2])
if rate == 0:
    c.sendall(b"x")
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
wait_eq 50 "the sink's port" yes sh -c "[ -s $D/port ] && echo yes"
python3 $D/talk.py $D/port $((2 << 20)) &
talk=$! pids="$pids $talk"
$NOBODY python3 $D/talk.py $D/port $((1 << 20)) &
ntalk=$! pids="$pids $ntalk"
python3 $D/talk.py $D/port 0 &
quiet=$! pids="$pids $quiet"

busctl set-property org.rescap1 /org/rescap1 $M SampleIntervalUSec t 1000000 || fail "set interval"
timeout 6.5 "$CTL" --bus --json monitor --samples >$D/root &
mon=$!
timeout 6.5 $NOBODY "$CTL" --bus --json monitor --samples >$D/nobody
wait $mon

# The first sample has no rates; of the others, each must show the talkers.
check() {	# check FILE WANT: WANT "pid:min:max ..." in top_net, and nothing of NOT
	python3 - "$@" <<'PY'
import json, sys
f, want, never = sys.argv[1], sys.argv[2].split(), set(sys.argv[3].split())
s = [json.loads(l) for l in open(f) if '"event":"sample"' in l]
if len(s) < 4:
    sys.exit(f"{f}: {len(s)} samples in 6.5 s at 1 s")
for x in s[1:]:
    net = {e["pid"]: e["value"] for e in x["top_net"]}
    for w in want:
        pid, lo, hi = map(int, w.split(":"))
        if not lo <= net.get(pid, -1) <= hi:
            sys.exit(f"{f}: pid {pid} at {net.get(pid)} B/s, not within {lo}..{hi}: {x['top_net']}")
    if never & {str(p) for p in net}:
        sys.exit(f"{f}: top_net has {never & {str(p) for p in net}}: {x['top_net']}")
PY
}
# 2 and 1 MiB/s, each sample a second of a TCG guest's scheduling: within
# half and twice; the sink reads both (3 MiB/s).
M2="$((1 << 20)):$((4 << 20))" M1="$((1 << 19)):$((2 << 20))" M3="$((3 << 19)):$((6 << 20))"
check $D/root "$talk:$M2 $ntalk:$M1 $sink:$M3" "$quiet" || fail "root's samples: $(cat $D/root)"
check $D/nobody "$ntalk:$M1" "$talk $sink $quiet" || fail "nobody's samples: $(cat $D/nobody)"

# rescapctl top shows them under its system line.
out=$("$CTL" top -b -n 3 -d 1.2 </dev/null) || fail "top -b: $?: $out"
net=$(printf '%s\n' "$out" | grep '^Net top (TCP): ' | tail -n 1)
case $net in
*"python3[$talk] "*"python3[$sink] "*|*"python3[$sink] "*"python3[$talk] "*) ;;
*) fail "top's last line of talkers: $net (talker $talk, sink $sink)" ;;
esac
case $net in *"[$quiet]"*) fail "the idle connection in top's talkers: $net" ;; esac
exit 0
