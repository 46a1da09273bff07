// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - caps and the decisions taken on them
 */

#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "policy.h"

const struct rescap_caps rescap_caps_none = {
	.heap = RESCAP_NO_CAP,
	.fds = RESCAP_NO_CAP,
	.action = RESCAP_ACTION_KILL,
	.soft_pct = 0,
};

/**
 * rescap_soft_limit - the usage at which the soft threshold is reached
 * @cap: the cap, or RESCAP_NO_CAP
 * @soft_pct: the threshold in percent of @cap, 0 for none
 *
 * Computed without overflow for any @cap, rounded up so that a threshold
 * is never below its exact value.
 *
 * Return: the threshold, or U64_MAX when there is none.
 */
u64 rescap_soft_limit(const u64 cap, const u32 soft_pct)
{
	u64 limit;

	if (cap == RESCAP_NO_CAP || !soft_pct || soft_pct > RESCAP_SOFT_PCT_MAX)
		return U64_MAX;
	/* cap * pct / 100 = (cap / 100) * pct + (cap % 100) * pct / 100 */
	limit = div_u64(cap, 100) * soft_pct;
	limit += DIV_ROUND_UP((u32)(cap % 100) * soft_pct, 100);
	return limit;
}

/**
 * rescap_level - classify a usage against a cap
 * @usage: the usage (bytes or descriptors)
 * @cap: the cap, or RESCAP_NO_CAP
 * @soft_pct: the soft threshold in percent, 0 for none
 *
 * Return: RESCAP_LEVEL_OVER when @usage is above @cap,
 * RESCAP_LEVEL_SOFT when it has reached the soft threshold,
 * RESCAP_LEVEL_OK otherwise.
 */
enum rescap_level rescap_level(const u64 usage, const u64 cap,
			       const u32 soft_pct)
{
	if (cap == RESCAP_NO_CAP)
		return RESCAP_LEVEL_OK;
	if (usage > cap)
		return RESCAP_LEVEL_OVER;
	if (usage >= rescap_soft_limit(cap, soft_pct))
		return RESCAP_LEVEL_SOFT;
	return RESCAP_LEVEL_OK;
}

/**
 * rescap_quiet_limit - the highest usage at RESCAP_LEVEL_OK
 * @cap: the cap, or RESCAP_NO_CAP
 * @soft_pct: the soft threshold in percent, 0 for none
 *
 * rescap_level() of a usage is RESCAP_LEVEL_OK if and only if the usage is
 * at most this.
 *
 * Return: the limit; U64_MAX when every usage is RESCAP_LEVEL_OK.
 */
u64 rescap_quiet_limit(const u64 cap, const u32 soft_pct)
{
	u64 soft;

	if (cap == RESCAP_NO_CAP)
		return U64_MAX;
	soft = rescap_soft_limit(cap, soft_pct);
	if (soft == U64_MAX)
		return cap;
	return soft ? min(cap, soft - 1) : 0;
}

/**
 * rescap_caps_check - validate caps before they are applied
 * @caps: the caps
 * @deny_supported: whether this build can deny an allocation
 *
 * Return: 0, -EINVAL for a zero cap, an unknown action or a soft threshold
 * out of range, -EOPNOTSUPP for the deny action where it is not supported.
 */
int rescap_caps_check(const struct rescap_caps *const caps,
		      const bool deny_supported)
{
	if (caps->heap < RESCAP_CAP_MIN || caps->fds < RESCAP_CAP_MIN)
		return -EINVAL;
	if (caps->soft_pct > RESCAP_SOFT_PCT_MAX)
		return -EINVAL;
	switch (caps->action) {
	case RESCAP_ACTION_KILL:
	case RESCAP_ACTION_NOTIFY:
		return 0;
	case RESCAP_ACTION_DENY:
		return deny_supported ? 0 : -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

/**
 * rescap_cap_below_usage - whether a new cap would already be exceeded
 * @cap: the new cap, or RESCAP_NO_CAP
 * @usage: the current usage
 *
 * Return: true when @usage is above @cap.
 */
bool rescap_cap_below_usage(const u64 cap, const u64 usage)
{
	return cap != RESCAP_NO_CAP && usage > cap;
}

static unsigned int rescap_severity(const u32 action)
{
	switch (action) {
	case RESCAP_ACTION_KILL:
		return 3;
	case RESCAP_ACTION_DENY:
		return 2;
	case RESCAP_ACTION_NOTIFY:
		return 1;
	}
	return 0;
}

/**
 * rescap_rule_before - which of two caps on a resource fires
 * @a: a cap
 * @la: where the usage stands against @a
 * @b: another cap, found earlier
 * @lb: where the usage stands against @b
 *
 * Every policy that governs a process applies; at one usage the one that
 * fires is the one the usage is furthest through: over a cap before at a
 * soft threshold; among caps gone over, the most severe action (kill,
 * deny, notify), then the smallest cap; among soft thresholds reached,
 * the smallest cap. On a tie the one found first stays: callers look at
 * the process's own caps first, then cgroups from the deepest up.
 *
 * Return: true when @a fires rather than @b.
 */
bool rescap_rule_before(const struct rescap_rule *const a,
			const enum rescap_level la,
			const struct rescap_rule *const b,
			const enum rescap_level lb)
{
	if (la != lb)
		return la > lb;
	switch (la) {
	case RESCAP_LEVEL_OK:
		return false;
	case RESCAP_LEVEL_OVER:
		if (rescap_severity(a->action) != rescap_severity(b->action))
			return rescap_severity(a->action) >
			       rescap_severity(b->action);
		fallthrough;
	case RESCAP_LEVEL_SOFT:
		return a->cap < b->cap;
	}
	return false;
}

/**
 * rescap_resource_name - the name of a resource, as /proc/rescap and the
 * kernel log print it
 * @res: the resource
 *
 * Return: "heap", "fds" or "?".
 */
const char *rescap_resource_name(const enum rescap_resource res)
{
	switch (res) {
	case RESCAP_RESOURCE_HEAP:
		return "heap";
	case RESCAP_RESOURCE_FDS:
		return "fds";
	}
	return "?";
}

/**
 * rescap_action_name - the name of an action
 * @action: the action
 *
 * Return: "kill", "deny", "notify" or "?".
 */
const char *rescap_action_name(const enum rescap_action action)
{
	switch (action) {
	case RESCAP_ACTION_KILL:
		return "kill";
	case RESCAP_ACTION_DENY:
		return "deny";
	case RESCAP_ACTION_NOTIFY:
		return "notify";
	}
	return "?";
}
