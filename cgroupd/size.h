/* SPDX-License-Identifier: GPL-2.0 */
/* rescap: sizes and counts as admins write them (systemd's syntax). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* A size as systemd's MemoryMax= takes it (systemd.resource-control(5)),
 * parsed the way systemd's own parse_size() does with base 1024:
 *
 *   - a decimal number of bytes, optionally with a fraction ("1.5"), and
 *     an optional suffix B, K, M, G, T, P or E (powers of 1024, upper case
 *     only; no "KB", "KiB" or lower case); the fraction of a suffixed
 *     number counts in bytes, rounded down ("1.5K" is 1536, "0.1K" 102);
 *   - several such parts summed, each suffix smaller than the one before
 *     ("1G 512M"); spaces and tabs may come before a number and between a
 *     number and its suffix, not after a suffix;
 *   - "infinity" for no cap (UINT64_MAX).
 *
 * Returns 0, -EINVAL for anything else (empty, garbage, "max"), or
 * -ERANGE for a negative number or a sum beyond 2^64 - 1. */
int parse_size(const char *s, uint64_t *ret);

/* parse_size(), or a share of physical (the machine's memory in bytes:
 * sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE)) as MemoryMax= takes
 * it: "50%" or "12.34%" (at most two decimals), "125.5‰" (permille, at
 * most one decimal) or "1234‱" (permyriad), at most 100%. The share is
 * computed as systemd does: in whole pages of physical
 * (sysconf(_SC_PAGESIZE)), rounded down, so "100%" is physical rounded
 * down to a page and a share smaller than a page is 0. -ERANGE beyond
 * 100% or negative, -EINVAL for a malformed share. */
int parse_size_or_percent(const char *s, uint64_t physical, uint64_t *ret);

/* A count (fds): a plain integer, or "infinity"/"max". */
int parse_count(const char *s, uint64_t *ret);
/* This machine's memory in bytes, for the shares parse_size_or_percent()
 * takes (0 if it cannot be read). */
uint64_t physical_memory(void);

/* A size for people that parse_size() reads back as exactly the same
 * value: "512M", "1.5K", "1.125G", "1048577K", "1025B", "infinity" (the
 * largest suffix that needs at most three decimals, else bytes). A buffer
 * of FORMAT_SIZE_MAX bytes always fits. */
#define FORMAT_SIZE_MAX 32
const char *format_size(char *buf, size_t size, uint64_t bytes);
