// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - KUnit tests of the cap logic (policy.c)
 */

#include <kunit/test.h>

#include "policy.h"

static void rescap_test_soft_limit(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, rescap_soft_limit(1000, 80), 800ULL);
	KUNIT_EXPECT_EQ(test, rescap_soft_limit(1001, 50), 501ULL);	/* rounded up */
	KUNIT_EXPECT_EQ(test, rescap_soft_limit(3, 1), 1ULL);
	KUNIT_EXPECT_EQ(test, rescap_soft_limit(1000, 0), U64_MAX);
	KUNIT_EXPECT_EQ(test, rescap_soft_limit(RESCAP_NO_CAP, 50), U64_MAX);
	KUNIT_EXPECT_EQ(test, rescap_soft_limit(1000, 100), U64_MAX);
	/* No overflow near the top of the range. */
	KUNIT_EXPECT_EQ(test, rescap_soft_limit(U64_MAX - 1, 99),
			div_u64(U64_MAX - 1, 100) * 99 +
			DIV_ROUND_UP(((U64_MAX - 1) % 100) * 99, 100));
	KUNIT_EXPECT_LE(test, rescap_soft_limit(U64_MAX - 1, 99), U64_MAX - 1);
}

static void rescap_test_level(struct kunit *const test)
{
	KUNIT_EXPECT_EQ(test, rescap_level(0, RESCAP_NO_CAP, 50), RESCAP_LEVEL_OK);
	KUNIT_EXPECT_EQ(test, rescap_level(U64_MAX, RESCAP_NO_CAP, 0), RESCAP_LEVEL_OK);
	KUNIT_EXPECT_EQ(test, rescap_level(100, 100, 0), RESCAP_LEVEL_OK);	/* at the cap */
	KUNIT_EXPECT_EQ(test, rescap_level(101, 100, 0), RESCAP_LEVEL_OVER);
	KUNIT_EXPECT_EQ(test, rescap_level(79, 100, 80), RESCAP_LEVEL_OK);
	KUNIT_EXPECT_EQ(test, rescap_level(80, 100, 80), RESCAP_LEVEL_SOFT);
	KUNIT_EXPECT_EQ(test, rescap_level(100, 100, 80), RESCAP_LEVEL_SOFT);
	KUNIT_EXPECT_EQ(test, rescap_level(101, 100, 80), RESCAP_LEVEL_OVER);
	KUNIT_EXPECT_EQ(test, rescap_level(U64_MAX, U64_MAX - 1, 99), RESCAP_LEVEL_OVER);
}

/*
 * rescap_quiet_limit() is the last usage rescap_level() calls OK, for every
 * valid cap and soft threshold: around the limit, at the edges of the
 * range, and for no cap.
 */
static void rescap_test_quiet_limit(struct kunit *const test)
{
	static const u64 caps[] = {
		RESCAP_CAP_MIN, 2, 3, 99, 100, 101, 1000, 1001, 65536,
		1ULL << 40, U64_MAX - 101, U64_MAX - 1, RESCAP_NO_CAP,
	};
	unsigned int i, pct;
	u64 q, u;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		for (pct = 0; pct <= RESCAP_SOFT_PCT_MAX; pct++) {
			q = rescap_quiet_limit(caps[i], pct);
			KUNIT_EXPECT_EQ(test, rescap_level(q, caps[i], pct),
					RESCAP_LEVEL_OK);
			if (q == U64_MAX)
				continue;
			KUNIT_EXPECT_NE(test, rescap_level(q + 1, caps[i], pct),
					RESCAP_LEVEL_OK);
			for (u = q > 3 ? q - 3 : 0; u < q; u++)
				KUNIT_EXPECT_EQ(test,
						rescap_level(u, caps[i], pct),
						RESCAP_LEVEL_OK);
		}
	}
	KUNIT_EXPECT_EQ(test, rescap_quiet_limit(RESCAP_NO_CAP, 50), U64_MAX);
	KUNIT_EXPECT_EQ(test, rescap_quiet_limit(100, 0), 100ULL);
	KUNIT_EXPECT_EQ(test, rescap_quiet_limit(100, 80), 79ULL);
}

