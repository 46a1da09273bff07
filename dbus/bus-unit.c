/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd's unit objects: org.rescap1.Unit at /org/rescap1/unit/UNIT, one
 * for each unit that has caps, listed by a node enumerator and by
 * org.freedesktop.DBus.ObjectManager at /org/rescap1.
 *
 * A property read is cheap for any caller: the unit's cgroup is asked of
 * systemd at most once a second per unit, and its usage comes from the
 * kernel's members of that cgroup, not from a walk of /proc.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus-auth.h"
#include "bus-contract.h"
#include "bus-emit.h"
#include "bus-manager.h"
#include "cleanup.h"
#include "rescapd.h"
#include "rescapd-errors.h"

#define UNIT_CGROUP_TTL_USEC 1000000ULL

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

/* The unit an object path names, if it has caps. */
static const UnitCaps *unit_of_path(Manager *m, const char *path) {
        _cleanup_free_ char *unit = NULL;

        if (sd_bus_path_decode(path, RESCAP_BUS_UNIT_PREFIX, &unit) <= 0 || !unit_name_is_valid(unit))
                return NULL;
        return unit_caps_find(&m->units, unit);
}

static int unit_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                     sd_bus_error *error) {
        Manager *m = userdata;

        (void) bus; (void) interface; (void) error;
        if (!unit_of_path(m, path))
                return 0;
        *found = m;
        return 1;
}

static int unit_enumerate(sd_bus *bus, const char *prefix, void *userdata, char ***ret, sd_bus_error *error) {
        Manager *m = userdata;
        char **l;
        size_t k = 0;

        (void) bus; (void) prefix; (void) error;
        l = calloc(m->units.n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < m->units.n; i++)
                if (sd_bus_path_encode(RESCAP_BUS_UNIT_PREFIX, m->units.items[i].unit, &l[k]) >= 0)
                        k++;
        *ret = l;
        return 0;
}

/* Drops the entries of m->unit_cgroups older than max_age_usec. */
static void unit_cgroups_prune(Manager *m, uint64_t now, uint64_t max_age_usec) {
        size_t k = 0;

        for (size_t i = 0; i < m->n_unit_cgroups; i++) {
                UnitCgroup *c = &m->unit_cgroups[i];

                if (c->cgroup && now - c->at_usec < max_age_usec) {
                        m->unit_cgroups[k++] = *c;
                        continue;
                }
                free(c->unit);
                free(c->cgroup);
        }
        m->n_unit_cgroups = k;
        if (!k) {
                free(m->unit_cgroups);
                m->unit_cgroups = NULL;
        }
        /* Amortized: pruned again once it has doubled. */
        m->unit_cgroups_prune_at = k < 32 ? 64 : 2 * k;
}

void bus_unit_cgroups_hold(Manager *m, uint64_t since_usec) {
        m->unit_cgroups_held_since = since_usec;
        if (!since_usec)
                unit_cgroups_prune(m, now_usec(), UNIT_CGROUP_TTL_USEC);
}

/* An entry of m->unit_cgroups that answers without asking systemd. */
static bool unit_cgroup_fresh(const Manager *m, const UnitCgroup *c, uint64_t now) {
        return c->cgroup && (now - c->at_usec < UNIT_CGROUP_TTL_USEC ||
                             (m->unit_cgroups_held_since && c->at_usec >= m->unit_cgroups_held_since));
}

void bus_unit_cgroups_refresh(Manager *m) {
        const uint64_t now = now_usec();
        UnitCapsList stale = { .items = calloc(m->units.n + 1, sizeof(*stale.items)) };
        UnitCgroup *cg = NULL;
        size_t n = 0;

        bus_unit_cgroups_hold(m, now);
        for (size_t i = 0; stale.items && i < m->units.n; i++) {
                bool found;
                const size_t k = unit_sorted_slot(m->unit_cgroups, m->n_unit_cgroups, sizeof(*m->unit_cgroups),
                                                  m->units.items[i].unit, &found);

                if (!found || !unit_cgroup_fresh(m, &m->unit_cgroups[k], now))
                        stale.items[stale.n++] = m->units.items[i];
        }
        /* One unit: as the reply would ask it. */
        if (stale.n > 1 && manager_units_cgroups(m, &stale, &cg, &n) >= 0)
                unit_cgroups_free(cg, n);
        free(stale.items);      /* the names are m->units' */
}

