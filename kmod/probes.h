/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - the module's attachment: tracepoints and ftrace
 */

#ifndef _RESCAP_PROBES_H
#define _RESCAP_PROBES_H

int rescap_probes_attach(void);
void rescap_probes_detach(void);

#endif /* _RESCAP_PROBES_H */
