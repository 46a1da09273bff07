/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - the table of tracked processes
 */

#ifndef _RESCAP_PROCESS_H
#define _RESCAP_PROCESS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "policy.h"

/* Bits of rescap_proc.state */
enum {
	/* Unlinked from the table; no new reference may be taken. */
	RESCAP_PROC_DEAD,
	/* Killed by rescap: no second kill, no second report. */
	RESCAP_PROC_KILLED,
	/* Edge state of each resource, so each crossing is reported once. */
	RESCAP_PROC_HEAP_SOFT,
	RESCAP_PROC_HEAP_OVER,
	RESCAP_PROC_FDS_SOFT,
	RESCAP_PROC_FDS_OVER,
	/*
	 * Not registered: an entry made for a process governed by a cgroup
	 * policy only, to keep its edge state once it reached a threshold.
	 * It has no caps, is not inherited, not listed, and reports no exit.
	 */
	RESCAP_PROC_MEMBER,
};

/**
 * struct rescap_window - how far a registered process can grow unseen
 * @quiet: a growth of the resource to at most this usage reaches no
 *        threshold of any cap that applied when it was made
 * @caps_seq: the process's &rescap_proc.caps_seq then
 * @groups_gen: rescap_groups_generation() then
 * @cgroup: the id of the domain cgroup whose policies were weighed, or 0
 *          when none could apply (no policy existed at @groups_gen, or
 *          pid 1)
 *
 * Made by a growth that was weighed and found below every threshold; it
 * holds while the process's caps, the cgroup policies and its domain
 * cgroup have not changed, so a growth within it needs no weighing
 * (rescap_window_quiet()).
 */
struct rescap_window {
	u64 quiet;
	u64 cgroup;
	unsigned long groups_gen;
	u32 caps_seq;
};

/**
 * struct rescap_proc - one tracked process (thread group)
 * @node: link in the table, keyed by @pid
 * @list: link in the list of all entries, in registration order
 * @pid: the thread group's struct pid (a reference is held), the identity
 *       of the process: a recycled pid number is another struct pid
 * @seq: registration sequence number, the cursor of dumps
 * @ref: references: the table holds one while the entry is linked
 * @rcu: for freeing after a grace period
 * @lock: serializes changes of @caps, and of @windows
 * @caps: the caps; read locklessly with READ_ONCE() on the hot paths
 * @flags: &enum rescap_register_flags
 * @heap_peak: highest heap seen, in bytes: at each growth (the usage
 *             before it), at each check, each read of the entry
 * @fds_peak: highest number of descriptors seen: at each growth of a
 *            table small enough to count at every growth, else at least
 *            once every max_fds / BITS_PER_LONG growths; at each check,
 *            each read of the entry and at the exit (rescap_fd_weigh())
 * @fds_unseen: growths of a large table since its last count
 * @state: RESCAP_PROC_* bits
 * @caps_seq: changes whenever @caps change, after them
 * @window_seq: writers of @windows hold @lock (spin_trylock() only)
 * @windows: per resource (&enum rescap_window_index), the last usage that
 *           needs no look, as the last growth weighed found it
 */
struct rescap_proc {
	struct rhash_head node;
	struct list_head list;
	struct pid *pid;
	u64 seq;
	refcount_t ref;
	struct rcu_head rcu;
	spinlock_t lock;	/* serializes writers of @caps */
	struct rescap_caps caps;
	u32 flags;
	atomic64_t heap_peak;
	atomic64_t fds_peak;
	atomic_t fds_unseen;
	unsigned long state;
	u32 caps_seq;
	seqcount_spinlock_t window_seq;
	struct rescap_window windows[RESCAP_WINDOWS];
};

extern atomic_t rescap_nr_procs;

/**
 * rescap_peak_raise - raise a peak to a usage seen
 * @peak: &rescap_proc.heap_peak or &rescap_proc.fds_peak
 * @usage: the usage, exact
 *
 * Context: any; lockless.
 */
static inline void rescap_peak_raise(atomic64_t *const peak, const u64 usage)
{
	s64 old = atomic64_read(peak);

	while ((u64)old < usage &&
	       !atomic64_try_cmpxchg(peak, &old, (s64)usage))
		;
}

