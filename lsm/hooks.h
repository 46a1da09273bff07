/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap LSM - the hooks
 */

#ifndef _SECURITY_RESCAP_HOOKS_H
#define _SECURITY_RESCAP_HOOKS_H

#include <linux/init.h>

__init void rescap_add_hooks(void);

#endif /* _SECURITY_RESCAP_HOOKS_H */
