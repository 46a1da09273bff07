// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - the module's attachment: ftrace callbacks on growth
 *
 * A module cannot add LSM hooks, so it attaches where an unmodified kernel
 * lets it: ftrace callbacks on the entry of the functions every growth
 * passes through: may_expand_vm() for the heap (mmap, brk, mremap,
 * mprotect and stack growth all ask it) with mmap_region() (below),
 * alloc_fd() for a new descriptor (open, socket, pipe, accept, dup, fcntl
 * F_DUPFD, SCM_RIGHTS, pidfd, ...), do_dup2() for dup2/dup3 onto a free
 * number, and dup_fd() for a copy of a whole table (a thread that
 * unshares its own, a thread created without CLONE_FILES). A callback
 * cannot make the function fail: the engine acts once the growth is done,
 * before the process returns to user space. Process lifetime is the
 * engine's own (lifetime.c).
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
 * The callbacks are attached only while the engine has something to
 * govern: rescap_hooks_get() attaches them before a process is tracked or
 * a cgroup policy or an armed path is made, and they are taken away
 * RESCAP_FNS_LINGER after the last of these has gone. Loaded with nothing
 * tracked, governed or armed, the module costs nothing on any growth: no
 * trampoline, no call.
 *
 * The ops are permanent (FTRACE_OPS_FL_PERMANENT): while one is
 * registered, sysctl kernel.ftrace_enabled=0 fails with EBUSY instead of
 * silently turning every cap off. One more, on a function of the module
 * that is never called (rescap_ftrace_guard()), is registered from load to
 * unload: ftrace stays enabled while the module is loaded, even with the
 * growth callbacks away, and the module does not load while ftrace is
 * disabled.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "engine.h"
#include "probes.h"

/* The arguments of a probed function, on 6.1 and on 6.12. */
#ifdef ftrace_regs_get_argument
#define rescap_arg(fregs, n) ftrace_regs_get_argument(fregs, n)
#else
#define rescap_arg(fregs, n) regs_get_kernel_argument(&(fregs)->regs, n)
#endif

/*
 * Every callback starts with the engine's inline first test of its
 * resource: nothing more than a read of two counters while nothing is
 * tracked and no cgroup has a policy; a look at current's lookup cache
 * and its entry's window, or at its cgroup's slot in this CPU's cache of
 * cgroups weighed, otherwise; no call (rescap_heap_growth_unwatched(),
 * rescap_fd_growth_unwatched()). It reaches no traced function. Only the
 * weighing after it takes the callbacks' own recursion protection (which
 * also disables preemption); their ftrace_ops do not ask ftrace for one
 * (FTRACE_OPS_FL_RECURSION), which would call every callback through
 * ftrace_ops_assist_func() and test for recursion twice.
 */

/* may_expand_vm(struct mm_struct *mm, vm_flags_t flags, unsigned long npages) */
static void notrace rescap_fn_heap(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	struct mm_struct *const mm = (struct mm_struct *)rescap_arg(fregs, 0);
	const vm_flags_t flags = (vm_flags_t)rescap_arg(fregs, 1);
	const unsigned long npages = rescap_arg(fregs, 2);
	int bit;

	if (rescap_heap_growth_unwatched(mm, flags, npages))
		return;
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	rescap_heap_weigh(mm, flags, npages);
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
	const vm_flags_t flags = (vm_flags_t)rescap_arg(fregs, 3);
	const unsigned long npages = rescap_arg(fregs, 2) >> PAGE_SHIFT;
	int bit;

	if (rescap_heap_growth_unwatched(current->mm, flags, npages))
		return;
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	rescap_heap_weigh(current->mm, flags, npages);
	ftrace_test_recursion_unlock(bit);
}

/* One more descriptor in @files: the callbacks on alloc_fd() and do_dup2(). */
static __always_inline void rescap_fn_fd(const unsigned long ip,
					 const unsigned long parent_ip,
					 struct files_struct *const files,
					 const unsigned int fd)
{
	int bit;

	if (rescap_fd_growth_unwatched(files))
		return;
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	rescap_fd_weigh(files, fd);
	ftrace_test_recursion_unlock(bit);
}

