/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd's Manager object: org.rescap1.Manager at /org/rescap1. Each
 * handler reads its arguments, calls the core (cgroupd/) or the kernel
 * link, and writes the reply. The contract is dbus/org.rescap1.xml,
 * documented in org.rescap1(5); names and signatures are in
 * bus-contract.h.
 *
 * Who may do what: every change goes to the kernel with the caller's
 * pidfd, and the kernel judges the caller (bus-auth.h). Reads: anyone
 * reads their own processes; root, and callers polkit authorizes, read
 * any. Signals go to subscribers only, each getting what it may read.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus-auth.h"
#include "bus-contract.h"
#include "bus-emit.h"
#include "bus-manager.h"
#include "cleanup.h"
#include "rescapd.h"
#include "rescapd-errors.h"
#include "sockets.h"

/* Larger than any x86-64 address space (57-bit with 5-level paging). */
#define HEAP_CAP_MAX (1ULL << 57)
/* The kernel's fs.nr_open cannot exceed INT_MAX. */
#define FD_CAP_MAX ((uint64_t) INT_MAX)

/* ---- checks ---- */

static int check_pid(uint32_t pid, sd_bus_error *error) {
        if (pid == 0 || pid > INT32_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "%" PRIu32 " is not a process id", pid);
        return 0;
}

static int check_caps(const rk_caps *c, sd_bus_error *error) {
        if (c->has_heap && c->heap < RESCAP_CAP_MIN)
                return sd_bus_error_set(error, RESCAP_ERROR_INVALID_CAP,
                                        "a heap cap of 0 is no cap; UINT64_MAX (infinity) lifts it");
        if (c->has_heap && c->heap != RESCAP_NO_CAP && c->heap > HEAP_CAP_MAX)
                return sd_bus_error_setf(error, RESCAP_ERROR_INVALID_CAP,
                                         "a heap cap of %" PRIu64 " bytes is larger than any address space "
                                         "(UINT64_MAX for none)", c->heap);
        if (c->has_fds && c->fds < RESCAP_CAP_MIN)
                return sd_bus_error_set(error, RESCAP_ERROR_INVALID_CAP,
                                        "an fd cap of 0 is no cap; UINT64_MAX (infinity) lifts it");
        if (c->has_fds && c->fds != RESCAP_NO_CAP && c->fds > FD_CAP_MAX)
                return sd_bus_error_setf(error, RESCAP_ERROR_INVALID_CAP,
                                         "an fd cap of %" PRIu64 " is more than a process can open "
                                         "(UINT64_MAX for none)", c->fds);
        if (c->has_soft_pct && c->soft_pct > RESCAP_SOFT_PCT_MAX)
                return sd_bus_error_setf(error, RESCAP_ERROR_INVALID_CAP,
                                         "a soft threshold of %" PRIu32 "%% (0 for none, 1 to %d)", c->soft_pct,
                                         RESCAP_SOFT_PCT_MAX);
        return 0;
}

static int sender_euid(sd_bus_message *msg, uid_t *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        int r;

        r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds);
        if (r >= 0)
                r = sd_bus_creds_get_euid(creds, ret);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED, "cannot tell who is calling: %s",
                                         strerror(-r));
        return 0;
}

/* ---- changes, judged by the kernel for the caller ---- */

/* Before a change: the caller, and whether polkit already said yes for
 * this very call (the handler runs again once polkit has answered). */
int bus_change_begin(sd_bus_message *msg, Manager *m, BusCaller *c, sd_bus_error *error) {
        int r;

        r = bus_caller_get(msg, c, error);
        if (r < 0)
                return r;
        /* No kernel to judge the caller: root only, as before any change
         * can be made at all. */
        if (!m->link && c->euid != 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "rescap is not loaded to judge the caller: root only (or, once it is, "
                                         "the polkit action %s)", RESCAP_BUS_POLKIT_MANAGE);
        r = bus_polkit_answer(msg, RESCAP_BUS_POLKIT_MANAGE, &m->polkit_queries, error);
        if (r < 0)
                return r;
        c->rk.authorized = r > 0;
        return 0;
}

/* After the kernel refused a change with r: for a caller that lacks
 * CAP_SYS_RESOURCE (EACCES) and is not root, polkit is asked. Returns 1
 * when the handler must return without a reply (polkit was asked), or the
 * error. Root without the capability (a sandboxed service) is refused:
 * polkit would authorize any uid 0. */
int bus_change_refused(sd_bus_message *msg, Manager *m, const BusCaller *c, int r, sd_bus_error *error) {
        if (r != -EACCES || c->rk.authorized || c->euid == 0)
                return r;
        sd_bus_error_free(error);
        r = bus_polkit_async(msg, RESCAP_BUS_POLKIT_MANAGE, &m->polkit_queries, error);
        return r == 0 ? 1 : r < 0 ? r : sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "refused");
}

static int kernel_error(Manager *m, sd_bus_error *error, int r, const char *what, uint32_t pid) {
        char subject[64];

        snprintf(subject, sizeof(subject), "%s %" PRIu32, what, pid);
        return manager_kernel_error(m, error, r, subject);
}

