/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd's bus object: org.rescap1.Manager at /org/rescap1 and the unit
 * objects org.rescap1.Unit under /org/rescap1/unit. The contract is
 * dbus/org.rescap1.Manager.xml and dbus/org.rescap1.Unit.xml, documented
 * in org.rescap1(5).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rescapd.h"
#include "rescapd-errors.h"

#define POLKIT_ACTION_MANAGE "org.rescap1.manage"

/* Larger than any x86-64 address space (57-bit with 5-level paging). */
#define HEAP_CAP_MAX (1ULL << 57)
/* The kernel's fs.nr_open cannot exceed INT_MAX. */
#define FD_CAP_MAX ((uint64_t) INT_MAX)

#define KILLED_SIG     "u" "s" "u" "s" "s" "s" "t" "t" "s"
#define CAPWARNING_SIG KILLED_SIG "s"
#define EXITED_SIG     "u" "s" "u" "s" "s" "t" "t"
#define TOP_SIG        "a(ust)"
#define SAMPLE_SIG     "t" "d" "t" "t" "d" "d" "d" "t" "t" "u" "u" TOP_SIG TOP_SIG
#define FETCH_SIG      "u" "s" "s" "u" "b" "t" "t" "t" "t" "t" "t" "t" "s" "u" "t" "s" "s"
#define LIST_ENTRY_SIG "(" "u" "s" "u" "t" "t" "t" "t" "s" "s" "s" ")"
#define UNIT_ENTRY_SIG "(" "s" "s" "o" "t" "t" ")"

#define REGISTER_FLAG_NO_INHERIT UINT64_C(1)
#define SETCAP_FLAG_FORCE UINT64_C(1)

/* ---- authorization ---- */

static int sender_uid(sd_bus_message *msg, uid_t *ret) {
        sd_bus_creds *creds = NULL;
        int r;

        r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID | SD_BUS_CREDS_UID | SD_BUS_CREDS_AUGMENT, &creds);
        if (r < 0)
                return r;
        r = sd_bus_creds_get_euid(creds, ret);
        if (r < 0)
                r = sd_bus_creds_get_uid(creds, ret);
        sd_bus_creds_unref(creds);
        return r;
}

/* polkit's answer for the sender: 1 authorized, 0 not (or no polkit). */
static int polkit_check(sd_bus_message *msg) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *req = NULL, *reply = NULL;
        sd_bus *bus = sd_bus_message_get_bus(msg);
        int authorized = 0, challenge = 0, r;
        uint32_t flags = sd_bus_message_get_allow_interactive_authorization(msg) > 0 ? 1 : 0;

        r = sd_bus_message_new_method_call(bus, &req, "org.freedesktop.PolicyKit1",
                                           "/org/freedesktop/PolicyKit1/Authority",
                                           "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
        if (r >= 0)
                r = sd_bus_message_append(req, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s",
                                          sd_bus_message_get_sender(msg), POLKIT_ACTION_MANAGE, 0,
                                          flags, "");
        if (r >= 0)
                r = sd_bus_call(bus, req, 0, &e, &reply);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
        if (r >= 0)
                r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
        /* No polkit (ServiceUnknown, NameHasNoOwner, ...): root only. */
        if (r < 0 && !sd_bus_error_has_names(&e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                fprintf(stderr, "rescapd: polkit's CheckAuthorization failed: %s\n",
                        e.message ?: strerror(-r));
        sd_bus_error_free(&e);
        sd_bus_message_unref(req);
        sd_bus_message_unref(reply);
        return r >= 0 && authorized;
}

/* Root, the owner of the process concerned (owner != UID_INVALID, for
 * reads), or polkit's org.rescap1.manage. */
static int authorize(sd_bus_message *msg, uid_t owner, sd_bus_error *error) {
        uid_t uid;
        int r;

        r = sender_uid(msg, &uid);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "cannot tell who is calling: %s", strerror(-r));
        if (uid == 0 || (owner != (uid_t) -1 && owner == uid))
                return 0;
        if (polkit_check(msg))
                return 0;
        return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                 "root or the polkit action %s is needed", POLKIT_ACTION_MANAGE);
}

/* ---- errors ---- */

/* A failed kernel request about subject ("fetch 123", "caps on x.service")
 * as a named error; "not loaded" found out on the way is KernelUnavailable. */
