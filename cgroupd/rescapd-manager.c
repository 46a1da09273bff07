/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd's decisions about groups: caps on units and cgroups, set for a
 * caller (the kernel judges it) or re-applied by rescapd itself, merged
 * with what a unit has, persisted, and rolled back when a step fails. The
 * bus object (dbus/) only reads arguments, calls these and replies.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "bus-emit.h"
#include "cleanup.h"
#include "rescapd.h"
#include "rescapd-errors.h"

int manager_kernel_error(Manager *m, sd_bus_error *error, int r, const char *subject) {
        const char *name, *msg;

        r = manager_kernel_request_check(m, r);
        if (r == -ENOPKG)
                return sd_bus_error_set(error, RESCAP_ERROR_KERNEL_UNAVAILABLE,
                                        "rescap is not loaded in the kernel");
        msg = m->link ? rk_link_error(m->link) : NULL;
        name = rescap_error_name(r);
        if (name)
                return sd_bus_error_setf(error, name, "%s: %s%s%s%s", subject, strerror(-r),
                                         msg ? " (" : "", msg ?: "", msg ? ")" : "");
        return sd_bus_error_set_errnof(error, -r, "%s: %s%s%s%s", subject, strerror(-r),
                                       msg ? " (" : "", msg ?: "", msg ? ")" : "");
}

int manager_cgroup_request(Manager *m, const char *cgroup, const rk_caps *caps, const rk_caller *caller) {
        rk_target t = { .pidfd = -1, .by_cgroup_fd = true, .caller = caller };
        _cleanup_free_ char *dir = NULL;
        int r;

        if (!m->link)
                return -ENOPKG;
        if (asprintf(&dir, "%s%s", CGROUP_ROOT, cgroup) < 0)
                return -ENOMEM;
        t.cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (t.cgroup_fd < 0)
                return -errno;
        r = caps ? rk_set_caps(m->link, t, caps) : rk_reset(m->link, t);
        close(t.cgroup_fd);
        return manager_kernel_request_check(m, r);
}

int manager_apply_cgroup_caps(Manager *m, const char *cgroup, const UnitCaps *u, bool force,
                              const rk_caller *caller) {
        const rk_caps caps = {
                .has_heap = true, .heap = u->heap_max,
                .has_fds = true, .fds = u->fd_max,
                .has_action = true, .action = u->action ?: RESCAP_ACTION_KILL,
                .has_soft_pct = true, .soft_pct = u->soft_pct,
                .force = force,
        };
        int r;

        if (!unit_caps_is_empty(u))
                return manager_cgroup_request(m, cgroup, &caps, caller);
        r = manager_cgroup_request(m, cgroup, NULL, caller);
        return r == -ENOENT ? 0 : r;    /* no policy there: nothing to drop */
}

int manager_apply_unit_caps(Manager *m, const UnitCaps *u) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *unit = NULL, *cgroup = NULL;
        int r;

        r = group_resolve(m->bus, CGROUP_ROOT, u->unit, &unit, &cgroup, &e);
        sd_bus_error_free(&e);
        if (r < 0)
                return 0;       /* systemd does not know it now: not running */
        if (!cgroup[0])
                return 0;
        if (manager_cgroup_governs_self(m, cgroup))
                return -EDEADLK;
        r = manager_apply_cgroup_caps(m, cgroup, u, true, NULL);
        /* Stopped since systemd answered: its cgroup is gone. */
        return r == -ENOENT ? 0 : r;
}

bool manager_cgroup_governs_self(Manager *m, const char *cgroup) {
        size_t n = strlen(cgroup);

        if (!m->self_cgroup)
                return false;
        if (n == 1)     /* "/": the kernel refuses the root anyway */
                return true;
        return strncmp(m->self_cgroup, cgroup, n) == 0 &&
               (m->self_cgroup[n] == 0 || m->self_cgroup[n] == '/');
}

/* Whether a cgroup path is the own cgroup of the unit it names. */
static bool path_is_unit_cgroup(Manager *m, const char *unit, const char *path) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *u2 = NULL, *cgroup = NULL;
        bool ret;

        ret = unit[0] && group_resolve(m->bus, CGROUP_ROOT, unit, &u2, &cgroup, &e) >= 0 &&
              strcmp(cgroup, path) == 0;
        sd_bus_error_free(&e);
        return ret;
}

