/* SPDX-License-Identifier: GPL-2.0 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

static int parse_infinity(const char *s, uint64_t *ret) {
        if (strcmp(s, "infinity") == 0 || strcmp(s, "max") == 0) {
                *ret = UINT64_MAX;
                return 1;
        }
        return 0;
}

static int parse_u64(const char *s, char **end, uint64_t *ret) {
        unsigned long long v;

        if (!isdigit((unsigned char) s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        *ret = v;
        return 0;
}

int parse_size(const char *s, uint64_t *ret) {
        static const char suffixes[] = "KMGTPE";
        const char *p;
        char *end;
        uint64_t v;
        int r, shift = 0;

        if (parse_infinity(s, ret))
                return 0;
        r = parse_u64(s, &end, &v);
        if (r < 0)
                return r;
        if (*end) {
                if (end[1] && !(end[1] == 'B' && !end[2]) && !(end[1] == 'i' && end[2] == 'B' && !end[3]))
                        return -EINVAL;
                p = strchr(suffixes, toupper((unsigned char) *end));
                if (!p || !*p)
                        return -EINVAL;
                shift = 10 * (int) (p - suffixes + 1);
        }
        if (shift && v > (UINT64_MAX >> shift))
                return -ERANGE;
        *ret = v << shift;
        return 0;
}

int parse_count(const char *s, uint64_t *ret) {
        char *end;
        uint64_t v;
        int r;

        if (parse_infinity(s, ret))
                return 0;
        r = parse_u64(s, &end, &v);
        if (r < 0)
                return r;
        if (*end)
                return -EINVAL;
        *ret = v;
        return 0;
}

const char *format_size(char *buf, size_t size, uint64_t bytes) {
        static const char suffixes[] = "KMGTPE";
        int i = -1;
        double v = (double) bytes;

        if (bytes == UINT64_MAX) {
                snprintf(buf, size, "infinity");
                return buf;
        }
        while (v >= 1024 && i < 5) {
                v /= 1024;
                i++;
        }
        if (i < 0)
                snprintf(buf, size, "%" PRIu64 "B", bytes);
        else if (v == (double) (uint64_t) v)
                snprintf(buf, size, "%" PRIu64 "%c", (uint64_t) v, suffixes[i]);
        else
                snprintf(buf, size, "%.1f%c", v, suffixes[i]);
        return buf;
}