static int kernel_error_on(Manager *m, sd_bus_error *error, int r, const char *subject) {
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

static int kernel_error(Manager *m, sd_bus_error *error, int r, const char *what, uint32_t pid) {
        char subject[64];

        snprintf(subject, sizeof(subject), "%s %" PRIu32, what, pid);
        return kernel_error_on(m, error, r, subject);
}

static int check_pid(uint32_t pid, sd_bus_error *error) {
        if (pid == 0 || pid > INT32_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "%" PRIu32 " is not a process id", pid);
        return 0;
}

static int check_caps(const rk_caps *c, sd_bus_error *error) {
        if (c->has_heap && c->heap == 0)
                return sd_bus_error_set(error, RESCAP_ERROR_INVALID_CAP,
                                        "a heap cap of 0 is no cap; UINT64_MAX (infinity) lifts it");
        if (c->has_heap && c->heap != RESCAP_NO_CAP && c->heap > HEAP_CAP_MAX)
                return sd_bus_error_setf(error, RESCAP_ERROR_INVALID_CAP,
                                         "a heap cap of %" PRIu64 " bytes is larger than any address space "
                                         "(UINT64_MAX for none)", c->heap);
        if (c->has_fds && c->fds == 0)
                return sd_bus_error_set(error, RESCAP_ERROR_INVALID_CAP,
                                        "an fd cap of 0 is no cap; UINT64_MAX (infinity) lifts it");
        if (c->has_fds && c->fds != RESCAP_NO_CAP && c->fds > FD_CAP_MAX)
                return sd_bus_error_setf(error, RESCAP_ERROR_INVALID_CAP,
                                         "an fd cap of %" PRIu64 " is more than a process can open "
                                         "(UINT64_MAX for none)", c->fds);
        if (c->has_soft_pct && c->soft_pct > 99)
                return sd_bus_error_setf(error, RESCAP_ERROR_INVALID_CAP,
                                         "a soft threshold of %" PRIu32 "%% (0 for none, 1 to 99)", c->soft_pct);
        return 0;
}

/* ---- processes ---- */

/* Before a change of what the kernel keeps for a process: a caller allowed
 * to change it and a kernel to ask. */
static int may_change(sd_bus_message *msg, Manager *m, const char *what, uint32_t pid, sd_bus_error *error) {
        int r = authorize(msg, (uid_t) -1, error);

        if (r >= 0 && !m->link)
                r = kernel_error(m, error, -ENOPKG, what, pid);
        return r;
}

static int read_cap_options(sd_bus_message *msg, rk_caps *caps, bool may_be_empty, sd_bus_error *error);

/* Register, RegisterPIDFD and RegisterWithOptions (caps not NULL: the
 * process is tracked with them from the first moment). */
static int method_register_common(sd_bus_message *msg, Manager *m, rk_target t, uint64_t flags,
                                  const rk_caps *caps, sd_bus_error *error) {
        uint32_t kflags = 0;
        int r;

        if (flags & ~REGISTER_FLAG_NO_INHERIT)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "unknown flags 0x%" PRIx64,
                                         (uint64_t) (flags & ~REGISTER_FLAG_NO_INHERIT));
        if (flags & REGISTER_FLAG_NO_INHERIT)
                kflags |= RESCAP_REGISTER_FLAGS_NO_INHERIT;
        r = caps ? check_caps(caps, error) : 0;
        if (r >= 0)
                r = may_change(msg, m, "register", (uint32_t) t.pid, error);
        if (r < 0)
                return r;
        r = rk_register(m->link, t, kflags, caps);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, RESCAP_ERROR_NOT_TRACKABLE,
                                         "process %" PRIu32 " cannot be tracked (pid 1 and kernel threads never are)",
                                         (uint32_t) t.pid);
        if (r < 0)
                return kernel_error(m, error, r, "register", (uint32_t) t.pid);
        return sd_bus_reply_method_return(msg, NULL);
}

/* Register(u pid, t flags) and RegisterWithOptions(u pid, t flags, a{sv}
 * options): the member says whether the options follow. */
static int method_register(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const bool options = strcmp(sd_bus_message_get_member(msg), "RegisterWithOptions") == 0;
        rk_caps caps = {};
        uint64_t flags;
        uint32_t pid;
        int r;

        r = sd_bus_message_read(msg, "ut", &pid, &flags);
        if (r >= 0 && options)
                r = read_cap_options(msg, &caps, true, error);
        if (r >= 0)
                r = check_pid(pid, error);
        if (r < 0)
                return r;
        return method_register_common(msg, userdata, (rk_target) { .pid = (pid_t) pid, .pidfd = -1 },
                                      flags, options ? &caps : NULL, error);
}

static int method_register_pidfd(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint64_t flags;
        int fd, r;

        r = sd_bus_message_read(msg, "ht", &fd, &flags);
        if (r < 0)
                return r;
        /* The kernel reads the pidfd in our fd table: sd-bus keeps it open
         * for the life of the message. */
        return method_register_common(msg, userdata, (rk_target) { .pid = 0, .pidfd = fd }, flags, NULL, error);
}

