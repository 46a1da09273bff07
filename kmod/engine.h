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

#endif /* _RESCAP_ENGINE_H */