static void rescap_test_caps_check(struct kunit *const test)
{
	struct rescap_caps caps = rescap_caps_none;

	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, false), 0);
	caps.heap = 0;
	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, true), -EINVAL);
	caps = rescap_caps_none;
	caps.fds = 0;
	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, true), -EINVAL);
	caps = rescap_caps_none;
	caps.soft_pct = 100;
	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, true), -EINVAL);
	caps.soft_pct = 99;
	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, true), 0);
	caps.action = RESCAP_ACTION_DENY;
	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, true), 0);
	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, false), -EOPNOTSUPP);
	caps.action = 0;
	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, true), -EINVAL);
	caps.action = RESCAP_ACTION_NOTIFY + 1;
	KUNIT_EXPECT_EQ(test, rescap_caps_check(&caps, true), -EINVAL);
}

static void rescap_test_below_usage(struct kunit *const test)
{
	KUNIT_EXPECT_FALSE(test, rescap_cap_below_usage(RESCAP_NO_CAP, U64_MAX));
	KUNIT_EXPECT_FALSE(test, rescap_cap_below_usage(100, 100));
	KUNIT_EXPECT_TRUE(test, rescap_cap_below_usage(99, 100));
}

static void rescap_test_rule_before(struct kunit *const test)
{
	const struct rescap_rule kill100 = { 100, RESCAP_ACTION_KILL, 0 };
	const struct rescap_rule kill200 = { 200, RESCAP_ACTION_KILL, 0 };
	const struct rescap_rule notify50 = { 50, RESCAP_ACTION_NOTIFY, 0 };
	const struct rescap_rule deny300 = { 300, RESCAP_ACTION_DENY, 0 };

	/* Over a cap before at a soft threshold, before nothing. */
	KUNIT_EXPECT_TRUE(test, rescap_rule_before(&kill200, RESCAP_LEVEL_OVER,
						   &kill100, RESCAP_LEVEL_SOFT));
	KUNIT_EXPECT_TRUE(test, rescap_rule_before(&kill200, RESCAP_LEVEL_SOFT,
						   &kill100, RESCAP_LEVEL_OK));
	KUNIT_EXPECT_FALSE(test, rescap_rule_before(&kill100, RESCAP_LEVEL_OK,
						    &kill200, RESCAP_LEVEL_OK));
	/* Both over: the smaller cap; the more severe action first. */
	KUNIT_EXPECT_TRUE(test, rescap_rule_before(&kill100, RESCAP_LEVEL_OVER,
						   &kill200, RESCAP_LEVEL_OVER));
	KUNIT_EXPECT_FALSE(test, rescap_rule_before(&kill200, RESCAP_LEVEL_OVER,
						    &kill100, RESCAP_LEVEL_OVER));
	KUNIT_EXPECT_TRUE(test, rescap_rule_before(&kill200, RESCAP_LEVEL_OVER,
						   &notify50, RESCAP_LEVEL_OVER));
	KUNIT_EXPECT_TRUE(test, rescap_rule_before(&deny300, RESCAP_LEVEL_OVER,
						   &notify50, RESCAP_LEVEL_OVER));
	KUNIT_EXPECT_TRUE(test, rescap_rule_before(&kill200, RESCAP_LEVEL_OVER,
						   &deny300, RESCAP_LEVEL_OVER));
	/* A tie keeps the one found first. */
	KUNIT_EXPECT_FALSE(test, rescap_rule_before(&kill100, RESCAP_LEVEL_OVER,
						    &kill100, RESCAP_LEVEL_OVER));
	/* Both at soft thresholds: the smaller cap. */
	KUNIT_EXPECT_TRUE(test, rescap_rule_before(&notify50, RESCAP_LEVEL_SOFT,
						   &kill100, RESCAP_LEVEL_SOFT));
}

static struct kunit_case rescap_policy_cases[] = {
	KUNIT_CASE(rescap_test_soft_limit),
	KUNIT_CASE(rescap_test_level),
	KUNIT_CASE(rescap_test_quiet_limit),
	KUNIT_CASE(rescap_test_caps_check),
	KUNIT_CASE(rescap_test_below_usage),
	KUNIT_CASE(rescap_test_rule_before),
	{}
};

static struct kunit_suite rescap_policy_suite = {
	.name = "rescap-policy",
	.test_cases = rescap_policy_cases,
};

kunit_test_suite(rescap_policy_suite);
