/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescap: bytes from the kernel or /proc made into text. A process name
 * (comm, cut by the kernel at 15 bytes or set to any bytes with
 * prctl(PR_SET_NAME)) and a cgroup path (any bytes a delegated user gave
 * mkdir) are not UTF-8 in general; D-Bus strings and JSON must be, and a
 * terminal must not receive their escape sequences.
 */
#pragma once

#include <stddef.h>

enum {
        /* a backslash as "\\" too, so a "\xNN" in the result always
         * stands for a byte: for names, which have no convention of their
         * own. Cgroup paths keep their backslashes, so systemd's escaped
         * unit names (dev-disk-by\x2duuid-...) read as systemd shows them. */
        UTF8_ESCAPE_BACKSLASH = 1 << 0,
        /* for a terminal: the C0 controls, DEL and the C1 controls
         * (U+0080 to U+009F) as "\xNN", each byte of them */
        UTF8_ESCAPE_CONTROL = 1 << 1,
};

/* The size of a buffer that holds n bytes escaped, whatever they are. */
#define UTF8_ESCAPED_SIZE(n) (4 * (n) + 1)

/*
 * Copies the len bytes at src to dst as valid UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), NUL-terminated:
 * each byte that is not part of a valid sequence becomes "\xNN" (two
 * lowercase hex digits), as does a NUL byte; valid UTF-8 is copied as it
 * is, but for what flags ask. A result longer than size - 1 bytes is cut
 * between two characters or escapes, never inside one (size 0 writes
 * nothing). Returns the length of dst.
 */
size_t utf8_escape(char *dst, size_t size, const char *src, size_t len, unsigned flags);
