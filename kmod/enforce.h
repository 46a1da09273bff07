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
 * rescap_current_ungoverned - whether current's process surely has no
 * cgroup policy in its domain cgroup's ancestry
 *
 * No cgroup has a policy, or this CPU found current's cgroup with none in
 * its ancestry at the current generation of the policies
 * (struct rescap_ungoverned_cache).
 *
 * Context: task context.
 * Return: true when no policy governs it; false when the engine is to look.
 */
static __always_inline bool rescap_current_ungoverned(void)
{
	bool ungoverned;

	if (!rescap_grouping())
		return true;
	/* Keeps current's cgroup alive (RCU) and reads this CPU's answer. */
	preempt_disable_notrace();
	ungoverned = rescap_ungoverned_cached(rescap_task_domain(current),
					      rescap_groups_generation());
	preempt_enable_notrace();
	return ungoverned;
}

/**
 * rescap_growth_unwatched - the first test of every growth hook, before
 * the resource's own
 * @procp: set to current's entry, when its lookup cache holds one, or NULL
 *
 * Inline, with no lookup: current's lookup cache says whether its process
 * has an entry, at the table's current generation.
 *
 * Context: task context, preemption disabled.
 * Return: true when the growth needs nothing: no entry (nothing tracked,
 * or the cache says so) and no cgroup policy governs the process
 * (rescap_current_ungoverned()). Otherwise false: with its entry in
 * *@procp, whose window for the resource may still say that nothing is
 * needed; with NULL, the engine is to look.
 */
static __always_inline bool
rescap_growth_unwatched(struct rescap_proc **const procp)
{
	const struct rescap_task_cache *cache;

	*procp = NULL;
	if (rescap_tracking()) {
		cache = rescap_lookup_cache();
		if (!rescap_lookup_cached(cache, rescap_procs_generation()))
			return false;
		*procp = cache->proc;
		if (*procp)
			return false;
	}
	return rescap_current_ungoverned();
}

/**
 * rescap_fd_growth_unwatched - whether one more descriptor in current's
 * table surely needs nothing
 * @files: the table growing
 *
 * The first test of the descriptor hooks, inline, with no call: true when
 * nothing is tracked and no cgroup has a policy (rescap_enforcing(): two
 * reads), or when rescap_growth_unwatched() says so; or when current's lookup cache holds
 * its entry, the process has a single thread, and its table, counted (one
 * word at first) or bounded by its size (rescap_fdt_bound()), stays
 * within the entry's window for descriptors (rescap_window_quiet()). A
 * bounded table is still weighed once every max_fds / BITS_PER_LONG
 * growths, which counts it for the peak. False means "ask
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
	bool exact = true, quiet;
	u64 n;

	if (!rescap_enforcing())
		return true;
	preempt_disable_notrace();
	quiet = rescap_growth_unwatched(&proc);
	if (proc && files == current->files && get_nr_threads(current) == 1) {
		n = rescap_fdt_bound(rcu_dereference_sched(files->fdt),
				     RESCAP_FDS_COUNTED, &exact);
		quiet = rescap_window_quiet(proc, RESCAP_WINDOW_FDS,
					    BIT(RESCAP_PROC_FDS_SOFT) |
					    BIT(RESCAP_PROC_FDS_OVER),
					    &proc->fds_peak, n + 1, exact) &&
			(exact || (u64)atomic_inc_return(&proc->fds_unseen) <
				  n / BITS_PER_LONG);
	}
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
 * data needs nothing; an entry's growth needs nothing while its VmData
 * after the growth is within its window for the heap. False means "ask
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
	bool quiet;

	if (!rescap_is_data(flags) || !rescap_enforcing())
		return true;
	preempt_disable_notrace();
	quiet = rescap_growth_unwatched(&proc);
	if (proc && mm == current->mm)
		quiet = rescap_window_quiet(proc, RESCAP_WINDOW_HEAP,
					    BIT(RESCAP_PROC_HEAP_SOFT) |
					    BIT(RESCAP_PROC_HEAP_OVER),
					    &proc->heap_peak,
					    rescap_heap_bytes(mm) +
					    ((u64)npages << PAGE_SHIFT), true);
	preempt_enable_notrace();
	return quiet;
}

void rescap_enforce_init(bool refusing);
int rescap_heap_weigh(struct mm_struct *mm, vm_flags_t flags,
		      unsigned long npages);
int rescap_fd_weigh(struct files_struct *files, unsigned int fd);
void rescap_checks_drain(void);

#endif /* _RESCAP_ENFORCE_H */
