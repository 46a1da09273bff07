// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - the module's attachment: tracepoints and kprobes
 *
 * A module cannot add LSM hooks, so it attaches where an unmodified kernel
 * lets it:
 *
 * - the sched_process_fork and sched_process_exit tracepoints, looked up
 *   by name (their symbols are not exported), for process lifetime;
 * - kprobes on the three functions every growth passes through:
 *   may_expand_vm() for the heap (mmap, brk, mremap, mprotect and stack
 *   growth all ask it), alloc_fd() for a new descriptor (open, socket,
 *   pipe, accept, dup, fcntl F_DUPFD, SCM_RIGHTS, pidfd, ...) and
 *   do_dup2() for dup2/dup3 onto a free number.
 *
 * Kprobes at function entry use ftrace where the kernel has
 * KPROBES_ON_FTRACE (Debian does), so a process that is not tracked pays
 * an ftrace call and one read of a counter per probed call, and nothing
 * on any other syscall. The sys_enter/sys_exit tracepoints would instead
 * put every syscall of every process on the slow path (make bench shows
 * the cost of both).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>

#include "engine.h"
#include "probes.h"

static void rescap_tp_fork(void *const data, struct task_struct *const parent,
			   struct task_struct *const child)
{
	rescap_task_forked(parent, child);
}

static void rescap_tp_exit(void *const data, struct task_struct *const task)
{
	rescap_task_exiting(task);
}

/**
 * struct rescap_tp - a tracepoint to attach to
 * @name: its name
 * @probe: our probe
 * @tp: the tracepoint, once found
 */
struct rescap_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

/* In attach order: exit before fork, so no entry is made unseen. */
static struct rescap_tp rescap_tps[] = {
	{ .name = "sched_process_exit", .probe = rescap_tp_exit },
	{ .name = "sched_process_fork", .probe = rescap_tp_fork },
};

static void rescap_tp_find(struct tracepoint *const tp, void *const priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(rescap_tps); i++)
		if (!strcmp(tp->name, rescap_tps[i].name))
			rescap_tps[i].tp = tp;
}

static int rescap_kp_heap(struct kprobe *const kp, struct pt_regs *const regs)
{
	/* may_expand_vm(struct mm_struct *mm, vm_flags_t flags, unsigned long npages) */
	rescap_heap_growing((struct mm_struct *)regs_get_kernel_argument(regs, 0),
			    (vm_flags_t)regs_get_kernel_argument(regs, 1),
			    regs_get_kernel_argument(regs, 2));
	return 0;
}

static int rescap_kp_alloc_fd(struct kprobe *const kp,
			      struct pt_regs *const regs)
{
	/* alloc_fd(unsigned int start, unsigned int end, unsigned int flags) */
	rescap_fd_growing(current->files, UINT_MAX);
	return 0;
}

static int rescap_kp_dup2(struct kprobe *const kp, struct pt_regs *const regs)
{
	/*
	 * do_dup2(struct files_struct *files, struct file *file,
	 *	   unsigned int fd, unsigned int flags)
	 */
	rescap_fd_growing((struct files_struct *)regs_get_kernel_argument(regs, 0),
			  (unsigned int)regs_get_kernel_argument(regs, 2));
	return 0;
}

static struct kprobe rescap_kps[] = {
	{ .symbol_name = "may_expand_vm", .pre_handler = rescap_kp_heap },
	{ .symbol_name = "alloc_fd", .pre_handler = rescap_kp_alloc_fd },
	{ .symbol_name = "do_dup2", .pre_handler = rescap_kp_dup2 },
};

static struct kprobe *rescap_kp_list[ARRAY_SIZE(rescap_kps)];

static void rescap_tps_detach(int n)
{
	while (n--)
		tracepoint_probe_unregister(rescap_tps[n].tp,
					    rescap_tps[n].probe, NULL);
	tracepoint_synchronize_unregister();
}

/**
 * rescap_probes_attach - attach to process lifetime and growth
 *
 * Return: 0, or the error of the probe that could not be attached (its
 * name is logged).
 */
int rescap_probes_attach(void)
{
	int i, err;

	for_each_kernel_tracepoint(rescap_tp_find, NULL);
	for (i = 0; i < ARRAY_SIZE(rescap_tps); i++) {
		err = -ENOENT;
		if (rescap_tps[i].tp)
			err = tracepoint_probe_register(rescap_tps[i].tp,
							rescap_tps[i].probe,
							NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s: %d\n",
			       rescap_tps[i].name, err);
			rescap_tps_detach(i);
			return err;
		}
	}
	for (i = 0; i < ARRAY_SIZE(rescap_kps); i++)
		rescap_kp_list[i] = &rescap_kps[i];
	err = register_kprobes(rescap_kp_list, ARRAY_SIZE(rescap_kp_list));
	if (err) {
		for (i = 0; i < ARRAY_SIZE(rescap_kps); i++)
			if (!rescap_kps[i].addr)
				break;
		pr_err("cannot attach a kprobe to %s: %d\n",
		       i < ARRAY_SIZE(rescap_kps) ? rescap_kps[i].symbol_name :
		       "?", err);
		rescap_tps_detach(ARRAY_SIZE(rescap_tps));
	}
	return err;
}

/**
 * rescap_probes_detach - detach everything; no probe runs on return
 */
void rescap_probes_detach(void)
{
	unregister_kprobes(rescap_kp_list, ARRAY_SIZE(rescap_kp_list));
	rescap_tps_detach(ARRAY_SIZE(rescap_tps));
}
