/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - /proc/rescap
 */

#ifndef _RESCAP_PROC_H
#define _RESCAP_PROC_H

int rescap_proc_init(void);
void rescap_proc_exit(void);

#endif /* _RESCAP_PROC_H */
