// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap LSM - the hooks
 *
 * Growth is seen, and refused, where the kernel checks RLIMIT_DATA and
 * RLIMIT_NOFILE: may_expand_vm() asks security_vm_expand() for the heap;
 * alloc_fd() and do_dup2() ask security_fd_alloc() before a descriptor is
 * marked open. The engine decides: its inline first test
 * (rescap_heap_growth_unwatched(), rescap_fd_growth_unwatched()), then
 * its weighing; the hooks only pass its answer on. A copy of a whole
 * table (dup_fd(): security_fd_table_copy()) cannot be refused: the
 * engine counts the process once the call is done
 * (rescap_fd_table_copying()).
 *
 * Each thread has a blob: the cache of its process's entry
 * (struct rescap_task_cache; setup.c tells the engine where it is), so
 * the hooks find the entry, or that there is none, in O(1) without
 * hashing.
 */

#include <linux/lsm_hooks.h>
#include <linux/mm_types.h>
#include <linux/sched.h>

#include "engine.h"
#include "hooks.h"
#include "setup.h"

static int rescap_vm_expand(struct mm_struct *const mm, const vm_flags_t flags,
			    const unsigned long npages)
{
	if (rescap_heap_growth_unwatched(mm, flags, npages))
		return 0;
	return rescap_heap_weigh(mm, flags, npages);
}

static int rescap_fd_alloc(struct files_struct *const files,
			   const unsigned int fd)
{
	if (rescap_fd_growth_unwatched(files))
		return 0;
	return rescap_fd_weigh(files, fd);
}

static void rescap_fd_table_copy(struct files_struct *const oldf)
{
	if (rescap_enforcing())
		rescap_fd_table_copying(oldf);
}

static struct security_hook_list rescap_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(vm_expand, rescap_vm_expand),
	LSM_HOOK_INIT(fd_alloc, rescap_fd_alloc),
	LSM_HOOK_INIT(fd_table_copy, rescap_fd_table_copy),
};

/**
 * rescap_add_hooks - register the hooks
 */
__init void rescap_add_hooks(void)
{
	security_add_hooks(rescap_hooks, ARRAY_SIZE(rescap_hooks),
			   &rescap_lsmid);
}
