/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - caps and the decisions taken on them
 *
 * Pure logic, no locking and no kernel state: what a cap allows, where a
 * soft threshold lies, what a usage level means. Tested by KUnit.
 */

#ifndef _RESCAP_POLICY_H
#define _RESCAP_POLICY_H

#include <linux/limits.h>
#include <linux/types.h>
#include <uapi/linux/rescap.h>

/* "No cap", on the wire and in the engine. */
#define RESCAP_NO_CAP U64_MAX

/*
 * The smallest cap (RESCAP_CAP_MIN) and the highest soft threshold in
 * percent of a cap (RESCAP_SOFT_PCT_MAX) are the wire format's, declared
 * in include/rescap.yaml, whose policy checks them on every request.
 */

/**
 * struct rescap_caps - the caps of one process
 * @heap: heap cap in bytes, or RESCAP_NO_CAP
 * @fds: fd cap (number of descriptors), or RESCAP_NO_CAP
 * @action: &enum rescap_action taken when a cap is exceeded
 * @soft_pct: soft threshold in percent of each cap, 0 for none
 */
struct rescap_caps {
	u64 heap;
	u64 fds;
	u32 action;
	u32 soft_pct;
};

/**
 * enum rescap_level - where a usage stands against a cap
 * @RESCAP_LEVEL_OK: below the soft threshold, or no cap
 * @RESCAP_LEVEL_SOFT: at or above the soft threshold, not above the cap
 * @RESCAP_LEVEL_OVER: above the cap
 */
enum rescap_level {
	RESCAP_LEVEL_OK,
	RESCAP_LEVEL_SOFT,
	RESCAP_LEVEL_OVER,
};

/*
 * The index of each resource in what is kept per resource:
 * &rescap_proc.windows, &rescap_cgroup_answer.quiet.
 */
enum rescap_window_index {
	RESCAP_WINDOW_HEAP,
	RESCAP_WINDOW_FDS,
	RESCAP_WINDOWS,
};

/**
 * struct rescap_rule - one policy's cap on one resource
 * @cap: the cap, or RESCAP_NO_CAP
 * @action: &enum rescap_action
 * @soft_pct: the soft threshold in percent of @cap, 0 for none
 */
struct rescap_rule {
	u64 cap;
	u32 action;
	u32 soft_pct;
};

extern const struct rescap_caps rescap_caps_none;

u64 rescap_soft_limit(u64 cap, u32 soft_pct);
u64 rescap_quiet_limit(u64 cap, u32 soft_pct);
enum rescap_level rescap_level(u64 usage, u64 cap, u32 soft_pct);
int rescap_caps_check(const struct rescap_caps *caps, bool deny_supported);
bool rescap_cap_below_usage(u64 cap, u64 usage);
bool rescap_rule_before(const struct rescap_rule *a, enum rescap_level la,
			const struct rescap_rule *b, enum rescap_level lb);
const char *rescap_resource_name(enum rescap_resource res);
const char *rescap_action_name(enum rescap_action action);

#endif /* _RESCAP_POLICY_H */