/* deregister and reset: one pid, no reply data. */
static int method_pid_op(sd_bus_message *msg, Manager *m, sd_bus_error *error,
                         int (*op)(rk_link *, rk_target), const char *what) {
        uint32_t pid;
        int r;

        r = sd_bus_message_read(msg, "u", &pid);
        if (r < 0)
                return r;
        r = check_pid(pid, error);
        if (r >= 0)
                r = may_change(msg, m, what, pid, error);
        if (r < 0)
                return r;
        r = op(m->link, (rk_target) { .pid = (pid_t) pid, .pidfd = -1 });
        if (r < 0)
                return kernel_error(m, error, r, what, pid);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_deregister(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return method_pid_op(msg, userdata, error, rk_deregister, "deregister");
}

static int method_reset(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return method_pid_op(msg, userdata, error, rk_reset, "reset");
}

static int method_fetch(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        char unit[256];
        uint32_t pid;
        rk_proc *p;
        int r;

        r = sd_bus_message_read(msg, "u", &pid);
        if (r < 0)
                return r;
        r = check_pid(pid, error);
        if (r < 0)
                return r;
        if (!m->link)
                return kernel_error(m, error, -ENOPKG, "fetch", pid);
        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        r = rk_get(m->link, (rk_target) { .pid = (pid_t) pid, .pidfd = -1 }, p);
        if (r < 0) {
                r = kernel_error(m, error, r, "fetch", pid);
                goto out;
        }
        /* Anyone may read their own processes. Others' are hidden as the
         * kernel hides them: after the lookup, so a refusal does not tell
         * whether the process is tracked. */
        r = authorize(msg, p->uid, error);
        if (r < 0)
                goto out;
        if (unit_from_cgroup_path(p->cgroup_path, unit, sizeof(unit)) < 0)
                unit[0] = 0;
        r = sd_bus_reply_method_return(msg, FETCH_SIG, p->pid, p->comm, (char[]) { p->state ?: '?', 0 },
                                       p->uid, !(p->flags & RESCAP_REGISTER_FLAGS_NO_INHERIT),
                                       p->heap, p->heap_peak, p->heap_cap, p->rss_anon,
                                       p->fds, p->fds_peak, p->fd_cap,
                                       rk_action_name(p->action), p->soft_pct, p->cgroup_id,
                                       p->cgroup_path, unit);
out:
        free(p);
        return r;
}

static int set_caps(sd_bus_message *msg, Manager *m, uint32_t pid, const rk_caps *caps, sd_bus_error *error) {
        int r;

        r = check_pid(pid, error);
        if (r >= 0)
                r = check_caps(caps, error);
        if (r >= 0)
                r = may_change(msg, m, "set caps of", pid, error);
        if (r < 0)
                return r;
        r = rk_set_caps(m->link, (rk_target) { .pid = (pid_t) pid, .pidfd = -1 }, caps);
        if (r < 0)
                return kernel_error(m, error, r, "set caps of", pid);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_set_cap(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        rk_caps caps = { .has_heap = true, .has_fds = true };
        uint32_t pid;
        int r;

        r = sd_bus_message_read(msg, "utt", &pid, &caps.heap, &caps.fds);
        if (r < 0)
                return r;
        return set_caps(msg, userdata, pid, &caps, error);
}

/* The options dictionary of SetCapWithOptions and SetUnitCapWithOptions:
 * HeapMax (t), FDMax (t), Action (s), SoftPercent (u), Force (b); a key
 * left out leaves that setting as it is. */
static int read_cap_options(sd_bus_message *msg, rk_caps *caps, bool may_be_empty, sd_bus_error *error) {
        const char *key;
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                if (strcmp(key, "HeapMax") == 0) {
                        r = sd_bus_message_read(msg, "v", "t", &caps->heap);
                        caps->has_heap = true;
                } else if (strcmp(key, "FDMax") == 0) {
                        r = sd_bus_message_read(msg, "v", "t", &caps->fds);
                        caps->has_fds = true;
                } else if (strcmp(key, "Action") == 0) {
                        const char *a;

                        r = sd_bus_message_read(msg, "v", "s", &a);
                        if (r >= 0 && rk_action_from_name(a, &caps->action) < 0)
                                return sd_bus_error_setf(error, RESCAP_ERROR_INVALID_CAP,
                                                         "unknown action '%s' (kill, deny or notify)", a);
                        caps->has_action = true;
                } else if (strcmp(key, "SoftPercent") == 0) {
                        r = sd_bus_message_read(msg, "v", "u", &caps->soft_pct);
                        caps->has_soft_pct = true;
                } else if (strcmp(key, "Force") == 0) {
                        int b;

                        r = sd_bus_message_read(msg, "v", "b", &b);
                        caps->force = b;
                } else
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "unknown option '%s' (HeapMax, FDMax, Action, SoftPercent, Force)",
                                                 key);
                if (r < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "option '%s' has the wrong type", key);
                r = sd_bus_message_exit_container(msg);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(msg);
        if (r < 0)
                return r;
        if (!may_be_empty && !caps->has_heap && !caps->has_fds && !caps->has_action && !caps->has_soft_pct)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "nothing to set (HeapMax, FDMax, Action, SoftPercent)");
        return 0;
}

