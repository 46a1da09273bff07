/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test of cgroupd/utf8.c (built with ASan and UBSan). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#include "check.h"

/* s as C would write it, for the messages. */
static const char *show(const char *s, size_t len) {
        static char buf[4][512];
        static int k;
        char *b = buf[k++ % 4];
        size_t o = 0;

        for (size_t i = 0; i < len && o < sizeof(buf[0]) - 5; i++) {
                unsigned char c = (unsigned char) s[i];

                if (c >= 0x20 && c < 0x7f && c != '\\')
                        b[o++] = (char) c;
                else
                        o += (size_t) snprintf(b + o, 5, "\\x%02x", c);
        }
        b[o] = 0;
        return b;
}

static void esc_n(const char *src, size_t len, unsigned flags, const char *want) {
        char dst[UTF8_ESCAPED_SIZE(64)];
        size_t n;

        memset(dst, 'Z', sizeof(dst));
        n = utf8_escape(dst, sizeof(dst), src, len, flags);
        CHECK(n == strlen(want) && strcmp(dst, want) == 0, "utf8_escape(\"%s\", %u) = \"%s\" (%zu), want \"%s\"",
              show(src, len), flags, show(dst, strlen(dst)), n, show(want, strlen(want)));
}

static void esc(const char *src, unsigned flags, const char *want) {
        esc_n(src, strlen(src), flags, want);
}

/* Valid UTF-8 by a decoder of its own: code points, shortest form, no
 * surrogates, at most U+10FFFF. */
static bool valid_utf8(const char *str) {
        const unsigned char *s = (const unsigned char *) str;

        while (*s) {
                uint32_t cp, min;
                int n;

                if (*s < 0x80) {
                        s++;
                        continue;
                }
                if ((*s & 0xe0) == 0xc0) { n = 1; cp = *s & 0x1f; min = 0x80; }
                else if ((*s & 0xf0) == 0xe0) { n = 2; cp = *s & 0x0f; min = 0x800; }
                else if ((*s & 0xf8) == 0xf0) { n = 3; cp = *s & 0x07; min = 0x10000; }
                else return false;
                s++;
                for (int i = 0; i < n; i++, s++) {
                        if ((*s & 0xc0) != 0x80)
                                return false;
                        cp = cp << 6 | (*s & 0x3f);
                }
                if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
        }
        return true;
}

/* The escapes undone: "\\" and "\xNN" (what UTF8_ESCAPE_BACKSLASH makes). */
static size_t unescape(const char *s, char *out) {
        size_t o = 0;

        while (*s) {
                if (s[0] == '\\' && s[1] == '\\') {
                        out[o++] = '\\';
                        s += 2;
                } else if (s[0] == '\\' && s[1] == 'x') {
                        out[o++] = (char) strtoul((char[]) { s[2], s[3], 0 }, NULL, 16);
                        s += 4;
                } else
                        out[o++] = *s++;
        }
        return o;
}

static bool has_control(const char *str) {
        const unsigned char *s = (const unsigned char *) str;

        for (; *s; s++)
                if (*s < 0x20 || *s == 0x7f || (s[0] == 0xc2 && s[1] >= 0x80 && s[1] < 0xa0))
                        return true;
        return false;
}