/* The unit's entry in m->unit_cgroups (sorted by unit), added if new. */
static UnitCgroup *unit_cgroup_entry(Manager *m, const char *unit) {
        bool found;
        size_t i = unit_sorted_slot(m->unit_cgroups, m->n_unit_cgroups, sizeof(*m->unit_cgroups), unit, &found);
        char *name;
        UnitCgroup *c;

        if (found)
                return &m->unit_cgroups[i];
        if (!m->unit_cgroups_held_since && m->n_unit_cgroups >= m->unit_cgroups_prune_at) {
                unit_cgroups_prune(m, now_usec(), UNIT_CGROUP_TTL_USEC);
                i = unit_sorted_slot(m->unit_cgroups, m->n_unit_cgroups, sizeof(*m->unit_cgroups), unit,
                                     &found);
        }
        name = strdup(unit);
        c = name ? realloc(m->unit_cgroups, (m->n_unit_cgroups + 1) * sizeof(*c)) : NULL;
        if (!c) {
                free(name);
                return NULL;
        }
        m->unit_cgroups = c;
        memmove(&c[i + 1], &c[i], (m->n_unit_cgroups - i) * sizeof(*c));
        c[i] = (UnitCgroup) { .unit = name };
        m->n_unit_cgroups++;
        return &c[i];
}

/* The unit's cgroup ("" when it is not running), asked of systemd at most
 * once per UNIT_CGROUP_TTL_USEC. */
const char *bus_unit_cgroup(Manager *m, const char *unit) {
        UnitCgroup *c = unit_cgroup_entry(m, unit);
        uint64_t now = now_usec();
        sd_bus_error e = SD_BUS_ERROR_NULL;
        char *u2 = NULL, *cgroup = NULL;

        if (!c)
                return "";
        if (unit_cgroup_fresh(m, c, now))
                return c->cgroup;
        (void) group_resolve(m->bus, CGROUP_ROOT, unit, &u2, &cgroup, &e);
        sd_bus_error_free(&e);
        free(u2);
        free(c->cgroup);
        c->cgroup = cgroup ?: strdup("");
        c->at_usec = now;
        return c->cgroup ?: "";
}

void bus_unit_cgroup_known(Manager *m, const char *unit, const char *cgroup) {
        UnitCgroup *c = unit_cgroup_entry(m, unit);
        char *copy = strdup(cgroup);

        if (!c || !copy) {
                free(copy);
                return;
        }
        free(c->cgroup);
        c->cgroup = copy;
        c->at_usec = now_usec();
}

/* Totals over the members of a cgroup and its descendants, from the
 * kernel; 0 when it is not running or rescap is not loaded. */
static void unit_usage(Manager *m, const char *cgroup, uint64_t *heap, uint64_t *fds) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_free_ rk_group *g = NULL;
        rk_target t = { .pidfd = -1, .by_cgroup_fd = true };

        *heap = *fds = 0;
        if (!cgroup[0] || !m->link || asprintf(&dir, "%s%s", CGROUP_ROOT, cgroup) < 0)
                return;
        g = calloc(1, sizeof(*g));
        t.cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (!g || t.cgroup_fd < 0)
                goto out;
        if (manager_kernel_request_check(m, rk_get_cgroup(m->link, t, g)) >= 0) {
                *heap = g->heap;
                *fds = g->fds;
        }
out:
        if (t.cgroup_fd >= 0)
                close(t.cgroup_fd);
}

static int unit_property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const UnitCaps *u = unit_of_path(m, path);
        uint64_t heap, fds;

        (void) bus; (void) interface;
        if (!u)
                return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "no caps on the unit of %s", path);
        if (strcmp(property, "Id") == 0)
                return sd_bus_message_append(reply, "s", u->unit);
        if (strcmp(property, "HeapMax") == 0)
                return sd_bus_message_append(reply, "t", u->heap_max);
        if (strcmp(property, "FDMax") == 0)
                return sd_bus_message_append(reply, "t", u->fd_max);
        if (strcmp(property, "Action") == 0)
                return sd_bus_message_append(reply, "s", rk_action_name(u->action ?: RESCAP_ACTION_KILL));
        if (strcmp(property, "SoftPercent") == 0)
                return sd_bus_message_append(reply, "u", u->soft_pct);
        if (strcmp(property, "Kills") == 0)
                return sd_bus_message_append(reply, "t", manager_unit_kills(m, u->unit));
        if (strcmp(property, "ControlGroup") == 0)
                return sd_bus_message_append(reply, "s", bus_unit_cgroup(m, u->unit));
        unit_usage(m, bus_unit_cgroup(m, u->unit), &heap, &fds);
        return sd_bus_message_append(reply, "t", strcmp(property, "HeapCurrent") == 0 ? heap : fds);
}

