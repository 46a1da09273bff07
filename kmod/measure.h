/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - measuring a process
 */

#ifndef _RESCAP_MEASURE_H
#define _RESCAP_MEASURE_H

#include <linux/fdtable.h>
#include <linux/mm.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/types.h>

/**
 * struct rescap_usage - what a process uses
 * @heap: VmData (mm->data_vm) in bytes
 * @rss_anon: anonymous resident memory in bytes
 * @fds: open descriptors in the file tables of its threads
 */
struct rescap_usage {
	u64 heap;
	u64 rss_anon;
	u64 fds;
};

/**
 * struct rescap_snapshot - a process as replies and /proc/rescap show it
 * @usage: its usage
 * @comm: the thread group leader's command name
 * @state: the leader's state letter, as in /proc/PID/stat
 * @uid: its real uid
 * @cgroup_id: its cgroup v2 id, 0 without cgroups
 */
struct rescap_snapshot {
	struct rescap_usage usage;
	char comm[TASK_COMM_LEN];
	char state;
	kuid_t uid;
	u64 cgroup_id;
};

/**
 * rescap_heap_bytes - VmData of an address space, in bytes
 * @mm: the address space
 *
 * Return: mm->data_vm in bytes.
 */
static inline u64 rescap_heap_bytes(const struct mm_struct *const mm)
{
	return (u64)READ_ONCE(mm->data_vm) << PAGE_SHIFT;
}

/**
 * rescap_is_data - whether a mapping with these flags counts in VmData
 * @flags: the mapping's vm_flags
 *
 * Private, writable and not a stack: the kernel's is_data_mapping().
 *
 * Return: true for a mapping counted in VmData.
 */
static inline bool rescap_is_data(const vm_flags_t flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE;
}

/**
 * rescap_fdt_bound - open descriptors in a file table, or a bound on them
 * @fdt: the table's fdtable, RCU-protected
 * @counted: tables of up to this many slots (max_fds) are counted
 * @exact: cleared when the result is a bound, left alone otherwise
 *
 * A table of more than @counted slots is not counted: its size, which
 * the kernel doubles as the table fills up, bounds the bits it can have
 * set. O(min(max_fds, @counted) / BITS_PER_LONG); inline, and with no
 * call for a table of one word, the size of every table at first
 * (NR_OPEN_DEFAULT).
 *
 * Context: RCU read side.
 * Return: the number of bits set in the table's open_fds, or max_fds.
 */
static __always_inline u64 rescap_fdt_bound(const struct fdtable *const fdt,
					    const unsigned int counted,
					    bool *const exact)
{
	const unsigned int max = fdt->max_fds;

	if (max > counted) {
		*exact = false;
		return max;
	}
	return max == BITS_PER_LONG ? hweight_long(fdt->open_fds[0]) :
				      bitmap_weight(fdt->open_fds, max);
}

/**
 * rescap_fd_bound - open descriptors in a file table, or a bound on them
 * @files: the table
 * @counted: as for rescap_fdt_bound()
 * @exact: as for rescap_fdt_bound()
 *
 * Return: the number of bits set in the table's open_fds, or max_fds.
 */
static inline u64 rescap_fd_bound(struct files_struct *const files,
				  const unsigned int counted, bool *const exact)
{
	u64 n;

	rcu_read_lock();
	n = rescap_fdt_bound(files_fdtable(files), counted, exact);
	rcu_read_unlock();
	return n;
}

u64 rescap_fd_count(struct files_struct *files);
u64 rescap_process_fds_bound(struct task_struct *task, unsigned int counted,
			     bool *exact);
u64 rescap_process_fds(struct task_struct *task);
int rescap_usage_of(struct pid *tgid, struct rescap_usage *usage);
/* What rescap_usage_of_task() measures. */
#define RESCAP_MEASURE_HEAP	BIT(0)	/* @heap and @rss_anon */
#define RESCAP_MEASURE_FDS	BIT(1)
#define RESCAP_MEASURE_ALL	(RESCAP_MEASURE_HEAP | RESCAP_MEASURE_FDS)
void rescap_usage_of_task(struct task_struct *task, struct rescap_usage *usage,
			  unsigned int what);
int rescap_snapshot(struct pid *tgid, struct rescap_snapshot *snap);
int rescap_cgroup_path(struct task_struct *task, char *buf, size_t len);
bool rescap_may_inspect(const struct file *file, struct task_struct *task);

struct cgroup;
int rescap_cgroup_path_ns(struct cgroup *cgrp, char *buf, size_t len);
int rescap_task_cgroup_path_ns(struct task_struct *task, char *buf,
			       size_t len);
void rescap_cgroup_members(struct cgroup *cgrp,
			   void (*fn)(struct task_struct *leader,
				      const struct rescap_usage *usage,
				      void *arg),
			   void *arg);

#endif /* _RESCAP_MEASURE_H */
