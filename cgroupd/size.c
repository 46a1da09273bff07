/* SPDX-License-Identifier: GPL-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "size.h"

/* systemd's whitespace */
#define SIZE_SPACE " \t\n\r"

/* The units of a size, largest first; the last, with no suffix, is bytes
 * too. A part of a sum must use a unit after the one of the part before. */
static const struct {
        char suffix;
        uint64_t factor;
} size_units[] = {
        { 'E', 1ULL << 60 },
        { 'P', 1ULL << 50 },
        { 'T', 1ULL << 40 },
        { 'G', 1ULL << 30 },
        { 'M', 1ULL << 20 },
        { 'K', 1ULL << 10 },
        { 'B', 1 },
        { 0,   1 },
};

#define N_SIZE_UNITS (sizeof(size_units) / sizeof(size_units[0]))

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

/* One "NUMBER[.FRACTION][ ]SUFFIX" part of a size at *p, added to *sum;
 * *first_unit is the first unit it may use, and becomes the one after
 * its own. */
static int parse_size_part(const char **p, size_t *first_unit, uint64_t *sum) {
        const char *s = *p + strspn(*p, SIZE_SPACE), *digits = s;
        unsigned long long n;
        double frac = 0;
        uint64_t part, factor;
        char *e;
        size_t i;

        if (*digits == '+' || *digits == '-')
                digits++;
        if (!is_digit(*digits))
                return -EINVAL;
        if (*s == '-')
                return -ERANGE;
        errno = 0;
        n = strtoull(s, &e, 10);
        if (errno)
                return -errno;
        if (*e == '.') {
                e++;
                /* "10.M" is a size, as in systemd */
                if (is_digit(*e)) {
                        const char *f = e;
                        unsigned long long d = strtoull(f, &e, 10);

                        if (errno)
                                return -errno;
                        frac = (double) d;
                        for (; f < e; f++)
                                frac /= 10;
                }
        }
        e += strspn(e, SIZE_SPACE);
        for (i = *first_unit; i < N_SIZE_UNITS; i++)
                if (!size_units[i].suffix || *e == size_units[i].suffix)
                        break;
        if (i == N_SIZE_UNITS)
                return -EINVAL;
        factor = size_units[i].factor;
        /* frac may round up to 1: room for one more factor */
        if (n > UINT64_MAX / factor - (frac > 0))
                return -ERANGE;
        part = n * factor + (uint64_t) (frac * (double) factor);
        if (part > UINT64_MAX - *sum)
                return -ERANGE;
        *sum += part;
        *p = e + (size_units[i].suffix ? 1 : 0);
        *first_unit = i + 1;
        return 0;
}

int parse_size(const char *s, uint64_t *ret) {
        size_t first_unit = 0;
        uint64_t sum = 0;
        int r;

        if (strcmp(s, "infinity") == 0) {
                *ret = UINT64_MAX;
                return 0;
        }
        do {
                r = parse_size_part(&s, &first_unit, &sum);
                if (r < 0)
                        return r;
        } while (*s);
        *ret = sum;
        return 0;
}

/* "50%", "12.34%", "125.5‰", "1234‱" in permyriad (0 to 10000); 0 for
 * text that ends with none of the signs. */
static int parse_share(const char *s, unsigned *ret) {
        static const struct {
                const char *sign;
                unsigned decimals;      /* at most; the sign's permyriad is 10^decimals */
        } signs[] = {
                { "%", 2 },
                { "\u2030", 1 },        /* ‰ */
                { "\u2031", 0 },        /* ‱ */
        };
        size_t len = strlen(s);

        for (size_t i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
                size_t sl = strlen(signs[i].sign), body = len - sl, k = 0;
                unsigned v = 0, d = 0, places = 0;
                bool negative = false;

                if (len < sl || strcmp(s + body, signs[i].sign) != 0)
                        continue;
                if (s[0] == '-') {
                        negative = true;
                        k++;
                }
                if (k == body || !is_digit(s[k]))
                        return -EINVAL;
                for (; k < body && is_digit(s[k]); k++)
                        v = v > 100000 ? v : v * 10 + (unsigned) (s[k] - '0');
                if (k < body) {
                        if (s[k] != '.' || k + 1 == body || body - k - 1 > signs[i].decimals)
                                return -EINVAL;
                        for (k++; k < body; k++, places++) {
                                if (!is_digit(s[k]))
                                        return -EINVAL;
                                d = d * 10 + (unsigned) (s[k] - '0');
                        }
                }
                /* in permyriad: "12.5%" is 12 * 100 + 5 * 10 */
                for (; places < signs[i].decimals; places++)
                        d *= 10;
                for (unsigned p = 0; p < signs[i].decimals; p++)
                        v *= 10;
                v += d;
                if (negative || v > 10000)
                        return -ERANGE;
                *ret = v;
                return 1;
        }
        return 0;
}

int parse_size_or_percent(const char *s, uint64_t physical, uint64_t *ret) {
        uint64_t page = (uint64_t) sysconf(_SC_PAGESIZE);
        unsigned share;
        int r;

        r = parse_share(s, &share);
        if (r < 0)
                return r;
        if (r == 0)
                return parse_size(s, ret);
        /* As systemd's physical_memory_scale(): whole pages, rounded down;
         * all of it is all of it. */
        if (share == 10000)
                *ret = physical;
        else
                *ret = (uint64_t) ((unsigned __int128) (physical / page) * share / 10000) * page;
        return 0;
}

int parse_count(const char *s, uint64_t *ret) {
        unsigned long long v;
        char *end;

        if (strcmp(s, "infinity") == 0 || strcmp(s, "max") == 0) {
                *ret = UINT64_MAX;
                return 0;
        }
        if (!is_digit(s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* bytes as "Q[.DDD]S" with suffix S of unit i and the given number of
 * decimals (cut, not rounded); whether it reads back as bytes. */
static bool format_size_as(char *buf, size_t size, uint64_t bytes, size_t i, unsigned decimals) {
        uint64_t factor = size_units[i].factor, rem = bytes % factor, v;
        char text[FORMAT_SIZE_MAX];
        int n;

        n = snprintf(text, sizeof(text), "%" PRIu64, bytes / factor);
        if (decimals)
                text[n++] = '.';
        for (unsigned k = 0; k < decimals; k++) {
                rem *= 10;      /* rem < 2^60: no overflow */
                text[n++] = (char) ('0' + rem / factor);
                rem %= factor;
        }
        text[n++] = size_units[i].suffix;
        text[n] = 0;
        if (parse_size(text, &v) < 0 || v != bytes)
                return false;
        snprintf(buf, size, "%s", text);
        return true;
}

const char *format_size(char *buf, size_t size, uint64_t bytes) {
        if (bytes == UINT64_MAX) {
                snprintf(buf, size, "infinity");
                return buf;
        }
        for (size_t i = 0; size_units[i].suffix != 'B'; i++) {
                if (bytes < size_units[i].factor)
                        continue;
                for (unsigned decimals = 0; decimals <= 3; decimals++)
                        if (format_size_as(buf, size, bytes, i, decimals))
                                return buf;
        }
        snprintf(buf, size, "%" PRIu64 "B", bytes);
        return buf;
}

uint64_t physical_memory(void) {
        const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);

        return pages > 0 && page_size > 0 ? (uint64_t) pages * (uint64_t) page_size : 0;
}