/* A property Set cannot wait for polkit: the kernel judges the caller as
 * for SetUnitCapWithOptions, and a caller that would need polkit is told
 * to call that method. */
static int unit_property_set(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *value, void *userdata, sd_bus_error *error) {
        _cleanup_(bus_caller_done) BusCaller c = BUS_CALLER_NULL;
        _cleanup_free_ char *unit = NULL;
        Manager *m = userdata;
        const UnitCaps *u = unit_of_path(m, path);
        rk_caps caps = {};
        uint64_t v;
        int r;

        (void) bus; (void) interface;
        r = sd_bus_message_read(value, "t", &v);
        if (r < 0)
                return r;
        if (!u)
                return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "no caps on the unit of %s", path);
        unit = strdup(u->unit);         /* the entry may go with the change */
        if (!unit)
                return -ENOMEM;
        if (strcmp(property, "HeapMax") == 0) {
                caps.has_heap = true;
                caps.heap = v;
        } else {
                caps.has_fds = true;
                caps.fds = v;
        }
        if (v == 0)
                return sd_bus_error_set(error, RESCAP_ERROR_INVALID_CAP, "a cap of 0 is no cap; UINT64_MAX lifts it");
        r = bus_change_begin(value, m, &c, error);
        if (r < 0)
                return r;
        r = manager_set_unit_caps(m, unit, &caps, false, false, &c.rk, error);
        if (r == -EACCES && c.euid != 0) {
                sd_bus_error_free(error);
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "setting %s needs CAP_SYS_RESOURCE; SetUnitCapWithOptions asks polkit",
                                         property);
        }
        return r < 0 ? r : 0;
}

static const sd_bus_vtable unit_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "s", unit_property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ControlGroup", "s", unit_property_get, 0, 0),
        SD_BUS_WRITABLE_PROPERTY("HeapMax", "t", unit_property_get, unit_property_set, 0,
                                 SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_WRITABLE_PROPERTY("FDMax", "t", unit_property_get, unit_property_set, 0,
                                 SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Action", "s", unit_property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("SoftPercent", "u", unit_property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("HeapCurrent", "t", unit_property_get, 0, 0),
        SD_BUS_PROPERTY("FDCurrent", "t", unit_property_get, 0, 0),
        SD_BUS_PROPERTY("Kills", "t", unit_property_get, 0, 0),
        SD_BUS_VTABLE_END
};

void bus_unit_caps_changed(Manager *m, const char *unit, bool existed) {
        _cleanup_free_ char *path = NULL;

        if (!m->bus || sd_bus_path_encode(RESCAP_BUS_UNIT_PREFIX, unit, &path) < 0)
                return;
        if (!unit_caps_find(&m->units, unit))
                (void) sd_bus_emit_object_removed(m->bus, path);
        else if (!existed)
                (void) sd_bus_emit_object_added(m->bus, path);
        else
                (void) sd_bus_emit_properties_changed(m->bus, path, RESCAP_BUS_UNIT_IFACE, "HeapMax", "FDMax",
                                                      "Action", "SoftPercent", NULL);
}

int bus_unit_setup(Manager *m) {
        int r;

        r = sd_bus_add_fallback_vtable(m->bus, NULL, RESCAP_BUS_UNIT_PREFIX, RESCAP_BUS_UNIT_IFACE, unit_vtable,
                                       unit_find, m);
        if (r >= 0)
                r = sd_bus_add_node_enumerator(m->bus, NULL, RESCAP_BUS_UNIT_PREFIX, unit_enumerate, m);
        if (r >= 0)
                r = sd_bus_add_object_manager(m->bus, NULL, RESCAP_BUS_PATH);
        return r;
}