static int method_set_cap_with_options(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        rk_caps caps = {};
        uint32_t pid;
        int r;

        r = sd_bus_message_read(msg, "u", &pid);
        if (r < 0)
                return r;
        r = read_cap_options(msg, &caps, false, error);
        if (r < 0)
                return r;
        return set_caps(msg, userdata, pid, &caps, error);
}

struct list_ctx {
        sd_bus_message *reply;
        uid_t uid;
};

static int list_cb(const rk_proc *p, void *userdata) {
        struct list_ctx *c = userdata;
        char unit[256];

        if (c->uid != 0 && p->uid != c->uid)
                return 0;
        if (unit_from_cgroup_path(p->cgroup_path, unit, sizeof(unit)) < 0)
                unit[0] = 0;
        return sd_bus_message_append(c->reply, LIST_ENTRY_SIG, p->pid, p->comm, p->uid, p->heap, p->heap_cap,
                                     p->fds, p->fd_cap, rk_action_name(p->action), p->cgroup_path, unit);
}

static int method_list(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        struct list_ctx c = {};
        int r;

        /* Everyone sees their own processes; root sees all. */
        r = sender_uid(msg, &c.uid);
        if (r < 0)
                return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "cannot tell who is calling");
        if (!m->link)
                return kernel_error(m, error, -ENOPKG, "list", 0);
        r = sd_bus_message_new_method_return(msg, &c.reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(c.reply, 'a', LIST_ENTRY_SIG);
        if (r >= 0) {
                r = rk_dump(m->link, list_cb, &c);
                if (r < 0) {
                        sd_bus_message_unref(c.reply);
                        return kernel_error(m, error, r, "list", 0);
                }
                r = sd_bus_message_close_container(c.reply);
        }
        if (r >= 0)
                r = sd_bus_send(NULL, c.reply, NULL);
        sd_bus_message_unref(c.reply);
        return r;
}

/* ---- subscriptions ---- */

bool bus_manager_has_subscribers(Manager *m) {
        return m->subscribers && sd_bus_track_count(m->subscribers) > 0;
}

/* sd-bus calls this while the track is empty: drop it, as systemd's
 * manager does, and create it again at the next Subscribe. */
static int on_subscribers_gone(sd_bus_track *t, void *userdata) {
        Manager *m = userdata;

        (void) t;
        m->subscribers = sd_bus_track_unref(m->subscribers);
        return manager_update_sample_timer(m);
}

