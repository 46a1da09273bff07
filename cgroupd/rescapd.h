/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd: the daemon's state, shared by its core (cgroupd/) and its bus
 * object (dbus/).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "kernel-link.h"
#include "rescapd-sample.h"
#include "rescapd-unit.h"

#define RESCAPD_BUS_NAME        "org.rescap1"
#define RESCAPD_OBJECT_PATH     "/org/rescap1"
#define RESCAPD_MANAGER_IFACE   "org.rescap1.Manager"
#define RESCAPD_UNIT_IFACE      "org.rescap1.Unit"
#define RESCAPD_UNIT_PREFIX     "/org/rescap1/unit"
#define RESCAP_VERSION_STRING   "0.1"

#define SAMPLE_INTERVAL_DEFAULT_USEC (5ULL * 1000000ULL)
#define SAMPLE_INTERVAL_MIN_USEC     (100ULL * 1000ULL)
#define SAMPLE_INTERVAL_MAX_USEC     (3600ULL * 1000000ULL)

/* Kills counted per unit, for the Kills property of unit objects. */
typedef struct UnitKills {
        char *unit;
        uint64_t kills;
} UnitKills;

typedef struct Manager {
        sd_event *event;
        sd_bus *bus;
        sd_bus_track *subscribers;

        /* The kernel: one link for requests, one subscribed to the events
         * group (a request's reply loop would drop events); both NULL while
         * rescap is not loaded. ctrl watches nlctrl's notify group for the
         * family coming and going. */
        rk_link *link;
        rk_link *events;
        sd_event_source *events_source;
        struct mnl_socket *ctrl;
        sd_event_source *ctrl_source;
        sd_event_source *retry_timer;
        const char *backend;            /* "module", "lsm" or "" */

        sd_event_source *sample_timer;
        uint64_t sample_interval_usec;
        Sampler sampler;

        uint64_t kills;
        UnitKills *unit_kills;
        size_t n_unit_kills;

        const char *conf_dir;           /* /etc/rescap */
        UnitCapsList units;             /* persisted unit caps */
} Manager;

/* cgroupd/rescapd.c */
int manager_kernel_request_check(Manager *m, int r);
uint32_t manager_tracked(Manager *m);
void manager_count_kill(Manager *m, const char *unit);
uint64_t manager_unit_kills(Manager *m, const char *unit);
int manager_update_sample_timer(Manager *m);
/* Applies the caps of a unit to its cgroup in the kernel: -EOPNOTSUPP until
 * the kernel has cgroup targets. */
int manager_apply_unit_caps(Manager *m, const UnitCaps *u);

/* dbus/bus-manager.c */
int bus_manager_setup(Manager *m);
bool bus_manager_has_subscribers(Manager *m);
void bus_manager_emit_event(Manager *m, const rk_proc *p);
void bus_manager_emit_sample(Manager *m, const Sample *s);
void bus_manager_emit_backend_changed(Manager *m);
