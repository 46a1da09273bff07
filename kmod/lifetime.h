/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - process lifetime: the fork and exit tracepoints
 */

#ifndef _RESCAP_LIFETIME_H
#define _RESCAP_LIFETIME_H

int rescap_lifetime_attach(void);
void rescap_lifetime_detach(void);

#endif /* _RESCAP_LIFETIME_H */
