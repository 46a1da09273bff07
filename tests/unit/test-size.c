/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test of cgroupd/size.c (built with ASan and UBSan). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "size.h"

#include "check.h"

static void size_ok(const char *s, uint64_t want) {
        uint64_t v = 0;
        int r = parse_size(s, &v);

        CHECK(r == 0 && v == want, "parse_size(%s) = %d, %" PRIu64 " (want %" PRIu64 ")", s, r, v, want);
}

static void size_bad(const char *s, int want) {
        uint64_t v = 0;
        int r = parse_size(s, &v);

        CHECK(r == want, "parse_size(%s) = %d (want %d)", s, r, want);
}

static void fmt(uint64_t v, const char *want) {
        char buf[32];

        CHECK(strcmp(format_size(buf, sizeof(buf), v), want) == 0, "format_size(%" PRIu64 ") = %s (want %s)",
              v, buf, want);
}

int main(void) {
        uint64_t v;

        size_ok("0", 0);
        size_ok("4096", 4096);
        size_ok("512K", 512ULL << 10);
        size_ok("512M", 512ULL << 20);
        size_ok("2G", 2ULL << 30);
        size_ok("2g", 2ULL << 30);
        size_ok("1T", 1ULL << 40);
        size_ok("3E", 3ULL << 60);
        size_ok("5MB", 5ULL << 20);
        size_ok("5MiB", 5ULL << 20);
        size_ok("infinity", UINT64_MAX);
        size_ok("max", UINT64_MAX);
        size_ok("18446744073709551615", UINT64_MAX);
        size_bad("", -EINVAL);
        size_bad("-1", -EINVAL);
        size_bad("1.5G", -EINVAL);
        size_bad("12Q", -EINVAL);
        size_bad("G", -EINVAL);
        size_bad("1GG", -EINVAL);
        size_bad(" 1", -EINVAL);
        size_bad("16E", -ERANGE);
        size_bad("18446744073709551616", -ERANGE);

        CHECK(parse_count("100", &v) == 0 && v == 100, "parse_count(100)");
        CHECK(parse_count("infinity", &v) == 0 && v == UINT64_MAX, "parse_count(infinity)");
        CHECK(parse_count("10K", &v) == -EINVAL, "parse_count(10K)");
        CHECK(parse_count("", &v) == -EINVAL, "parse_count(empty)");

        fmt(0, "0B");
        fmt(1023, "1023B");
        fmt(1024, "1K");
        fmt(1536, "1.5K");
        fmt(512ULL << 20, "512M");
        fmt(3ULL << 60, "3E");
        fmt(UINT64_MAX, "infinity");

        printf("%s\n", failed ? "FAILED" : "ok");
        return failed ? 1 : 0;
}