static int method_subscribe(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        int r;

        if (!m->subscribers) {
                r = sd_bus_track_new(m->bus, &m->subscribers, on_subscribers_gone, m);
                if (r < 0)
                        return r;
        }
        r = sd_bus_track_add_sender(m->subscribers, msg);
        if (r < 0)
                return r;
        if (r == 0)
                return sd_bus_error_set(error, RESCAP_ERROR_ALREADY_SUBSCRIBED, "already subscribed");
        r = manager_update_sample_timer(m);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_unsubscribe(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        int r;

        r = m->subscribers ? sd_bus_track_remove_sender(m->subscribers, msg) : 0;
        if (r < 0)
                return r;
        if (r == 0)
                return sd_bus_error_set(error, RESCAP_ERROR_NOT_SUBSCRIBED, "not subscribed");
        r = manager_update_sample_timer(m);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

/* ---- groups: systemd units and cgroup paths ---- */

static int unit_object_path(const char *unit, char **ret) {
        return sd_bus_path_encode(RESCAPD_UNIT_PREFIX, unit, ret);
}

static int method_get_unit(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        char *unit = NULL, *cgroup = NULL, *path = NULL;
        const char *group;
        int r;

        r = sd_bus_message_read(msg, "s", &group);
        if (r < 0)
                return r;
        r = group_resolve(m->bus, CGROUP_ROOT, group, &unit, &cgroup, error);
        if (r < 0)
                return r;
        if (!unit[0])
                r = sd_bus_error_setf(error, RESCAP_ERROR_NO_SUCH_UNIT, "cgroup %s belongs to no unit", group);
        else
                r = unit_object_path(unit, &path);
        if (r >= 0)
                r = sd_bus_reply_method_return(msg, "o", path);
        free(unit);
        free(cgroup);
        free(path);
        return r;
}

static int method_list_units(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        sd_bus_message *reply = NULL;
        Manager *m = userdata;
        int r;

        (void) error;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', UNIT_ENTRY_SIG);
        for (size_t i = 0; r >= 0 && i < m->units.n; i++) {
                const UnitCaps *u = &m->units.items[i];
                char *path = NULL, *unit = NULL, *cgroup = NULL;
                sd_bus_error e = SD_BUS_ERROR_NULL;

                r = unit_object_path(u->unit, &path);
                if (r < 0)
                        break;
                /* A unit not loaded now has no cgroup: "". */
                (void) group_resolve(m->bus, CGROUP_ROOT, u->unit, &unit, &cgroup, &e);
                sd_bus_error_free(&e);
                r = sd_bus_message_append(reply, UNIT_ENTRY_SIG, u->unit, cgroup ?: "", path,
                                          u->heap_max, u->fd_max);
                free(path);
                free(unit);
                free(cgroup);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

/* Whether a cgroup path is the own cgroup of the unit it names. */
static bool path_is_unit_cgroup(Manager *m, const char *unit, const char *path) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        char *u2 = NULL, *cgroup = NULL;
        bool ret;

        ret = unit[0] && group_resolve(m->bus, CGROUP_ROOT, unit, &u2, &cgroup, &e) >= 0 &&
              strcmp(cgroup, path) == 0;
        sd_bus_error_free(&e);
        free(u2);
        free(cgroup);
        return ret;
}

static void unit_caps_changed(Manager *m, const char *unit) {
        char *path = NULL;

        if (unit_object_path(unit, &path) >= 0)
                (void) sd_bus_emit_properties_changed(m->bus, path, RESCAPD_UNIT_IFACE, "HeapMax", "FDMax", NULL);
        free(path);
}

/* Caps on a unit, named by its name or its own cgroup's path: merged with
 * the caps it has, applied to its cgroup while it runs, persisted under
 * the configuration directory and re-applied at each start. Any other
 * cgroup path gets them in the kernel only, for as long as it exists.
 * Nothing is persisted that the kernel refused. */
static int set_unit_caps(sd_bus_message *msg, Manager *m, const char *group, const rk_caps *caps,
                         bool reset, sd_bus_error *error) {
        UnitCaps u = { .heap_max = RESCAP_NO_CAP, .fd_max = RESCAP_NO_CAP }, old;
        char *unit = NULL, *cgroup = NULL, subject[300];
        const UnitCaps *have;
        int r;

        r = check_caps(caps, error);
        if (r < 0)
                return r;
        r = authorize(msg, (uid_t) -1, error);
        if (r < 0)
                return r;
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
                goto out;
        snprintf(subject, sizeof(subject), "caps on %s", group);
        if (!m->link) {
                r = kernel_error_on(m, error, -ENOPKG, subject);
                goto out;
        }
        if (cgroup[0] && manager_cgroup_governs_self(m, cgroup)) {
                r = sd_bus_error_setf(error, RESCAP_ERROR_NOT_SUPPORTED,
                                      "%s would govern rescapd itself (in %s), and the kernel refuses "
                                      "every change from a governed process", subject, m->self_cgroup);
                goto out;
        }

        if (group[0] == '/' && !path_is_unit_cgroup(m, unit, group)) {
                /* A cgroup of no unit's own: the kernel merges the change. */
                r = manager_cgroup_request(m, cgroup, reset ? NULL : caps);
                if (r < 0)
                        r = kernel_error_on(m, error, r == -ENOENT && !reset ? -ENOMEDIUM : r, subject);
                goto out;
        }

        have = unit_caps_find(&m->units, unit);
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
        if (cgroup[0]) {
                r = manager_apply_cgroup_caps(m, cgroup, &u, caps->force);
                if (r == -ENOENT)       /* stopped since systemd answered */
                        r = 0;
                if (r < 0) {
                        r = kernel_error_on(m, error, r, subject);
                        goto out;
                }
        }
        r = unit_caps_is_empty(&u) ? unit_caps_remove(m->conf_dir, unit) : unit_caps_save(m->conf_dir, &u);
        if (r >= 0)
                r = unit_caps_is_empty(&u) ? (unit_caps_list_drop(&m->units, unit), 0)
                                           : unit_caps_list_put(&m->units, &u);
        if (r < 0) {
                /* Back to what the file says. */
                if (cgroup[0])
                        (void) manager_apply_cgroup_caps(m, cgroup, &old, true);
                r = sd_bus_error_set_errnof(error, -r, "cannot persist the caps of %s under %s: %s",
                                            unit, m->conf_dir, strerror(-r));
                goto out;
        }
        unit_caps_changed(m, unit);
out:
        free(unit);
        free(cgroup);
        return r;
}

/* SetUnitCap(s group, t heap_max, t fd_max), SetUnitCapWithOptions(s group,
 * a{sv} options) and ResetUnit(s group). */
static int method_unit_caps(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *member = sd_bus_message_get_member(msg), *group;
        rk_caps caps = {};
        int r;

        r = sd_bus_message_read(msg, "s", &group);
        if (r >= 0 && strcmp(member, "SetUnitCap") == 0) {
                caps.has_heap = caps.has_fds = true;
                r = sd_bus_message_read(msg, "tt", &caps.heap, &caps.fds);
        } else if (r >= 0 && strcmp(member, "SetUnitCapWithOptions") == 0)
                r = read_cap_options(msg, &caps, false, error);
        if (r >= 0)
                r = set_unit_caps(msg, userdata, group, &caps, strcmp(member, "ResetUnit") == 0, error);
        return r < 0 ? r : sd_bus_reply_method_return(msg, NULL);
}

/* ---- Manager properties ---- */

static int property_get_backend(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        (void) bus; (void) path; (void) interface; (void) property; (void) error;
        return sd_bus_message_append(reply, "s", m->backend);
}

static int property_get_tracked(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        (void) bus; (void) path; (void) interface; (void) property; (void) error;
        return sd_bus_message_append(reply, "u", manager_tracked(userdata));
}

static int property_get_sample_interval(sd_bus *bus, const char *path, const char *interface,
                                        const char *property, sd_bus_message *reply, void *userdata,
                                        sd_bus_error *error) {
        Manager *m = userdata;

        (void) bus; (void) path; (void) interface; (void) property; (void) error;
        return sd_bus_message_append(reply, "t", m->sample_interval_usec);
}

/* userdata is the Manager: with an offset, sd-bus would pass the field. */
static int property_set_sample_interval(sd_bus *bus, const char *path, const char *interface,
                                        const char *property, sd_bus_message *value, void *userdata,
                                        sd_bus_error *error) {
        Manager *m = userdata;
        uint64_t v;
        int r;

        (void) bus; (void) path; (void) interface; (void) property;
        r = sd_bus_message_read(value, "t", &v);
        if (r < 0)
                return r;
        if (v < SAMPLE_INTERVAL_MIN_USEC || v > SAMPLE_INTERVAL_MAX_USEC)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "a sample interval of %" PRIu64 " us (100000 to 3600000000)", v);
        /* value is the Set call itself, read up to the variant. */
        r = authorize(value, (uid_t) -1, error);
        if (r < 0)
                return r;
        m->sample_interval_usec = v;
        if (m->sample_timer && sd_event_source_get_enabled(m->sample_timer, NULL) > 0)
                (void) sd_event_source_set_time_relative(m->sample_timer, v);
        return sd_bus_emit_properties_changed(m->bus, RESCAPD_OBJECT_PATH, RESCAPD_MANAGER_IFACE,
                                              "SampleIntervalUSec", NULL);
}

static const char version[] = RESCAP_VERSION_STRING;

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        (void) bus; (void) path; (void) interface; (void) property; (void) userdata; (void) error;
        return sd_bus_message_append(reply, "s", version);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Backend", "s", property_get_backend, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Tracked", "u", property_get_tracked, 0, 0),
        SD_BUS_PROPERTY("Kills", "t", NULL, offsetof(Manager, kills), 0),
        SD_BUS_WRITABLE_PROPERTY("SampleIntervalUSec", "t", property_get_sample_interval,
                                 property_set_sample_interval, 0,
                                 SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),

        SD_BUS_METHOD_WITH_ARGS("Register", SD_BUS_ARGS("u", pid, "t", flags), SD_BUS_NO_RESULT,
                                method_register, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RegisterPIDFD", SD_BUS_ARGS("h", pidfd, "t", flags), SD_BUS_NO_RESULT,
                                method_register_pidfd, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RegisterWithOptions", SD_BUS_ARGS("u", pid, "t", flags, "a{sv}", options),
                                SD_BUS_NO_RESULT, method_register, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Deregister", SD_BUS_ARGS("u", pid), SD_BUS_NO_RESULT,
                                method_deregister, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Fetch", SD_BUS_ARGS("u", pid),
                                SD_BUS_RESULT("u", pid, "s", comm, "s", state, "u", uid, "b", inherit,
                                              "t", heap, "t", heap_peak, "t", heap_max, "t", rss_anon,
                                              "t", fds, "t", fds_peak, "t", fd_max, "s", action,
                                              "u", soft_percent, "t", cgroup_id, "s", cgroup, "s", unit),
                                method_fetch, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetCap", SD_BUS_ARGS("u", pid, "t", heap_max, "t", fd_max), SD_BUS_NO_RESULT,
                                method_set_cap, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetCapWithOptions", SD_BUS_ARGS("u", pid, "a{sv}", options), SD_BUS_NO_RESULT,
                                method_set_cap_with_options, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Reset", SD_BUS_ARGS("u", pid), SD_BUS_NO_RESULT,
                                method_reset, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("List", SD_BUS_NO_ARGS, SD_BUS_RESULT("a" LIST_ENTRY_SIG, processes),
                                method_list, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Subscribe", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                method_subscribe, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Unsubscribe", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                method_unsubscribe, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetUnit", SD_BUS_ARGS("s", group), SD_BUS_RESULT("o", unit),
                                method_get_unit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListUnits", SD_BUS_NO_ARGS, SD_BUS_RESULT("a" UNIT_ENTRY_SIG, units),
                                method_list_units, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetUnitCap", SD_BUS_ARGS("s", group, "t", heap_max, "t", fd_max),
                                SD_BUS_NO_RESULT, method_unit_caps, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetUnitCapWithOptions", SD_BUS_ARGS("s", group, "a{sv}", options),
                                SD_BUS_NO_RESULT, method_unit_caps, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ResetUnit", SD_BUS_ARGS("s", group), SD_BUS_NO_RESULT,
                                method_unit_caps, SD_BUS_VTABLE_UNPRIVILEGED),

        SD_BUS_SIGNAL_WITH_ARGS("Killed",
                                SD_BUS_ARGS("u", pid, "s", comm, "u", uid, "s", cgroup, "s", unit,
                                            "s", resource, "t", usage, "t", cap, "s", action), 0),
        SD_BUS_SIGNAL_WITH_ARGS("CapWarning",
                                SD_BUS_ARGS("u", pid, "s", comm, "u", uid, "s", cgroup, "s", unit,
                                            "s", resource, "t", usage, "t", cap, "s", action, "s", kind), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Exited",
                                SD_BUS_ARGS("u", pid, "s", comm, "u", uid, "s", cgroup, "s", unit,
                                            "t", heap_peak, "t", fds_peak), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Sample",
                                SD_BUS_ARGS("t", timestamp, "d", cpu_percent, "t", memory_used,
                                            "t", memory_total, "d", load1, "d", load5, "d", load15,
                                            "t", net_rx_bps, "t", net_tx_bps, "u", processes, "u", tracked,
                                            TOP_SIG, top_heap, TOP_SIG, top_fds), 0),
        SD_BUS_VTABLE_END
};

/* ---- unit objects ---- */

static int unit_from_path(const char *path, char **ret) {
        char *unit = NULL;
        int r;

        r = sd_bus_path_decode(path, RESCAPD_UNIT_PREFIX, &unit);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        if (!unit_name_is_valid(unit)) {
                free(unit);
                return -ENOENT;
        }
        *ret = unit;
        return 0;
}

static int unit_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                     sd_bus_error *error) {
        char *unit;

        (void) bus; (void) interface; (void) error;
        if (unit_from_path(path, &unit) < 0)
                return 0;
        free(unit);
        *found = userdata;
        return 1;
}

