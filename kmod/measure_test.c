// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - KUnit tests of the count of a file table (measure.h)
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/fdtable.h>

#include "measure.h"

#define RESCAP_TEST_SLOTS 4096

/* A table of @max slots with the descriptors of @fds open, in @bits. */
static void rescap_test_table(struct fdtable *const fdt,
			      unsigned long *const bits,
			      const unsigned int max,
			      const unsigned int *const fds,
			      const unsigned int n)
{
	unsigned int i;

	bitmap_zero(bits, RESCAP_TEST_SLOTS);
	for (i = 0; i < n; i++)
		__set_bit(fds[i], bits);
	*fdt = (struct fdtable){ .max_fds = max, .open_fds = bits };
}

static void rescap_test_fdt_bound(struct kunit *const test)
{
	static const unsigned int few[] = { 0, 1, 2, 63 };
	static const unsigned int spread[] = { 0, 64, 127, 500, 1023 };
	unsigned long *bits;
	struct fdtable fdt;
	bool exact;

	bits = kunit_kcalloc(test, BITS_TO_LONGS(RESCAP_TEST_SLOTS),
			     sizeof(*bits), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bits);

	/* One word, the size of every table at first: counted. */
	rescap_test_table(&fdt, bits, BITS_PER_LONG, few, ARRAY_SIZE(few));
	exact = true;
	KUNIT_EXPECT_EQ(test, rescap_fdt_bound(&fdt, 1024, &exact), 4ULL);
	KUNIT_EXPECT_TRUE(test, exact);

	/* Up to @counted slots: counted, whatever their number. */
	rescap_test_table(&fdt, bits, 1024, spread, ARRAY_SIZE(spread));
	exact = true;
	KUNIT_EXPECT_EQ(test, rescap_fdt_bound(&fdt, 1024, &exact), 5ULL);
	KUNIT_EXPECT_TRUE(test, exact);

	/* More: bounded by the size, not exact. */
	rescap_test_table(&fdt, bits, 2048, spread, ARRAY_SIZE(spread));
	exact = true;
	KUNIT_EXPECT_EQ(test, rescap_fdt_bound(&fdt, 1024, &exact), 2048ULL);
	KUNIT_EXPECT_FALSE(test, exact);
	/* Counted when asked to count every slot. */
	exact = true;
	KUNIT_EXPECT_EQ(test, rescap_fdt_bound(&fdt, UINT_MAX, &exact), 5ULL);
	KUNIT_EXPECT_TRUE(test, exact);

	/* A bound is never below the count: every slot open. */
	bitmap_fill(bits, RESCAP_TEST_SLOTS);
	fdt.max_fds = RESCAP_TEST_SLOTS;
	exact = true;
	KUNIT_EXPECT_EQ(test, rescap_fdt_bound(&fdt, 1024, &exact),
			(u64)RESCAP_TEST_SLOTS);
	KUNIT_EXPECT_EQ(test, rescap_fdt_bound(&fdt, UINT_MAX, &exact),
			(u64)RESCAP_TEST_SLOTS);
	fdt.max_fds = BITS_PER_LONG;
	exact = true;
	KUNIT_EXPECT_EQ(test, rescap_fdt_bound(&fdt, 1024, &exact),
			(u64)BITS_PER_LONG);
	KUNIT_EXPECT_TRUE(test, exact);
}

static struct kunit_case rescap_measure_cases[] = {
	KUNIT_CASE(rescap_test_fdt_bound),
	{}
};

static struct kunit_suite rescap_measure_suite = {
	.name = "rescap-measure",
	.test_cases = rescap_measure_cases,
};

kunit_test_suite(rescap_measure_suite);
