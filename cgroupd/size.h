/* SPDX-License-Identifier: GPL-2.0 */
/* rescap: sizes and counts as admins write them (systemd's syntax). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* "512M", "2G": an integer with an optional K, M, G, T, P or E
 * suffix (powers of 1024, as systemd's MemoryMax=), a plain number of
 * bytes, or "infinity"/"max" for no cap (UINT64_MAX). Returns 0 or
 * -EINVAL / -ERANGE. */
int parse_size(const char *s, uint64_t *ret);

/* A count (fds): a plain integer, or "infinity"/"max". */
int parse_count(const char *s, uint64_t *ret);

/* "512M", "1.5G", "infinity": for people. */
const char *format_size(char *buf, size_t size, uint64_t bytes);
