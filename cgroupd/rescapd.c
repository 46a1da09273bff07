/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd: the rescap daemon. An sd-event loop holding the kernel link
 * (the "rescap" generic netlink family), the events it multicasts, a watch
 * on the family coming and going (module load and unload), the periodic
 * system sample, and the bus object org.rescap1 (dbus/bus-manager.c).
 * SIGHUP reads /etc/rescap again; the loss of the bus ends it; it pings
 * systemd's watchdog. See rescapd(8) and org.rescap1(5).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <systemd/sd-daemon.h>

#include "bus-emit.h"
#include "bus-contract.h"
#include "rescapd.h"
#include "size.h"

#ifndef RESCAP_VERSION
#define RESCAP_VERSION "0.1"
#endif

#define RETRY_USEC (2ULL * 1000000ULL)
/* Batches of kernel events read at one wake-up: then the bus gets a turn. */
#define EVENTS_BATCHES 64
/* Entries of policy_kills before the kernel is asked which are still there. */
#define POLICY_KILLS_PRUNE_MIN 256

void log_msg(const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

/* ---- the kernel link ---- */

static const char *detect_backend(void) {
        /* A loadable module has an initstate in sysfs; the LSM is built in
         * and listed among the active LSMs. */
        if (access("/sys/module/rescap/initstate", F_OK) == 0)
                return "module";
        return "lsm";
}

static void kernel_disconnect(Manager *m) {
        m->events_source = sd_event_source_disable_unref(m->events_source);
        rk_link_free(m->events);
        rk_link_free(m->link);
        m->events = m->link = NULL;
        if (m->backend[0]) {
                m->backend = "";
                log_msg("rescapd: rescap is gone from the kernel");
                bus_manager_emit_backend_changed(m);
        }
}

/* ---- kills: counted from the events, checked against the kernel's ---- */

/* Units without caps lose their count: only units with caps are counted,
 * each by name; the others count together, as unit "". */
static void prune_unit_events(Manager *m) {
        size_t j = 0;

        for (size_t i = 0; i < m->n_unit_events; i++) {
                UnitEvents *e = &m->unit_events[i];

                if (!e->unit[0] || unit_caps_find(&m->units, e->unit))
                        m->unit_events[j++] = *e;
                else
                        free(e->unit);
        }
        m->n_unit_events = j;
}

/* The counts of @unit's processes (of unit "" if it has no caps); NULL
 * without memory. */
static UnitEvents *unit_events_get(Manager *m, const char *unit) {
        UnitEvents *k;
        char *name;

        if (unit[0] && !unit_caps_find(&m->units, unit))
                unit = "";
        for (size_t i = 0; i < m->n_unit_events; i++)
                if (strcmp(m->unit_events[i].unit, unit) == 0)
                        return &m->unit_events[i];
        prune_unit_events(m);
        name = strdup(unit);
        k = name ? realloc(m->unit_events, (m->n_unit_events + 1) * sizeof(*k)) : NULL;
        if (!k) {
                free(name);
                return NULL;
        }
        m->unit_events = k;
        k[m->n_unit_events] = (UnitEvents) { .unit = name };
        return &k[m->n_unit_events++];
}

/* A kill or a cap warning the kernel reported. */
static void count_event(Manager *m, const rk_proc *p, const char *unit) {
        const unsigned res = p->resource - RESCAP_RESOURCE_HEAP;
        const unsigned pol = p->policy - RESCAP_POLICY_PROCESS;
        const unsigned kind = p->kind - RESCAP_EXCEED_KIND_SOFT;
        UnitEvents *e = unit_events_get(m, unit);

        if (!e || res > 1 || pol > 1)
                return;
        if (p->cmd == RESCAP_CMD_KILLED) {
                e->kills++;
                e->killed[res][pol]++;
        } else if (kind <= 2) {
                e->warnings[res][pol][kind]++;
        }
}

static PolicyKills *policy_kills_get(Manager *m, uint64_t cgroup_id) {
        PolicyKills *p;

        for (size_t i = 0; i < m->n_policy_kills; i++)
                if (m->policy_kills[i].cgroup_id == cgroup_id)
                        return &m->policy_kills[i];
        p = realloc(m->policy_kills, (m->n_policy_kills + 1) * sizeof(*p));
        if (!p)
                return NULL;
        m->policy_kills = p;
        p[m->n_policy_kills] = (PolicyKills) { .cgroup_id = cgroup_id };
        return &p[m->n_policy_kills++];
}

typedef enum PolicySyncMode {
        POLICY_SYNC_BASELINE,   /* rescapd counts from here on */
        POLICY_SYNC_LOST,       /* after lost events: count what the kernel has more */
        POLICY_SYNC_PRUNE,      /* only forget the policies that are gone */
} PolicySyncMode;

typedef struct PolicySync {
        Manager *m;
        PolicySyncMode mode;
        uint64_t lost;
} PolicySync;

static int policy_sync_cb(const rk_group *g, void *userdata) {
        PolicySync *s = userdata;
        PolicyKills *e = policy_kills_get(s->m, g->cgroup_id);
        UnitEvents *e2;
        char unit[256];

        if (!e)
                return -ENOMEM;
        e->in_kernel = true;
        if (s->mode == POLICY_SYNC_PRUNE)
                return 0;
        if (s->mode == POLICY_SYNC_LOST && g->kills > e->kills) {
                uint64_t lost = g->kills - e->kills;

                if (unit_from_cgroup_path(g->cgroup_path, unit, sizeof(unit)) < 0)
                        unit[0] = 0;
                s->m->kills += lost;
                e2 = unit_events_get(s->m, unit);
                if (e2)
                        e2->kills += lost;
                s->lost += lost;
        }
        /* Lower only when a kill was counted twice: its event was on the
         * way while the kernel was read. */
        e->kills = g->kills;
        return 0;
}

/* Reads the kills counter of every cgroup policy of the kernel; forgets
 * the policies it no longer has. Not while an events read is under way:
 * a request can find the family gone and free the events link. */
static int policy_kills_sync(Manager *m, PolicySyncMode mode, uint64_t *ret_lost) {
        PolicySync s = { .m = m, .mode = mode };
        size_t j = 0;
        int r;

        if (!m->link)
                return -ENOPKG;
        /* Without a base, the kernel's counts cannot tell what was lost. */
        if (mode == POLICY_SYNC_LOST && !m->policy_kills_known)
                s.mode = mode = POLICY_SYNC_BASELINE;
        if (mode == POLICY_SYNC_BASELINE)
                m->n_policy_kills = 0;
        r = manager_kernel_request_check(m, rk_dump_cgroups(m->link, policy_sync_cb, &s));
        if (mode == POLICY_SYNC_BASELINE)
                m->policy_kills_known = r >= 0;
        for (size_t i = 0; i < m->n_policy_kills; i++) {
                PolicyKills e = m->policy_kills[i];

                if (r < 0 || e.in_kernel) {
                        e.in_kernel = false;
                        m->policy_kills[j++] = e;
                }
        }
        m->n_policy_kills = j;
        m->policy_kills_prune_at = 2 * j > POLICY_KILLS_PRUNE_MIN ? 2 * j : POLICY_KILLS_PRUNE_MIN;
        if (ret_lost)
                *ret_lost = s.lost;
        return r;
}

/* ---- kernel events ---- */

static uint32_t events_socket_drops(Manager *m) {
        uint32_t mem[SK_MEMINFO_VARS] = {};
        socklen_t len = sizeof(mem);

        if (!m->events ||
            getsockopt(rk_link_fd(m->events), SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 ||
            len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
                return m->events_drops;
        return mem[SK_MEMINFO_DROPS];
}

/* After ENOBUFS, once the queue is read: the kernel dropped events (its
 * count of them is the socket's drops); Killed signals and kills among
 * them are found again from the kernel's kill counters. Kills of a
 * process's own caps, and of a policy whose cgroup went away meanwhile,
 * are not counted anywhere else: those stay lost. */
static void events_resync(Manager *m) {
        uint32_t drops = events_socket_drops(m);
        uint64_t lost = (uint32_t) (drops - m->events_drops), kills = 0;
        int r;

        m->events_drops = drops;
        m->events_lost = false;
        m->events_lost_total += lost;
        r = policy_kills_sync(m, POLICY_SYNC_LOST, &kills);
        if (r < 0)
                log_msg("rescapd: cannot read the kernel's kill counters: %s", strerror(-r));
        log_msg("rescapd: %" PRIu64 " kernel event(s) were lost (receive buffer full); "
                "%" PRIu64 " kill(s) among them counted from the kernel's counters", lost, kills);
        bus_manager_emit_events_lost(m, lost);
}

static int on_event_cb(const rk_proc *p, void *userdata) {
        Manager *m = userdata;

        if (p->cmd == RESCAP_CMD_KILLED || p->cmd == RESCAP_CMD_EXCEEDED) {
                char unit[256];

                if (unit_from_cgroup_path(p->cgroup_path, unit, sizeof(unit)) < 0)
                        unit[0] = 0;
                count_event(m, p, unit);
        }
        if (p->cmd == RESCAP_CMD_KILLED) {
                m->kills++;
                if (p->policy == RESCAP_POLICY_CGROUP && p->policy_cgroup_id) {
                        PolicyKills *e = policy_kills_get(m, p->policy_cgroup_id);

                        if (e)
                                e->kills++;
                }
        }
        manager_log_event(p);
        bus_manager_emit_event(m, p);
        return 0;
}

static int on_kernel_events(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        int r;

        (void) s;
        (void) fd;
        (void) revents;
        for (unsigned i = 0; i < EVENTS_BATCHES && m->events; i++) {
                r = rk_read_events(m->events, on_event_cb, m);
                if (r == -EAGAIN || r == -EWOULDBLOCK) {
                        /* All read: what the kernel says now is not
                         * also on its way to us. */
                        if (m->events_lost)
                                events_resync(m);
                        else if (m->n_policy_kills >= m->policy_kills_prune_at)
                                (void) policy_kills_sync(m, POLICY_SYNC_PRUNE, NULL);
                        return 0;
                }
                if (r == -ENOBUFS) {
                        m->events_lost = true;
                        continue;
                }
                if (r < 0) {
                        log_msg("rescapd: reading kernel events: %s", strerror(-r));
                        return 0;
                }
        }
        return 0;       /* more queued: read on at the next iteration */
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* After work on every unit (a start, the kernel's return, a reload): the
 * connection for systemd's answers goes (its tables and buffers grew to a
 * batch of questions; the next batch opens it again), the unit objects'
 * cache of cgroups keeps only its last second's entries, and the heap's free
 * pages go back to the system, so that the idle RSS is what rescapd
 * keeps, not what the work used. */
static void manager_bulk_done(Manager *m) {
        bus_unit_cgroups_hold(m, 0);
        manager_query_bus_close(m);
        (void) malloc_trim(0);
}

static void apply_all_unit_caps(Manager *m) {
        int n = manager_disarm_orphans(m);

        if (n < 0)
                log_msg("rescapd: cannot disarm the paths of units without caps: %s", strerror(-n));
        else if (n > 0)
                log_msg("rescapd: disarmed %d path(s) of units without caps", n);
        UnitCgroup *cgroups = m->start_cgroups;
        size_t n_cgroups = m->n_start_cgroups;

        if (m->units.n)
                log_msg("rescapd: applying the caps of %zu unit(s)", m->units.n);
        /* At the start, the start's batch, asked a moment ago (a unit
         * started since has its caps applied again after its job);
         * afterwards, where each runs, asked in one batch (each unit asked
         * alone otherwise, below). */
        m->start_cgroups = NULL;
        m->n_start_cgroups = 0;
        bus_unit_cgroups_hold(m, cgroups ? m->unit_cgroups_held_since : now_usec());
        if (!cgroups && m->units.n && manager_units_cgroups(m, &m->units, &cgroups, &n_cgroups) < 0) {
                cgroups = NULL;
                n_cgroups = 0;
        }
        for (size_t i = 0; i < m->units.n; i++) {
                const UnitCaps *u = &m->units.items[i];
                int r = manager_apply_unit_caps_at(m, u, unit_cgroups_find(cgroups, n_cgroups, u->unit));

                if (r < 0)
                        log_msg("rescapd: caps of %s not applied: %s", u->unit, strerror(-r));
                manager_work_goes_on(i + 1, m->units.n);
        }
        unit_cgroups_free(cgroups, n_cgroups);
        manager_bulk_done(m);
}

static int kernel_connect(Manager *m) {
        int r, fd, size = (int) m->events_buffer;

        if (m->link)
                return 0;
        r = rk_link_open(&m->link);
        if (r < 0)
                return r;
        r = rk_link_open(&m->events);
        if (r >= 0)
                r = rk_subscribe(m->events);
        if (r < 0) {
                log_msg("rescapd: cannot subscribe to rescap's events: %s", strerror(-r));
                goto fail;
        }
        fd = rk_link_fd(m->events);
        /* Past net.core.rmem_max with CAP_NET_ADMIN (rescapd has it for
         * the events group); SO_RCVBUF stops at rmem_max. */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0 &&
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
                log_msg("rescapd: cannot size the kernel events socket: %s", strerror(errno));
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
                r = -errno;
                goto fail;
        }
        r = sd_event_add_io(m->event, &m->events_source, fd, EPOLLIN, on_kernel_events, m);
        if (r < 0)
                goto fail;
        m->backend = detect_backend();
        m->events_lost = false;
        m->events_drops = events_socket_drops(m);
        log_msg("rescapd: rescap is in the kernel (%s)", m->backend);
        bus_manager_emit_backend_changed(m);
        apply_all_unit_caps(m);
        /* Kills from now on: what the kernel counted before is not ours. */
        (void) policy_kills_sync(m, POLICY_SYNC_BASELINE, NULL);
        return 0;
fail:
        rk_link_free(m->events);
        rk_link_free(m->link);
        m->events = m->link = NULL;
        return r;
}

int manager_kernel_request_check(Manager *m, int r) {
        if (!m->link)
                return -ENOPKG;
        /* A request to a family that went away (the module was unloaded
         * before its removal was seen) fails with ENOENT, as "not tracked"
         * does: tell them apart. */
        if (r == -ENOENT && strcmp(m->backend, "module") == 0 &&
            access("/sys/module/rescap", F_OK) < 0) {
                kernel_disconnect(m);
                return -ENOPKG;
        }
        return r;
}

/* nlctrl's "notify" group: NEWFAMILY and DELFAMILY of every family. */
struct ctrl_reply {
        uint32_t notify;
        char name[GENL_NAMSIZ];
        uint8_t cmd;
};

static int ctrl_attr_cb(const struct nlmsghdr *nlh, void *userdata) {
        const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
        struct ctrl_reply *c = userdata;
        const struct nlattr *a, *grp, *ga;

        c->cmd = g->cmd;
        mnl_attr_for_each(a, nlh, sizeof(*g)) {
                if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
                    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
                        snprintf(c->name, sizeof(c->name), "%s", mnl_attr_get_str(a));
                if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
                        continue;
                mnl_attr_for_each_nested(grp, a) {
                        const char *name = NULL;
                        uint32_t id = 0;

                        mnl_attr_for_each_nested(ga, grp) {
                                if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME &&
                                    mnl_attr_validate(ga, MNL_TYPE_NUL_STRING) >= 0)
                                        name = mnl_attr_get_str(ga);
                                else if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID &&
                                         mnl_attr_validate(ga, MNL_TYPE_U32) >= 0)
                                        id = mnl_attr_get_u32(ga);
                        }
                        if (name && strcmp(name, "notify") == 0)
                                c->notify = id;
                }
        }
        return MNL_CB_OK;
}

static int on_ctrl(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
        Manager *m = userdata;

        (void) s;
        (void) fd;
        (void) revents;
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(m->ctrl, buf, sizeof(buf));
                const struct nlmsghdr *nlh;
                int len;

                if (n < 0) {
                        if (errno == ENOBUFS) {
                                /* Lost notifications: find out directly. */
                                if (!m->link)
                                        (void) kernel_connect(m);
                                continue;
                        }
                        return 0;       /* EAGAIN */
                }
                len = (int) n;
                for (nlh = (const struct nlmsghdr *) buf; mnl_nlmsg_ok(nlh, len);
                     nlh = mnl_nlmsg_next(nlh, &len)) {
                        struct ctrl_reply c = {};

                        if (nlh->nlmsg_type != GENL_ID_CTRL)
                                continue;
                        ctrl_attr_cb(nlh, &c);
                        if (strcmp(c.name, RESCAP_FAMILY_NAME) != 0)
                                continue;
                        if (c.cmd == CTRL_CMD_DELFAMILY)
                                kernel_disconnect(m);
                        else if (c.cmd == CTRL_CMD_NEWFAMILY) {
                                /* A reload: the old family is gone too. */
                                kernel_disconnect(m);
                                int r = kernel_connect(m);
                                if (r < 0)
                                        log_msg("rescapd: rescap appeared but cannot be used: %s",
                                                strerror(-r));
                        }
                }
        }
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) usec;
        if (!m->link)
                (void) kernel_connect(m);
        return sd_event_source_set_time_relative(s, RETRY_USEC);
}

