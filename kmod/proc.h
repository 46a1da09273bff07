/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - /proc/rescap
 */

#ifndef _RESCAP_PROC_H
#define _RESCAP_PROC_H

int rescap_procfs_init(void);
void rescap_procfs_exit(void);

#endif /* _RESCAP_PROC_H */