static int unit_property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        char *unit = NULL, *u2 = NULL, *cgroup = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        const UnitCaps *caps;
        int r;

        (void) bus; (void) interface; (void) error;
        r = unit_from_path(path, &unit);
        if (r < 0)
                return r;
        caps = unit_caps_find(&m->units, unit);
        if (strcmp(property, "Id") == 0)
                r = sd_bus_message_append(reply, "s", unit);
        else if (strcmp(property, "HeapMax") == 0)
                r = sd_bus_message_append(reply, "t", caps ? caps->heap_max : RESCAP_NO_CAP);
        else if (strcmp(property, "FDMax") == 0)
                r = sd_bus_message_append(reply, "t", caps ? caps->fd_max : RESCAP_NO_CAP);
        else if (strcmp(property, "Kills") == 0)
                r = sd_bus_message_append(reply, "t", manager_unit_kills(m, unit));
        else {
                uint64_t heap = 0, fds = 0;

                /* A unit not running has no cgroup: "", and usage 0. */
                (void) group_resolve(m->bus, CGROUP_ROOT, unit, &u2, &cgroup, &e);
                sd_bus_error_free(&e);
                if (strcmp(property, "ControlGroup") == 0)
                        r = sd_bus_message_append(reply, "s", cgroup ?: "");
                else {
                        if (cgroup && cgroup[0]) {
                                char *dir;

                                if (asprintf(&dir, "%s%s", CGROUP_ROOT, cgroup) >= 0) {
                                        (void) cgroup_usage(dir, &heap, &fds);
                                        free(dir);
                                }
                        }
                        r = sd_bus_message_append(reply, "t", strcmp(property, "HeapCurrent") == 0 ? heap : fds);
                }
        }
        free(unit);
        free(u2);
        free(cgroup);
        return r;
}

