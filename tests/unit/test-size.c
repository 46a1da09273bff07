/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test of cgroupd/size.c (built with ASan and UBSan). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "size.h"

#include "check.h"

#define KB (1ULL << 10)
#define MB (1ULL << 20)
#define GB (1ULL << 30)
#define TB (1ULL << 40)
#define PB (1ULL << 50)
#define EB (1ULL << 60)

static void size_ok(const char *s, uint64_t want) {
        uint64_t v = 0;
        int r = parse_size(s, &v);

        CHECK(r == 0 && v == want, "parse_size(\"%s\") = %d, %" PRIu64 " (want %" PRIu64 ")", s, r, v, want);
}

static void size_bad(const char *s, int want) {
        uint64_t v = 0;
        int r = parse_size(s, &v);

        CHECK(r == want, "parse_size(\"%s\") = %d (want %d)", s, r, want);
}

static void share_ok(const char *s, uint64_t physical, uint64_t want) {
        uint64_t v = 0;
        int r = parse_size_or_percent(s, physical, &v);

        CHECK(r == 0 && v == want, "parse_size_or_percent(\"%s\", %" PRIu64 ") = %d, %" PRIu64 " (want %" PRIu64 ")",
              s, physical, r, v, want);
}

static void share_bad(const char *s, int want) {
        uint64_t v = 0;
        int r = parse_size_or_percent(s, 8 * GB, &v);

        CHECK(r == want, "parse_size_or_percent(\"%s\") = %d (want %d)", s, r, want);
}

static void fmt(uint64_t v, const char *want) {
        char buf[FORMAT_SIZE_MAX];

        CHECK(strcmp(format_size(buf, sizeof(buf), v), want) == 0, "format_size(%" PRIu64 ") = %s (want %s)",
              v, buf, want);
}

static unsigned long round_trips;

static void round_trip(uint64_t v) {
        char buf[FORMAT_SIZE_MAX];
        uint64_t back = 0;
        int r;

        format_size(buf, sizeof(buf), v);
        r = parse_size(buf, &back);
        CHECK(r == 0 && back == v, "round trip of %" PRIu64 ": \"%s\" read back as %d, %" PRIu64, v, buf, r, back);
        round_trips++;
}

static uint64_t rand_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rand64(void) {
        /* xorshift64*: the same values on every run */
        rand_state ^= rand_state >> 12;
        rand_state ^= rand_state << 25;
        rand_state ^= rand_state >> 27;
        return rand_state * 2685821657736338717ULL;
}

/* The sizes of systemd.resource-control(5) of systemd 252 (Debian 12):
 * MemoryMin=, MemoryLow=, MemoryHigh=, MemoryMax= and MemorySwapMax= take
 * "a memory size in bytes", "suffixed with K, M, G or T ... with the base
 * 1024", "a percentage value ... relative to the installed physical
 * memory" (not MemorySwapMax=) and "the special value infinity"; the
 * examples of IOReadBandwidthMax= and IOReadIOPSMax= are "5M" and "1K"
 * (base 1000 there, base 1024 for memory). The issue's own examples are
 * "1.5G" and "512B". */
static void test_man_page(void) {
        uint64_t phys = 16 * GB, page = (uint64_t) sysconf(_SC_PAGESIZE);

        size_ok("1073741824", GB);
        size_ok("512K", 512 * KB);
        size_ok("512M", 512 * MB);
        size_ok("2G", 2 * GB);
        size_ok("1T", TB);
        size_ok("infinity", UINT64_MAX);
        size_ok("5M", 5 * MB);
        size_ok("1K", KB);
        size_ok("1.5G", GB + GB / 2);
        size_ok("512B", 512);
        share_ok("50%", phys, 8 * GB);
        share_ok("20%", phys, phys / page * 20 / 100 * page);
        share_ok("100%", phys, phys);
        share_ok("0%", phys, 0);
        share_ok("2G", phys, 2 * GB);
        share_ok("infinity", phys, UINT64_MAX);
}