static int read_cap_options(sd_bus_message *msg, rk_caps *caps, bool *runtime, bool may_be_empty,
                            sd_bus_error *error);

/* The pid a pidfd names, from its fdinfo; 0 if it cannot be told. */
static pid_t pidfd_pid(int fd) {
        _cleanup_fclose_ FILE *f = NULL;
        char path[64], line[128];
        long pid = 0;

        snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
        f = fopen(path, "re");
        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "Pid: %ld", &pid) == 1)
                        break;
        return pid > 0 ? (pid_t) pid : 0;
}

/* Register, RegisterPIDFD and RegisterWithOptions (caps not NULL: the
 * process is tracked with them from the first moment). */
static int register_common(sd_bus_message *msg, Manager *m, rk_target t, uint64_t flags, const rk_caps *caps,
                           sd_bus_error *error) {
        _cleanup_(bus_caller_done) BusCaller c = BUS_CALLER_NULL;
        uint32_t kflags = 0;
        pid_t pid = t.pidfd >= 0 ? pidfd_pid(t.pidfd) : t.pid;
        int r;

        if (flags & ~RESCAP_BUS_REGISTER_NO_INHERIT)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "unknown flags 0x%" PRIx64,
                                         (uint64_t) (flags & ~RESCAP_BUS_REGISTER_NO_INHERIT));
        if (flags & RESCAP_BUS_REGISTER_NO_INHERIT)
                kflags |= RESCAP_REGISTER_FLAGS_NO_INHERIT;
        if (caps) {
                r = check_caps(caps, error);
                if (r < 0)
                        return r;
        }
        /* A tracked rescapd could change nothing any more. */
        if (pid == getpid())
                return sd_bus_error_set(error, RESCAP_ERROR_NOT_TRACKABLE,
                                        "rescapd cannot track itself: the kernel would refuse its every change");
        r = bus_change_begin(msg, m, &c, error);
        if (r < 0)
                return r;
        if (!m->link)
                return kernel_error(m, error, -ENOPKG, "register", (uint32_t) pid);
        t.caller = &c.rk;
        r = rk_register(m->link, t, kflags, caps);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, RESCAP_ERROR_NOT_TRACKABLE,
                                         "process %" PRIu32 " cannot be tracked (pid 1 and kernel threads never are)",
                                         (uint32_t) pid);
        if (r < 0)
                return bus_change_refused(msg, m, &c, kernel_error(m, error, r, "register", (uint32_t) pid), error);
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
                r = read_cap_options(msg, &caps, NULL, true, error);
        if (r >= 0)
                r = check_pid(pid, error);
        if (r < 0)
                return r;
        return register_common(msg, userdata, (rk_target) { .pid = (pid_t) pid, .pidfd = -1 }, flags,
                               options ? &caps : NULL, error);
}

static int method_register_pidfd(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint64_t flags;
        int fd, r;

        r = sd_bus_message_read(msg, "ht", &fd, &flags);
        if (r < 0)
                return r;
        /* The kernel reads the pidfd in our fd table: sd-bus keeps it open
         * for the life of the message. */
        return register_common(msg, userdata, (rk_target) { .pid = 0, .pidfd = fd }, flags, NULL, error);
}

/* Deregister, Reset, SetCap and SetCapWithOptions: one pid, no reply
 * data; caps NULL for the first two. */
static int pid_change(sd_bus_message *msg, Manager *m, uint32_t pid, const rk_caps *caps,
                      int (*op)(rk_link *, rk_target), const char *what, sd_bus_error *error) {
        _cleanup_(bus_caller_done) BusCaller c = BUS_CALLER_NULL;
        rk_target t = { .pid = (pid_t) pid, .pidfd = -1 };
        int r;

        r = check_pid(pid, error);
        if (r >= 0 && caps)
                r = check_caps(caps, error);
        if (r < 0)
                return r;
        r = bus_change_begin(msg, m, &c, error);
        if (r < 0)
                return r;
        if (!m->link)
                return kernel_error(m, error, -ENOPKG, what, pid);
        t.caller = &c.rk;
        r = caps ? rk_set_caps(m->link, t, caps) : op(m->link, t);
        if (r < 0)
                return bus_change_refused(msg, m, &c, kernel_error(m, error, r, what, pid), error);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_deregister(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint32_t pid;
        int r = sd_bus_message_read(msg, "u", &pid);

        return r < 0 ? r : pid_change(msg, userdata, pid, NULL, rk_deregister, "deregister", error);
}

static int method_reset(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        uint32_t pid;
        int r = sd_bus_message_read(msg, "u", &pid);

        return r < 0 ? r : pid_change(msg, userdata, pid, NULL, rk_reset, "reset", error);
}

static int method_set_cap(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        rk_caps caps = { .has_heap = true, .has_fds = true };
        uint32_t pid;
        int r;

        r = sd_bus_message_read(msg, "utt", &pid, &caps.heap, &caps.fds);
        if (r < 0)
                return r;
        return pid_change(msg, userdata, pid, &caps, NULL, "set caps of", error);
}

/* The options dictionary of SetCapWithOptions, RegisterWithOptions and
 * SetUnitCapWithOptions: HeapMax (t), FDMax (t), Action (s), SoftPercent
 * (u), Force (b), and for units (runtime not NULL) Runtime (b); a key left
 * out leaves that setting as it is. */
static int read_cap_options(sd_bus_message *msg, rk_caps *caps, bool *runtime, bool may_be_empty,
                            sd_bus_error *error) {
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
                } else if (runtime && strcmp(key, "Runtime") == 0) {
                        int b;

                        r = sd_bus_message_read(msg, "v", "b", &b);
                        *runtime = b;
                } else
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "unknown option '%s' (HeapMax, FDMax, Action, SoftPercent, Force%s)",
                                                 key, runtime ? ", Runtime" : "");
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
        if (r >= 0)
                r = read_cap_options(msg, &caps, NULL, false, error);
        if (r < 0)
                return r;
        return pid_change(msg, userdata, pid, &caps, NULL, "set caps of", error);
}

