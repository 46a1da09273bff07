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
 * of its own after the call that took it over its cap.
 *
 * An attachment that can refuse the growth (the LSM, whose hooks sit
 * where the kernel checks RLIMIT_DATA and RLIMIT_NOFILE) gets a refusal
 * for a growth over a kill or deny cap: the allocation is never granted.
 * The queued check then acts on the usage that was asked for: SIGKILL for
 * a kill cap, the exceeded event for a deny cap, and the process goes on.
 *
 * A process that is not tracked pays one read of a shared counter while
 * nothing is tracked, one hash lookup otherwise.
 */

#include <linux/fdtable.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "enforce.h"
#include "events.h"
#include "measure.h"
#include "process.h"

/* Per resource: the edge bits and the place of its peak. */
struct rescap_res {
	u32 resource;
	int soft_bit;
	int over_bit;
};

static const struct rescap_res rescap_heap_res = {
	.resource = RESCAP_RESOURCE_HEAP,
	.soft_bit = RESCAP_PROC_HEAP_SOFT,
	.over_bit = RESCAP_PROC_HEAP_OVER,
};

static const struct rescap_res rescap_fds_res = {
	.resource = RESCAP_RESOURCE_FDS,
	.soft_bit = RESCAP_PROC_FDS_SOFT,
	.over_bit = RESCAP_PROC_FDS_OVER,
};

/**
 * struct rescap_refusal - a growth refused
 * @asked: the usage it asked for
 * @cap: the cap it was refused on
 * @action: the action of that cap
 */
struct rescap_refusal {
	u64 asked;
	u64 cap;
	u32 action;
};

/**
 * struct rescap_check - a check queued on a task
 * @work: the task_work
 * @proc: the task's process, referenced
 * @res: the resource that grew: a cap is enforced at a growth of its own
 *       resource only
 * @refused: the growth was refused, on @refusal
 * @refusal: what it was refused on
 */
struct rescap_check {
	struct callback_head work;
	struct rescap_proc *proc;
	const struct rescap_res *res;
	bool refused;
	struct rescap_refusal refusal;
};

static atomic_t rescap_checks_pending = ATOMIC_INIT(0);

/* Whether the attachment refuses what its growth hooks are told to. */
static bool rescap_refusing __ro_after_init;

/**
 * rescap_enforce_init - say whether the attachment can refuse a growth
 * @refusing: true when the return value of rescap_heap_growing() and
 *            rescap_fd_growing() decides whether the growth happens
 *
 * Context: before anything is tracked.
 */
void rescap_enforce_init(const bool refusing)
{
	rescap_refusing = refusing;
}

static void rescap_peak(atomic64_t *const peak, const u64 usage)
{
	s64 old = atomic64_read(peak);

	while ((u64)old < usage &&
	       !atomic64_try_cmpxchg(peak, &old, (s64)usage))
		;
}

/* Acts on the exact usage of one resource of current's process. */
static void rescap_act(struct rescap_proc *const proc,
		       const struct rescap_res *const res,
		       const u64 usage, const u64 cap, const u32 action,
		       const u32 soft_pct)
{
	struct rescap_crossing crossing = {
		.resource = res->resource,
		.usage = usage,
		.cap = cap,
		.action = action,
	};

	switch (rescap_level(usage, cap, soft_pct)) {
	case RESCAP_LEVEL_OK:
		clear_bit(res->soft_bit, &proc->state);
		clear_bit(res->over_bit, &proc->state);
		return;
	case RESCAP_LEVEL_SOFT:
		clear_bit(res->over_bit, &proc->state);
		if (test_and_set_bit(res->soft_bit, &proc->state))
			return;
		crossing.kind = RESCAP_EXCEED_KIND_SOFT;
		rescap_event_crossing(RESCAP_CMD_EXCEEDED, current, proc,
				      &crossing, GFP_KERNEL);
		return;
	case RESCAP_LEVEL_OVER:
		set_bit(res->soft_bit, &proc->state);
		if (action == RESCAP_ACTION_KILL) {
			if (test_and_set_bit(RESCAP_PROC_KILLED, &proc->state))
				return;
			send_sig(SIGKILL, current, 1);
			pr_info_ratelimited("rescap: killed %d (%s): %s %llu over cap %llu\n",
					    task_tgid_nr(current), current->comm,
					    rescap_resource_name(res->resource),
					    usage, cap);
			rescap_event_crossing(RESCAP_CMD_KILLED, current, proc,
					      &crossing, GFP_KERNEL);
			return;
		}
		if (test_and_set_bit(res->over_bit, &proc->state))
			return;
		crossing.kind = action == RESCAP_ACTION_DENY ?
				RESCAP_EXCEED_KIND_DENY :
				RESCAP_EXCEED_KIND_NOTIFY;
		rescap_event_crossing(RESCAP_CMD_EXCEEDED, current, proc,
				      &crossing, GFP_KERNEL);
		return;
	}
}

