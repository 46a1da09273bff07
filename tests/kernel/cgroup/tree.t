# rescapctl list --cgroups --tree (issue 16, part 1): each policy below the
# nearest policy of a cgroup above it, in the table (libsmartcols' tree,
# a path shown without its parent's part) and in JSON (the children in
# "children"); a sibling whose name extends another's (rtree/a-b next to
# rtree/a) is not put below it; a cgroup without a policy in between
# (rtree/a/x) is skipped over. --tree without --cgroups or --armed is a
# usage error. Against the rescapctl before it: --tree is refused (2).
. ../../lib/lib.sh
rescap_up
cg=/sys/fs/cgroup
cgroup_rmtree $cg/rtree
mkdir -p $cg/rtree/a/x/y $cg/rtree/a-b $cg/rtree/c || fail "mkdir"
trap 'for p in rtree/a/x/y rtree/a-b rtree/a rtree/c rtree; do "$RESCAPCTL" reset --cgroup $p 2>/dev/null; done
	cgroup_rmtree $cg/rtree' EXIT
ctl cap --cgroup rtree --fds 100
ctl cap --cgroup rtree/a --fds 90
ctl cap --cgroup rtree/a/x/y --fds 80
ctl cap --cgroup rtree/a-b --fds 70
ctl cap --cgroup rtree/c --fds 60

out=$("$RESCAPCTL" --kernel list --cgroups --tree -o fd_cap,cgroup) || fail "list --cgroups --tree: $?"
# The subtree of /rtree (other tests' policies may be listed around it).
rows=$(printf '%s\n' "$out" | awk 'f && $2 ~ /^\// { exit } $2 == "/rtree" { f = 1 } f { $1 = $1; print }')
expect_eq "the tree" "100 /rtree
90 ├─a
80 │ └─x/y
70 ├─a-b
60 └─c" "$rows"

json=$("$RESCAPCTL" --kernel --json list --cgroups --tree -o cgroup,fd_cap) || fail "--json list --cgroups --tree: $?"
printf '%s' "$json" | python3 -c '
import json, sys
def find(nodes):
    for n in nodes:
        if n["cgroup"] == "/rtree":
            return n
        r = find(n.get("children", []))
        if r:
            return r
def shape(n):
    return [n["cgroup"], n["fd_cap"], [shape(c) for c in n.get("children", [])]]
got = shape(find(json.load(sys.stdin)))
want = ["/rtree", 100, [["/rtree/a", 90, [["/rtree/a/x/y", 80, []]]], ["/rtree/a-b", 70, []], ["/rtree/c", 60, []]]]
sys.exit(0 if got == want else "got %r" % (got,))
' || fail "the JSON tree: $json"

"$RESCAPCTL" --kernel list --tree 2>/dev/null
expect_eq "list --tree without --cgroups: exit status" 2 $?
exit 0