/* ---- reads ---- */

/* The real uid of a process from /proc, or -1. */
static uid_t process_owner(uint32_t pid) {
        _cleanup_fclose_ FILE *f = NULL;
        char path[64], line[256];
        unsigned long uid;

        snprintf(path, sizeof(path), "/proc/%" PRIu32 "/status", pid);
        f = fopen(path, "re");
        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "Uid: %lu", &uid) == 1)
                        return (uid_t) uid;
        return (uid_t) -1;
}

static int method_fetch(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ rk_proc *p = NULL;
        Manager *m = userdata;
        char unit[256];
        uint32_t pid;
        uid_t uid;
        int r, got;

        r = sd_bus_message_read(msg, "u", &pid);
        if (r >= 0)
                r = check_pid(pid, error);
        if (r >= 0)
                r = sender_euid(msg, &uid, error);
        if (r < 0)
                return r;
        if (!m->link)
                return kernel_error(m, error, -ENOPKG, "fetch", pid);
        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        got = rk_get(m->link, (rk_target) { .pid = (pid_t) pid, .pidfd = -1 }, p);
        /* Anyone reads their own processes, tracked or not. Any other pid
         * (another user's, tracked or not, or none) is the same refusal
         * unless polkit authorizes the caller: whether it exists or is
         * tracked is not told. */
        if (uid != 0 && !(got >= 0 && p->uid == uid) && !(got < 0 && process_owner(pid) == uid)) {
                r = bus_polkit_async(msg, RESCAP_BUS_POLKIT_MANAGE, &m->polkit_queries, error);
                if (r == 0)
                        return 1;
                if (r < 0 && sd_bus_error_has_name(error, SD_BUS_ERROR_ACCESS_DENIED)) {
                        sd_bus_error_free(error);
                        return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                                 "process %" PRIu32 " is not one of yours; root or the polkit "
                                                 "action %s is needed", pid, RESCAP_BUS_POLKIT_MANAGE);
                }
                if (r < 0)
                        return r;
        }
        if (got < 0)
                return kernel_error(m, error, got, "fetch", pid);
        if (unit_from_cgroup_path(p->cgroup_path, unit, sizeof(unit)) < 0)
                unit[0] = 0;
        return sd_bus_reply_method_return(msg, RESCAP_BUS_FETCH_SIG, p->pid, p->comm,
                                          (char[]) { p->state ?: '?', 0 }, p->uid,
                                          !(p->flags & RESCAP_REGISTER_FLAGS_NO_INHERIT),
                                          p->heap, p->heap_peak, p->heap_cap, p->rss_anon,
                                          p->fds, p->fds_peak, p->fd_cap,
                                          rk_action_name(p->action), p->soft_pct, p->cgroup_id,
                                          p->cgroup_path, unit);
}

/* ---- sockets (issue 16, part 4) ---- */

static int reply_sockets(sd_bus_message *msg, const pid_t *pids, size_t n, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        SockReport s;
        int r;

        r = sockets_of(pids, n, &s);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot read the socket tables: %s", strerror(-r));
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', RESCAP_BUS_SOCK_COUNT_SIG);
        for (size_t i = 0; r >= 0 && i < s.n_counts; i++)
                r = sd_bus_message_append(reply, RESCAP_BUS_SOCK_COUNT_SIG, s.counts[i].family, s.counts[i].type,
                                          s.counts[i].state, s.counts[i].count);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', RESCAP_BUS_TCP_CONN_SIG);
        for (size_t i = 0; r >= 0 && i < s.n_tcp; i++)
                r = sd_bus_message_append(reply, RESCAP_BUS_TCP_CONN_SIG, s.tcp[i].local, s.tcp[i].peer,
                                          s.tcp[i].state, s.tcp[i].bytes_sent, s.tcp[i].bytes_received);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        sock_report_done(&s);
        return r < 0 ? r : sd_bus_send(NULL, reply, NULL);
}

