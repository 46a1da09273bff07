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

static rk_caps unit_caps_request(const UnitCaps *u, bool force) {
        return (rk_caps) {
                .has_heap = true, .heap = u->heap_max,
                .has_fds = true, .fds = u->fd_max,
                .has_action = true, .action = u->action ?: RESCAP_ACTION_KILL,
                .has_soft_pct = true, .soft_pct = u->soft_pct,
                .force = force,
        };
}

/* The caps of an instance's template, if it has any. */
static const UnitCaps *manager_unit_template_caps(Manager *m, const char *unit) {
        char tpl[256];

        if (!unit_name_template_of(unit, tpl, sizeof(tpl)))
                return NULL;
        return unit_caps_find(&m->units, tpl);
}

/* A unit's caps in the kernel: its cgroup path armed with them, so that
 * every cgroup systemd makes there has them from its first moment (and
 * the cgroup there now gets them too); with no caps, the path disarmed
 * and the policy of the cgroup there dropped. */
static int manager_arm_unit(Manager *m, const char *path, const UnitCaps *u, bool force,
                            const rk_caller *caller) {
        const UnitCaps *tpl = manager_unit_template_caps(m, u->unit);
        const rk_caps caps = unit_caps_request(u, force);
        int r;

        if (!m->link)
                return -ENOPKG;
        if (!unit_caps_is_empty(u))
                return manager_kernel_request_check(m, rk_arm(m->link, path, &caps, caller));
        r = manager_kernel_request_check(m, rk_disarm(m->link, path, caller));
        if (r < 0 && r != -ENOENT)
                return r;
        if (tpl) {
                /* An instance without caps of its own: its template's
                 * pattern arms its next cgroups; the one there now gets
                 * the template's caps. */
                const rk_caps tcaps = unit_caps_request(tpl, true);

                r = manager_cgroup_request(m, path, &tcaps, caller);
        } else
                r = manager_cgroup_request(m, path, NULL, caller);
        return r == -ENOENT ? 0 : r;    /* no cgroup or no policy there */
}

/* A template's instances that run now: each gets the template's caps
 * merged under its own (manager_apply_unit_caps()). */
static int manager_apply_instances(Manager *m, const char *template) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        const char *at = strchr(template, '@'), *name;
        _cleanup_free_ char *pattern = NULL;
        int r, ret = 0;

        if (asprintf(&pattern, "%.*s*%s", (int) (at - template + 1), template, at + 1) < 0)
                return -ENOMEM;
        r = sd_bus_call_method(m->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "ListUnitsByPatterns", &e, &reply,
                               "asas", 0, 1, pattern);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        while (r > 0 && (r = sd_bus_message_read(reply, "(ssssssouso)", &name, NULL, NULL, NULL, NULL, NULL,
                                                 NULL, NULL, NULL, NULL)) > 0) {
                const UnitCaps *own = unit_caps_find(&m->units, name);
                const UnitCaps none = { .unit = (char *) name, .heap_max = RESCAP_NO_CAP,
                                        .fd_max = RESCAP_NO_CAP };
                int k = manager_apply_unit_caps(m, own ?: &none);

                if (k < 0 && !ret)
                        ret = k;
        }
        return r < 0 ? r : ret;
}

struct disarm_ctx {
        Manager *m;
        const char *unit;       /* NULL: every unit without caps */
        const rk_caller *caller;
        char **paths;
        size_t n;
};

static int disarm_collect(const rk_armed *a, void *userdata) {
        struct disarm_ctx *c = userdata;
        const char *name = strrchr(a->path, '/');
        char **paths;

        char tpl[256];
        const char *star;

        name = name ? name + 1 : a->path;
        /* A template's pattern, "foo@*.service": the template's. */
        star = strchr(name, '*');
        if (star && star > name && star[-1] == '@' && (size_t) (star - name) < sizeof(tpl)) {
                snprintf(tpl, sizeof(tpl), "%.*s%s", (int) (star - name), name, star + 1);
                name = tpl;
        }
        if (c->unit ? strcmp(name, c->unit) != 0
                    : !unit_name_is_valid(name) || unit_caps_find(&c->m->units, name))
                return 0;
        paths = realloc(c->paths, (c->n + 1) * sizeof(char *));
        if (!paths)
                return -ENOMEM;
        c->paths = paths;
        c->paths[c->n] = strdup(a->path);
        if (!c->paths[c->n])
                return -ENOMEM;
        c->n++;
        return 0;
}

