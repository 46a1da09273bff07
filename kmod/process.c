// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - the table of tracked processes
 *
 * Entries are keyed by the thread group's struct pid, so a lookup from any
 * task is one hash lookup under RCU (task_tgid() is O(1)) and a recycled
 * pid number can never meet an old entry: it comes with another struct
 * pid. An entry is linked when a process is registered or forked by a
 * tracked process that lets children inherit, and unlinked when its last
 * thread exits or it is deregistered. Readers never lock; writers
 * serialize on rescap_procs_lock, which is never taken in interrupt
 * context.
 */

#include <linux/rhashtable.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "engine.h"
#include "measure.h"
#include "process.h"

atomic_t rescap_nr_procs = ATOMIC_INIT(0);

static struct rhashtable rescap_procs;
static LIST_HEAD(rescap_procs_list);
static DEFINE_SPINLOCK(rescap_procs_lock);
static u64 rescap_procs_seq;
static struct kmem_cache *rescap_proc_cache;

static const struct rhashtable_params rescap_procs_params = {
	.key_len = sizeof(struct pid *),
	.key_offset = offsetof(struct rescap_proc, pid),
	.head_offset = offsetof(struct rescap_proc, node),
	.automatic_shrinking = true,
};

/**
 * rescap_proc_lookup - the entry of a thread group
 * @tgid: the thread group's struct pid (task_tgid())
 *
 * Context: rcu_read_lock() held; the entry may be unlinked concurrently,
 * take a reference with rescap_proc_tryget() to keep it.
 * Return: the entry, or NULL.
 */
struct rescap_proc *rescap_proc_lookup(struct pid *const tgid)
{
	if (!tgid)
		return NULL;
	return rhashtable_lookup(&rescap_procs, &tgid, rescap_procs_params);
}

/**
 * rescap_proc_tryget - take a reference on an entry found under RCU
 * @proc: the entry
 *
 * Return: false when the entry is being freed.
 */
bool rescap_proc_tryget(struct rescap_proc *const proc)
{
	return refcount_inc_not_zero(&proc->ref);
}

/**
 * rescap_proc_get - the entry of a thread group, with a reference
 * @tgid: the thread group's struct pid
 *
 * Return: the entry, or NULL if the process is not tracked.
 */
struct rescap_proc *rescap_proc_get(struct pid *const tgid)
{
	struct rescap_proc *proc;

	rcu_read_lock();
	proc = rescap_proc_lookup(tgid);
	if (proc && (test_bit(RESCAP_PROC_DEAD, &proc->state) ||
		     !rescap_proc_tryget(proc)))
		proc = NULL;
	rcu_read_unlock();
	return proc;
}

static void rescap_proc_free_rcu(struct rcu_head *const head)
{
	struct rescap_proc *const proc =
		container_of(head, struct rescap_proc, rcu);

	put_pid(proc->pid);
	kmem_cache_free(rescap_proc_cache, proc);
}

/**
 * rescap_proc_put - drop a reference
 * @proc: the entry, or NULL
 *
 * Context: any context but hard interrupts; the entry is freed after a
 * grace period.
 */
void rescap_proc_put(struct rescap_proc *const proc)
{
	if (proc && refcount_dec_and_test(&proc->ref))
		call_rcu(&proc->rcu, rescap_proc_free_rcu);
}

static struct rescap_proc *rescap_proc_alloc(struct pid *const tgid,
					     const struct rescap_caps *const caps,
					     const u32 flags,
					     const struct rescap_usage *const usage,
					     const gfp_t gfp)
{
	struct rescap_proc *const proc =
		kmem_cache_zalloc(rescap_proc_cache, gfp);

	if (!proc)
		return NULL;
	proc->pid = get_pid(tgid);
	refcount_set(&proc->ref, 1);
	spin_lock_init(&proc->lock);
	seqcount_spinlock_init(&proc->window_seq, &proc->lock);
	proc->caps = *caps;
	proc->flags = flags;
	atomic64_set(&proc->heap_peak, usage->heap);
	atomic64_set(&proc->fds_peak, usage->fds);
	return proc;
}

/*
 * Changes whenever an entry is linked or unlinked, after the change (under
 * rescap_procs_lock): a cached lookup made at an older value may be wrong.
 * An unlinked entry is freed after a grace period that starts after the
 * change, so a reader that still sees the older value in its RCU read-side
 * section may use the entry it cached. Starts at 1: a zeroed cache is
 * never current.
 */
unsigned long rescap_procs_gen = 1;

/*
 * Where an attachment keeps a cache per thread, in task->security; none
 * by default (the module: it cannot add per-task state, and uses
 * rescap_cpu_cache).
 */
