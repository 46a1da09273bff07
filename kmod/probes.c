// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - the module's attachment: ftrace callbacks on growth
 *
 * A module cannot add LSM hooks, so it attaches where an unmodified kernel
 * lets it: ftrace callbacks on the entry of the functions every growth
 * passes through: may_expand_vm() for the heap (mmap, brk, mremap,
 * mprotect and stack growth all ask it) with mmap_region() (below),
 * alloc_fd() for a new descriptor (open, socket, pipe, accept, dup, fcntl
 * F_DUPFD, SCM_RIGHTS, pidfd, ...) and do_dup2() for dup2/dup3 onto a free
 * number. A callback cannot make the function fail: the engine acts once
 * the growth is done, before the process returns to user space. Process
 * lifetime is the engine's own (lifetime.c).
 *
 * Since 6.12, mmap() over existing mappings asks may_expand_vm() for the
 * pages beyond those it replaces only, though a private writable mapping
 * over read-only, shared or PROT_NONE pages adds them all to the heap: a
 * callback on mmap_region() also sees every new data mapping, at its full
 * length, so its growth is measured once it is done. On older kernels,
 * where may_expand_vm() is asked for the full length first, it asks the
 * same question twice; one callback for every kernel is simpler than
 * telling kernels apart by version.
 *
 * One ftrace_ops per function gets its own trampoline that saves only the
 * argument registers and calls the callback directly: cheaper than a
 * kprobe on the same place (which saves a full pt_regs and looks the probe
 * up in a hash), and nothing at all on any other syscall, where the
 * sys_enter/sys_exit tracepoints would put every syscall of every process
 * on the slow path. make bench shows all three.
 *
 * The ops are permanent (FTRACE_OPS_FL_PERMANENT): while the module is
 * loaded, sysctl kernel.ftrace_enabled=0 fails with EBUSY instead of
 * silently turning every cap off, and the module does not load while
 * ftrace is disabled.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/sched.h>

#include "engine.h"
#include "probes.h"

/* The arguments of a probed function, on 6.1 and on 6.12. */
#ifdef ftrace_regs_get_argument
#define rescap_arg(fregs, n) ftrace_regs_get_argument(fregs, n)
#else
#define rescap_arg(fregs, n) regs_get_kernel_argument(&(fregs)->regs, n)
#endif

/*
 * Every callback starts here: nothing more than a read of two counters
 * while nothing is tracked and no cgroup has a policy; with policies, a
 * look at current's cgroup and its slot in this CPU's cache of ungoverned
 * cgroups, still with no call (rescap_growth_unwatched()). Then no
 * recursion into ourselves: this is the callbacks' own recursion
 * protection (it also disables preemption); their ftrace_ops do not ask
 * ftrace for one (FTRACE_OPS_FL_RECURSION), which would call every
 * callback through ftrace_ops_assist_func() and test for recursion twice.
 *
 * Return: the recursion bit to unlock, or negative to do nothing.
 */
static __always_inline int rescap_fn_enter(const unsigned long ip,
					   const unsigned long parent_ip)
{
	if (rescap_growth_unwatched())
		return -1;
	return ftrace_test_recursion_trylock(ip, parent_ip);
}

/* may_expand_vm(struct mm_struct *mm, vm_flags_t flags, unsigned long npages) */
static void notrace rescap_fn_heap(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	const int bit = rescap_fn_enter(ip, parent_ip);

	if (bit < 0)
		return;
	rescap_heap_growing((struct mm_struct *)rescap_arg(fregs, 0),
			    (vm_flags_t)rescap_arg(fregs, 1),
			    rescap_arg(fregs, 2));
	ftrace_test_recursion_unlock(bit);
}

/*
 * mmap_region(struct file *file, unsigned long addr, unsigned long len,
 *	       vm_flags_t vm_flags, unsigned long pgoff, struct list_head *uf)
 */
static void notrace rescap_fn_mmap(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	const int bit = rescap_fn_enter(ip, parent_ip);

	if (bit < 0)
		return;
	rescap_heap_growing(current->mm, (vm_flags_t)rescap_arg(fregs, 3),
			    rescap_arg(fregs, 2) >> PAGE_SHIFT);
	ftrace_test_recursion_unlock(bit);
}

/* alloc_fd(unsigned int start, unsigned int end, unsigned int flags) */
static void notrace rescap_fn_alloc_fd(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *op,
				       struct ftrace_regs *fregs)
{
	const int bit = rescap_fn_enter(ip, parent_ip);

	if (bit < 0)
		return;
	rescap_fd_growing(current->files, UINT_MAX);
	ftrace_test_recursion_unlock(bit);
}

/*
 * do_dup2(struct files_struct *files, struct file *file, unsigned int fd,
 *	   unsigned int flags)
 */
static void notrace rescap_fn_dup2(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	const int bit = rescap_fn_enter(ip, parent_ip);

	if (bit < 0)
		return;
	rescap_fd_growing((struct files_struct *)rescap_arg(fregs, 0),
			  (unsigned int)rescap_arg(fregs, 2));
	ftrace_test_recursion_unlock(bit);
}

/**
 * struct rescap_fn - a kernel function to attach to
 * @name: its name
 * @ops: our ftrace_ops on it
 */
struct rescap_fn {
	const char *name;
	struct ftrace_ops ops;
};

#define RESCAP_FN(fn_name, callback)					\
	{								\
		.name = fn_name,					\
		.ops = {						\
			.func = callback,				\
			.flags = FTRACE_OPS_FL_PERMANENT,		\
		},							\
	}

static struct rescap_fn rescap_fns[] = {
	RESCAP_FN("may_expand_vm", rescap_fn_heap),
	RESCAP_FN("mmap_region", rescap_fn_mmap),
	RESCAP_FN("alloc_fd", rescap_fn_alloc_fd),
	RESCAP_FN("do_dup2", rescap_fn_dup2),
};

static void rescap_fns_detach(int n)
{
	while (n--) {
		unregister_ftrace_function(&rescap_fns[n].ops);
		ftrace_free_filter(&rescap_fns[n].ops);
	}
}

static int rescap_fns_attach(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(rescap_fns); i++) {
		struct rescap_fn *const fn = &rescap_fns[i];

		err = ftrace_set_filter(&fn->ops, (unsigned char *)fn->name,
					strlen(fn->name), 1);
		if (!err)
			err = register_ftrace_function(&fn->ops);
		if (err) {
			if (err == -EBUSY)
				pr_err("ftrace is disabled (sysctl kernel.ftrace_enabled=0): caps cannot be enforced\n");
			else
				pr_err("cannot attach to %s(): %d\n", fn->name, err);
			ftrace_free_filter(&fn->ops);
			rescap_fns_detach(i);
			return err;
		}
	}
	return 0;
}

/**
 * rescap_probes_attach - attach to heap and fd growth
 *
 * Return: 0, or the error of the function that could not be attached to
 * (its name is logged).
 */
int rescap_probes_attach(void)
{
	return rescap_fns_attach();
}

/**
 * rescap_probes_detach - detach; no callback runs on return
 */
void rescap_probes_detach(void)
{
	rescap_fns_detach(ARRAY_SIZE(rescap_fns));
}
