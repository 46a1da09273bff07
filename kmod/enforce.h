/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - enforcing caps when usage grows
 */

#ifndef _RESCAP_ENFORCE_H
#define _RESCAP_ENFORCE_H

#include <linux/cgroup.h>
#include <linux/mm_types.h>
#include <linux/preempt.h>
#include <linux/types.h>

#include "group.h"
#include "process.h"

/**
 * rescap_enforcing - whether any growth may need a look
 *
 * The first test of every growth hook: while no process is tracked and no
 * cgroup has a policy, the cost of rescap for everyone is this, two reads
 * of shared, read-mostly counters.
 *
 * Return: true while a process is tracked or a cgroup has a policy.
 */
static inline bool rescap_enforcing(void)
{
	return rescap_tracking() || rescap_grouping();
}

/**
 * rescap_growth_unwatched - whether a growth of current's process surely
 * needs no look
 *
 * The first test of every growth hook, inline, with no call: true while
 * current's process has no entry (no process is tracked, or its thread's
 * cache says so at the table's current generation) and either no cgroup
 * has a policy or current's cgroup was found with none in its ancestry,
 * at the current generation of the policies, by a walk on this CPU
 * (struct rescap_ungoverned_cache). False means "ask the engine", which
 * knows.
 *
 * Context: task context.
 * Return: true when the growth hook can return at once.
 */
static __always_inline bool rescap_growth_unwatched(void)
{
	bool ungoverned;

	if (rescap_tracking() && !rescap_current_untracked())
		return false;
	if (!rescap_grouping())
		return true;
	/* Keeps current's cgroup alive (RCU) and reads this CPU's answer. */
	preempt_disable_notrace();
	ungoverned = rescap_ungoverned_cached(rescap_task_domain(current),
					      rescap_groups_generation());
	preempt_enable_notrace();
	return ungoverned;
}

void rescap_enforce_init(bool refusing);
int rescap_heap_growing(struct mm_struct *mm, vm_flags_t flags,
			unsigned long npages);
int rescap_fd_growing(struct files_struct *files, unsigned int fd);
void rescap_checks_drain(void);

#endif /* _RESCAP_ENFORCE_H */
