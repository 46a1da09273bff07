/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - enforcing caps when usage grows
 */

#ifndef _RESCAP_ENFORCE_H
#define _RESCAP_ENFORCE_H

#include <linux/mm_types.h>
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

void rescap_enforce_init(bool refusing);
int rescap_heap_growing(struct mm_struct *mm, vm_flags_t flags,
			unsigned long npages);
int rescap_fd_growing(struct files_struct *files, unsigned int fd);
void rescap_checks_drain(void);

#endif /* _RESCAP_ENFORCE_H */
