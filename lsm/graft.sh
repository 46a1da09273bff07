#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Graft rescap into a Linux 6.12 source tree as security/rescap.
#
#   lsm/graft.sh [--link] KERNEL_SRC
#
# Applies lsm/patches/*.patch (once; a tree that already has them is left
# as it is: they are listed in KERNEL_SRC/.rescap-patches), fills
# security/rescap with the LSM attachment (lsm/) and the engine sources it
# shares with the loadable module (kmod/: the objects kmod/engine.mk
# names, with their headers), and puts the UAPI header in
# include/uapi/linux/rescap.h. By default the files are copied, which is
# what a user building their own kernel wants; --link makes symbolic
# links, so the test kernel picks up edits without grafting again.
set -eu

mode=copy
if [ "${1:-}" = "--link" ]; then
	mode=link
	shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--link] KERNEL_SRC" >&2; exit 2; }
ksrc=$1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

[ -f "$ksrc/security/Kconfig" ] || { echo "$0: $ksrc is not a kernel tree" >&2; exit 1; }

# The patches applied are listed in $stamp. A patch whose context a later
# one changes no longer reverses cleanly once that one is applied, so
# without the list (a tree patched by hand, or before the list): the
# whole series is there when its last patch reverses, and otherwise each
# patch that reverses is.
stamp=$ksrc/.rescap-patches
reverses() {
	patch -d "$ksrc" -p1 -R --dry-run -s -f <"$1" >/dev/null 2>&1
}
if [ ! -f "$stamp" ]; then
	last=
	for p in "$here"/patches/*.patch; do
		last=$p
	done
	if [ -n "$last" ] && reverses "$last"; then
		for p in "$here"/patches/*.patch; do
			basename "$p" >>"$stamp"
		done
	fi
fi
for p in "$here"/patches/*.patch; do
	name=$(basename "$p")
	if [ -f "$stamp" ] && grep -qxF "$name" "$stamp"; then
		continue
	fi
	if ! reverses "$p"; then
		patch -d "$ksrc" -p1 -s -f --no-backup-if-mismatch <"$p" || {
			echo "$0: $name does not apply to $ksrc" >&2
			exit 1
		}
	fi
	echo "$name" >>"$stamp"
done

dst=$ksrc/security/rescap
rm -rf "$dst"
mkdir -p "$dst"

files=$(cd "$here" && ls Kconfig Makefile -- *.c *.h 2>/dev/null || true)
# Every word ending in .o in kmod/engine.mk is an engine object.
objs=$(sed -e 's/#.*//' "$repo/kmod/engine.mk" | tr -s ' \t\\' '\n\n\n' | sed -n 's/\.o$//p')
[ -n "$objs" ] || { echo "$0: no objects in kmod/engine.mk" >&2; exit 1; }

put() {	# put SRC NAME
	if [ "$mode" = link ]; then
		ln -s "$1" "$dst/$2"
	else
		cp "$1" "$dst/$2"
	fi
}

for f in $files; do
	put "$here/$f" "$f"
done
put "$repo/kmod/engine.mk" engine.mk
for o in $objs; do
	put "$repo/kmod/$o.c" "$o.c"
	if [ -f "$repo/kmod/$o.h" ]; then
		put "$repo/kmod/$o.h" "$o.h"
	fi
done
rm -f "$ksrc/include/uapi/linux/rescap.h"
dst=$ksrc/include/uapi/linux
put "$repo/include/uapi/linux/rescap.h" rescap.h
