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
#define CGROUP_ROOT             "/sys/fs/cgroup"

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
        char *self_cgroup;              /* rescapd's own, "/system.slice/rescapd.service" */
} Manager;

/* cgroupd/rescapd.c */
int manager_kernel_request_check(Manager *m, int r);
uint32_t manager_tracked(Manager *m);
void manager_count_kill(Manager *m, const char *unit);
uint64_t manager_unit_kills(Manager *m, const char *unit);
int manager_update_sample_timer(Manager *m);
/* A set-cap (caps) or reset (caps NULL) of the cgroup at path cgroup
 * (below CGROUP_ROOT). */
int manager_cgroup_request(Manager *m, const char *cgroup, const rk_caps *caps);
/* Sets the caps u on the cgroup at path cgroup (below CGROUP_ROOT) in the
 * kernel, or drops its policy when u has no caps. force: even below a
 * member's usage (that member is acted on at its next growth). */
int manager_apply_cgroup_caps(Manager *m, const char *cgroup, const UnitCaps *u, bool force);
/* Applies the persisted caps of a unit to its cgroup, forced: 0 also when
 * the unit is not running (it has no cgroup; its start applies them). */
int manager_apply_unit_caps(Manager *m, const UnitCaps *u);
/* Whether a policy on cgroup would govern rescapd itself: the kernel
 * refuses every change from a governed caller, so rescapd would lock
 * itself out. */
bool manager_cgroup_governs_self(Manager *m, const char *cgroup);

/* dbus/bus-manager.c */
int bus_manager_setup(Manager *m);
bool bus_manager_has_subscribers(Manager *m);
void bus_manager_emit_event(Manager *m, const rk_proc *p);
void bus_manager_emit_sample(Manager *m, const Sample *s);
void bus_manager_emit_backend_changed(Manager *m);