int rescap_task_cache_offset __ro_after_init = -1;

DEFINE_PER_CPU(struct rescap_task_cache, rescap_cpu_cache);

static void rescap_procs_changed(void)
{
	lockdep_assert_held(&rescap_procs_lock);
	/* Pairs with rescap_procs_generation(): the change is seen with it. */
	smp_store_release(&rescap_procs_gen, rescap_procs_gen + 1 ?: 1);
}

/**
 * rescap_proc_of_current - the entry of the current thread group
 *
 * From current's lookup cache when it answers at the table's current
 * generation, else from the table (and the cache keeps the answer).
 *
 * Context: task context, rcu_read_lock() held.
 * Return: the entry, or NULL.
 */
struct rescap_proc *rescap_proc_of_current(void)
{
	struct pid *const tgid = task_tgid(current);
	struct rescap_task_cache *cache;
	unsigned long gen;
	struct rescap_proc *proc;

	preempt_disable();
	cache = rescap_lookup_cache();
	gen = rescap_procs_generation();
	if (rescap_lookup_cached(cache, gen)) {
		proc = cache->proc;
	} else {
		proc = rescap_proc_lookup(tgid);
		cache->tgid = tgid;
		cache->proc = proc;
		cache->gen = gen;
	}
	preempt_enable();
	return proc;
}

/* Links @proc; its initial reference becomes the table's. */
static int rescap_proc_link(struct rescap_proc *const proc)
{
	int err;

	spin_lock(&rescap_procs_lock);
	err = rhashtable_lookup_insert_fast(&rescap_procs, &proc->node,
					    rescap_procs_params);
	if (!err) {
		proc->seq = ++rescap_procs_seq;
		list_add_tail_rcu(&proc->list, &rescap_procs_list);
		atomic_inc(&rescap_nr_procs);
		rescap_procs_changed();
	}
	spin_unlock(&rescap_procs_lock);
	return err;
}

/**
 * rescap_proc_unlink - stop tracking a process
 * @proc: the entry; the caller holds a reference, which stays its own
 *
 * The exit path, deregistration and unload may race to unlink the same
 * entry: exactly one of them does.
 *
 * Return: true for the caller that unlinked it.
 */
bool rescap_proc_unlink(struct rescap_proc *const proc)
{
	bool idle;

	if (test_and_set_bit(RESCAP_PROC_DEAD, &proc->state))
		return false;
	spin_lock(&rescap_procs_lock);
	rhashtable_remove_fast(&rescap_procs, &proc->node, rescap_procs_params);
	list_del_rcu(&proc->list);
	idle = atomic_dec_and_test(&rescap_nr_procs);
	rescap_procs_changed();
	spin_unlock(&rescap_procs_lock);
	rescap_proc_put(proc);
	if (idle)
		rescap_hooks_idle();
	return true;
}

/*
 * Makes and links the entry of @task's process, with a reference for the
 * caller in *@ret. Returns -EEXIST when it has one, -ESRCH when it exits.
 */
static int rescap_proc_add(struct task_struct *const task, const u32 flags,
			   const struct rescap_caps *const caps,
			   const bool member, struct rescap_proc **const ret)
{
	struct rescap_usage usage;
	struct rescap_proc *proc;
	struct pid *tgid;
	int err;

	rcu_read_lock();
	tgid = get_pid(task_tgid(task));
	rcu_read_unlock();
	if (!tgid)
		return -ESRCH;
	err = rescap_usage_of(tgid, &usage);
	if (err)
		goto out;
	err = -ENOMEM;
	proc = rescap_proc_alloc(tgid, caps, flags, &usage, GFP_KERNEL);
	if (!proc)
		goto out;
	if (member)
		set_bit(RESCAP_PROC_MEMBER, &proc->state);
	refcount_inc(&proc->ref);	/* the caller's */
	err = rescap_proc_link(proc);
	if (err) {
		rescap_proc_put(proc);
		rescap_proc_put(proc);
		goto out;
	}
	/*
	 * The last thread may have passed the exit hook between the usage
	 * measure and the link, and found nothing to unlink. Pairs with the
	 * full barrier of atomic_dec_and_test(&signal->live) in do_exit():
	 * either the exit hook sees the entry, or this sees live == 0.
	 */
	smp_mb();
	if (!atomic_read(&task->signal->live)) {
		rescap_proc_unlink(proc);
		rescap_proc_put(proc);
		err = -ESRCH;
		goto out;
	}
	*ret = proc;
out:
	put_pid(tgid);
	return err;
}

