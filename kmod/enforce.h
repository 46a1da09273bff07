/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - enforcing caps when usage grows
 */

#ifndef _RESCAP_ENFORCE_H
#define _RESCAP_ENFORCE_H

#include <linux/mm_types.h>
#include <linux/types.h>

void rescap_enforce_init(bool refusing);
int rescap_heap_growing(struct mm_struct *mm, vm_flags_t flags,
			unsigned long npages);
int rescap_fd_growing(struct files_struct *files, unsigned int fd);
void rescap_checks_drain(void);

#endif /* _RESCAP_ENFORCE_H */