/* alloc_fd(unsigned int start, unsigned int end, unsigned int flags) */
static void notrace rescap_fn_alloc_fd(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *op,
				       struct ftrace_regs *fregs)
{
	rescap_fn_fd(ip, parent_ip, current->files, UINT_MAX);
}

/*
 * do_dup2(struct files_struct *files, struct file *file, unsigned int fd,
 *	   unsigned int flags)
 */
static void notrace rescap_fn_dup2(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	rescap_fn_fd(ip, parent_ip,
		     (struct files_struct *)rescap_arg(fregs, 0),
		     (unsigned int)rescap_arg(fregs, 2));
}

/*
 * dup_fd(struct files_struct *oldf, ...): a copy of a table, which no
 * descriptor is allocated for (rescap_fd_table_copying()). Called at a
 * fork, an unshare of the table, or a close_range() that unshares it: not
 * on a hot path, so no inline test but the first.
 */
static void notrace rescap_fn_dup_fd(unsigned long ip,
				     unsigned long parent_ip,
				     struct ftrace_ops *op,
				     struct ftrace_regs *fregs)
{
	int bit;

	if (!rescap_enforcing())
		return;
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	rescap_fd_table_copying((struct files_struct *)rescap_arg(fregs, 0));
	ftrace_test_recursion_unlock(bit);
}

/*
 * Never called: the permanent ftrace_ops on it keeps ftrace enabled while
 * the module is loaded.
 */
static noinline __used void rescap_ftrace_guard(void)
{
	barrier();
}

static void notrace rescap_fn_guard(unsigned long ip, unsigned long parent_ip,
				    struct ftrace_ops *op,
				    struct ftrace_regs *fregs)
{
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
	RESCAP_FN("dup_fd", rescap_fn_dup_fd),
};

static struct rescap_fn rescap_guard = RESCAP_FN("rescap_ftrace_guard",
						 rescap_fn_guard);

/*
 * An ops keeps its filter from load to unload (ftrace_free_filter() frees
 * the hashes without forgetting them: a filter set again after it would
 * use them freed): registered again after being unregistered, it attaches
 * to the same function.
 */
static int rescap_fn_register(struct rescap_fn *const fn)
{
	const int err = register_ftrace_function(&fn->ops);

	if (err == -EBUSY)
		pr_err("ftrace is disabled (sysctl kernel.ftrace_enabled=0): caps cannot be enforced\n");
	else if (err)
		pr_err("cannot attach to %s(): %d\n", fn->name, err);
	return err;
}

static void rescap_fn_unregister(struct rescap_fn *const fn)
{
	unregister_ftrace_function(&fn->ops);
}

static int rescap_fn_filter(struct rescap_fn *const fn)
{
	const int err = ftrace_set_filter(&fn->ops, (unsigned char *)fn->name,
					  strlen(fn->name), 1);

	if (err) {
		pr_err("cannot attach to %s(): %d\n", fn->name, err);
		ftrace_free_filter(&fn->ops);
	}
	return err;
}

static void rescap_fn_unfilter(struct rescap_fn *const fn)
{
	ftrace_free_filter(&fn->ops);
}

/* @undo on the first @n growth functions, last first. */
static void rescap_fns_undo(void (*const undo)(struct rescap_fn *fn), int n)
{
	while (n--)
		undo(&rescap_fns[n]);
}

/* @step on every growth function; on an error, @undo on those it did. */
static int rescap_fns_each(int (*const step)(struct rescap_fn *fn),
			   void (*const undo)(struct rescap_fn *fn))
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(rescap_fns); i++) {
		err = step(&rescap_fns[i]);
		if (err) {
			rescap_fns_undo(undo, i);
			return err;
		}
	}
	return 0;
}

static int rescap_fns_attach(void)
{
	return rescap_fns_each(rescap_fn_register, rescap_fn_unregister);
}

static void rescap_fns_detach(void)
{
	rescap_fns_undo(rescap_fn_unregister, ARRAY_SIZE(rescap_fns));
}

/* How long the growth callbacks stay once nothing is left to govern. */
#define RESCAP_FNS_LINGER (10 * HZ)

/* Whether the growth callbacks are attached, and who needs them now. */
static DEFINE_MUTEX(rescap_fns_lock);
static bool rescap_fns_live;
static unsigned int rescap_fns_users;