int manager_set_unit_caps(Manager *m, const char *group, const rk_caps *caps, bool reset,
                          const rk_caller *caller, sd_bus_error *error) {
        UnitCaps u = { .heap_max = RESCAP_NO_CAP, .fd_max = RESCAP_NO_CAP }, old;
        _cleanup_free_ char *unit = NULL, *cgroup = NULL;
        const UnitCaps *have;
        char subject[300];
        bool existed;
        int r;

        r = group_resolve(m->bus, CGROUP_ROOT, group, &unit, &cgroup, error);
        if (r < 0 && unit_caps_find(&m->units, group) &&
            sd_bus_error_has_name(error, RESCAP_ERROR_NO_SUCH_UNIT)) {
                /* Gone from systemd (a transient unit that ended): its
                 * persisted caps can still be changed or dropped. */
                sd_bus_error_free(error);
                unit = strdup(group);
                cgroup = strdup("");
                r = unit && cgroup ? 0 : -ENOMEM;
        }
        if (r < 0)
                return r;
        snprintf(subject, sizeof(subject), "caps on %s", group);
        if (!m->link)
                return manager_kernel_error(m, error, -ENOPKG, subject);
        if (cgroup[0] && manager_cgroup_governs_self(m, cgroup))
                return sd_bus_error_setf(error, RESCAP_ERROR_NOT_SUPPORTED,
                                         "%s would govern rescapd itself (in %s), and the kernel refuses "
                                         "every change from a governed process", subject, m->self_cgroup);

        if (group[0] == '/' && !path_is_unit_cgroup(m, unit, group)) {
                /* A cgroup of no unit's own: the kernel merges the change. */
                r = manager_cgroup_request(m, cgroup, reset ? NULL : caps, caller);
                if (r < 0)
                        return manager_kernel_error(m, error, r == -ENOENT && !reset ? -ENOMEDIUM : r, subject);
                return 0;
        }

        have = unit_caps_find(&m->units, unit);
        existed = have;
        if (have)
                u = *have;
        old = u;
        u.unit = unit;
        if (reset) {
                u.heap_max = u.fd_max = RESCAP_NO_CAP;
                u.action = u.soft_pct = 0;
        } else {
                if (caps->has_heap)
                        u.heap_max = caps->heap;
                if (caps->has_fds)
                        u.fd_max = caps->fds;
                if (caps->has_action)
                        u.action = caps->action;
                if (caps->has_soft_pct)
                        u.soft_pct = caps->soft_pct;
        }
        /* The kernel judges the caller: on the unit's cgroup while it
         * runs, and by asking alone when only the file changes. */
        if (cgroup[0]) {
                r = manager_apply_cgroup_caps(m, cgroup, &u, caps->force, caller);
                if (r == -ENOENT)       /* stopped since systemd answered */
                        r = 0;
        } else
                r = manager_kernel_request_check(m, rk_may_change(m->link, caller));
        if (r < 0)
                return manager_kernel_error(m, error, r, subject);

        r = unit_caps_is_empty(&u) ? unit_caps_remove(m->conf_dir, unit) : unit_caps_save(m->conf_dir, &u);
        if (r >= 0)
                r = unit_caps_is_empty(&u) ? (unit_caps_list_drop(&m->units, unit), 0)
                                           : unit_caps_list_put(&m->units, &u);
        if (r < 0) {
                /* Back to what the file says. */
                if (cgroup[0])
                        (void) manager_apply_cgroup_caps(m, cgroup, &old, true, NULL);
                return sd_bus_error_set_errnof(error, -r, "cannot persist the caps of %s under %s: %s",
                                               unit, m->conf_dir, strerror(-r));
        }
        bus_unit_caps_changed(m, unit, existed);
        return 0;
}

/* The journal's record of a kill or a warning, in the unit's log too
 * (journalctl -u and systemctl status match OBJECT_SYSTEMD_UNIT= from a
 * root sender). The MESSAGE_IDs are documented in rescapd(8). */
void manager_log_event(const rk_proc *p) {
        const bool killed = p->cmd == RESCAP_CMD_KILLED;
        const char *policy = p->policy ? rk_policy_name(p->policy) : "process";
        const char *policy_cgroup = p->policy == RESCAP_POLICY_CGROUP ? p->policy_cgroup_path : "";
        char *f[13] = {};
        struct iovec iov[13];
        char unit[256];
        size_t n = 0;

        if (!killed && p->cmd != RESCAP_CMD_EXCEEDED)
                return;
        if (unit_from_cgroup_path(p->cgroup_path, unit, sizeof(unit)) < 0)
                unit[0] = 0;
        if (asprintf(&f[n++], "MESSAGE=%s %" PRIu32 " (%s)%s%s: %s %" PRIu64 " %s its cap %" PRIu64
                     " (%s policy%s%s)", killed ? "Killed" : "Cap warning for", p->pid, p->comm,
                     unit[0] ? " of " : "", unit, rk_resource_name(p->resource), p->usage,
                     killed ? "over" : "against", p->cap, policy, policy_cgroup[0] ? " of " : "",
                     policy_cgroup) < 0 ||
            asprintf(&f[n++], "MESSAGE_ID=%s", killed ? RESCAPD_MESSAGE_KILLED : RESCAPD_MESSAGE_CAP_WARNING) < 0 ||
            asprintf(&f[n++], "PRIORITY=%d", killed ? LOG_WARNING : LOG_NOTICE) < 0 ||
            (unit[0] && asprintf(&f[n++], "OBJECT_SYSTEMD_UNIT=%s", unit) < 0) ||
            asprintf(&f[n++], "RESCAP_PID=%" PRIu32, p->pid) < 0 ||
            asprintf(&f[n++], "RESCAP_COMM=%s", p->comm) < 0 ||
            asprintf(&f[n++], "RESCAP_RESOURCE=%s", rk_resource_name(p->resource)) < 0 ||
            asprintf(&f[n++], "RESCAP_USAGE=%" PRIu64, p->usage) < 0 ||
            asprintf(&f[n++], "RESCAP_CAP=%" PRIu64, p->cap) < 0 ||
            asprintf(&f[n++], "RESCAP_ACTION=%s", rk_action_name(p->action)) < 0 ||
            asprintf(&f[n++], "RESCAP_POLICY=%s", policy) < 0 ||
            (policy_cgroup[0] && asprintf(&f[n++], "RESCAP_POLICY_CGROUP=%s", policy_cgroup) < 0) ||
            (!killed && asprintf(&f[n++], "RESCAP_KIND=%s", rk_kind_name(p->kind)) < 0)) {
                /* asprintf() leaves the pointer undefined on failure. */
                f[--n] = NULL;
                goto out;
        }
        for (size_t i = 0; i < n; i++)
                iov[i] = (struct iovec) { .iov_base = f[i], .iov_len = strlen(f[i]) };
        (void) sd_journal_sendv(iov, (int) n);
out:
        for (size_t i = 0; i < n; i++)
                free(f[i]);
}
