/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - notifications on the "events" multicast group
 */

#ifndef _RESCAP_EVENTS_H
#define _RESCAP_EVENTS_H

#include <linux/gfp.h>
#include <linux/sched.h>
#include <linux/types.h>

#include "group.h"
#include "process.h"

/**
 * struct rescap_crossing - a usage that crossed a cap or a threshold
 * @resource: &enum rescap_resource
 * @usage: the usage
 * @cap: the cap
 * @action: &enum rescap_action in force
 * @kind: &enum rescap_exceed_kind, for exceeded events
 * @group: the cgroup policy of @cap (referenced by the caller), or NULL
 *         for the process's own caps
 */
struct rescap_crossing {
	u32 resource;
	u64 usage;
	u64 cap;
	u32 action;
	u32 kind;
	struct rescap_group *group;
};

void rescap_event_crossing(int cmd, struct task_struct *task,
			   const struct rescap_crossing *crossing, gfp_t gfp);
void rescap_event_exited(struct task_struct *task,
			 const struct rescap_proc *proc, gfp_t gfp);

#endif /* _RESCAP_EVENTS_H */
