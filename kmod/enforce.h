/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - enforcing caps when usage grows
 */

#ifndef _RESCAP_ENFORCE_H
#define _RESCAP_ENFORCE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cgroup.h>
#include <linux/fdtable.h>
#include <linux/mm_types.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/seqlock.h>
#include <linux/types.h>

#include "group.h"
#include "measure.h"
#include "process.h"

/*
 * A file table of up to this many slots is counted at each growth: 16
 * words of bitmap on 64-bit. A larger one is bounded by its size first
 * (max_fds, which the kernel doubles as the table fills up), and counted
 * only when that bound reaches a threshold: the cost of a growth does not
 * depend on how many descriptors are open.
 */
#define RESCAP_FDS_COUNTED 1024

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
 * rescap_window_quiet - whether a growth of a registered process surely
 * needs nothing: it is within the window its last weighing left
 * @proc: the process's entry
 * @window: the resource's &enum rescap_window_index
 * @edges: the resource's edge bits of &rescap_proc.state
 * @peak: the resource's peak
 * @after: the usage after the growth, or a bound on it
 * @exact: whether @after is exact rather than a bound
 *
 * O(1), reads only: a window being made at this moment is not waited
 * for, the answer is false then.
 *
 * Context: RCU read side (preemption disabled will do).
 * Return: true when @proc is registered and linked, no edge of the
 * resource is set, the window still holds (the same caps, the same
 * policies, the same domain cgroup) and @after is within it, and, when
 * @after is exact, not above the peak either (a bound is not a peak).
 */
static __always_inline bool
rescap_window_quiet(const struct rescap_proc *const proc,
		    const enum rescap_window_index window,
		    const unsigned long edges, const atomic64_t *const peak,
		    const u64 after, const bool exact)
{
	const struct rescap_window *const w = &proc->windows[window];
	unsigned int seq;
	bool quiet;
	u64 cgroup;

	if (READ_ONCE(proc->state) & (BIT(RESCAP_PROC_DEAD) |
				      BIT(RESCAP_PROC_MEMBER) | edges))
		return false;
	if (exact && after > (u64)atomic64_read(peak))
		return false;
	seq = raw_read_seqcount(&proc->window_seq);
	if (seq & 1)
		return false;
	quiet = after <= w->quiet &&
		w->caps_seq == READ_ONCE(proc->caps_seq) &&
		w->groups_gen == rescap_groups_generation();
	cgroup = w->cgroup;
	if (read_seqcount_retry(&proc->window_seq, seq) || !quiet)
		return false;
	return !cgroup || cgroup == cgroup_id(rescap_task_domain(current));
}

/**
 * rescap_current_quiet - how far current's process can grow unseen by
 * the cgroup policies
 * @window: the resource, &enum rescap_window_index
 *
 * No cgroup has a policy, or what this CPU found of the policies in
 * current's domain cgroup's ancestry at the current generation (struct
 * rescap_cgroup_cache): none there, or how far they let a member grow.
 *
 * Context: task context, preemption disabled (which keeps current's
 * cgroup alive and this CPU's answer whole).
 * Return: the highest usage of @window at which no policy governing
 * current is at a threshold: U64_MAX when none is, 0 when the engine is
 * to look.
 */
static __always_inline u64
rescap_current_quiet(const enum rescap_window_index window)
{
	if (!rescap_grouping())
		return U64_MAX;
	return rescap_cgroup_quiet(rescap_task_domain(current),
				   rescap_groups_generation(), window);
}

/**
 * rescap_growth_entry - the first test of every growth hook: current's
 * entry, without a lookup
 * @procp: set to current's entry, or to NULL for none
 *
 * Inline: nothing is tracked, or current's lookup cache says whether its
 * process has an entry, at the table's current generation.
 *
 * Context: task context, preemption disabled.
 * Return: true when *@procp is the answer; false when the engine is to
 * look.
 */
static __always_inline bool
rescap_growth_entry(struct rescap_proc **const procp)
{
	const struct rescap_task_cache *cache;

	*procp = NULL;
	if (!rescap_tracking())
		return true;
	cache = rescap_lookup_cache();
	if (!rescap_lookup_cached(cache, rescap_procs_generation()))
		return false;
	*procp = cache->proc;
	return true;
}

