/* SPDX-License-Identifier: GPL-2.0 */
/* rescap: bytes from the kernel or /proc made into text (utf8.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* The length of the valid UTF-8 sequence at s (at most len bytes), or 0
 * when the byte at s does not start one. */
static size_t utf8_seq_len(const uint8_t *s, size_t len) {
        uint8_t lo = 0x80, hi = 0xbf;   /* the range of the second byte */
        size_t n;

        if (s[0] < 0x80)
                return 1;
        if (s[0] < 0xc2)                /* a continuation, or overlong */
                return 0;
        if (s[0] < 0xe0)
                n = 2;
        else if (s[0] < 0xf0) {
                n = 3;
                if (s[0] == 0xe0)
                        lo = 0xa0;      /* overlong */
                else if (s[0] == 0xed)
                        hi = 0x9f;      /* surrogates */
        } else if (s[0] < 0xf5) {
                n = 4;
                if (s[0] == 0xf0)
                        lo = 0x90;      /* overlong */
                else if (s[0] == 0xf4)
                        hi = 0x8f;      /* above U+10FFFF */
        } else
                return 0;
        if (n > len || s[1] < lo || s[1] > hi)
                return 0;
        for (size_t i = 2; i < n; i++)
                if (s[i] < 0x80 || s[i] > 0xbf)
                        return 0;
        return n;
}

static bool is_control(const uint8_t *s, size_t n) {
        if (n == 1)
                return s[0] < 0x20 || s[0] == 0x7f;
        return n == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

size_t utf8_escape(char *dst, size_t size, const char *src, size_t len, unsigned flags) {
        static const char hex[] = "0123456789abcdef";
        const uint8_t *s = (const uint8_t *) src;
        size_t i = 0, out = 0;

        if (!size)
                return 0;
        while (i < len) {
                size_t n = utf8_seq_len(s + i, len - i), esc = 0;
                char unit[16];

                if (n == 0 || s[i] == 0 || ((flags & UTF8_ESCAPE_CONTROL) && is_control(s + i, n))) {
                        n = n ?: 1;
                        for (size_t k = 0; k < n; k++) {
                                unit[esc++] = '\\';
                                unit[esc++] = 'x';
                                unit[esc++] = hex[s[i + k] >> 4];
                                unit[esc++] = hex[s[i + k] & 0xf];
                        }
                } else if (s[i] == '\\' && (flags & UTF8_ESCAPE_BACKSLASH)) {
                        unit[esc++] = '\\';
                        unit[esc++] = '\\';
                } else {
                        memcpy(unit, s + i, n);
                        esc = n;
                }
                if (out + esc > size - 1)
                        break;
                memcpy(dst + out, unit, esc);
                out += esc;
                i += n;
        }
        dst[out] = 0;
        return out;
}
