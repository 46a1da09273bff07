/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - the engine, as its attachments see it
 *
 * An attachment (the loadable module, or the LSM) starts the engine, then
 * calls it where processes fork, exit and grow.
 */

#ifndef _RESCAP_ENGINE_H
#define _RESCAP_ENGINE_H

#include <linux/sched.h>
#include <linux/types.h>

#include "enforce.h"
#include "process.h"

int rescap_engine_init(void);
int rescap_engine_start(bool refusing);
void rescap_engine_stop(void);
void rescap_engine_exit(void);

void rescap_task_forked(struct task_struct *parent, struct task_struct *child);
void rescap_task_exiting(struct task_struct *task);
bool rescap_engine_idle(void);

/*
 * The attachment's side of the growth hooks' lifetime. Before the engine
 * starts to track a process, or makes a cgroup policy or an armed path,
 * it calls rescap_hooks_get(), which returns once the hooks are live (or
 * fails, and nothing changes), and rescap_hooks_put() once the change is
 * made. rescap_hooks_idle() says that the last process, policy or armed
 * path may have gone (rescap_engine_idle()); any context. An attachment
 * whose hooks are always live (the LSM) does nothing in any of them.
 */
int rescap_hooks_get(void);
void rescap_hooks_put(void);
void rescap_hooks_idle(void);

#endif /* _RESCAP_ENGINE_H */