/* Disarms the armed paths of a unit that systemd no longer knows (they
 * end in its name), or, with unit NULL, those of units without caps left
 * by an earlier run: rescapd owns the armed paths that end in a unit name.
 * Returns how many it disarmed, or a negative errno. */
static int manager_disarm_stale(Manager *m, const char *unit, const rk_caller *caller) {
        struct disarm_ctx c = { .m = m, .unit = unit, .caller = caller };
        int r, n = 0;

        if (!m->link)
                return -ENOPKG;
        r = manager_kernel_request_check(m, rk_dump_armed(m->link, disarm_collect, &c));
        for (size_t i = 0; i < c.n; i++) {
                int k = r < 0 ? 0 : manager_kernel_request_check(m, rk_disarm(m->link, c.paths[i], caller));

                if (k < 0 && k != -ENOENT)
                        r = k;
                else if (k == 0)
                        n++;
                free(c.paths[i]);
        }
        free(c.paths);
        return r < 0 ? r : n;
}

int manager_disarm_orphans(Manager *m) {
        return manager_disarm_stale(m, NULL, NULL);
}

/* manager_apply_unit_caps_at(); gone_later: a unit gone from systemd
 * with its caps is not disarmed here (1 is returned): see
 * manager_drop_unit_caps(). */
static int apply_unit_caps(Manager *m, const UnitCaps *u, const char *cgroup, bool gone_later) {
        _cleanup_free_ char *asked = NULL;
        const bool template = unit_name_is_template(u->unit);
        const char *path = cgroup;
        int r;

        if (!path) {
                r = template ? template_cgroup_pattern(m->bus, u->unit, &asked)
                             : unit_cgroup_path(m->bus, u->unit, &asked);
                if (r < 0)
                        return r;
                path = asked;
        }
        if (!path[0] && unit_caps_is_empty(u)) {
                /* Gone from systemd with its caps (its unit file
                 * removed): the paths armed for it go too. */
                if (gone_later)
                        return 1;
                r = manager_disarm_stale(m, u->unit, NULL);
                return r < 0 && r != -ENOPKG ? r : 0;
        }
        if (!path[0])
                return 0;       /* systemd does not know it now */
        if (!template && manager_cgroup_governs_self(m, path))
                return -EDEADLK;
        r = manager_arm_unit(m, path, u, true, NULL);
        if (r >= 0 && template)
                r = manager_apply_instances(m, u->unit);
        return r;
}

int manager_apply_unit_caps_at(Manager *m, const UnitCaps *u, const char *cgroup) {
        return apply_unit_caps(m, u, cgroup, false);
}

int manager_apply_unit_caps(Manager *m, const UnitCaps *u) {
        return manager_apply_unit_caps_at(m, u, NULL);
}

int manager_drop_unit_caps(Manager *m, const char *unit) {
        const UnitCaps none = { .unit = (char *) unit, .heap_max = RESCAP_NO_CAP, .fd_max = RESCAP_NO_CAP };

        return apply_unit_caps(m, &none, NULL, true);
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

/* A unit's file in one of rescapd's layers, as it was before a change. */
typedef struct LayerFile {
        const char *dir;
        UnitCaps caps;
        unsigned keys;
} LayerFile;

static int layer_read(const char *dir, const char *unit, LayerFile *ret, sd_bus_error *error) {
        unsigned line = 0;
        int r;

        *ret = (LayerFile) { .dir = dir, .caps.unit = (char *) unit };
        r = unit_caps_read(dir, unit, &ret->caps, &ret->keys, &line);
        ret->caps.unit = (char *) unit;
        if (r == -EINVAL)
                return sd_bus_error_setf(error, RESCAP_ERROR_BAD_SETTINGS,
                                         "%s/%s.conf:%u does not parse: fix or remove it first", dir, unit, line);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot read %s/%s.conf: %s", dir, unit, strerror(-r));
        return 0;
}

static int layer_write(const LayerFile *f, sd_bus_error *error) {
        int r = unit_caps_save(f->dir, &f->caps, f->keys);

        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot write the caps of %s under %s: %s",
                                               f->caps.unit, f->dir, strerror(-r));
        return 0;
}