static void rescap_check_run(struct callback_head *const work)
{
	struct rescap_check *const check =
		container_of(work, struct rescap_check, work);
	struct rescap_proc *const proc = check->proc;
	struct rescap_usage usage;
	struct rescap_caps caps;

	if (check->refused) {
		rescap_act(proc, check->res, check->refusal.asked,
			   check->refusal.cap, check->refusal.action, 0);
		goto out;
	}
	rescap_usage_of_task(current, &usage);
	rescap_peak(&proc->heap_peak, usage.heap);
	rescap_peak(&proc->fds_peak, usage.fds);
	spin_lock(&proc->lock);
	caps = proc->caps;
	spin_unlock(&proc->lock);
	if (test_bit(RESCAP_PROC_DEAD, &proc->state))
		;
	else if (check->res == &rescap_heap_res)
		rescap_act(proc, check->res, usage.heap, caps.heap,
			   caps.action, caps.soft_pct);
	else
		rescap_act(proc, check->res, usage.fds, caps.fds,
			   caps.action, caps.soft_pct);
out:
	rescap_proc_put(proc);
	kfree(check);
	atomic_dec(&rescap_checks_pending);
	module_put(THIS_MODULE);
}

/*
 * Queues a check on current; @refusal, when not NULL, is the refused
 * growth it acts on. Without memory for it, an excess over a kill cap is
 * acted on at once from what is known here: the cap is never lifted by an
 * allocation failure.
 */
static void rescap_check_queue(struct rescap_proc *const proc,
			       const struct rescap_res *const res,
			       const bool over, const u32 action,
			       const struct rescap_refusal *const refusal)
{
	struct rescap_check *check;

	if (!try_module_get(THIS_MODULE))
		return;	/* being unloaded */
	check = kmalloc(sizeof(*check), GFP_ATOMIC | __GFP_NOWARN);
	if (check && rescap_proc_tryget(proc)) {
		check->refused = refusal;
		if (refusal)
			check->refusal = *refusal;
		check->proc = proc;
		check->res = res;
		init_task_work(&check->work, rescap_check_run);
		atomic_inc(&rescap_checks_pending);
		if (!task_work_add(current, &check->work, TWA_RESUME))
			return;
		atomic_dec(&rescap_checks_pending);
		rescap_proc_put(proc);	/* current is exiting */
	} else if (over && action == RESCAP_ACTION_KILL &&
		   !test_and_set_bit(RESCAP_PROC_KILLED, &proc->state)) {
		send_sig(SIGKILL, current, 1);
		pr_warn_ratelimited("rescap: killed %d (%s) over its cap, out of memory to report it\n",
				    task_tgid_nr(current), current->comm);
	}
	kfree(check);
	module_put(THIS_MODULE);
}

/*
 * Decides whether a growth of one resource, from @before to @after, needs
 * a check. The peak takes @before, which is exact; @after may count a
 * growth that will not happen (a refused or net-zero request), so it only
 * ever queues the check that measures, and clears an edge it is below.
 */