static int unit_property_set(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *value, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        rk_caps caps = {};
        char *unit = NULL;
        uint64_t v;
        int r;

        (void) bus; (void) interface;
        r = sd_bus_message_read(value, "t", &v);
        if (r < 0)
                return r;
        r = unit_from_path(path, &unit);
        if (r < 0)
                return r;
        if (strcmp(property, "HeapMax") == 0) {
                caps.has_heap = true;
                caps.heap = v;
        } else {
                caps.has_fds = true;
                caps.fds = v;
        }
        r = set_unit_caps(value, m, unit, &caps, false, error);
        free(unit);
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
        SD_BUS_PROPERTY("HeapCurrent", "t", unit_property_get, 0, 0),
        SD_BUS_PROPERTY("FDCurrent", "t", unit_property_get, 0, 0),
        SD_BUS_PROPERTY("Kills", "t", unit_property_get, 0, 0),
        SD_BUS_VTABLE_END
};

/* ---- signals ---- */

void bus_manager_emit_event(Manager *m, const rk_proc *p) {
        char unit[256];
        int r = 0;

        if (!m->bus || !bus_manager_has_subscribers(m))
                return;
        if (unit_from_cgroup_path(p->cgroup_path, unit, sizeof(unit)) < 0)
                unit[0] = 0;
        switch (p->cmd) {
        case RESCAP_CMD_KILLED:
                r = sd_bus_emit_signal(m->bus, RESCAPD_OBJECT_PATH, RESCAPD_MANAGER_IFACE, "Killed", KILLED_SIG,
                                       p->pid, p->comm, p->uid, p->cgroup_path, unit,
                                       rk_resource_name(p->resource), p->usage, p->cap,
                                       rk_action_name(p->action));
                break;
        case RESCAP_CMD_EXCEEDED:
                r = sd_bus_emit_signal(m->bus, RESCAPD_OBJECT_PATH, RESCAPD_MANAGER_IFACE, "CapWarning",
                                       CAPWARNING_SIG, p->pid, p->comm, p->uid, p->cgroup_path, unit,
                                       rk_resource_name(p->resource), p->usage, p->cap,
                                       rk_action_name(p->action), rk_kind_name(p->kind));
                break;
        case RESCAP_CMD_EXITED:
                r = sd_bus_emit_signal(m->bus, RESCAPD_OBJECT_PATH, RESCAPD_MANAGER_IFACE, "Exited", EXITED_SIG,
                                       p->pid, p->comm, p->uid, p->cgroup_path, unit, p->heap_peak, p->fds_peak);
                break;
        }
        if (r < 0)
                fprintf(stderr, "rescapd: cannot emit a signal: %s\n", strerror(-r));
}