/* rescap_hooks_idle() queues the look; not once the module is leaving. */
static DEFINE_SPINLOCK(rescap_fns_idle_lock);
static bool rescap_fns_closing;
static void rescap_fns_idle_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(rescap_fns_idle, rescap_fns_idle_work);

/*
 * Nothing was left to govern RESCAP_FNS_LINGER ago: the callbacks go if
 * that is still so. A child linked by the fork of a process that was
 * being deregistered at that moment is the one way in that does not pass
 * rescap_hooks_get(): the engine is asked again once they are gone.
 */
static void rescap_fns_idle_work(struct work_struct *const work)
{
	mutex_lock(&rescap_fns_lock);
	if (rescap_fns_live && !rescap_fns_users && rescap_engine_idle()) {
		rescap_fns_detach();
		rescap_fns_live = false;
		if (!rescap_engine_idle())
			rescap_fns_live = !rescap_fns_attach();
	}
	mutex_unlock(&rescap_fns_lock);
}

/**
 * rescap_hooks_get - make the growth callbacks live
 *
 * Attaches them unless they are; they stay until rescap_hooks_put() and
 * then as long as the engine has something to govern.
 *
 * Context: process context, may sleep; no engine lock held.
 * Return: 0, or the error of the function that could not be attached to
 * (logged); then nothing is attached.
 */
int rescap_hooks_get(void)
{
	int err = 0;

	mutex_lock(&rescap_fns_lock);
	if (!rescap_fns_live) {
		err = rescap_fns_attach();
		rescap_fns_live = !err;
	}
	if (!err)
		rescap_fns_users++;
	mutex_unlock(&rescap_fns_lock);
	return err;
}

/**
 * rescap_hooks_put - the change that needed the callbacks is made
 *
 * Context: process context, may sleep.
 */
void rescap_hooks_put(void)
{
	mutex_lock(&rescap_fns_lock);
	if (!--rescap_fns_users)
		rescap_hooks_idle();
	mutex_unlock(&rescap_fns_lock);
}

/**
 * rescap_hooks_idle - the engine may have nothing left to govern
 *
 * The callbacks are taken away RESCAP_FNS_LINGER after the last such call
 * if rescap_engine_idle() still says so then.
 *
 * Context: any.
 */
void rescap_hooks_idle(void)
{
	unsigned long flags;

	spin_lock_irqsave(&rescap_fns_idle_lock, flags);
	if (!rescap_fns_closing)
		mod_delayed_work(system_wq, &rescap_fns_idle,
				 RESCAP_FNS_LINGER);
	spin_unlock_irqrestore(&rescap_fns_idle_lock, flags);
}

/**
 * rescap_probes_attach - keep ftrace enabled while the module is loaded
 *
 * The growth callbacks come with rescap_hooks_get().
 *
 * Sets every callback's filter, and registers the guard's.
 *
 * Return: 0, or the error of a filter or of the guard's registration
 * (logged; -EBUSY while ftrace is disabled).
 */
int rescap_probes_attach(void)
{
	int err;

	err = rescap_fns_each(rescap_fn_filter, rescap_fn_unfilter);
	if (err)
		return err;
	err = rescap_fn_filter(&rescap_guard);
	if (err)
		goto unfilter;
	err = rescap_fn_register(&rescap_guard);
	if (!err)
		return 0;
	ftrace_free_filter(&rescap_guard.ops);
unfilter:
	rescap_fns_undo(rescap_fn_unfilter, ARRAY_SIZE(rescap_fns));
	return err;
}

/**
 * rescap_probes_detach - detach everything; no callback runs on return
 *
 * Context: process context; the control plane is closed.
 */
void rescap_probes_detach(void)
{
	spin_lock_irq(&rescap_fns_idle_lock);
	rescap_fns_closing = true;
	spin_unlock_irq(&rescap_fns_idle_lock);
	cancel_delayed_work_sync(&rescap_fns_idle);
	mutex_lock(&rescap_fns_lock);
	if (rescap_fns_live)
		rescap_fns_detach();
	rescap_fns_live = false;
	mutex_unlock(&rescap_fns_lock);
	unregister_ftrace_function(&rescap_guard.ops);
	ftrace_free_filter(&rescap_guard.ops);
	rescap_fns_undo(rescap_fn_unfilter, ARRAY_SIZE(rescap_fns));
}