/* Anyone reads the sockets of their own processes; other processes and
 * units need root or polkit (who talks to whom is not everyone's). 1:
 * go on; 0: polkit's answer will call again; or a negative errno. */
static int sockets_allowed(sd_bus_message *msg, Manager *m, uid_t owner, const char *what, sd_bus_error *error) {
        uid_t uid;
        int r;

        r = sender_euid(msg, &uid, error);
        if (r < 0)
                return r;
        if (uid == 0 || (owner != (uid_t) -1 && owner == uid))
                return 1;
        r = bus_polkit_async(msg, RESCAP_BUS_POLKIT_MANAGE, &m->polkit_queries, error);
        if (r < 0 && sd_bus_error_has_name(error, SD_BUS_ERROR_ACCESS_DENIED)) {
                sd_bus_error_free(error);
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "the sockets of %s: root or the polkit action %s is needed", what,
                                         RESCAP_BUS_POLKIT_MANAGE);
        }
        return r;
}

static int method_get_sockets(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        char what[64];
        uint32_t pid;
        int r;

        r = sd_bus_message_read(msg, "u", &pid);
        if (r >= 0)
                r = check_pid(pid, error);
        if (r < 0)
                return r;
        snprintf(what, sizeof(what), "process %" PRIu32, pid);
        r = sockets_allowed(msg, userdata, process_owner(pid), what, error);
        if (r <= 0)
                return r < 0 ? r : 1;   /* polkit's answer calls again */
        if (process_owner(pid) == (uid_t) -1)
                return sd_bus_error_setf(error, RESCAP_ERROR_NO_SUCH_PROCESS, "no process %" PRIu32, pid);
        return reply_sockets(msg, (const pid_t[]) { (pid_t) pid }, 1, error);
}

/* The processes of a cgroup and of its descendants. */
static int cgroup_pids(const char *dir, pid_t **pids, size_t *n) {
        _cleanup_free_ char *procs = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        struct dirent *de;
        DIR *d;
        long pid;

        if (asprintf(&procs, "%s/cgroup.procs", dir) < 0)
                return -ENOMEM;
        f = fopen(procs, "re");
        while (f && fscanf(f, "%ld", &pid) == 1) {
                pid_t *p = realloc(*pids, (*n + 1) * sizeof(*p));

                if (!p)
                        return -ENOMEM;
                *pids = p;
                p[(*n)++] = (pid_t) pid;
        }
        d = opendir(dir);
        while (d && (de = readdir(d))) {
                _cleanup_free_ char *sub = NULL;
                int r;

                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                        continue;
                if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
                r = cgroup_pids(sub, pids, n);
                if (r < 0) {
                        closedir(d);
                        return r;
                }
        }
        if (d)
                closedir(d);
        return 0;
}

static int method_get_unit_sockets(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *unit = NULL, *cgroup = NULL, *dir = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        Manager *m = userdata;
        const char *group;
        size_t n = 0;
        int r;

        r = sd_bus_message_read(msg, "s", &group);
        if (r < 0)
                return r;
        r = sockets_allowed(msg, m, (uid_t) -1, group, error);
        if (r <= 0)
                return r < 0 ? r : 1;   /* polkit's answer calls again */
        r = group_resolve(m->bus, CGROUP_ROOT, group, &unit, &cgroup, error);
        if (r < 0)
                return r;
        /* A unit that is not running has no sockets. */
        if (cgroup[0]) {
                if (asprintf(&dir, "%s%s", CGROUP_ROOT, cgroup) < 0)
                        return -ENOMEM;
                r = cgroup_pids(dir, &pids, &n);
                if (r < 0)
                        return r;
        }
        return reply_sockets(msg, pids, n, error);
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
        return sd_bus_message_append(c->reply, RESCAP_BUS_LIST_ENTRY_SIG, p->pid, p->comm, p->uid, p->heap,
                                     p->heap_cap, p->fds, p->fd_cap, rk_action_name(p->action), p->cgroup_path,
                                     unit);
}

