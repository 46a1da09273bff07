/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - the generic netlink control plane
 */

#ifndef _RESCAP_NETLINK_H
#define _RESCAP_NETLINK_H

#include <net/genetlink.h>

/* Multicast groups, in the family's order. */
enum {
	RESCAP_NLGRP_EVENTS,
};

extern struct genl_family rescap_family;

int rescap_netlink_init(bool deny_supported);
void rescap_netlink_exit(void);

#endif /* _RESCAP_NETLINK_H */