/**
 * rescap_proc_register - start tracking a process, with its caps
 * @task: any thread of the process
 * @flags: &enum rescap_register_flags
 * @caps: its caps, checked already (&rescap_caps_none for none)
 *
 * The process is tracked with @caps from the start: a child it forks at
 * any moment after that inherits them (unless @flags say no-inherit), so
 * there is no moment at which a fork escapes them. A process that has an
 * entry as a cgroup member only becomes a registered process, with @caps.
 *
 * Context: process context, may sleep.
 * Return: 0, -EEXIST if it is tracked already, -ESRCH if it is exiting,
 * -ENOMEM, or the error of rescap_hooks_get().
 */
int rescap_proc_register(struct task_struct *const task, const u32 flags,
			 const struct rescap_caps *const caps)
{
	struct rescap_proc *proc;
	int err;

	err = rescap_hooks_get();
	if (err)
		return err;
	err = rescap_proc_add(task, flags, caps, false, &proc);
	if (!err) {
		rescap_proc_put(proc);
		goto out;
	}
	if (err != -EEXIST)
		goto out;
	proc = rescap_proc_get(task_tgid(task));
	if (!proc) {
		err = -ESRCH;	/* it just exited */
		goto out;
	}
	spin_lock(&proc->lock);
	if (rescap_proc_registered(proc)) {
		err = -EEXIST;
	} else {
		WRITE_ONCE(proc->flags, flags);
		rescap_proc_set_caps(proc, caps);
		/* Its flags are seen with it: pairs with test_bit() readers. */
		smp_mb__before_atomic();
		clear_bit(RESCAP_PROC_MEMBER, &proc->state);
		err = 0;
	}
	spin_unlock(&proc->lock);
	rescap_proc_put(proc);
out:
	rescap_hooks_put();
	return err;
}

/**
 * rescap_proc_member - the entry of a cgroup member, made if needed
 * @task: current
 *
 * A process governed by a cgroup policy gets an entry of its own, with no
 * caps, the first time a check finds it at a threshold: its edge state
 * (one event per crossing) is kept there until it exits.
 *
 * Context: process context, may sleep.
 * Return: the entry with a reference, or NULL (no memory, exiting).
 */
struct rescap_proc *rescap_proc_member(struct task_struct *const task)
{
	struct rescap_proc *proc = rescap_proc_get(task_tgid(task));
	int err;

	if (proc)
		return proc;
	err = rescap_proc_add(task, RESCAP_REGISTER_FLAGS_NO_INHERIT,
			      &rescap_caps_none, true, &proc);
	if (err == -EEXIST)
		return rescap_proc_get(task_tgid(task));
	return err ? NULL : proc;
}

/**
 * rescap_proc_fork - track a child of a tracked process
 * @parent: the forking task
 * @child: the new task, not yet running
 *
 * Children are tracked with the caps and flags of their parent unless it
 * was registered with RESCAP_REGISTER_FLAGS_NO_INHERIT. If the entry
 * cannot be made (no memory), the child is killed before it runs: a
 * tracked process must not escape its caps by forking. A child that an
 * administrator registered between its creation and this hook keeps the
 * entry it was given.
 *
 * Context: the fork path, atomic.
 */
void rescap_proc_fork(struct task_struct *const parent,
		      struct task_struct *const child)
{
	struct rescap_caps caps;
	struct rescap_usage usage;
	struct rescap_proc *proc;
	u32 flags;
	int err;

	if (!thread_group_leader(child))
		return;	/* a new thread of a tracked process: same entry */

	rcu_read_lock();
	proc = rescap_proc_lookup(task_tgid(parent));
	if (!proc || test_bit(RESCAP_PROC_DEAD, &proc->state) ||
	    (READ_ONCE(proc->flags) & RESCAP_REGISTER_FLAGS_NO_INHERIT)) {
		rcu_read_unlock();
		return;
	}
	spin_lock(&proc->lock);
	caps = proc->caps;
	flags = proc->flags;
	spin_unlock(&proc->lock);
	rcu_read_unlock();

	rescap_usage_of_task(child, &usage, RESCAP_MEASURE_ALL);
	proc = rescap_proc_alloc(task_tgid(child), &caps, flags, &usage,
				 GFP_ATOMIC | __GFP_NOWARN);
	err = proc ? rescap_proc_link(proc) : -ENOMEM;
	if (!err)
		return;
	rescap_proc_put(proc);
	if (err == -EEXIST)
		return;	/* registered meanwhile: that entry stands */
	pr_warn_ratelimited("rescap: cannot track child %d of tracked process %d, killing it\n",
			    task_pid_nr(child), task_tgid_nr(parent));
	send_sig(SIGKILL, child, 1);
}