/* Watches nlctrl's notify group; where that is not possible, retries the
 * family lookup every RETRY_USEC instead. */
static int ctrl_setup(Manager *m) {
        char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
        struct ctrl_reply c = {};
        struct genlmsghdr *g;
        struct nlmsghdr *nlh;
        unsigned portid;
        ssize_t n;
        int r, fd;

        m->ctrl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
        if (!m->ctrl || mnl_socket_bind(m->ctrl, 0, MNL_SOCKET_AUTOPID) < 0)
                goto fallback;
        portid = mnl_socket_get_portid(m->ctrl);
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = GENL_ID_CTRL;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = 1;
        g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
        g->cmd = CTRL_CMD_GETFAMILY;
        g->version = 1;
        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
        if (mnl_socket_sendto(m->ctrl, nlh, nlh->nlmsg_len) < 0)
                goto fallback;
        do {
                n = mnl_socket_recvfrom(m->ctrl, buf, sizeof(buf));
                if (n < 0)
                        goto fallback;
                r = mnl_cb_run(buf, (size_t) n, 1, portid, ctrl_attr_cb, &c);
        } while (r > 0);
        if (r < 0 || !c.notify)
                goto fallback;
        if (mnl_socket_setsockopt(m->ctrl, NETLINK_ADD_MEMBERSHIP, &c.notify, sizeof(c.notify)) < 0)
                goto fallback;
        fd = mnl_socket_get_fd(m->ctrl);
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
                goto fallback;
        r = sd_event_add_io(m->event, &m->ctrl_source, fd, EPOLLIN, on_ctrl, m);
        if (r < 0)
                goto fallback;
        /* Before the bus: a family change is handled before a request. */
        (void) sd_event_source_set_priority(m->ctrl_source, SD_EVENT_PRIORITY_IMPORTANT);
        return 0;
fallback:
        log_msg("rescapd: cannot watch generic netlink families (%s): polling every %llu s",
                strerror(errno), RETRY_USEC / 1000000ULL);
        if (m->ctrl)
                mnl_socket_close(m->ctrl);
        m->ctrl = NULL;
        return sd_event_add_time_relative(m->event, &m->retry_timer, CLOCK_MONOTONIC, RETRY_USEC,
                                          0, on_retry, m);
}

