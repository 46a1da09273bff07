# SPDX-License-Identifier: GPL-2.0
# Sourced by make bench's guest scripts: a crowd of N processes that sleep,
# children of rtest-bench hold, registered with rescap on demand.
#   crowd_start N DIR   start them (DIR: a directory for the fifos), wait
#                       until they are all alive; under $CROWD_WRAP, a
#                       command prefix, if set
#   crowd_register      register each with rescap; wait until done
#   crowd_stop          kill them all, wait
crowd_start() {
	mkfifo "$2/hold"
	# shellcheck disable=SC2086
	$CROWD_WRAP "$O/bin/rtest-bench" hold "$1" <"$2/hold" >"$2/ready" &
	crowd_holder=$!
	crowd_dir=$2
	exec 7>"$2/hold"
	crowd_wait ready
}
crowd_wait() {
	until grep -q "$1" "$crowd_dir/ready" 2>/dev/null; do
		kill -0 "$crowd_holder" 2>/dev/null || fail "the crowd of processes failed (waiting for $1)"
		sleep 1
	done
}
crowd_register() {
	echo register >&7
	crowd_wait registered
}
crowd_stop() {
	exec 7>&-
	wait "$crowd_holder"
}