static int append_top(sd_bus_message *s, const TopEntry *top, size_t n) {
        int r = sd_bus_message_open_container(s, 'a', "(ust)");

        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(s, "(ust)", top[i].pid, top[i].comm, top[i].value);
        if (r >= 0)
                r = sd_bus_message_close_container(s);
        return r;
}

void bus_manager_emit_sample(Manager *m, const Sample *x) {
        sd_bus_message *s = NULL;
        int r;

        if (!m->bus || !bus_manager_has_subscribers(m))
                return;
        r = sd_bus_message_new_signal(m->bus, &s, RESCAPD_OBJECT_PATH, RESCAPD_MANAGER_IFACE, "Sample");
        if (r >= 0)
                r = sd_bus_message_append(s, "tdttdddttuu", x->timestamp_usec, x->cpu_percent, x->mem_used,
                                          x->mem_total, x->load[0], x->load[1], x->load[2], x->rx_bps,
                                          x->tx_bps, x->processes, x->tracked);
        if (r >= 0)
                r = append_top(s, x->top_heap, x->n_top_heap);
        if (r >= 0)
                r = append_top(s, x->top_fds, x->n_top_fds);
        if (r >= 0)
                r = sd_bus_send(m->bus, s, NULL);
        if (r < 0)
                fprintf(stderr, "rescapd: cannot emit a sample: %s\n", strerror(-r));
        sd_bus_message_unref(s);
}

void bus_manager_emit_backend_changed(Manager *m) {
        if (m->bus)
                (void) sd_bus_emit_properties_changed(m->bus, RESCAPD_OBJECT_PATH, RESCAPD_MANAGER_IFACE,
                                                      "Backend", NULL);
}

/* ---- setup ---- */

int bus_manager_setup(Manager *m) {
        int r;

        r = sd_bus_error_add_map(rescap_error_map);
        if (r < 0)
                return r;
        r = sd_bus_open_system(&m->bus);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(m->bus, NULL, RESCAPD_OBJECT_PATH, RESCAPD_MANAGER_IFACE,
                                     manager_vtable, m);
        if (r < 0)
                return r;
        r = sd_bus_add_fallback_vtable(m->bus, NULL, RESCAPD_UNIT_PREFIX, RESCAPD_UNIT_IFACE, unit_vtable,
                                       unit_find, m);
        if (r < 0)
                return r;
        return 0;
}