/* ---- state the bus object reads ---- */

static int count_cb(const rk_proc *p, void *userdata) {
        (void) p;
        (*(uint32_t *) userdata)++;
        return 0;
}

/* A dump of every tracked process: at most once a second, whoever reads
 * the Tracked property how often, and paced (Pace) by what it costs. */
uint32_t manager_tracked(Manager *m) {
        uint64_t now = 0, cpu0;
        uint32_t n = 0;

        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (!pace_due(&m->tracked_pace, now))
                return m->tracked;
        cpu0 = thread_cpu_usec();
        if (m->link)
                (void) manager_kernel_request_check(m, rk_dump(m->link, count_cb, &n));
        m->tracked = n;
        pace_ran(&m->tracked_pace, now, thread_cpu_usec() - cpu0, 1000000ULL);
        return n;
}

uint64_t manager_unit_kills(Manager *m, const char *unit) {
        prune_unit_events(m);
        for (size_t i = 0; unit[0] && i < m->n_unit_events; i++)
                if (strcmp(m->unit_events[i].unit, unit) == 0)
                        return m->unit_events[i].kills;
        return 0;
}

const UnitEvents *manager_unit_events(Manager *m, size_t *ret_n) {
        prune_unit_events(m);
        *ret_n = m->n_unit_events;
        return m->unit_events;
}

