/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the two objects of rescapd's bus layer (bus-manager.c,
 * bus-unit.c); not for the core.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "bus-auth.h"
#include "rescapd.h"

/* Before a change: the caller, and whether polkit already said yes for
 * this very call (the handler runs again once polkit has answered). */
int bus_change_begin(sd_bus_message *msg, Manager *m, BusCaller *c, sd_bus_error *error);
/* After the kernel refused a change with r: for a caller that lacks
 * CAP_SYS_RESOURCE (EACCES) and is not root, polkit is asked. Returns 1
 * when the handler must return without a reply (polkit was asked), or the
 * error. */
int bus_change_refused(sd_bus_message *msg, Manager *m, const BusCaller *c, int r, sd_bus_error *error);
/* The cgroup of a unit ("" when it is not running), asked of systemd at
 * most once a second per unit. */
const char *bus_unit_cgroup(Manager *m, const char *unit);
/* Before a reply that names the cgroup of every unit with caps: those
 * asked more than a second ago are asked again in one batch (as a reload
 * asks them), and held until bus_unit_cgroups_hold(m, 0); not three calls
 * to systemd per unit, one after the other. */
void bus_unit_cgroups_refresh(Manager *m);
