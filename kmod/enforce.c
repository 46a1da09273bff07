// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - enforcing caps when usage grows
 *
 * The attachment calls in at the places where a process's heap or file
 * table is about to grow, in the growing task's context, often atomic
 * (under mmap_lock or files->file_lock, preemption disabled). What it
 * knows there is the usage before and the growth asked for. When that
 * growth would take the process over a cap, to a soft threshold or to a
 * new peak, a check is queued on the task (task_work) and runs when the
 * task leaves the kernel, before it returns to user space: in process
 * context, with the growth done or refused, it measures the exact usage
 * and acts on it. A process killed there never runs another instruction
 * of its own after the call that took it over its cap. A thread that
 * never returns to user space (an io_uring worker opening a file for the
 * process) runs its task_work only after its request is complete, which
 * the process sees and can go on from: a kill found there is sent at
 * once, and the queued check reports it.
 *
 * An attachment that can refuse the growth (the LSM, whose hooks sit
 * where the kernel checks RLIMIT_DATA and RLIMIT_NOFILE) gets a refusal
 * for a growth over a kill or deny cap: the allocation is never granted.
 * The queued check then acts on the usage that was asked for: SIGKILL for
 * a kill cap, the exceeded event for a deny cap, and the process goes on.
 *
 * The caps that apply are the process's own, if it is registered, and
 * the policies of its cgroup and of the cgroup's ancestors (group.c): all
 * of them apply, and rescap_rule_before() says which one fires. A
 * process governed by a cgroup policy only gets an entry of its own (a
 * member entry, process.c) the first time a check finds it at a
 * threshold, to keep its edge state.
 *
 * What a growth costs does not depend on how large the process is: the
 * heap is mm->data_vm, one read; a file table of more than
 * RESCAP_FDS_COUNTED slots is bounded by its size first, and its bits are
 * counted only when that bound reaches a threshold (and, for the peak of
 * a registered process, once every max_fds / BITS_PER_LONG growths).
 *
 * Nor does it depend on how many caps apply: a growth of a registered
 * process that is weighed and found below every threshold leaves a
 * window on its entry (struct rescap_window): the highest usage still
 * below them all, with what it was weighed against (its caps' sequence
 * number, the policies' generation, its domain cgroup). A later growth
 * to at most that usage, not above its peak, with no edge set, is done
 * there: a few reads, no write, no walk, and for a single-threaded
 * process no call either: the attachment's hook tests it inline
 * (rescap_window_quiet(), in rescap_heap_growth_unwatched() and
 * rescap_fd_growth_unwatched()). Any change of what the window was made
 * of makes it fail, and the next growth is weighed again. A governed
 * process with no entry has no window of its own, and needs none: with
 * no caps of its own and no edge state, its cgroup's policies alone say
 * how far it can grow unseen, the same for every member. The weighing
 * leaves that in this CPU's cache, in its cgroup's slot (struct
 * rescap_cgroup_cache, with the policies' generation), and its next
 * growths within it are done inline in the hook the same way.
 *
 * A process pays one read of two shared counters while nothing is tracked
 * and no cgroup has a policy. While any process is tracked, it pays one
 * hash lookup for its own entry when the table has changed since its last
 * lookup (on this CPU, for the module; in its thread's blob, for the
 * LSM), and none otherwise: a process without one is told so inline in
 * the hook, from that cache (rescap_growth_entry()). While cgroup
 * policies exist, a process whose cgroup has none in its ancestry pays,
 * once per CPU while its cgroup and the policies do not change, a look at
 * each level of its cgroup's ancestry that has a policy anywhere: a byte
 * of a filter on the cgroup's id, and a hash lookup only when the filter
 * says the cgroup may have a policy. After that it is told, inline in the
 * attachment's hook, by comparing its cgroup's id and the policies'
 * generation with its cgroup's slot in this CPU's cache
 * (rescap_current_quiet()). Its usage is measured only when it is
 * registered or governed; the walk that finds it governed is where the
 * weighing of every policy starts.
 */

#include <linux/fdtable.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "enforce.h"
#include "events.h"
#include "group.h"
#include "measure.h"
#include "process.h"

/* Per resource: the edge bits, the window, the cap in a struct rescap_caps. */
struct rescap_res {
	u32 resource;
	int soft_bit;
	int over_bit;
	enum rescap_window_index window;
};

static const struct rescap_res rescap_heap_res = {
	.resource = RESCAP_RESOURCE_HEAP,
	.soft_bit = RESCAP_PROC_HEAP_SOFT,
	.over_bit = RESCAP_PROC_HEAP_OVER,
	.window = RESCAP_WINDOW_HEAP,
};

static const struct rescap_res rescap_fds_res = {
	.resource = RESCAP_RESOURCE_FDS,
	.soft_bit = RESCAP_PROC_FDS_SOFT,
	.over_bit = RESCAP_PROC_FDS_OVER,
	.window = RESCAP_WINDOW_FDS,
};

static atomic64_t *rescap_peak_of(struct rescap_proc *const proc,
				  const struct rescap_res *const res)
{
	return res == &rescap_heap_res ? &proc->heap_peak : &proc->fds_peak;
}

/* One policy's cap on @res, read locklessly. */
static void rescap_rule_of(const struct rescap_caps *const caps,
			   const struct rescap_res *const res,
			   struct rescap_rule *const rule)
{
	rule->cap = res == &rescap_heap_res ? READ_ONCE(caps->heap) :
					      READ_ONCE(caps->fds);
	rule->action = READ_ONCE(caps->action);
	rule->soft_pct = READ_ONCE(caps->soft_pct);
}

/**
 * struct rescap_verdict - the cap that fires at a usage
 * @rule: the cap
 * @level: where the usage stands against it; RESCAP_LEVEL_OK for none
 * @group: the cgroup policy it belongs to, or NULL for the process's own;
 *         under RCU while a verdict is being made, referenced once it is
 *         kept beyond
 * @quiet: the highest usage at which no cap weighed is at a threshold
 *         (rescap_quiet_limit())
 * @cgrp: the domain cgroup whose policies were weighed (under RCU), or
 *        NULL when no policy could apply
 */
struct rescap_verdict {
	struct rescap_rule rule;
	enum rescap_level level;
	struct rescap_group *group;
	u64 quiet;
	struct cgroup *cgrp;
};

static void rescap_consider(struct rescap_verdict *const v,
			    const struct rescap_rule *const rule,
			    struct rescap_group *const group, const u64 usage)
{
	const enum rescap_level level =
		rescap_level(usage, rule->cap, rule->soft_pct);

	v->quiet = min(v->quiet, rescap_quiet_limit(rule->cap, rule->soft_pct));
	if (rescap_rule_before(rule, level, &v->rule, v->level)) {
		v->rule = *rule;
		v->level = level;
		v->group = group;
	}
}

/**
 * struct rescap_walk - a walk of the cgroup policies governing current
 * @cgrp: current's cgroup when the walk started (under RCU)
 * @group: the policy found last, or NULL
 * @level: its level: the cursor of rescap_group_next()
 * @gen: rescap_groups_generation(), read before the walk started
 */
struct rescap_walk {
	struct cgroup *cgrp;
	struct rescap_group *group;
	int level;
	unsigned long gen;
};

/*
 * Whether a cgroup policy governs current: the walk stops at the first
 * (deepest) policy, which @walk is left at. A cgroup found ungoverned is
 * remembered on this CPU until the policies change. Pid 1 is never
 * governed.
 *
 * Context: rcu_read_lock() held.
 */
static bool rescap_current_governed(struct rescap_walk *const walk)
{
	unsigned long gen;
	bool cached;

	walk->group = NULL;
	if (!rescap_grouping() || is_global_init(current))
		return false;
	walk->cgrp = rescap_task_domain(current);
	gen = rescap_groups_generation();
	walk->gen = gen;
	preempt_disable();
	cached = rescap_ungoverned_cached(walk->cgrp, gen);
	preempt_enable();
	if (cached)
		return false;
	walk->level = walk->cgrp->level + 1;
	walk->group = rescap_group_next(walk->cgrp, &walk->level);
	if (walk->group)
		return true;
	rescap_ungoverned_remember(walk->cgrp, gen);
	return false;
}

/*
 * Which cap fires at @usage of @res of current's process: @proc's own
 * caps (a registered entry, or NULL) and every cgroup policy governing
 * current, from where rescap_current_governed() left @from at the first
 * one, or, when @from is NULL or at no policy, from a walk of its own.
 * Pid 1 is never governed by a cgroup policy. Without @proc, how far the
 * policies let a member grow unseen is left in this CPU's cache for the
 * cgroup: the next growths of a member with no entry within it are
 * answered inline (rescap_current_quiet()).
 *
 * Context: rcu_read_lock() held.
 */
static void rescap_evaluate(struct rescap_proc *const proc,
			    const struct rescap_walk *const from,
			    const struct rescap_res *const res,
			    const u64 usage, struct rescap_verdict *const v)
{
	struct rescap_rule rule;
	struct rescap_walk walk;

	*v = (struct rescap_verdict){
		.level = RESCAP_LEVEL_OK,
		.quiet = U64_MAX,
	};
	if (proc) {
		rescap_rule_of(&proc->caps, res, &rule);
		rescap_consider(v, &rule, NULL, usage);
	}
	walk.cgrp = NULL;
	walk.gen = 0;
	if (from && from->group)
		walk = *from;
	else
		rescap_current_governed(&walk);
	v->cgrp = walk.cgrp;
	for (; walk.group;
	     walk.group = rescap_group_next(walk.cgrp, &walk.level)) {
		rescap_rule_of(&walk.group->caps, res, &rule);
		rescap_consider(v, &rule, walk.group, usage);
	}
	if (!proc && v->cgrp)
		rescap_cgroup_remember(v->cgrp, walk.gen, res->window,
				       v->quiet);
}

/**
 * struct rescap_check - a check queued on a task
 * @work: the task_work
 * @proc: the task's entry, referenced, or NULL
 * @res: the resource that grew: a cap is enforced at a growth of its own
 *       resource only
 * @decided: act on @asked and @verdict, found when the check was queued
 *           (a refused growth, or a worker's kill already sent), rather
 *           than measure again
 * @asked: the usage the growth asked for
 * @verdict: what it was found at, its group referenced
 */
struct rescap_check {
	struct callback_head work;
	struct rescap_proc *proc;
	const struct rescap_res *res;
	bool decided;
	u64 asked;
	struct rescap_verdict verdict;
};

static atomic_t rescap_checks_pending = ATOMIC_INIT(0);

/* Whether the attachment refuses what its growth hooks are told to. */
static bool rescap_refusing __ro_after_init;

/**
 * rescap_enforce_init - say whether the attachment can refuse a growth
 * @refusing: true when the return value of rescap_heap_weigh() and
 *            rescap_fd_weigh() decides whether the growth happens
 *
 * Context: before anything is tracked.
 */
void rescap_enforce_init(const bool refusing)
{
	rescap_refusing = refusing;
}

static void rescap_kill(struct rescap_proc *const proc,
			const struct rescap_res *const res,
			const struct rescap_crossing *const crossing,
			struct rescap_group *const group)
{
	/* Once: the entry's bit, or without one, a kill already under way. */
	if (proc ? test_and_set_bit(RESCAP_PROC_KILLED, &proc->state) :
		   fatal_signal_pending(current))
		return;
	send_sig(SIGKILL, current, 1);
	if (group)
		atomic64_inc(&group->kills);
	pr_info_ratelimited("rescap: killed %d (%s): %s %llu over cap %llu%s\n",
			    task_tgid_nr(current), current->comm,
			    rescap_resource_name(res->resource),
			    crossing->usage, crossing->cap,
			    group ? " of its cgroup" : "");
	rescap_event_crossing(RESCAP_CMD_KILLED, current, crossing, GFP_KERNEL);
}

/*
 * Acts on the usage of one resource of current's process against the
 * verdict. @proc keeps the edge state; without one (no memory for a
 * member entry) a kill still happens and events go out without it.
 */
static void rescap_act(struct rescap_proc *const proc,
		       const struct rescap_res *const res, const u64 usage,
		       const struct rescap_verdict *const v)
{
	struct rescap_crossing crossing = {
		.resource = res->resource,
		.usage = usage,
		.cap = v->rule.cap,
		.action = v->rule.action,
		.group = v->group,
	};

	switch (v->level) {
	case RESCAP_LEVEL_OK:
		if (proc) {
			clear_bit(res->soft_bit, &proc->state);
			clear_bit(res->over_bit, &proc->state);
		}
		return;
	case RESCAP_LEVEL_SOFT:
		if (proc) {
			clear_bit(res->over_bit, &proc->state);
			if (test_and_set_bit(res->soft_bit, &proc->state))
				return;
		}
		crossing.kind = RESCAP_EXCEED_KIND_SOFT;
		rescap_event_crossing(RESCAP_CMD_EXCEEDED, current, &crossing,
				      GFP_KERNEL);
		return;
	case RESCAP_LEVEL_OVER:
		if (proc)
			set_bit(res->soft_bit, &proc->state);
		if (v->rule.action == RESCAP_ACTION_KILL) {
			rescap_kill(proc, res, &crossing, v->group);
			return;
		}
		if (proc && test_and_set_bit(res->over_bit, &proc->state))
			return;
		crossing.kind = v->rule.action == RESCAP_ACTION_DENY ?
				RESCAP_EXCEED_KIND_DENY :
				RESCAP_EXCEED_KIND_NOTIFY;
		rescap_event_crossing(RESCAP_CMD_EXCEEDED, current, &crossing,
				      GFP_KERNEL);
		return;
	}
}

static void rescap_check_run(struct callback_head *const work)
{
	struct rescap_check *const check =
		container_of(work, struct rescap_check, work);
	const struct rescap_res *const res = check->res;
	struct rescap_proc *proc = check->proc;
	struct rescap_verdict v;
	struct rescap_usage usage;
	u64 used;

	if (proc && test_bit(RESCAP_PROC_DEAD, &proc->state)) {
		rescap_proc_put(proc);	/* deregistered meanwhile */
		proc = NULL;
	}
	if (check->decided) {
		v = check->verdict;
		used = check->asked;
	} else {
		/* Its own resource only: a heap check counts no table. */
		rescap_usage_of_task(current, &usage,
				     res == &rescap_heap_res ?
				     RESCAP_MEASURE_HEAP : RESCAP_MEASURE_FDS);
		used = res == &rescap_heap_res ? usage.heap : usage.fds;
		if (proc)
			rescap_peak_raise(rescap_peak_of(proc, res), used);
		rcu_read_lock();
		rescap_evaluate(proc && rescap_proc_registered(proc) ? proc : NULL,
				NULL, res, used, &v);
		if (v.group && !rescap_group_tryget(v.group))
			v.level = RESCAP_LEVEL_OK;	/* removed meanwhile */
		if (v.level == RESCAP_LEVEL_OK)
			v.group = NULL;
		rcu_read_unlock();
	}
	if (v.level != RESCAP_LEVEL_OK && !proc)
		proc = rescap_proc_member(current);
	rescap_act(proc, res, used, &v);
	rescap_group_put(v.group);
	rescap_proc_put(proc);
	kfree(check);
	atomic_dec(&rescap_checks_pending);
	module_put(THIS_MODULE);
}

/*
 * A thread of a process that runs in the kernel only and never returns to
 * user space: io_uring's workers (and from 6.4 on, vhost's).
 */
static bool rescap_kernel_worker(const struct task_struct *const task)
{
#ifdef PF_USER_WORKER
	return task->flags & PF_USER_WORKER;
#else
	return task->flags & PF_IO_WORKER;
#endif
}

/*
 * Queues a check on current; with @refused, the growth is refused and the
 * check acts on @v and @asked. Without memory for it, an excess over a
 * kill cap is acted on at once from what is known here: the cap is never
 * lifted by an allocation failure. So is a kill found in a kernel worker:
 * its task_work would run only after the process can see its request
 * done.
 *
 * Context: rcu_read_lock() held (@v->group is valid under it).
 */
static void rescap_check_queue(struct rescap_proc *const proc,
			       const struct rescap_res *const res,
			       const struct rescap_verdict *const v,
			       const u64 asked, const bool refused)
{
	const bool kill_now = rescap_kernel_worker(current) &&
			      v->level == RESCAP_LEVEL_OVER &&
			      v->rule.action == RESCAP_ACTION_KILL;
	struct rescap_check *check;

	if (!try_module_get(THIS_MODULE))
		return;	/* being unloaded */
	check = kmalloc(sizeof(*check), GFP_ATOMIC | __GFP_NOWARN);
	if (check && (!proc || rescap_proc_tryget(proc))) {
		check->decided = (refused || kill_now) &&
				 (!v->group || rescap_group_tryget(v->group));
		if (check->decided) {
			check->asked = asked;
			check->verdict = *v;
		}
		check->proc = proc;
		check->res = res;
		init_task_work(&check->work, rescap_check_run);
		atomic_inc(&rescap_checks_pending);
		if (!task_work_add(current, &check->work, TWA_RESUME)) {
			/* The check reports it (rescap_kill() sends again). */
			if (kill_now)
				send_sig(SIGKILL, current, 1);
			return;
		}
		atomic_dec(&rescap_checks_pending);
		if (check->decided)
			rescap_group_put(v->group);
		rescap_proc_put(proc);	/* current is exiting */
	} else if (v->level == RESCAP_LEVEL_OVER &&
		   v->rule.action == RESCAP_ACTION_KILL &&
		   !(proc ? test_and_set_bit(RESCAP_PROC_KILLED, &proc->state) :
			    fatal_signal_pending(current))) {
		send_sig(SIGKILL, current, 1);
		pr_warn_ratelimited("rescap: killed %d (%s) over its cap, out of memory to report it\n",
				    task_tgid_nr(current), current->comm);
	}
	kfree(check);
	module_put(THIS_MODULE);
}

/*
 * Whether a growth of current's process is to be looked at: it is
 * registered, or a cgroup policy governs it. Decided before the growth
 * is measured, so a process that is neither pays no measure; while no
 * process is tracked, the table is not even looked at.
 *
 * Context: rcu_read_lock() held.
 * Return: true to look at it; current's entry, if any, in *@procp; in
 * @walk, the walk of its cgroup policies at the first one, or at none
 * (registered: not walked yet).
 */
static bool rescap_growth_watched(struct rescap_proc **const procp,
				  struct rescap_walk *const walk)
{
	struct rescap_proc *proc = NULL;

	if (rescap_tracking()) {
		proc = rescap_proc_of_current();
		if (proc && test_bit(RESCAP_PROC_DEAD, &proc->state))
			proc = NULL;
	}
	*procp = proc;
	if (proc && rescap_proc_registered(proc)) {
		walk->group = NULL;
		return true;
	}
	return rescap_current_governed(walk);
}

/**
 * struct rescap_window_key - what a window is made under
 * @caps_seq: the process's &rescap_proc.caps_seq
 * @groups_gen: rescap_groups_generation()
 *
 * Read before the caps and policies are weighed: a change after them
 * leaves the window made from them stale at once.
 */
struct rescap_window_key {
	u32 caps_seq;
	unsigned long groups_gen;
};

static void rescap_window_key(const struct rescap_proc *const proc,
			      struct rescap_window_key *const key)
{
	key->caps_seq = READ_ONCE(proc->caps_seq);
	/* Pairs with rescap_proc_set_caps(): the caps are read after. */
	smp_rmb();
	key->groups_gen = rescap_groups_generation();
}

/*
 * Keeps, for a registered process whose growth to @v's usage was weighed
 * below every threshold, how far @res can grow unseen while @key holds
 * and its domain cgroup is @v->cgrp's. Another thread making one at the
 * same moment wins: no waiting here.
 *
 * Context: rcu_read_lock() held; @proc registered, its edges of @res
 * clear.
 */
static void rescap_window_set(struct rescap_proc *const proc,
			      const struct rescap_res *const res,
			      const struct rescap_window_key *const key,
			      const struct rescap_verdict *const v)
{
	struct rescap_window *const w = &proc->windows[res->window];

	if (!spin_trylock(&proc->lock))
		return;
	write_seqcount_begin(&proc->window_seq);
	w->quiet = v->quiet;
	w->cgroup = v->cgrp ? cgroup_id(v->cgrp) : 0;
	w->groups_gen = key->groups_gen;
	w->caps_seq = key->caps_seq;
	write_seqcount_end(&proc->window_seq);
	spin_unlock(&proc->lock);
}

/*
 * rescap_window_quiet() for @res: whether a growth of current's process
 * to @after of @res surely needs nothing.
 *
 * Context: rcu_read_lock() held; @proc from rescap_growth_watched().
 */
static bool rescap_growth_quiet(struct rescap_proc *const proc,
				const struct rescap_res *const res,
				const u64 after, const bool exact)
{
	return proc && rescap_window_quiet(proc, res->window,
					   BIT(res->soft_bit) |
					   BIT(res->over_bit),
					   rescap_peak_of(proc, res), after,
					   exact);
}

/*
 * A growth of one resource of current's process, from @before to @after:
 * decides whether it needs a check, queues it and says whether to refuse
 * the growth. The peak takes @before, which is exact; @after may count a
 * growth that will not happen (a refused or net-zero request), so it only
 * ever queues the check that measures, and clears an edge it is below.
 *
 * Context: rcu_read_lock() held; @proc and @walk from
 * rescap_growth_watched().
 * Return: true to refuse the growth.
 */
static bool rescap_growing(struct rescap_proc *const proc,
			   const struct rescap_walk *const walk,
			   const struct rescap_res *const res,
			   const u64 before, const u64 after)
{
	const bool registered = proc && rescap_proc_registered(proc);
	struct rescap_window_key key;
	struct rescap_verdict v;
	bool check;

	if (registered)
		rescap_window_key(proc, &key);
	rescap_evaluate(registered ? proc : NULL, walk, res, after, &v);
	if (registered)
		rescap_peak_raise(rescap_peak_of(proc, res), before);
	switch (v.level) {
	case RESCAP_LEVEL_OVER:
		if (rescap_refusing && v.rule.action != RESCAP_ACTION_NOTIFY) {
			rescap_check_queue(proc, res, &v, after, true);
			return true;
		}
		check = true;
		break;
	case RESCAP_LEVEL_SOFT:
		if (proc)
			clear_bit(res->over_bit, &proc->state);
		check = !proc || !test_bit(res->soft_bit, &proc->state);
		break;
	default:
		if (proc) {
			clear_bit(res->soft_bit, &proc->state);
			clear_bit(res->over_bit, &proc->state);
		}
		if (registered)
			rescap_window_set(proc, res, &key, &v);
		check = false;
		break;
	}
	if (!check && registered)
		check = after > (u64)atomic64_read(rescap_peak_of(proc, res));
	if (check)
		rescap_check_queue(proc, res, &v, after, false);
	return false;
}

/**
 * rescap_heap_weigh - current's heap may grow
 * @mm: the address space growing (current's, or the call is ignored)
 * @flags: the vm_flags of the new or changed mapping
 * @npages: the pages asked for
 *
 * What a growth hook calls when rescap_heap_growth_unwatched() said to
 * ask.
 *
 * Context: any task context, may be atomic (mmap_lock held).
 * Return: 0, or -ENOMEM when the attachment can refuse the growth and
 * should: it would take the process over a kill or deny heap cap.
 */
int rescap_heap_weigh(struct mm_struct *const mm, const vm_flags_t flags,
		      const unsigned long npages)
{
	struct rescap_walk walk;
	struct rescap_proc *proc;
	bool refuse = false;
	u64 before, after;

	if (!rescap_enforcing() || mm != current->mm ||
	    !rescap_is_data(flags) || (current->flags & PF_KTHREAD))
		return 0;
	rcu_read_lock();
	if (rescap_growth_watched(&proc, &walk)) {
		before = rescap_heap_bytes(mm);
		after = before + ((u64)npages << PAGE_SHIFT);
		if (rescap_growth_quiet(proc, &rescap_heap_res, after, true))
			goto out;
		refuse = rescap_growing(proc, &walk, &rescap_heap_res, before,
					after);
	}
out:
	rcu_read_unlock();
	return refuse ? -ENOMEM : 0;
}

/*
 * Whether a growth of current's process to at most @upper of @res leaves
 * it under every threshold: then the exact usage does too, its edges are
 * cleared as rescap_growing() would, and nothing is queued.
 *
 * Context: rcu_read_lock() held; @proc and @walk from
 * rescap_growth_watched().
 */
static bool rescap_growing_below(struct rescap_proc *const proc,
				 const struct rescap_walk *const walk,
				 const struct rescap_res *const res,
				 const u64 upper)
{
	const bool registered = proc && rescap_proc_registered(proc);
	struct rescap_window_key key;
	struct rescap_verdict v;

	if (registered)
		rescap_window_key(proc, &key);
	rescap_evaluate(registered ? proc : NULL, walk, res, upper, &v);
	if (v.level != RESCAP_LEVEL_OK)
		return false;
	if (proc) {
		clear_bit(res->soft_bit, &proc->state);
		clear_bit(res->over_bit, &proc->state);
	}
	if (registered)
		rescap_window_set(proc, res, &key, &v);
	return true;
}

/*
 * The peak of a registered process whose tables are too large to count at
 * every growth: counted once every as many growths as a count costs
 * words of bitmap, so that a growth costs about one word. @bound is
 * rescap_process_fds_bound()'s.
 */
static void rescap_fds_peak_amortized(struct rescap_proc *const proc,
				      struct files_struct *const files,
				      const u64 bound)
{
	if (!proc || !rescap_proc_registered(proc) ||
	    (u64)atomic_inc_return(&proc->fds_unseen) < bound / BITS_PER_LONG)
		return;
	atomic_set(&proc->fds_unseen, 0);
	rescap_peak_raise(&proc->fds_peak, get_nr_threads(current) == 1 ?
					   rescap_fd_count(files) :
					   rescap_process_fds(current));
}

/**
 * rescap_fd_weigh - current's file table may get one more descriptor
 * @files: the table (current's, or the call is ignored)
 * @fd: the descriptor to be set, or UINT_MAX for "the lowest free one";
 *      a descriptor already open means no growth (dup2 over it)
 *
 * O(1) in the descriptors open: tables larger than RESCAP_FDS_COUNTED
 * are counted only when their size reaches a threshold, and for the peak
 * of a registered process once every max_fds / BITS_PER_LONG growths.
 *
 * What a descriptor hook calls when rescap_fd_growth_unwatched() said to
 * ask.
 *
 * Context: any task context, may be atomic (files->file_lock held).
 * Return: 0, or -EMFILE when the attachment can refuse the growth and
 * should: it would take the process over a kill or deny fd cap.
 */
int rescap_fd_weigh(struct files_struct *const files, const unsigned int fd)
{
	struct rescap_walk walk;
	const struct fdtable *fdt;
	struct rescap_proc *proc;
	bool refuse = false, exact = true;
	u64 before;

	if (!rescap_enforcing() || files != current->files ||
	    (current->flags & PF_KTHREAD))
		return 0;
	rcu_read_lock();
	if (!rescap_growth_watched(&proc, &walk))
		goto out;
	fdt = files_fdtable(files);
	if (fd >= fdt->max_fds || !test_bit(fd, fdt->open_fds)) {
		/* Its other threads may have tables of their own. */
		before = get_nr_threads(current) == 1 ?
			 rescap_fd_bound(files, RESCAP_FDS_COUNTED, &exact) :
			 rescap_process_fds_bound(current, RESCAP_FDS_COUNTED,
						  &exact);
		if (rescap_growth_quiet(proc, &rescap_fds_res, before + 1,
					exact)) {
			if (!exact)
				rescap_fds_peak_amortized(proc, files, before);
			goto out;
		}
		if (!exact) {
			if (rescap_growing_below(proc, &walk, &rescap_fds_res,
						 before + 1)) {
				rescap_fds_peak_amortized(proc, files, before);
				goto out;
			}
			before = get_nr_threads(current) == 1 ?
				 rescap_fd_count(files) :
				 rescap_process_fds(current);
		}
		refuse = rescap_growing(proc, &walk, &rescap_fds_res, before,
					before + 1);
	}
out:
	rcu_read_unlock();
	return refuse ? -EMFILE : 0;
}

/**
 * rescap_fd_table_copying - a file table is being copied for current
 * @oldf: the table being copied
 *
 * dup_fd() copies a table for a thread that unshares its own
 * (unshare(CLONE_FILES), close_range() with CLOSE_RANGE_UNSHARE, exec)
 * and for a new task that does not share its creator's (a clone() without
 * CLONE_FILES). The copy holds each descriptor of @oldf once more, and no
 * descriptor is allocated for it: no descriptor hook sees it. When
 * current's process is registered or governed and its tables with the
 * copy may reach a threshold, a check is queued that counts its tables
 * once the call is done, before it returns to user space, and acts on
 * what it finds: by then the copy is the unsharing thread's, or the new
 * thread's, or another process's (a fork), which this process does not
 * count. The copy is never refused: over a deny cap it is reported.
 *
 * Context: task context.
 */
void rescap_fd_table_copying(struct files_struct *const oldf)
{
	struct rescap_verdict v;
	struct rescap_walk walk;
	struct rescap_proc *proc;
	bool exact = true;
	u64 after;

	if (!rescap_enforcing() ||
	    (current->flags & PF_KTHREAD) || rescap_kernel_worker(current))
		return;
	rcu_read_lock();
	if (rescap_growth_watched(&proc, &walk)) {
		after = rescap_process_fds_bound(current, RESCAP_FDS_COUNTED,
						 &exact) +
			rescap_fd_bound(oldf, RESCAP_FDS_COUNTED, &exact);
		rescap_evaluate(proc && rescap_proc_registered(proc) ?
				proc : NULL, &walk, &rescap_fds_res, after, &v);
		if (v.level != RESCAP_LEVEL_OK) {
			/*
			 * @after may count a copy that is not this process's:
			 * nothing is decided from it, not even without memory
			 * for the check. The check decides from its count.
			 */
			v.level = RESCAP_LEVEL_SOFT;
			rescap_check_queue(proc, &rescap_fds_res, &v, after,
					   false);
		}
	}
	rcu_read_unlock();
}

/**
 * rescap_checks_drain - wait until no queued check can still run
 *
 * Every queued check holds a module reference, so none is pending once
 * the module is being removed; this waits for the last ones to leave the
 * module's code.
 *
 * Context: process context, the hooks detached.
 */
void rescap_checks_drain(void)
{
	while (atomic_read(&rescap_checks_pending))
		schedule_timeout_uninterruptible(1);
	synchronize_rcu_tasks();
}