static char *read_self_cgroup(void) {
        char line[4096 + 8];
        char *ret = NULL;
        FILE *f;

        f = fopen("/proc/self/cgroup", "re");
        if (!f)
                return NULL;
        while (fgets(line, sizeof(line), f))
                if (strncmp(line, "0::", 3) == 0) {
                        line[strcspn(line, "\n")] = 0;
                        ret = strdup(line + 3);
                        break;
                }
        fclose(f);
        return ret;
}

static int manager_reload_units(Manager *m, const char *why, bool refresh);

/* ---- systemd: a unit's cgroup is new at every start ---- */

/* A job of a unit ended: a start or restart (a new cgroup, without a
 * policy) or anything else (re-applying is harmless). */
static int on_job_removed(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *job, *unit, *result;
        Manager *m = userdata;
        const UnitCaps *u;
        uint32_t id;
        int r;

        (void) error;
        r = sd_bus_message_read(msg, "uoss", &id, &job, &unit, &result);
        if (r < 0)
                return 0;
        u = unit_caps_find(&m->units, unit);
        if (!u || !m->link)
                return 0;
        r = manager_apply_unit_caps(m, u);
        if (r < 0)
                log_msg("rescapd: caps of %s not applied after its job: %s", unit, strerror(-r));
        return 0;
}