int manager_set_unit_caps(Manager *m, const char *group, const rk_caps *caps, bool reset, bool runtime,
                          const rk_caller *caller, sd_bus_error *error) {
        _cleanup_free_ char *unit = NULL, *cgroup = NULL, *path = NULL;
        LayerFile old[2] = {}, new[2];
        UnitConfig c = {};
        size_t n = 0, written = 0;
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

        r = unit_name_is_template(unit) ? template_cgroup_pattern(m->bus, unit, &path)
                                        : unit_cgroup_path(m->bus, unit, &path);
        if (r >= 0 && !path[0] && unit_name_is_template(unit) && !unit_caps_find(&m->units, unit))
                return sd_bus_error_setf(error, RESCAP_ERROR_NO_SUCH_UNIT, "no template %s", unit);
        if (r >= 0 && path[0] && manager_cgroup_governs_self(m, path))
                return sd_bus_error_setf(error, RESCAP_ERROR_NOT_SUPPORTED,
                                         "%s would govern rescapd itself (in %s), and the kernel refuses "
                                         "every change from a governed process", subject, m->self_cgroup);
        if (r < 0)
                return manager_kernel_error(m, error, r, subject);

        /* The files: a reset removes both of rescapd's; a change sets the
         * keys given in the one of its layer, over what that file says. */
        if (reset || !runtime)
                r = layer_read(m->conf_dir, unit, &old[n++], error);
        if (r >= 0 && (reset || runtime))
                r = layer_read(m->runtime_dir, unit, &old[n++], error);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                UnitCaps *u = &new[i].caps;

                new[i] = old[i];
                if (reset) {
                        new[i].keys = 0;
                        continue;
                }
                if (caps->has_heap)
                        u->heap_max = caps->heap;
                if (caps->has_fds)
                        u->fd_max = caps->fds;
                if (caps->has_action)
                        u->action = caps->action;
                if (caps->has_soft_pct)
                        u->soft_pct = caps->soft_pct;
                new[i].keys |= (caps->has_heap ? 1U << UNIT_CAPS_HEAP_MAX : 0) |
                               (caps->has_fds ? 1U << UNIT_CAPS_FD_MAX : 0) |
                               (caps->has_action ? 1U << UNIT_CAPS_ACTION : 0) |
                               (caps->has_soft_pct ? 1U << UNIT_CAPS_SOFT_PERCENT : 0);
        }

        /* The kernel judges the caller before anything changes; it judges
         * it again when it arms the unit's path. */
        r = manager_kernel_request_check(m, rk_may_change(m->link, caller));
        if (r < 0)
                return manager_kernel_error(m, error, r, subject);
        for (; written < n; written++) {
                r = layer_write(&new[written], error);
                if (r < 0)
                        goto rollback;
        }
        r = manager_unit_config(m, unit, &c);
        if (r < 0) {
                sd_bus_error_set_errnof(error, -r, "cannot read the caps of %s: %s", unit, strerror(-r));
                goto rollback;
        }
        if (path[0])
                r = manager_arm_unit(m, path, &c.caps, caps->force, caller);
        else if (unit_caps_is_empty(&c.caps))
                r = manager_disarm_stale(m, unit, caller);
        if (r < 0) {
                manager_kernel_error(m, error, r, subject);
                goto rollback;
        }

        existed = unit_caps_find(&m->units, unit);
        if (unit_caps_is_empty(&c.caps))
                unit_caps_list_drop(&m->units, unit);
        else if (unit_caps_list_put(&m->units, &c.caps) < 0) {
                r = -ENOMEM;
                sd_bus_error_set_errno(error, ENOMEM);
                goto rollback;
        }
        unit_config_free(&c);
        bus_unit_caps_changed(m, unit, existed);
        /* The template's instances that run now, with their own caps. */
        if (unit_name_is_template(unit) && path[0])
                (void) manager_apply_instances(m, unit);
        return 0;

rollback:
        /* The files back as they were, and the kernel with them. */
        unit_config_free(&c);
        while (written-- > 0)
                (void) layer_write(&old[written], NULL);
        if (path[0]) {
                const UnitCaps *have = unit_caps_find(&m->units, unit);
                const UnitCaps none = { .unit = unit, .heap_max = RESCAP_NO_CAP, .fd_max = RESCAP_NO_CAP };

                (void) manager_arm_unit(m, path, have ?: &none, true, NULL);
        }
        return r;
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
