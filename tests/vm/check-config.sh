#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-config.sh DOTCONFIG FRAGMENT...
# Fail when an option a fragment asks for did not make it into .config
# (a missing dependency makes Kconfig drop it silently). Lists them all.
set -eu
cfg=$1
shift
bad=$(for frag in "$@"; do
	grep -E '^CONFIG_[A-Za-z0-9_]+=' "$frag" | while IFS= read -r want; do
		opt=${want%%=*}
		if [ "${want#*=}" = n ]; then
			grep -q "^$opt=" "$cfg" && echo "$frag: $opt should be off, got $(grep "^$opt=" "$cfg")"
		elif ! grep -qxF "$want" "$cfg"; then
			echo "$frag: wants $want, got: $(grep "^$opt=\|# $opt " "$cfg" || echo unset)"
		fi
	done
done)
[ -z "$bad" ] && exit 0
echo "$bad" >&2
exit 1