/* systemd read its unit files again (daemon-reload): [X-Rescap] sections
 * may have come, changed or gone. */
static int on_systemd_reloading(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        int active;

        (void) error;
        if (sd_bus_message_read(msg, "b", &active) < 0 || active)
                return 0;
        (void) manager_reload_units(userdata, "systemd reloaded", false);
        return 0;
}

/* The matches are installed before the start's work, and synchronously:
 * from then on systemd's signals wait for the loop, none is missed while
 * the start reads every unit. Installed asynchronously, they were
 * answered only once the loop ran, which a start with many units reaches
 * after the bus's method call timeout (25 s): sd-bus timed the calls out
 * first and, as it does when a match cannot be installed, closed the
 * connection (rescapd exited, and systemd started another). */
static int systemd_subscribe(Manager *m) {
        int r;

        r = sd_bus_match_signal(m->bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, m);
        if (r >= 0)
                r = sd_bus_match_signal(m->bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                        "org.freedesktop.systemd1.Manager", "Reloading", on_systemd_reloading, m);
        if (r < 0)
                return r;
        /* systemd sends job signals only while someone is subscribed. */
        return sd_bus_call_method_async(m->bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                        "org.freedesktop.systemd1.Manager", "Subscribe", NULL, NULL, NULL);
}