static void test_cases(void) {
        /* valid UTF-8 stays as it is */
        esc("", 0, "");
        esc("rtest-proc", 0, "rtest-proc");
        esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", 0, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e");
        esc("\xc2\x80 \xc2\xa0 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80 \xef\xbf\xbf", 0,
            "\xc2\x80 \xc2\xa0 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80 \xef\xbf\xbf");
        esc("\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf", 0, "\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf");
        esc("\x1b[2J\t\n\x7f", 0, "\x1b[2J\t\n\x7f");
        esc("/system.slice/dev-disk-by\\x2duuid.service", 0, "/system.slice/dev-disk-by\\x2duuid.service");
        /* bytes that are never UTF-8 */
        esc("\xff\xfe", 0, "\\xff\\xfe");
        esc("a\x80z", 0, "a\\x80z");
        esc("\xbf\xc0\xc1\xf5\xf8\xfc", 0, "\\xbf\\xc0\\xc1\\xf5\\xf8\\xfc");
        /* overlong forms */
        esc("\xc0\xaf", 0, "\\xc0\\xaf");
        esc("\xc1\xbf", 0, "\\xc1\\xbf");
        esc("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");
        esc("\xe0\x9f\xbf", 0, "\\xe0\\x9f\\xbf");
        esc("\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf");
        esc("\xf0\x8f\xbf\xbf", 0, "\\xf0\\x8f\\xbf\\xbf");
        /* UTF-16 surrogates, and above U+10FFFF */
        esc("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
        esc("\xed\xbf\xbf", 0, "\\xed\\xbf\\xbf");
        esc("\xed\xa0\xbd\xed\xb2\xa9", 0, "\\xed\\xa0\\xbd\\xed\\xb2\\xa9");
        esc("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
        esc("\xf5\x80\x80\x80", 0, "\\xf5\\x80\\x80\\x80");
        /* cut: at the end (the kernel's 15 bytes), and inside */
        esc("ok\xe2\x82", 0, "ok\\xe2\\x82");
        esc("ok\xe2", 0, "ok\\xe2");
        esc("\xf0\x9d\x84", 0, "\\xf0\\x9d\\x84");
        esc("\xc3", 0, "\\xc3");
        esc("\xe2\x82" "A\xe2\x82\xac", 0, "\\xe2\\x82A\xe2\x82\xac");
        esc("\xc3\xc3\xa9", 0, "\\xc3\xc3\xa9");
        esc("\xf0\x9d\xe2\x82\xac", 0, "\\xf0\\x9d\xe2\x82\xac");
        /* a NUL inside the bytes */
        esc_n("a\0b", 3, 0, "a\\x00b");
        /* the backslash */
        esc("a\\b", 0, "a\\b");
        esc("a\\b", UTF8_ESCAPE_BACKSLASH, "a\\\\b");
        esc("\\xff", UTF8_ESCAPE_BACKSLASH, "\\\\xff");
        esc("\xff", UTF8_ESCAPE_BACKSLASH, "\\xff");
        esc("\xff\xfe\x1b[2Jok\\\xe2\x82", UTF8_ESCAPE_BACKSLASH, "\\xff\\xfe\x1b[2Jok\\\\\\xe2\\x82");
        /* control characters, for a terminal */
        esc("\x1b[2J", UTF8_ESCAPE_CONTROL, "\\x1b[2J");
        esc("a\tb\nc\rd\x7f", UTF8_ESCAPE_CONTROL, "a\\x09b\\x0ac\\x0dd\\x7f");
        esc("\x01\x1f ~", UTF8_ESCAPE_CONTROL, "\\x01\\x1f ~");
        esc("\xc2\x9b" "31m\xc2\x80\xc2\x9f", UTF8_ESCAPE_CONTROL, "\\xc2\\x9b" "31m\\xc2\\x80\\xc2\\x9f");
        esc("\xc2\xa0\xc3\xa9\xe2\x80\xae", UTF8_ESCAPE_CONTROL, "\xc2\xa0\xc3\xa9\xe2\x80\xae");
        esc("\\x1b", UTF8_ESCAPE_CONTROL, "\\x1b");
        esc("\xff\x1b", UTF8_ESCAPE_CONTROL | UTF8_ESCAPE_BACKSLASH, "\\xff\\x1b");
        /* text already escaped, escaped again for a terminal: only the
         * controls change */
        esc("\\xff\\xfe\x1b[2Jok\\\\\\xe2\\x82", UTF8_ESCAPE_CONTROL, "\\xff\\xfe\\x1b[2Jok\\\\\\xe2\\x82");
}

static void test_cut(void) {
        char dst[16];
        size_t n;

        /* never inside an escape or a character */
        n = utf8_escape(dst, 4, "\xff", 1, 0);
        CHECK(n == 0 && dst[0] == 0, "\\xff in 4 bytes: %zu '%s'", n, dst);
        n = utf8_escape(dst, 5, "\xff", 1, 0);
        CHECK(n == 4 && strcmp(dst, "\\xff") == 0, "\\xff in 5 bytes: %zu '%s'", n, dst);
        n = utf8_escape(dst, 3, "a\xc3\xa9", 3, 0);
        CHECK(n == 1 && strcmp(dst, "a") == 0, "a-e-acute in 3 bytes: %zu '%s'", n, dst);
        n = utf8_escape(dst, 4, "a\xc3\xa9", 3, 0);
        CHECK(n == 3 && strcmp(dst, "a\xc3\xa9") == 0, "a-e-acute in 4 bytes: %zu '%s'", n, dst);
        n = utf8_escape(dst, 2, "\\", 1, UTF8_ESCAPE_BACKSLASH);
        CHECK(n == 0 && dst[0] == 0, "a backslash in 2 bytes: %zu '%s'", n, dst);
        n = utf8_escape(dst, 8, "\xc2\x9b", 2, UTF8_ESCAPE_CONTROL);
        CHECK(n == 0 && dst[0] == 0, "U+009B in 8 bytes: %zu '%s'", n, dst);
        n = utf8_escape(dst, 1, "abc", 3, 0);
        CHECK(n == 0 && dst[0] == 0, "abc in 1 byte: %zu", n);
        dst[0] = 'Z';
        n = utf8_escape(dst, 0, "abc", 3, 0);
        CHECK(n == 0 && dst[0] == 'Z', "size 0 writes nothing");
        /* the largest growth fits UTF8_ESCAPED_SIZE */
        char big[UTF8_ESCAPED_SIZE(15)];
        n = utf8_escape(big, sizeof(big), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 15, 0);
        CHECK(n == 60, "15 bytes of ff: %zu", n);
}

/* Random bytes, then random text: every result is valid UTF-8; with
 * UTF8_ESCAPE_BACKSLASH it gives the bytes back; with
 * UTF8_ESCAPE_CONTROL it has no control; valid text without backslashes
 * comes out as it went in. */
static void test_random(void) {
        static const unsigned char pick[] = { 0x00, 0x1b, 0x5c, 0x41, 0x7f, 0x80, 0x9b, 0xa0, 0xbf, 0xc0, 0xc2,
                                              0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff };
        char src[32], out[UTF8_ESCAPED_SIZE(32)], back[64];

        srand(1);
        for (int round = 0; round < 200000; round++) {
                size_t len = (size_t) rand() % 24, n;

                for (size_t i = 0; i < len; i++)
                        src[i] = (char) (rand() % 2 ? pick[rand() % sizeof(pick)] : rand() % 256);
                n = utf8_escape(out, sizeof(out), src, len, UTF8_ESCAPE_BACKSLASH);
                CHECK(valid_utf8(out), "not UTF-8: \"%s\" from \"%s\"", show(out, n), show(src, len));
                CHECK(unescape(out, back) == len && memcmp(back, src, len) == 0,
                      "no round trip: \"%s\" from \"%s\"", show(out, n), show(src, len));
                n = utf8_escape(out, sizeof(out), src, len, UTF8_ESCAPE_CONTROL);
                CHECK(valid_utf8(out) && !has_control(out), "control left: \"%s\" from \"%s\"",
                      show(out, n), show(src, len));
                n = utf8_escape(out, sizeof(out), src, len, 0);
                CHECK(valid_utf8(out) && n == strlen(out), "not UTF-8: \"%s\" from \"%s\"", show(out, n),
                      show(src, len));
                if (failed > 10)
                        return;
        }
        for (int round = 0; round < 100000; round++) {
                size_t len = 0;

                while (len < 20) {
                        uint32_t cp = (uint32_t) rand() % (rand() % 2 ? 0x800 : 0x110000);

                        if (cp == 0 || cp == '\\' || (cp >= 0xd800 && cp <= 0xdfff))
                                continue;
                        if (cp < 0x80)
                                src[len++] = (char) cp;
                        else if (cp < 0x800) {
                                src[len++] = (char) (0xc0 | cp >> 6);
                                src[len++] = (char) (0x80 | (cp & 0x3f));
                        } else if (cp < 0x10000) {
                                src[len++] = (char) (0xe0 | cp >> 12);
                                src[len++] = (char) (0x80 | (cp >> 6 & 0x3f));
                                src[len++] = (char) (0x80 | (cp & 0x3f));
                        } else {
                                src[len++] = (char) (0xf0 | cp >> 18);
                                src[len++] = (char) (0x80 | (cp >> 12 & 0x3f));
                                src[len++] = (char) (0x80 | (cp >> 6 & 0x3f));
                                src[len++] = (char) (0x80 | (cp & 0x3f));
                        }
                }
                src[len] = 0;
                for (unsigned flags = 0; flags <= UTF8_ESCAPE_BACKSLASH; flags++) {
                        size_t n = utf8_escape(out, sizeof(out), src, len, flags);

                        CHECK(n == len && memcmp(out, src, len + 1) == 0, "valid text changed: \"%s\" to \"%s\"",
                              show(src, len), show(out, n));
                }
                if (failed > 10)
                        return;
        }
}

int main(void) {
        test_cases();
        test_cut();
        test_random();
        if (failed) {
                printf("%d failed\n", failed);
                return 1;
        }
        printf("ok\n");
        return 0;
}
