// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - /proc/rescap
 *
 * One line per tracked process, with a header, in aligned columns. Sizes
 * are in bytes.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "proc.h"

static int rescap_proc_show(struct seq_file *const m, void *const v)
{
	seq_printf(m, "%-8s %-16s %-5s %20s %20s %8s %8s %-6s %s\n",
		   "PID", "COMM", "STATE", "HEAP", "HEAP_CAP", "FDS",
		   "FD_CAP", "ACTION", "CGROUP");
	return 0;
}

int rescap_proc_init(void)
{
	if (!proc_create_single("rescap", 0444, NULL, rescap_proc_show))
		return -ENOMEM;
	return 0;
}

void rescap_proc_exit(void)
{
	remove_proc_entry("rescap", NULL);
}