static int method_list(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        struct list_ctx c = {};
        int r;

        /* Everyone sees their own processes; root sees all. */
        r = sender_euid(msg, &c.uid, error);
        if (r < 0)
                return r;
        if (!m->link)
                return kernel_error(m, error, -ENOPKG, "list", 0);
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        c.reply = reply;
        r = sd_bus_message_open_container(reply, 'a', RESCAP_BUS_LIST_ENTRY_SIG);
        if (r < 0)
                return r;
        r = rk_dump(m->link, list_cb, &c);
        if (r < 0)
                return kernel_error(m, error, r, "list", 0);
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* ---- subscribers ---- */

/* A client that called Subscribe, until it calls Unsubscribe or leaves
 * the bus. Signals are sent to each one (unicast), never broadcast. */
typedef struct Subscriber {
        struct Subscriber *next;
        Manager *manager;
        sd_bus_slot *gone;      /* the match on its name's NameOwnerChanged */
        char *name;
        uid_t uid;
        bool all;               /* root or polkit: every process's events */
} Subscriber;

bool bus_manager_has_subscribers(Manager *m) {
        return m->subscribers != NULL;
}

static Subscriber *subscriber_find(Manager *m, const char *name) {
        for (Subscriber *s = m->subscribers; s; s = s->next)
                if (strcmp(s->name, name) == 0)
                        return s;
        return NULL;
}

static void subscriber_free(Subscriber *s) {
        for (Subscriber **p = &s->manager->subscribers; *p; p = &(*p)->next)
                if (*p == s) {
                        *p = s->next;
                        break;
                }
        sd_bus_slot_unref(s->gone);
        free(s->name);
        free(s);
}

/* Its unique name lost its owner: it left the bus. */
static int on_subscriber_gone(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *name, *old_owner, *new_owner;
        Subscriber *s = userdata;
        Manager *m = s->manager;

        (void) error;
        if (sd_bus_message_read(msg, "sss", &name, &old_owner, &new_owner) < 0 || new_owner[0])
                return 0;
        subscriber_free(s);
        return manager_update_sample_timer(m);
}

/* Watches the subscriber leave: its match is installed synchronously, and
 * then the name is asked for (it may have left before). sd_bus_track
 * installs its match asynchronously with no install callback: when a long
 * piece of work (a reload with many units) ran before the answer was
 * dispatched, sd-bus timed the call out after 25 s and ended rescapd's
 * connection. */
static int subscriber_watch(Subscriber *s) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *match = NULL;
        int r, has;

        if (asprintf(&match,
                     "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                     "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='%s'",
                     s->name) < 0)
                return -ENOMEM;
        r = sd_bus_add_match(s->manager->bus, &s->gone, match, on_subscriber_gone, s);
        if (r < 0)
                return r;
        r = sd_bus_call_method(s->manager->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                               "org.freedesktop.DBus", "NameHasOwner", NULL, &reply, "s", s->name);
        if (r >= 0)
                r = sd_bus_message_read(reply, "b", &has);
        if (r < 0)
                return r;
        return has ? 0 : -ENXIO;
}