/* ---- reload (SIGHUP) ---- */

/* Every unit's settings read again; why: for the log; refresh: systemd's
 * unit directories asked again too. */
static int manager_reload_units(Manager *m, const char *why, bool refresh) {
        UnitCapsList fresh = {}, before;
        UnitCgroup *cgroups = NULL;
        size_t set = 0, dropped = 0, n_cgroups = 0;
        const uint64_t t0 = now_usec();
        bool gone = false;
        int r;

        /* The unit objects' signals below carry the cgroups of this
         * reload's batch. */
        bus_unit_cgroups_hold(m, t0);
        r = manager_config_load(m, refresh, &fresh, &cgroups, &n_cgroups);
        if (r < 0) {
                log_msg("rescapd: cannot read the settings of units (%s): %s; unit caps unchanged", why,
                        strerror(-r));
                manager_bulk_done(m);
                return r;
        }
        /* The kernel gets the changes (without the kernel, its return
         * applies them all). */
        for (size_t i = 0; m->link && i < fresh.n; i++) {
                const UnitCaps *u = &fresh.items[i], *old = unit_caps_find(&m->units, u->unit);

                if (old && unit_caps_equal(old, u))
                        continue;
                set++;
                r = manager_apply_unit_caps_at(m, u, unit_cgroups_find(cgroups, n_cgroups, u->unit));
                if (r < 0)
                        log_msg("rescapd: caps of %s not applied: %s", u->unit, strerror(-r));
                manager_work_goes_on(set, fresh.n);
        }
        for (size_t i = 0; m->link && i < m->units.n; i++) {
                const char *unit = m->units.items[i].unit;

                if (unit_caps_find(&fresh, unit))
                        continue;
                dropped++;
                r = manager_drop_unit_caps(m, unit);
                if (r < 0)
                        log_msg("rescapd: caps of %s not dropped: %s", unit, strerror(-r));
                gone |= r > 0;
                manager_work_goes_on(dropped, m->units.n);
        }
        before = m->units;
        m->units = fresh;
        if (gone) {
                r = manager_disarm_orphans(m);
                if (r < 0)
                        log_msg("rescapd: cannot disarm the paths of units gone: %s", strerror(-r));
        }
        /* The unit objects follow. */
        for (size_t i = 0; i < m->units.n; i++) {
                const UnitCaps *u = &m->units.items[i], *was = unit_caps_find(&before, u->unit);

                if (!was || !unit_caps_equal(was, u))
                        bus_unit_caps_changed(m, u->unit, was);
                manager_work_goes_on(i + 1, m->units.n);
        }
        for (size_t i = 0; i < before.n; i++)
                if (!unit_caps_find(&m->units, before.items[i].unit))
                        bus_unit_caps_changed(m, before.items[i].unit, true);
        unit_caps_list_free(&before);
        prune_unit_events(m);
        if (!m->link && !m->started) {
                /* The start's batch, held: the kernel's first connection
                 * applies every unit with it rather than asking systemd
                 * again (main() drops it after that connection). */
                unit_cgroups_free(m->start_cgroups, m->n_start_cgroups);
                m->start_cgroups = cgroups;
                m->n_start_cgroups = n_cgroups;
        } else {
                unit_cgroups_free(cgroups, n_cgroups);
                manager_bulk_done(m);
        }
        log_msg("rescapd: reloaded (%s) in %" PRIu64 " ms: %zu unit(s) with caps, %zu set, %zu dropped", why,
                (now_usec() - t0) / 1000, m->units.n, set, dropped);
        return 0;
}