/**
 * rescap_tracking - whether any process has an entry
 *
 * The first test of the fork and exit paths: while nothing is tracked,
 * the cost of rescap for everyone is this one read of a shared,
 * read-mostly counter.
 *
 * Return: true while at least one process has an entry.
 */
static inline bool rescap_tracking(void)
{
	return atomic_read(&rescap_nr_procs) != 0;
}

int rescap_procs_init(void);
void rescap_procs_exit(void);

struct rescap_proc *rescap_proc_lookup(struct pid *tgid);
struct rescap_proc *rescap_proc_get(struct pid *tgid);
bool rescap_proc_tryget(struct rescap_proc *proc);
void rescap_proc_put(struct rescap_proc *proc);

int rescap_proc_register(struct task_struct *task, u32 flags,
			 const struct rescap_caps *caps);
struct rescap_proc *rescap_proc_member(struct task_struct *task);

/**
 * rescap_proc_registered - whether an entry is a registered process
 * @proc: the entry
 *
 * Return: false for an entry made for a cgroup member only.
 */
static inline bool rescap_proc_registered(const struct rescap_proc *proc)
{
	return !test_bit(RESCAP_PROC_MEMBER, &proc->state);
}

bool rescap_proc_unlink(struct rescap_proc *proc);

void rescap_proc_set_caps(struct rescap_proc *proc,
			  const struct rescap_caps *caps);
void rescap_proc_fork(struct task_struct *parent, struct task_struct *child);
struct rescap_proc *rescap_proc_exit(struct task_struct *task);

int rescap_procs_collect(u64 after_seq, struct rescap_proc *from,
			 struct rescap_proc **procs, int max);

extern unsigned long rescap_procs_gen;

/**
 * rescap_procs_generation - the current generation of the table
 *
 * Return: a value that changes whenever an entry is linked or unlinked.
 */
static inline unsigned long rescap_procs_generation(void)
{
	/* Pairs with rescap_procs_changed(). */
	return smp_load_acquire(&rescap_procs_gen);
}

/**
 * struct rescap_task_cache - a lookup of current's entry, as last made
 * @tgid: the thread group looked up (task_tgid())
 * @proc: its entry, or NULL for none
 * @gen: the value of the table's generation when @proc was looked up
 *
 * The answer for @tgid holds while the table's generation is @gen: an
 * entry holds a reference on its struct pid, and linking or unlinking one
 * changes the generation, so neither the answer nor the struct pid it is
 * for can change meanwhile. An attachment that can keep a few words per
 * thread (the LSM: a task blob) keeps one per thread, which only the
 * thread itself reads and writes; the module keeps one per CPU, read and
 * written by task context with preemption disabled. Either lets
 * rescap_proc_of_current() answer in O(1) while the table does not
 * change, instead of a hash lookup, and the growth hooks tell at once,
 * inline, whether current's process has an entry, and which
 * (rescap_growth_entry()).
 */
struct rescap_task_cache {
	struct pid *tgid;
	struct rescap_proc *proc;
	unsigned long gen;
};

DECLARE_PER_CPU(struct rescap_task_cache, rescap_cpu_cache);

/*
 * The offset of the thread's cache in task->security: set once, before
 * anything is tracked, by an attachment that keeps one (the LSM, to its
 * task blob's offset); negative for none (the module: a cache per CPU).
 */
extern int rescap_task_cache_offset;

/**
 * rescap_lookup_cache - current's lookup cache
 *
 * Context: task context; preemption disabled (the cache may be this
 * CPU's).
 * Return: the thread's cache, or this CPU's when the attachment keeps
 * none per thread.
 */
static __always_inline struct rescap_task_cache *rescap_lookup_cache(void)
{
#ifdef CONFIG_SECURITY
	if (rescap_task_cache_offset >= 0)
		return current->security + rescap_task_cache_offset;
#endif
	return this_cpu_ptr(&rescap_cpu_cache);
}

/**
 * rescap_lookup_cached - whether a lookup cache answers for current
 * @cache: rescap_lookup_cache()
 * @gen: rescap_procs_generation()
 *
 * Return: true when @cache holds the answer for current's process at @gen.
 */
static __always_inline bool
rescap_lookup_cached(const struct rescap_task_cache *const cache,
		     const unsigned long gen)
{
	return cache->gen == gen && cache->tgid == task_tgid(current);
}

struct rescap_proc *rescap_proc_of_current(void);

#endif /* _RESCAP_PROCESS_H */