static int method_subscribe(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *sender = sd_bus_message_get_sender(msg);
        Manager *m = userdata;
        Subscriber *s;
        bool all;
        uid_t uid;
        int r;

        if (!sender)
                return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "the call has no sender");
        if (subscriber_find(m, sender))
                return sd_bus_error_set(error, RESCAP_ERROR_ALREADY_SUBSCRIBED, "already subscribed");
        r = sender_euid(msg, &uid, error);
        if (r < 0)
                return r;
        all = uid == 0;
        if (!all) {
                /* Other users' events only with polkit's yes; without it,
                 * the caller's own. */
                r = bus_polkit_async(msg, RESCAP_BUS_POLKIT_MANAGE, &m->polkit_queries, error);
                if (r == 0)
                        return 1;
                sd_bus_error_free(error);
                all = r > 0;
        }
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->manager = m;
        s->uid = uid;
        s->all = all;
        s->name = strdup(sender);
        s->next = m->subscribers;
        m->subscribers = s;
        r = s->name ? subscriber_watch(s) : -ENOMEM;
        if (r < 0) {
                subscriber_free(s);
                return r;
        }
        r = manager_update_sample_timer(m);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_unsubscribe(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *sender = sd_bus_message_get_sender(msg);
        Manager *m = userdata;
        Subscriber *s;
        int r;

        s = sender ? subscriber_find(m, sender) : NULL;
        if (!s)
                return sd_bus_error_set(error, RESCAP_ERROR_NOT_SUBSCRIBED, "not subscribed");
        subscriber_free(s);
        r = manager_update_sample_timer(m);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

/* ---- groups: systemd units and cgroup paths ---- */

static int method_get_unit(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *unit = NULL, *cgroup = NULL, *path = NULL;
        Manager *m = userdata;
        const char *group;
        int r;

        r = sd_bus_message_read(msg, "s", &group);
        if (r < 0)
                return r;
        r = group_resolve(m->bus, CGROUP_ROOT, group, &unit, &cgroup, error);
        if (r < 0)
                return r;
        if (!unit[0])
                return sd_bus_error_setf(error, RESCAP_ERROR_NO_SUCH_UNIT, "cgroup %s belongs to no unit", group);
        r = sd_bus_path_encode(RESCAP_BUS_UNIT_PREFIX, unit, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", path);
}

static int method_list_units(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        int r;

        (void) error;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        bus_unit_cgroups_refresh(m);
        r = sd_bus_message_open_container(reply, 'a', RESCAP_BUS_UNIT_ENTRY_SIG);
        for (size_t i = 0; r >= 0 && i < m->units.n; i++) {
                const UnitCaps *u = &m->units.items[i];
                _cleanup_free_ char *path = NULL;

                r = sd_bus_path_encode(RESCAP_BUS_UNIT_PREFIX, u->unit, &path);
                if (r < 0)
                        break;
                /* A unit not loaded now has no cgroup: "". */
                r = sd_bus_message_append(reply, RESCAP_BUS_UNIT_ENTRY_SIG, u->unit, bus_unit_cgroup(m, u->unit),
                                          path, u->heap_max, u->fd_max);
        }
        bus_unit_cgroups_hold(m, 0);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        return r;
}

/* GetCounters(): the kills and cap warnings rescapd counted since it
 * started, by unit, resource, policy and kind; nonzero counts only. */
static int method_get_counters(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        static const char *const res[] = { "heap", "fds" }, *const pol[] = { "process", "cgroup" };
        static const char *const kind[] = { "soft", "notify", "deny" };
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        const UnitEvents *e;
        size_t n;
        int r;

        (void) error;
        e = manager_unit_events(m, &n);
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', RESCAP_BUS_COUNTER_ENTRY_SIG);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                uint64_t known = 0;

                for (size_t a = 0; r >= 0 && a < 2; a++)
                        for (size_t b = 0; r >= 0 && b < 2; b++) {
                                known += e[i].killed[a][b];
                                if (e[i].killed[a][b])
                                        r = sd_bus_message_append(reply, RESCAP_BUS_COUNTER_ENTRY_SIG, "kill",
                                                                  e[i].unit, res[a], pol[b], "",
                                                                  e[i].killed[a][b]);
                                for (size_t c = 0; r >= 0 && c < 3; c++)
                                        if (e[i].warnings[a][b][c])
                                                r = sd_bus_message_append(reply, RESCAP_BUS_COUNTER_ENTRY_SIG,
                                                                          "warning", e[i].unit, res[a], pol[b],
                                                                          kind[c], e[i].warnings[a][b][c]);
                        }
                /* Found again from the kernel's counters of cgroup policies. */
                if (r >= 0 && e[i].kills > known)
                        r = sd_bus_message_append(reply, RESCAP_BUS_COUNTER_ENTRY_SIG, "kill", e[i].unit, "unknown",
                                                  "cgroup", "", e[i].kills - known);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        return r;
}

/* SetUnitCap(s group, t heap_max, t fd_max), SetUnitCapWithOptions(s group,
 * a{sv} options) and ResetUnit(s group). */
static int method_unit_caps(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(bus_caller_done) BusCaller c = BUS_CALLER_NULL;
        const char *member = sd_bus_message_get_member(msg), *group;
        const bool reset = strcmp(member, "ResetUnit") == 0;
        Manager *m = userdata;
        bool runtime = false;
        rk_caps caps = {};
        int r;

        r = sd_bus_message_read(msg, "s", &group);
        if (r >= 0 && strcmp(member, "SetUnitCap") == 0) {
                caps.has_heap = caps.has_fds = true;
                r = sd_bus_message_read(msg, "tt", &caps.heap, &caps.fds);
        } else if (r >= 0 && strcmp(member, "SetUnitCapWithOptions") == 0)
                r = read_cap_options(msg, &caps, &runtime, false, error);
        if (r >= 0)
                r = check_caps(&caps, error);
        if (r >= 0)
                r = bus_change_begin(msg, m, &c, error);
        if (r < 0)
                return r;
        r = manager_set_unit_caps(m, group, &caps, reset, runtime, &c.rk, error);
        if (r < 0)
                return bus_change_refused(msg, m, &c, r, error);
        return sd_bus_reply_method_return(msg, NULL);
}

/* GetUnitConfig(s unit): the unit's settings from every layer as
 * "rescapctl cat" shows them, and their errors, one "PATH:LINE: what" each
 * (LINE 0: the whole file). Anyone may ask: unit files are readable by
 * all, and the caps they give are on the unit objects. */
static int method_get_unit_config(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *text = NULL;
        Manager *m = userdata;
        const char *unit;
        UnitConfig c;
        int r;

        r = sd_bus_message_read(msg, "s", &unit);
        if (r < 0)
                return r;
        if (!unit_name_is_valid(unit))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "'%s' is not a unit name with a cgroup "
                                         "(.service, .scope, .slice, .socket, .mount, .swap)", unit);
        r = manager_unit_config(m, unit, &c);
        if (r == -ENAMETOOLONG || r == -EINVAL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "'%s': %s", unit, strerror(-r));
        if (r < 0)
                return r;
        text = unit_config_cat(&c);
        r = text ? sd_bus_message_new_method_return(msg, &reply) : -ENOMEM;
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", text);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < c.n_errors; i++) {
                _cleanup_free_ char *line = NULL;

                r = asprintf(&line, "%s:%u: %s", c.errors[i].path, c.errors[i].line, c.errors[i].message) < 0
                            ? -ENOMEM : sd_bus_message_append(reply, "s", line);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        unit_config_free(&c);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
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

/* userdata is the Manager: with an offset, sd-bus would pass the field.
 * A property Set cannot wait for polkit: the kernel judges the caller as
 * for any change, and a caller it refuses is refused. */
static int property_set_sample_interval(sd_bus *bus, const char *path, const char *interface,
                                        const char *property, sd_bus_message *value, void *userdata,
                                        sd_bus_error *error) {
        _cleanup_(bus_caller_done) BusCaller c = BUS_CALLER_NULL;
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
        r = bus_change_begin(value, m, &c, error);
        if (r < 0)
                return r;
        /* Without a kernel to ask, bus_change_begin() let root only. */
        r = m->link ? rk_may_change(m->link, &c.rk) : 0;
        if (r < 0)
                return manager_kernel_error(m, error, r, "SampleIntervalUSec");
        m->sample_interval_usec = v;
        if (m->sample_timer && sd_event_source_get_enabled(m->sample_timer, NULL) > 0)
                (void) sd_event_source_set_time_relative(m->sample_timer, v);
        return sd_bus_emit_properties_changed(m->bus, RESCAP_BUS_PATH, RESCAP_BUS_MANAGER_IFACE,
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
        SD_BUS_PROPERTY("LostEvents", "t", NULL, offsetof(Manager, events_lost_total), 0),
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
        SD_BUS_METHOD_WITH_ARGS("List", SD_BUS_NO_ARGS, SD_BUS_RESULT("a" RESCAP_BUS_LIST_ENTRY_SIG, processes),
                                method_list, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Subscribe", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                method_subscribe, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Unsubscribe", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                method_unsubscribe, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetUnit", SD_BUS_ARGS("s", group), SD_BUS_RESULT("o", unit),
                                method_get_unit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListUnits", SD_BUS_NO_ARGS, SD_BUS_RESULT("a" RESCAP_BUS_UNIT_ENTRY_SIG, units),
                                method_list_units, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetUnitCap", SD_BUS_ARGS("s", group, "t", heap_max, "t", fd_max),
                                SD_BUS_NO_RESULT, method_unit_caps, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetUnitCapWithOptions", SD_BUS_ARGS("s", group, "a{sv}", options),
                                SD_BUS_NO_RESULT, method_unit_caps, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ResetUnit", SD_BUS_ARGS("s", group), SD_BUS_NO_RESULT,
                                method_unit_caps, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetCounters", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("a" RESCAP_BUS_COUNTER_ENTRY_SIG, counters),
                                method_get_counters, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetUnitConfig", SD_BUS_ARGS("s", unit), SD_BUS_RESULT("s", text, "as", errors),
                                method_get_unit_config, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetSockets", SD_BUS_ARGS("u", pid),
                                SD_BUS_RESULT("a" RESCAP_BUS_SOCK_COUNT_SIG, counts, "a" RESCAP_BUS_TCP_CONN_SIG, tcp),
                                method_get_sockets, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetUnitSockets", SD_BUS_ARGS("s", group),
                                SD_BUS_RESULT("a" RESCAP_BUS_SOCK_COUNT_SIG, counts, "a" RESCAP_BUS_TCP_CONN_SIG, tcp),
                                method_get_unit_sockets, SD_BUS_VTABLE_UNPRIVILEGED),

        SD_BUS_SIGNAL_WITH_ARGS("Killed",
                                SD_BUS_ARGS("u", pid, "s", comm, "u", uid, "s", cgroup, "s", unit,
                                            "s", resource, "t", usage, "t", cap, "s", action,
                                            "s", policy, "s", policy_cgroup), 0),
        SD_BUS_SIGNAL_WITH_ARGS("CapWarning",
                                SD_BUS_ARGS("u", pid, "s", comm, "u", uid, "s", cgroup, "s", unit,
                                            "s", resource, "t", usage, "t", cap, "s", action, "s", kind,
                                            "s", policy, "s", policy_cgroup), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Exited",
                                SD_BUS_ARGS("u", pid, "s", comm, "u", uid, "s", cgroup, "s", unit,
                                            "t", heap_peak, "t", fds_peak), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Sample",
                                SD_BUS_ARGS("t", timestamp, "d", cpu_percent, "t", memory_used,
                                            "t", memory_total, "d", load1, "d", load5, "d", load15,
                                            "t", net_rx_bps, "t", net_tx_bps, "u", processes, "u", tracked,
                                            RESCAP_BUS_TOP_SIG, top_heap, RESCAP_BUS_TOP_SIG, top_fds,
                                            RESCAP_BUS_TOP_SIG, top_net), 0),
        SD_BUS_SIGNAL_WITH_ARGS("EventsLost", SD_BUS_ARGS("t", lost), 0),
        SD_BUS_VTABLE_END
};

/* ---- signals: to each subscriber that may read them ---- */

/* Sends signal member, built by build for subscriber s, to every
 * subscriber that may read a process of owner ((uid_t) -1: everyone). */
static void emit_each(Manager *m, const char *member, uid_t owner,
                      int (*build)(sd_bus_message *sig, const Subscriber *s, const void *data), const void *data) {
        for (Subscriber *s = m->subscribers; s; s = s->next) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *sig = NULL;
                int r;

                if (!s->all && owner != (uid_t) -1 && owner != s->uid)
                        continue;
                r = sd_bus_message_new_signal(m->bus, &sig, RESCAP_BUS_PATH, RESCAP_BUS_MANAGER_IFACE, member);
                if (r >= 0)
                        r = sd_bus_message_set_destination(sig, s->name);
                if (r >= 0)
                        r = build(sig, s, data);
                if (r >= 0)
                        r = sd_bus_send(m->bus, sig, NULL);
                if (r < 0)
                        fprintf(stderr, "rescapd: cannot send %s to %s: %s\n", member, s->name, strerror(-r));
        }
}

static int build_event(sd_bus_message *sig, const Subscriber *s, const void *data) {
        const rk_proc *p = data;
        const char *policy = p->policy ? rk_policy_name(p->policy) : "";
        const char *policy_cgroup = p->policy == RESCAP_POLICY_CGROUP ? p->policy_cgroup_path : "";
        char unit[256];

        (void) s;
        if (unit_from_cgroup_path(p->cgroup_path, unit, sizeof(unit)) < 0)
                unit[0] = 0;
        switch (p->cmd) {
        case RESCAP_CMD_KILLED:
                return sd_bus_message_append(sig, RESCAP_BUS_KILLED_SIG, p->pid, p->comm, p->uid, p->cgroup_path,
                                             unit, rk_resource_name(p->resource), p->usage, p->cap,
                                             rk_action_name(p->action), policy, policy_cgroup);
        case RESCAP_CMD_EXCEEDED:
                return sd_bus_message_append(sig, RESCAP_BUS_CAPWARNING_SIG, p->pid, p->comm, p->uid,
                                             p->cgroup_path, unit, rk_resource_name(p->resource), p->usage,
                                             p->cap, rk_action_name(p->action), rk_kind_name(p->kind),
                                             policy, policy_cgroup);
        default:
                return sd_bus_message_append(sig, RESCAP_BUS_EXITED_SIG, p->pid, p->comm, p->uid, p->cgroup_path,
                                             unit, p->heap_peak, p->fds_peak);
        }
}

void bus_manager_emit_event(Manager *m, const rk_proc *p) {
        const char *member = p->cmd == RESCAP_CMD_KILLED ? "Killed" :
                             p->cmd == RESCAP_CMD_EXCEEDED ? "CapWarning" :
                             p->cmd == RESCAP_CMD_EXITED ? "Exited" : NULL;

        if (m->bus && member)
                emit_each(m, member, (uid_t) p->uid, build_event, p);
}

/* A subscriber that may not read every process gets only its own in the
 * top lists. */
static int append_top(sd_bus_message *sig, const Subscriber *s, const TopEntry *top, size_t n) {
        int r = sd_bus_message_open_container(sig, 'a', "(ust)");

        for (size_t i = 0; r >= 0 && i < n; i++)
                if (s->all || top[i].uid == s->uid)
                        r = sd_bus_message_append(sig, "(ust)", top[i].pid, top[i].comm, top[i].value);
        if (r >= 0)
                r = sd_bus_message_close_container(sig);
        return r;
}

static int build_sample(sd_bus_message *sig, const Subscriber *s, const void *data) {
        const Sample *x = data;
        int r;

        r = sd_bus_message_append(sig, "tdttdddttuu", x->timestamp_usec, x->cpu_percent, x->mem_used,
                                  x->mem_total, x->load[0], x->load[1], x->load[2], x->rx_bps, x->tx_bps,
                                  x->processes, x->tracked);
        if (r >= 0)
                r = append_top(sig, s, x->top_heap, x->n_top_heap);
        if (r >= 0)
                r = append_top(sig, s, x->top_fds, x->n_top_fds);
        if (r >= 0)
                r = append_top(sig, s, x->top_net, x->n_top_net);
        return r;
}

void bus_manager_emit_sample(Manager *m, const Sample *x) {
        if (m->bus)
                emit_each(m, "Sample", (uid_t) -1, build_sample, x);
}

static int build_events_lost(sd_bus_message *sig, const Subscriber *s, const void *data) {
        (void) s;
        return sd_bus_message_append(sig, RESCAP_BUS_EVENTS_LOST_SIG, *(const uint64_t *) data);
}

void bus_manager_emit_events_lost(Manager *m, uint64_t lost) {
        if (m->bus)
                emit_each(m, "EventsLost", (uid_t) -1, build_events_lost, &lost);
}

void bus_manager_emit_backend_changed(Manager *m) {
        if (m->bus)
                (void) sd_bus_emit_properties_changed(m->bus, RESCAP_BUS_PATH, RESCAP_BUS_MANAGER_IFACE,
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
        r = sd_bus_add_object_vtable(m->bus, NULL, RESCAP_BUS_PATH, RESCAP_BUS_MANAGER_IFACE, manager_vtable, m);
        if (r < 0)
                return r;
        return bus_unit_setup(m);
}

void bus_manager_free(Manager *m) {
        while (m->subscribers)
                subscriber_free(m->subscribers);
        bus_polkit_free(&m->polkit_queries);
}
