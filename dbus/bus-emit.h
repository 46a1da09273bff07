/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What rescapd's core (cgroupd/) asks of its bus object: set it up, free
 * it, and emit. The only dbus/ header the core includes.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel-link.h"
#include "rescapd-sample.h"

typedef struct Manager Manager;

/* dbus/bus-manager.c */
int bus_manager_setup(Manager *m);
void bus_manager_free(Manager *m);
bool bus_manager_has_subscribers(Manager *m);
/* Killed, CapWarning and Exited of a kernel event; each subscriber gets
 * the events of its own processes (root and polkit-authorized: all). */
void bus_manager_emit_event(Manager *m, const rk_proc *p);
void bus_manager_emit_sample(Manager *m, const Sample *s);
/* EventsLost: kernel events were dropped (count of lost reads, at least). */
void bus_manager_emit_events_lost(Manager *m, uint64_t lost);
void bus_manager_emit_backend_changed(Manager *m);

/* dbus/bus-unit.c */
int bus_unit_setup(Manager *m);
/* The caps of unit changed: PropertiesChanged on its object, and
 * InterfacesAdded or InterfacesRemoved when it has caps now and had none
 * before (existed false), or has none now. */
void bus_unit_caps_changed(Manager *m, const char *unit, bool existed);
/* The ControlGroup of unit as systemd has just said it ("": not running),
 * from a reload's batch of questions: the unit object's reads, and
 * InterfacesAdded, need not ask again for a while. */
void bus_unit_cgroup_known(Manager *m, const char *unit, const char *cgroup);
/* Held since a time (CLOCK_MONOTONIC), the unit objects' reads take what
 * systemd said since then, however old: the signals of a reload carry the
 * reload's answers, where a second after them each InterfacesAdded would
 * ask systemd again, one unit at a time. Released (0), the entries older
 * than that second are dropped: the cache keeps what was read in the last
 * second, not every unit. */
void bus_unit_cgroups_hold(Manager *m, uint64_t since_usec);
