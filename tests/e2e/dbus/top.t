# kernels: stock
# extra-kernels: lsm
# rescapctl top (issue 16, part 2), driven in tmux: units with caps and
# tracked processes, sorted by how close each is to its cap. A process
# at half its heap cap leads, above a unit at a third of its fd cap and a
# process far from its cap; then a process that leaks fds towards its
# cap rises to the top row; h sorts by heap and puts the heap-capped one
# first again; q quits and gives the terminal back. Batch mode (-b -n 3)
# without a terminal: three refreshes, each sorted, the system line from
# rescapd's Sample (CPU, memory, load, net, counts) once one has come.
. ../../lib/lib.sh
. ./setup.sh
rescapd_up

U=rtop.service D=/etc/systemd/system
quiet= heapy= leak= interval0=
cleanup() {
	tmux kill-server 2>/dev/null
	for p in $quiet $heapy $leak; do kill $p 2>/dev/null; done
	systemctl stop $U 2>/dev/null
	"$CTL" unit-reset $U 2>/dev/null
	rm -f $D/$U /run/rtop-go
	systemctl daemon-reload
	[ -n "$interval0" ] && busctl set-property org.rescap1 /org/rescap1 $M SampleIntervalUSec t "$interval0"
}
trap cleanup EXIT
command -v tmux >/dev/null || fail "no tmux (make deps)"
interval0=$(busctl get-property org.rescap1 /org/rescap1 $M SampleIntervalUSec | cut -d' ' -f2)
busctl set-property org.rescap1 /org/rescap1 $M SampleIntervalUSec t 1000000 || fail "SampleIntervalUSec"

# A unit with a 10-fd cap: its sleep has 3 or 4 open.
printf '[Service]\nExecStart=/bin/sleep 600\n' >$D/$U
systemctl daemon-reload
"$CTL" set-property $U FDMax=10 || fail "set-property $U"
systemctl start $U || fail "start $U"
# Far from its cap; at half its heap cap; a leak that waits for its go.
sleep 600 &
quiet=$!
"$CTL" register $quiet --fds 1000 || fail "register $quiet"
sleep 600 &
heapy=$!
kb=$(awk '/^VmData:/ { print $2 }' /proc/$heapy/status)
"$CTL" register $heapy --heap $((kb * 2))K || fail "register $heapy"
bash -c 'while [ ! -e /run/rtop-go ]; do sleep 0.1; done
	for i in $(seq 48); do exec {fd}</dev/null; sleep 0.05; done; exec sleep 600' &
leak=$!
"$CTL" register $leak --fds 64 || fail "register $leak"

# The rows of a screen or a refresh (after the PID header): each one's
# pid, then max(HEAP%, FD%) ("-": no cap, -1).
rows() { awk '/^PID / { f = 1; next } f && NF == 0 { exit } f && NF {
	h = $4 == "-" ? -1 : $4; d = $7 == "-" ? -1 : $7; print $1, (h > d ? h : d) }'; }
sorted() { rows | awk 'NR > 1 && $2 > last { bad = 1 } { last = $2 } END { exit bad }'; }

# ---- interactive, in tmux ----
tmux new-session -d -s rtop -x 160 -y 30 "$CTL top -d 0.5" || fail "tmux new-session"
screen() { tmux capture-pane -p -t rtop; }
first() { screen | rows | awk '{ print $1; exit }'; }
wait_eq 100 "the heap-capped process on the top row" "$heapy" first
screen | grep -q "^-  .* 10 .*rtop\.service *$" || fail "no row for $U with its cap of 10 fds: $(screen)"
screen | sorted || fail "rows not sorted by percent of cap: $(screen)"
screen | grep -q "keys: p, h, f sort; q quit" || fail "no key help: $(screen)"
touch /run/rtop-go
wait_eq 200 "the leaking process risen to the top row" "$leak" first
screen | sorted || fail "rows not sorted by percent of cap: $(screen)"
screen | grep -q "^$leak .* 64 " || fail "the leak's row shows no cap of 64: $(screen)"
tmux send-keys -t rtop h
wait_eq 50 "sorted by heap after h" 1 sh -c "tmux capture-pane -p -t rtop | grep -c 'by heap percent of cap'"
wait_eq 50 "the heap-capped process first by heap" "$heapy" first
wait_eq 50 "a line past the first sample" 1 sh -c "tmux capture-pane -p -t rtop | grep -c '^CPU [0-9.]*%  Memory '"
tmux send-keys -t rtop q
i=0
while tmux has-session -t rtop 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "top did not quit on q: $(screen)"
	sleep 0.1
done

# ---- batch mode, no terminal ----
out=$("$CTL" top -b -n 3 -d 1 </dev/null) || fail "top -b -n 3: exit status $?: $out"
expect_eq "refreshes in batch mode" 3 "$(printf '%s\n' "$out" | grep -c '^PID ')"
printf '%s\n' "$out" | grep -q 'keys:' && fail "key help in batch mode: $out"
printf '%s\n' "$out" | LC_ALL=C grep -q "$(printf '\033')" && fail "terminal escapes in batch mode: $out"
last=$(printf '%s\n' "$out" | awk '/^CPU |^\(no sample/ { n++ } n == 3')
printf '%s\n' "$last" | grep -q '^CPU [0-9.]*%  Memory [0-9.]*[BKMGT]/[0-9.]*[BKMGT]  Load [0-9.]* [0-9.]* [0-9.]*  Net rx .* tx .*  Processes [1-9][0-9]*  Tracked [1-9][0-9]*$' ||
	fail "no system line in the last refresh: $out"
printf '%s\n' "$last" | sorted || fail "batch rows not sorted: $out"
expect_eq "the top row in batch mode" "$leak" "$(printf '%s\n' "$last" | rows | awk '{ print $1; exit }')"
printf '%s\n' "$out" | grep -q "^$quiet " || fail "no row for $quiet: $out"

# Errors: a bad argument, an option of another command.
"$CTL" top -n 0 2>/dev/null; expect_eq "top -n 0" 2 $?
"$CTL" top --order=name 2>/dev/null; expect_eq "top --order=name" 2 $?
"$CTL" list -b 2>/dev/null; expect_eq "list -b" 2 $?
exit 0