/**
 * rescap_proc_exit - unlink the entry of a process whose last thread exits
 * @task: the exiting thread
 *
 * Context: the exit path, atomic; after the thread has been counted out of
 * signal->live.
 * Return: the unlinked entry with a reference for the caller, or NULL.
 */
struct rescap_proc *rescap_proc_exit(struct task_struct *const task)
{
	struct rescap_proc *proc;

	if (atomic_read(&task->signal->live))
		return NULL;	/* not the last thread */
	proc = rescap_proc_get(task_tgid(task));
	if (proc && !rescap_proc_unlink(proc)) {
		rescap_proc_put(proc);
		proc = NULL;
	}
	return proc;
}

/**
 * rescap_proc_set_caps - replace the caps of a tracked process
 * @proc: the entry
 * @caps: the new caps, checked already
 *
 * The edges of every resource are forgotten, and its windows with them:
 * usage is measured against the new caps at the next growth.
 *
 * Context: @proc->lock held.
 */
void rescap_proc_set_caps(struct rescap_proc *const proc,
			  const struct rescap_caps *const caps)
{
	lockdep_assert_held(&proc->lock);
	WRITE_ONCE(proc->caps.heap, caps->heap);
	WRITE_ONCE(proc->caps.fds, caps->fds);
	WRITE_ONCE(proc->caps.action, caps->action);
	WRITE_ONCE(proc->caps.soft_pct, caps->soft_pct);
	/* Pairs with rescap_growing(): a window made from older caps fails. */
	smp_wmb();
	WRITE_ONCE(proc->caps_seq, proc->caps_seq + 1);
	clear_bit(RESCAP_PROC_HEAP_SOFT, &proc->state);
	clear_bit(RESCAP_PROC_HEAP_OVER, &proc->state);
	clear_bit(RESCAP_PROC_FDS_SOFT, &proc->state);
	clear_bit(RESCAP_PROC_FDS_OVER, &proc->state);
}

/**
 * rescap_procs_collect - references on the entries registered after a point
 * @after_seq: only entries with a larger sequence number
 * @from: NULL, or a referenced entry whose sequence number is @after_seq
 *        (the last of the previous batch): the walk goes on from it while
 *        it is still tracked, instead of from the head of the list
 * @procs: where to put them, in registration order
 * @max: room in @procs
 *
 * The caller puts each reference. Iterating in batches keeps dumps and
 * /proc/rescap out of RCU read sections while they build their output;
 * going on from @from keeps a listing of n entries O(n), not O(n^2).
 *
 * Return: the number of entries stored.
 */
int rescap_procs_collect(const u64 after_seq, struct rescap_proc *from,
			 struct rescap_proc **const procs, const int max)
{
	struct rescap_proc *proc;
	int n = 0;

	rcu_read_lock();
	/*
	 * An entry not yet unlinked is on the list, and stays readable in
	 * it until this read section ends even if it is unlinked meanwhile.
	 */
	if (from && test_bit(RESCAP_PROC_DEAD, &from->state))
		from = NULL;
	proc = list_prepare_entry(from, &rescap_procs_list, list);
	list_for_each_entry_continue_rcu(proc, &rescap_procs_list, list) {
		if (n >= max)
			break;
		if (proc->seq <= after_seq ||
		    test_bit(RESCAP_PROC_DEAD, &proc->state) ||
		    !rescap_proc_tryget(proc))
			continue;
		procs[n++] = proc;
	}
	rcu_read_unlock();
	return n;
}

int rescap_procs_init(void)
{
	int err;

	rescap_proc_cache = KMEM_CACHE(rescap_proc, 0);
	if (!rescap_proc_cache)
		return -ENOMEM;
	err = rhashtable_init(&rescap_procs, &rescap_procs_params);
	if (err)
		kmem_cache_destroy(rescap_proc_cache);
	return err;
}

/**
 * rescap_procs_exit - untrack everything and free the table
 *
 * Context: process context; the hooks are detached already.
 */
void rescap_procs_exit(void)
{
	struct rescap_proc *procs[32];
	int i, n;

	do {
		n = rescap_procs_collect(0, NULL, procs, ARRAY_SIZE(procs));
		for (i = 0; i < n; i++) {
			rescap_proc_unlink(procs[i]);
			rescap_proc_put(procs[i]);
		}
	} while (n);
	rhashtable_destroy(&rescap_procs);
	rcu_barrier();	/* rescap_proc_free_rcu() is module code */
	kmem_cache_destroy(rescap_proc_cache);
}