static bool rescap_needs_check(struct rescap_proc *const proc,
			       const struct rescap_res *const res,
			       atomic64_t *const peak, const u64 before,
			       const u64 after, const u64 cap,
			       const u32 soft_pct, bool *const over)
{
	const enum rescap_level level = rescap_level(after, cap, soft_pct);

	rescap_peak(peak, before);
	switch (level) {
	case RESCAP_LEVEL_OVER:
		*over = true;
		return true;
	case RESCAP_LEVEL_SOFT:
		clear_bit(res->over_bit, &proc->state);
		if (!test_bit(res->soft_bit, &proc->state))
			return true;
		break;
	case RESCAP_LEVEL_OK:
		clear_bit(res->soft_bit, &proc->state);
		clear_bit(res->over_bit, &proc->state);
		break;
	}
	return after > (u64)atomic64_read(peak);
}

/*
 * A growth of one resource of current's process, from @before to @after,
 * against @cap: queues the check it needs and says whether to refuse it.
 *
 * Return: true to refuse the growth.
 */
static bool rescap_growing(struct rescap_proc *const proc,
			   const struct rescap_res *const res,
			   atomic64_t *const peak, const u64 before,
			   const u64 after, const u64 cap)
{
	const u32 action = READ_ONCE(proc->caps.action);
	const struct rescap_refusal refusal = {
		.asked = after,
		.cap = cap,
		.action = action,
	};
	bool over = false;

	if (!rescap_needs_check(proc, res, peak, before, after, cap,
				READ_ONCE(proc->caps.soft_pct), &over))
		return false;
	if (!over || !rescap_refusing || action == RESCAP_ACTION_NOTIFY) {
		rescap_check_queue(proc, res, over, action, NULL);
		return false;
	}
	rescap_check_queue(proc, res, over, action, &refusal);
	return true;
}

/**
 * rescap_heap_growing - current's heap may grow
 * @mm: the address space growing (current's, or the call is ignored)
 * @flags: the vm_flags of the new or changed mapping
 * @npages: the pages asked for
 *
 * Context: any task context, may be atomic (mmap_lock held).
 * Return: 0, or -ENOMEM when the attachment can refuse the growth and
 * should: it would take the process over a kill or deny heap cap.
 */
int rescap_heap_growing(struct mm_struct *const mm, const vm_flags_t flags,
			const unsigned long npages)
{
	struct rescap_proc *proc;
	bool refuse = false;
	u64 before;

	if (!rescap_tracking() || mm != current->mm || !rescap_is_data(flags) ||
	    (current->flags & PF_KTHREAD))
		return 0;
	rcu_read_lock();
	proc = rescap_proc_of_current();
	if (proc) {
		before = rescap_heap_bytes(mm);
		refuse = rescap_growing(proc, &rescap_heap_res,
					&proc->heap_peak, before,
					before + ((u64)npages << PAGE_SHIFT),
					READ_ONCE(proc->caps.heap));
	}
	rcu_read_unlock();
	return refuse ? -ENOMEM : 0;
}

/**
 * rescap_fd_growing - current's file table may get one more descriptor
 * @files: the table (current's, or the call is ignored)
 * @fd: the descriptor to be set, or UINT_MAX for "the lowest free one";
 *      a descriptor already open means no growth (dup2 over it)
 *
 * Context: any task context, may be atomic (files->file_lock held).
 * Return: 0, or -EMFILE when the attachment can refuse the growth and
 * should: it would take the process over a kill or deny fd cap.
 */
int rescap_fd_growing(struct files_struct *const files, const unsigned int fd)
{
	const struct fdtable *fdt;
	struct rescap_proc *proc;
	bool refuse = false;
	u64 before;

	if (!rescap_tracking() || files != current->files ||
	    (current->flags & PF_KTHREAD))
		return 0;
	rcu_read_lock();
	proc = rescap_proc_of_current();
	if (!proc)
		goto out;
	fdt = files_fdtable(files);
	if (fd < fdt->max_fds && test_bit(fd, fdt->open_fds))
		goto out;
	before = bitmap_weight(fdt->open_fds, fdt->max_fds);
	refuse = rescap_growing(proc, &rescap_fds_res, &proc->fds_peak,
				before, before + 1, READ_ONCE(proc->caps.fds));
out:
	rcu_read_unlock();
	return refuse ? -EMFILE : 0;
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
