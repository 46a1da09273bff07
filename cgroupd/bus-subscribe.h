/* SPDX-License-Identifier: GPL-2.0 */
/* A client of rescapd's signals (rescapctl monitor and top, rescap-notify). */
#pragma once

#include <systemd/sd-bus.h>

/* Calls cb for each signal rescapd sends on bus, and subscribes again each
 * time rescapd comes back on the bus (a restart, an upgrade), saying so on
 * stderr ("PROGRAM: what: ..."). The first Subscribe is the caller's.
 * 0 or a negative errno. */
int rescap_follow_signals(sd_bus *bus, const char *what, sd_bus_message_handler_t cb, void *userdata);