int manager_reload(Manager *m) {
        uint64_t now = 0;
        int r;

        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        (void) sd_notifyf(0, "RELOADING=1\nSTATUS=Reloading the settings of units...\nMONOTONIC_USEC=%" PRIu64,
                          now);
        r = manager_reload_units(m, "SIGHUP", true);
        (void) sd_notify(0, "READY=1\nSTATUS=Processing requests...");
        return r;
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        (void) s;
        (void) si;
        (void) manager_reload(userdata);
        return 0;
}

/* ---- the monitoring sample ---- */

static int on_sample(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        Sample sample;
        uint64_t now;
        int r;

        r = sample_collect(&m->sampler, &sample);
        if (r < 0)
                log_msg("rescapd: incomplete sample: %s", strerror(-r));
        sample.tracked = manager_tracked(m);
        bus_manager_emit_sample(m, &sample);
        /* The next one an interval after this one was due, not after this
         * one's work: the signal keeps its rate. */
        usec += m->sample_interval_usec;
        r = sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (r >= 0 && usec < now)
                usec = now;
        r = sd_event_source_set_time(s, usec);
        if (r >= 0)
                r = sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        return r;
}

/* Samples run only while someone is subscribed. */
int manager_update_sample_timer(Manager *m) {
        bool on = bus_manager_has_subscribers(m);
        int r;

        if (!on) {
                if (m->sample_timer)
                        (void) sd_event_source_set_enabled(m->sample_timer, SD_EVENT_OFF);
                sampler_reset(&m->sampler);
                return 0;
        }
        if (!m->sample_timer) {
                r = sd_event_add_time_relative(m->event, &m->sample_timer, CLOCK_MONOTONIC,
                                               m->sample_interval_usec, 0, on_sample, m);
                if (r < 0)
                        return r;
                /* A first reading, so the first signal has rates. */
                Sample discard;
                (void) sample_collect(&m->sampler, &discard);
                return 0;
        }
        r = sd_event_source_get_enabled(m->sample_timer, NULL);
        if (r > 0)
                return 0;
        {
                Sample discard;
                (void) sample_collect(&m->sampler, &discard);
        }
        r = sd_event_source_set_time_relative(m->sample_timer, m->sample_interval_usec);
        if (r >= 0)
                r = sd_event_source_set_enabled(m->sample_timer, SD_EVENT_ONESHOT);
        return r;
}

/* ---- main ---- */

static void help(void) {
        printf("rescapd [OPTIONS]\n\n"
               "The rescap daemon: the org.rescap1 bus object on the system bus.\n\n"
               "  -h --help               this help\n"
               "     --version            the version\n"
               "     --conf-dir=DIR       the admin's unit caps, and SetUnitCap's (default /etc/rescap)\n"
               "     --vendor-dir=DIR     packages' unit caps (default /usr/lib/rescap)\n"
               "     --runtime-dir=DIR    unit caps until reboot (default /run/rescap)\n"
               "     --sample-interval=S  seconds between monitoring signals (default 5)\n"
               "     --events-buffer=SIZE receive buffer of the kernel events socket (default 16M)\n");
}

