# rescapctl's printer (cgroupd/rescapctl-print.c), under ASan and UBSan:
# process names of arbitrary bytes through get, list and monitor. Every
# JSON record parses (Python's json) and gives back the name the kernel
# link made; no output, JSON or text, carries a raw control character
# (C0 but newline, DEL, or C1 as UTF-8); -o picks columns, in order.
. ../lib/lib.sh
# In the C locale (services and scripts: rescapctl takes C.UTF-8's
# character type then; libsmartcols would loop forever on a non-ASCII
# cell otherwise) and in C.UTF-8: tables show names as get does.
for loc in C C.UTF-8; do
out=$O/tests/print-$loc.out
LC_ALL=$loc timeout 60 "$O/tests/test-print" >"$out" || fail "test-print ($loc) failed: $(grep FAIL "$out")"
python3 - "$out" $loc <<'PY' || fail "the printer's output is wrong ($loc)"
import json, re, sys
data = open(sys.argv[1], 'rb').read()
bad = re.search(rb'[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]', data)
if bad:
    sys.exit('a raw control at byte %d: %r' % (bad.start(), data[max(0, bad.start() - 40):bad.start() + 10]))
lines = data.decode('utf-8').split('\n')
want = None
n = 0
text = False
for line in lines:
    if line.startswith('X '):
        want = bytes.fromhex(line[2:]).decode('utf-8')
    elif line == 'T':
        text = True
    elif line == 'E':
        text = False
    elif line.startswith('O '):
        o = json.loads(line[2:])
        if o != [{'fds': 3, 'pid': 7}] or list(o[0]) != ['fds', 'pid']:
            sys.exit('-o fds,pid: %s' % line)
    elif want is not None and not text and line:
        v = json.loads(line)
        v = v[0] if isinstance(v, list) else v
        if v['comm'] != want:
            sys.exit('comm %r, not %r: %s' % (v['comm'], want, line))
        for k in ('pid', 'uid', 'cgroup', 'unit'):
            if k not in v:
                sys.exit('no %s: %s' % (k, line))
        n += 1
        want = None
# The text: the table row shows the name as the get lines do (one
# escaping: libsmartcols must not escape the backslashes again).
blocks = data.decode('utf-8').split('\nT\n')[1:]
for b in blocks:
    b = b.split('\nE\n')[0].split('\n')
    cmd = [l for l in b if l.startswith('Command:   ')][0][len('Command:   '):]
    row = b[-1]
    if not row.startswith('4242 ' + cmd + ' '):
        sys.exit('table row %r, not with the name %r' % (row, cmd))
if len(blocks) != 12 + 255:
    sys.exit('%d text blocks' % len(blocks))
if n != 3 * (12 + 255):
    sys.exit('%d JSON records, not %d' % (n, 3 * (12 + 255)))
PY
done
exit 0