/* What systemd's parse_size() does beyond the man page. */
static void test_syntax(void) {
        size_ok("0", 0);
        size_ok("4096", 4096);
        size_ok("3E", 3 * EB);
        size_ok("2P", 2 * PB);
        size_ok("18446744073709551615", UINT64_MAX);
        size_ok("15E 1023P 1023T 1023G 1023M 1023K 1023B", UINT64_MAX);
        size_ok("15E1023P1023T1023G1023M1023K1023", UINT64_MAX);
        size_ok("1G 512M", GB + 512 * MB);
        size_ok("1G512M", GB + 512 * MB);
        size_ok("1M 1", MB + 1);
        size_ok("1G\n2", GB + 2);
        size_ok("0.5K", 512);
        size_ok("0.1K", 102);           /* the fraction's bytes are cut */
        size_ok("1.0009765625K", 1025);
        size_ok("1.25", 1);
        size_ok("10.M", 10 * MB);
        size_ok("1.5E", EB + EB / 2);
        size_ok("0.000000001E", 1152921504);
        size_ok(" 1", 1);
        size_ok("\t1G", GB);
        size_ok("1 G", GB);
        size_ok("1 ", 1);
        size_ok("+1K", KB);
        size_ok("007K", 7 * KB);

        size_bad("", -EINVAL);
        size_bad(" ", -EINVAL);
        size_bad("1G ", -EINVAL);       /* nothing after a suffix */
        size_bad("2g", -EINVAL);        /* upper case only */
        size_bad("5MB", -EINVAL);
        size_bad("5MiB", -EINVAL);
        size_bad("max", -EINVAL);
        size_bad("Infinity", -EINVAL);
        size_bad(" infinity", -EINVAL);
        size_bad("G", -EINVAL);
        size_bad(".5G", -EINVAL);
        size_bad("1GG", -EINVAL);
        size_bad("1K1K", -EINVAL);
        size_bad("1M1G", -EINVAL);      /* smaller units only */
        size_bad("1 2", -EINVAL);
        size_bad("1.5.5G", -EINVAL);
        size_bad("12Q", -EINVAL);
        size_bad("0x10", -EINVAL);
        size_bad("1e3", -EINVAL);
        size_bad("1,5G", -EINVAL);
        size_bad("- 1", -EINVAL);
        size_bad("-", -EINVAL);
        size_bad("-1", -ERANGE);
        size_bad("-0", -ERANGE);
        size_bad(" -1G", -ERANGE);
        size_bad("1G -1M", -ERANGE);
        size_bad("16E", -ERANGE);
        size_bad("15.99999E 1P", -ERANGE);
        size_bad("18446744073709551616", -ERANGE);
        size_bad("99999999999999999999999K", -ERANGE);
        size_bad("1.99999999999999999999999K", -ERANGE);
        size_bad("15E 1024P", -ERANGE);
        size_bad("18446744073709551615.5", -ERANGE);

}

static void test_share(void) {
        uint64_t page = (uint64_t) sysconf(_SC_PAGESIZE), phys = 8 * GB + 100, pages = phys / page;

        /* whole pages of physical, rounded down, as systemd */
        share_ok("50%", phys, pages * 5000 / 10000 * page);
        share_ok("12.5%", phys, pages * 1250 / 10000 * page);
        share_ok("12.34%", phys, pages * 1234 / 10000 * page);
        share_ok("33.3%", phys, pages * 3330 / 10000 * page);
        share_ok("0.01%", phys, pages / 10000 * page);
        share_ok("100%", phys, phys);
        share_ok("100.00%", phys, phys);
        share_ok("500\u2030", phys, pages * 5000 / 10000 * page);
        share_ok("12.5\u2030", phys, pages * 125 / 10000 * page);
        share_ok("1000\u2030", phys, phys);
        share_ok("1234\u2031", phys, pages * 1234 / 10000 * page);
        share_ok("10000\u2031", phys, phys);
        share_ok("1%", page * 99, 0);                   /* less than a page */
        share_ok("50%", UINT64_MAX, (UINT64_MAX / page) / 2 * page);

        share_bad("101%", -ERANGE);
        share_bad("100.01%", -ERANGE);
        share_bad("99999999999999999999%", -ERANGE);
        share_bad("-7%", -ERANGE);
        share_bad("1001\u2030", -ERANGE);
        share_bad("%", -EINVAL);
        share_bad("x%", -EINVAL);
        share_bad(" 5%", -EINVAL);
        share_bad("5 %", -EINVAL);
        share_bad("5.%", -EINVAL);
        share_bad(".5%", -EINVAL);
        share_bad("5.123%", -EINVAL);
        share_bad("5.55\u2030", -EINVAL);
        share_bad("5.5\u2031", -EINVAL);
        share_bad("5G%", -EINVAL);
        share_bad("5%%", -EINVAL);
        share_bad("5", 0);
        share_bad("5X", -EINVAL);
        share_bad("-5G", -ERANGE);
}