static void manager_free(Manager *m) {
        kernel_disconnect(m);
        m->ctrl_source = sd_event_source_disable_unref(m->ctrl_source);
        if (m->ctrl)
                mnl_socket_close(m->ctrl);
        m->retry_timer = sd_event_source_disable_unref(m->retry_timer);
        m->sample_timer = sd_event_source_disable_unref(m->sample_timer);
        sampler_reset(&m->sampler);
        bus_manager_free(m);
        if (m->bus)
                sd_bus_flush_close_unref(m->bus);
        manager_query_bus_close(m);
        sd_event_unref(m->event);
        for (size_t i = 0; i < m->n_unit_events; i++)
                free(m->unit_events[i].unit);
        free(m->unit_events);
        free(m->policy_kills);
        unit_caps_list_free(&m->units);
        unit_scan_free(m->unit_scan);
        unit_cgroups_free(m->unit_cgroups, m->n_unit_cgroups);
        unit_cgroups_free(m->start_cgroups, m->n_start_cgroups);
        free(m->self_cgroup);
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "help",            no_argument,       NULL, 'h' },
                { "version",         no_argument,       NULL, 'V' },
                { "conf-dir",        required_argument, NULL, 'c' },
                { "vendor-dir",      required_argument, NULL, 'v' },
                { "runtime-dir",     required_argument, NULL, 'r' },
                { "sample-interval", required_argument, NULL, 's' },
                { "events-buffer",   required_argument, NULL, 'b' },
                {}
        };
        Manager m = {
                .backend = "",
                .sample_interval_usec = SAMPLE_INTERVAL_DEFAULT_USEC,
                .vendor_dir = "/usr/lib/rescap",
                .conf_dir = "/etc/rescap",
                .runtime_dir = "/run/rescap",
                .events_buffer = EVENTS_BUFFER_DEFAULT,
        };
        sigset_t mask;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case 'V':
                        printf("rescapd %s\n", RESCAP_VERSION);
                        return 0;
                case 'c':
                        m.conf_dir = optarg;
                        break;
                case 'v':
                        m.vendor_dir = optarg;
                        break;
                case 'r':
                        m.runtime_dir = optarg;
                        break;
                case 's': {
                        char *end;
                        double v = strtod(optarg, &end);

                        if (*end || !(v * 1e6 >= SAMPLE_INTERVAL_MIN_USEC && v * 1e6 <= SAMPLE_INTERVAL_MAX_USEC)) {
                                fprintf(stderr, "rescapd: bad sample interval '%s' (0.1 to 3600 s)\n", optarg);
                                return 2;
                        }
                        m.sample_interval_usec = (uint64_t) (v * 1e6);
                        break;
                }
                case 'b': {
                        uint64_t v;

                        if (parse_size(optarg, &v) < 0 || v < 4096 || v > INT32_MAX / 2) {
                                fprintf(stderr, "rescapd: bad events buffer size '%s' (4K to 1G)\n", optarg);
                                return 2;
                        }
                        m.events_buffer = (uint32_t) v;
                        break;
                }
                default:
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "rescapd: unexpected argument '%s'\n", argv[optind]);
                return 2;
        }
        setvbuf(stderr, NULL, _IOLBF, 0);

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_default(&m.event);
        if (r >= 0)
                r = sd_event_add_signal(m.event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(m.event, NULL, SIGINT, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(m.event, NULL, SIGHUP, on_sighup, &m);
        /* WATCHDOG=1 from the loop, when the unit has WatchdogSec=. */
        if (r >= 0)
                r = sd_event_set_watchdog(m.event, true);
        if (r < 0) {
                log_msg("rescapd: cannot set up the event loop: %s", strerror(-r));
                goto out;
        }

        m.self_cgroup = read_self_cgroup();

        /* The bus first, so the first connection to the kernel can say so. */
        r = bus_manager_setup(&m);
        /* No bus, no daemon: the loop ends with EXIT_FAILURE. */
        if (r >= 0)
                r = sd_bus_set_exit_on_disconnect(m.bus, true);
        if (r < 0) {
                log_msg("rescapd: cannot set up the bus object: %s", strerror(-r));
                goto out;
        }
        r = systemd_subscribe(&m);
        if (r < 0)
                log_msg("rescapd: cannot follow systemd's jobs and reloads (%s): unit caps are applied only "
                        "at rescapd's start, its reloads and the kernel's return", strerror(-r));
        /* The units' settings, with the unit files systemd has. */
        (void) manager_reload_units(&m, "start", true);
        r = ctrl_setup(&m);
        if (r < 0) {
                log_msg("rescapd: cannot watch the kernel: %s", strerror(-r));
                goto out;
        }
        r = kernel_connect(&m);
        if (r == -ENOENT)
                log_msg("rescapd: rescap is not loaded; waiting for it");
        else if (r < 0)
                log_msg("rescapd: cannot talk to rescap: %s; waiting for it to come back", strerror(-r));

        /* The start's batch, if the kernel did not take it. */
        unit_cgroups_free(m.start_cgroups, m.n_start_cgroups);
        m.start_cgroups = NULL;
        m.n_start_cgroups = 0;
        manager_bulk_done(&m);
        m.started = true;

        r = sd_bus_request_name(m.bus, RESCAP_BUS_NAME, 0);
        if (r < 0) {
                log_msg("rescapd: cannot own %s: %s", RESCAP_BUS_NAME, strerror(-r));
                goto out;
        }
        (void) sd_notify(0, "READY=1\nSTATUS=Processing requests...");
        r = sd_event_loop(m.event);
        (void) sd_notify(0, "STOPPING=1");
        if (r < 0)
                log_msg("rescapd: event loop failed: %s", strerror(-r));
        else if (r > 0)
                log_msg("rescapd: the bus connection was lost; exiting");
out:
        manager_free(&m);
        return r < 0 ? EXIT_FAILURE : r;
}