/**
 * rescap_fd_growth_unwatched - whether one more descriptor in current's
 * table surely needs nothing
 * @files: the table growing
 *
 * The first test of the descriptor hooks, inline, with no call: true when
 * nothing is tracked and no cgroup has a policy (rescap_enforcing(): two
 * reads); or when current's process has no entry (rescap_growth_entry())
 * and no policy on descriptors governs it (rescap_current_quiet()); or
 * when it has a single thread and its table, counted (one word at first)
 * or bounded by its size (rescap_fdt_bound()), stays within how far it
 * can grow unseen: its entry's window (rescap_window_quiet()), or, with
 * no entry, its cgroup's policies' (rescap_current_quiet()). A bounded
 * table of a registered process is still weighed once every max_fds /
 * BITS_PER_LONG growths, which counts it for the peak. False means "ask
 * rescap_fd_weigh()", which knows.
 *
 * Context: task context. Preemption is disabled here, which makes an RCU
 * read-side section (call_rcu() waits for it) with no call to
 * rcu_read_lock(), which preemptible RCU makes.
 * Return: true when the hook can return at once.
 */
static __always_inline bool
rescap_fd_growth_unwatched(struct files_struct *const files)
{
	struct rescap_proc *proc;
	bool exact = true, quiet = false;
	u64 limit, n;

	if (!rescap_enforcing())
		return true;
	preempt_disable_notrace();
	if (!rescap_growth_entry(&proc))
		goto out;
	limit = proc ? 0 : rescap_current_quiet(RESCAP_WINDOW_FDS);
	if (limit == U64_MAX) {
		quiet = true;
		goto out;
	}
	if (files != current->files || get_nr_threads(current) != 1)
		goto out;
	n = rescap_fdt_bound(rcu_dereference_sched(files->fdt),
			     RESCAP_FDS_COUNTED, &exact);
	if (!proc)
		quiet = n < limit;
	else
		quiet = rescap_window_quiet(proc, RESCAP_WINDOW_FDS,
					    BIT(RESCAP_PROC_FDS_SOFT) |
					    BIT(RESCAP_PROC_FDS_OVER),
					    &proc->fds_peak, n + 1, exact) &&
			(exact || (u64)atomic_inc_return(&proc->fds_unseen) <
				  n / BITS_PER_LONG);
out:
	preempt_enable_notrace();
	return quiet;
}

/**
 * rescap_heap_growth_unwatched - whether a growth of current's heap surely
 * needs nothing
 * @mm: the address space growing
 * @flags: the vm_flags of the new or changed mapping
 * @npages: the pages asked for
 *
 * As rescap_fd_growth_unwatched(), for the heap: a mapping that is not
 * data needs nothing; a growth needs nothing while VmData after it stays
 * within its entry's window for the heap, or, with no entry, within how
 * far its cgroup's policies let it grow unseen. False means "ask
 * rescap_heap_weigh()".
 *
 * Context: task context.
 * Return: true when the hook can return at once.
 */
static __always_inline bool
rescap_heap_growth_unwatched(struct mm_struct *const mm,
			     const vm_flags_t flags, const unsigned long npages)
{
	struct rescap_proc *proc;
	bool quiet = false;
	u64 limit, after;

	if (!rescap_is_data(flags) || !rescap_enforcing())
		return true;
	preempt_disable_notrace();
	if (!rescap_growth_entry(&proc))
		goto out;
	limit = proc ? 0 : rescap_current_quiet(RESCAP_WINDOW_HEAP);
	if (limit == U64_MAX) {
		quiet = true;
		goto out;
	}
	if (mm != current->mm)
		goto out;
	after = rescap_heap_bytes(mm) + ((u64)npages << PAGE_SHIFT);
	if (!proc)
		quiet = after <= limit;
	else
		quiet = rescap_window_quiet(proc, RESCAP_WINDOW_HEAP,
					    BIT(RESCAP_PROC_HEAP_SOFT) |
					    BIT(RESCAP_PROC_HEAP_OVER),
					    &proc->heap_peak, after, true);
out:
	preempt_enable_notrace();
	return quiet;
}

void rescap_enforce_init(bool refusing);
int rescap_heap_weigh(struct mm_struct *mm, vm_flags_t flags,
		      unsigned long npages);
int rescap_fd_weigh(struct files_struct *files, unsigned int fd);
void rescap_fd_table_copying(struct files_struct *oldf);
void rescap_checks_drain(void);

#endif /* _RESCAP_ENFORCE_H */