static void test_format(void) {
        fmt(0, "0B");
        fmt(1, "1B");
        fmt(1023, "1023B");
        fmt(1024, "1K");
        fmt(1025, "1025B");
        fmt(1536, "1.5K");
        fmt(512 * MB, "512M");
        fmt(GB + GB / 8, "1.125G");
        fmt(GB + KB, "1048577K");
        fmt(3 * EB, "3E");
        fmt(EB + EB / 2, "1.5E");
        fmt(1ULL << 63, "8E");
        fmt(UINT64_MAX - 1, "18446744073709551614B");
        fmt(UINT64_MAX, "infinity");
}

static void test_round_trip(void) {
        static const uint64_t edges[] = { 0, 1, 2, 9, 10, 99, 100, 101, 999, 1000, 1001, 1023, 1024, 1025, 1536,
                                          4095, 4096, 4097, 1ULL << 63, (1ULL << 63) - 1, (1ULL << 63) + 1,
                                          UINT64_MAX - 1, UINT64_MAX - 1024, UINT64_MAX / 3, 1000000000000ULL };

        for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
                round_trip(edges[i]);
        /* around every unit: below, at, above, halves, tenths, thousandths */
        for (unsigned shift = 10; shift <= 60; shift += 10) {
                uint64_t f = 1ULL << shift;

                for (uint64_t m = 1; m <= 1023 && m <= UINT64_MAX / f / 2; m = m * 3 + 1) {
                        round_trip(m * f - 1);
                        round_trip(m * f);
                        round_trip(m * f + 1);
                        round_trip(m * f + f / 2);
                        round_trip(m * f + f / 10);
                        round_trip(m * f + f / 1000);
                        round_trip(m * f + f / 1000 + 1);
                }
                round_trip(f * 1023 + f - 1);
        }
        /* random, over every magnitude */
        for (unsigned i = 0; i < 200000; i++) {
                uint64_t v = rand64();

                round_trip(v >> (i % 64));
        }
        /* and every value of the first megabyte and a half */
        for (uint64_t v = 0; v < MB + MB / 2; v++)
                round_trip(v);
        printf("%lu round trips\n", round_trips);
}

static void test_count(void) {
        uint64_t v;

        CHECK(parse_count("100", &v) == 0 && v == 100, "parse_count(100)");
        CHECK(parse_count("infinity", &v) == 0 && v == UINT64_MAX, "parse_count(infinity)");
        CHECK(parse_count("max", &v) == 0 && v == UINT64_MAX, "parse_count(max)");
        CHECK(parse_count("10K", &v) == -EINVAL, "parse_count(10K)");
        CHECK(parse_count("", &v) == -EINVAL, "parse_count(empty)");
        CHECK(parse_count("-1", &v) == -EINVAL, "parse_count(-1)");
        CHECK(parse_count("18446744073709551616", &v) == -ERANGE, "parse_count(2^64)");
}

int main(void) {
        test_man_page();
        test_syntax();
        test_share();
        test_format();
        test_round_trip();
        test_count();

        printf("%s\n", failed ? "FAILED" : "ok");
        return failed ? 1 : 0;
}
