/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapctl over D-Bus: the commands sent to rescapd (org.rescap1) rather
 * than to the kernel. See rescapctl(8) and org.rescap1(5).
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "bus-contract.h"
#include "bus-subscribe.h"
#include "kernel-link.h"
#include "rescapctl.h"
#include "cleanup.h"
#include "rescapd-errors.h"
#include "rescapd-unit.h"
#include "size.h"

#define DEST RESCAP_BUS_NAME
#define PATH RESCAP_BUS_PATH
#define IFACE RESCAP_BUS_MANAGER_IFACE

/* Is rescapd there, or can the bus start it? */
int bus_available(sd_bus **ret) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        sd_bus *bus = NULL;
        int has = 0, r;
        const char *name;

        (void) sd_bus_error_add_map(rescap_error_map);
        r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", &e, &reply, "s", DEST);
        if (r >= 0)
                r = sd_bus_message_read(reply, "b", &has);
        reply = sd_bus_message_unref(reply);
        sd_bus_error_free(&e);
        if (r >= 0 && !has) {
                r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "ListActivatableNames", &e, &reply, NULL);
                if (r >= 0)
                        r = sd_bus_message_enter_container(reply, 'a', "s");
                while (r >= 0 && !has && (r = sd_bus_message_read(reply, "s", &name)) > 0)
                        has = strcmp(name, DEST) == 0;
                reply = sd_bus_message_unref(reply);
                sd_bus_error_free(&e);
        }
        if (r < 0 || !has) {
                sd_bus_unref(bus);
                return r < 0 ? r : -ENOENT;
        }
        *ret = bus;
        return 0;
}

int bus_fail(const char *what, const sd_bus_error *e, int r) {
        if (sd_bus_error_is_set(e)) {
                fprintf(stderr, "rescapctl: %s: %s (%s)\n", what, e->message ?: strerror(-r), e->name);
                if (sd_bus_error_has_name(e, RESCAP_ERROR_KERNEL_UNAVAILABLE))
                        return EXIT_UNAVAILABLE;
                if (sd_bus_error_has_names(e, SD_BUS_ERROR_ACCESS_DENIED,
                                           SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED))
                        return EXIT_DENIED;
        } else
                fprintf(stderr, "rescapctl: %s: %s\n", what, strerror(-r));
        return EXIT_FAILED;
}

int bus_call(sd_bus *bus, const char *what, const char *member, sd_bus_message **reply, const char *sig, ...) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, DEST, PATH, IFACE, member);
        if (r >= 0)
                (void) sd_bus_message_set_allow_interactive_authorization(m, isatty(STDIN_FILENO));
        if (r >= 0 && sig) {
                va_start(ap, sig);
                r = sd_bus_message_appendv(m, sig, ap);
                va_end(ap);
        }
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, &e, reply);
        sd_bus_message_unref(m);
        if (r < 0) {
                r = bus_fail(what, &e, r);
                sd_bus_error_free(&e);
                return r;
        }
        return 0;
}

static int action_from(const char *s) {
        uint32_t a;

        return rk_action_from_name(s, &a) < 0 ? 0 : (int) a;
}

int bus_sockets(sd_bus *bus, const char *member, const char *sig, const void *arg, SockReport *ret,
                sd_bus_message **reply) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        const char *family, *type, *state, *local, *peer;
        uint64_t sent, received;
        uint32_t count;
        int r;

        *ret = (SockReport) {};
        if (sig[0] == 'u')
                r = sd_bus_call_method(bus, DEST, PATH, IFACE, member, &e, reply, sig, *(const uint32_t *) arg);
        else
                r = sd_bus_call_method(bus, DEST, PATH, IFACE, member, &e, reply, sig, (const char *) arg);
        if (r < 0) {
                r = sd_bus_error_get_errno(&e) ?: -r;
                sd_bus_error_free(&e);
                return r;
        }
        r = sd_bus_message_enter_container(*reply, 'a', RESCAP_BUS_SOCK_COUNT_SIG);
        while (r >= 0 && (r = sd_bus_message_read(*reply, RESCAP_BUS_SOCK_COUNT_SIG, &family, &type, &state,
                                                  &count)) > 0) {
                SockCount *c = realloc(ret->counts, (ret->n_counts + 1) * sizeof(*c));

                if (!c) {
                        r = -ENOMEM;
                        break;
                }
                ret->counts = c;
                c[ret->n_counts++] = (SockCount) { .family = family, .type = type, .state = state, .count = count };
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(*reply);
        if (r >= 0)
                r = sd_bus_message_enter_container(*reply, 'a', RESCAP_BUS_TCP_CONN_SIG);
        while (r >= 0 && (r = sd_bus_message_read(*reply, RESCAP_BUS_TCP_CONN_SIG, &local, &peer, &state, &sent,
                                                  &received)) > 0) {
                TcpConn *c = realloc(ret->tcp, (ret->n_tcp + 1) * sizeof(*c));

                if (!c) {
                        r = -ENOMEM;
                        break;
                }
                ret->tcp = c;
                c = &c[ret->n_tcp++];
                *c = (TcpConn) { .state = state, .bytes_sent = sent, .bytes_received = received };
                snprintf(c->local, sizeof(c->local), "%s", local);
                snprintf(c->peer, sizeof(c->peer), "%s", peer);
                ret->tcp_bytes_sent += sent;
                ret->tcp_bytes_received += received;
        }
        if (r < 0) {
                sock_report_done(ret);
                return -r;
        }
        return 0;
}

static int cmd_get(sd_bus *bus, uint32_t pid) {
        sd_bus_message *reply = NULL;
        const char *comm, *state, *action, *cgroup, *unit;
        rk_proc *p = calloc(1, sizeof(*p));
        int inherit, r;

        if (!p)
                return EXIT_FAILED;
        r = bus_call(bus, "get", "Fetch", &reply, "u", pid);
        if (r) {
                free(p);
                return r;
        }
        r = sd_bus_message_read(reply, "ussubtttttttsutss", &p->pid, &comm, &state, &p->uid, &inherit,
                                &p->heap, &p->heap_peak, &p->heap_cap, &p->rss_anon, &p->fds, &p->fds_peak,
                                &p->fd_cap, &action, &p->soft_pct, &p->cgroup_id, &cgroup, &unit);
        if (r < 0) {
                sd_bus_message_unref(reply);
                free(p);
                return bus_fail("get", NULL, r);
        }
        snprintf(p->comm, sizeof(p->comm), "%s", comm);
        snprintf(p->cgroup_path, sizeof(p->cgroup_path), "%s", cgroup);
        p->state = state[0];
        p->flags = inherit ? 0 : RESCAP_REGISTER_FLAGS_NO_INHERIT;
        p->action = (uint32_t) action_from(action);
        {
                sd_bus_message *sreply = NULL;
                SockReport so;
                const int se = bus_sockets(bus, "GetSockets", "u", &pid, &so, &sreply);

                print_proc(p, unit, &so, se);
                sock_report_done(&so);
                sd_bus_message_unref(sreply);
        }
        sd_bus_message_unref(reply);
        free(p);
        return 0;
}

static int cmd_list(sd_bus *bus) {
        sd_bus_message *reply = NULL;
        rk_proc *p = calloc(1, sizeof(*p));
        const char *comm, *action, *cgroup, *unit;
        Table *tb = NULL;
        int r;

        if (!p)
                return EXIT_FAILED;
        r = table_new(proc_columns, PROC_COLUMNS, &tb);
        if (r < 0) {
                free(p);
                return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
        }
        r = bus_call(bus, "list", "List", &reply, NULL);
        if (r) {
                table_free(tb);
                free(p);
                return r;
        }
        r = sd_bus_message_enter_container(reply, 'a', "(usuttttsss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(usuttttsss)", &p->pid, &comm, &p->uid, &p->heap,
                                                  &p->heap_cap, &p->fds, &p->fd_cap, &action, &cgroup,
                                                  &unit)) > 0) {
                snprintf(p->comm, sizeof(p->comm), "%s", comm);
                snprintf(p->cgroup_path, sizeof(p->cgroup_path), "%s", cgroup);
                p->action = (uint32_t) action_from(action);
                r = table_add_proc(tb, p, unit);
        }
        if (r < 0)
                table_free(tb);
        else
                table_print_free(tb);
        sd_bus_message_unref(reply);
        free(p);
        return r < 0 ? bus_fail("list", NULL, r) : 0;
}

int bus_read_status(sd_bus *bus, const char *what, BusStatus *ret) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        BusStatus st = {};
        int r;

        r = sd_bus_get_property_string(bus, DEST, PATH, IFACE, "Version", &e, &st.version);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, DEST, PATH, IFACE, "Backend", &e, &st.backend);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, DEST, PATH, IFACE, "Tracked", &e, 'u', &st.tracked);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, DEST, PATH, IFACE, "Kills", &e, 't', &st.kills);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, DEST, PATH, IFACE, "LostEvents", &e, 't', &st.lost_events);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, DEST, PATH, IFACE, "SampleIntervalUSec", &e, 't',
                                                &st.sample_interval_usec);
        if (r < 0) {
                r = bus_fail(what, &e, r);
                sd_bus_error_free(&e);
                bus_status_done(&st);
                return r;
        }
        *ret = st;
        return 0;
}

void bus_status_done(BusStatus *st) {
        free(st->version);
        free(st->backend);
        *st = (BusStatus) {};
}

/* ---- what metrics and top read: units with caps, tracked processes ---- */

void entries_free(Entry *e, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(e[i].unit);
                free(e[i].comm);
        }
        free(e);
}

static int entry_add(Entry **e, size_t *n, const char *unit, const char *comm, uint32_t pid, const uint64_t v[4]) {
        Entry *x = realloc(*e, (*n + 1) * sizeof(**e));

        if (!x)
                return -ENOMEM;
        *e = x;
        x[*n] = (Entry) { .unit = strdup(unit), .comm = comm ? strdup(comm) : NULL, .pid = pid };
        memcpy(x[*n].v, v, sizeof(x[*n].v));
        if (!x[*n].unit || (comm && !x[*n].comm)) {
                free(x[*n].unit);
                free(x[*n].comm);
                return -ENOMEM;
        }
        (*n)++;
        return 0;
}

int bus_read_units(sd_bus *bus, const char *what, Entry **e, size_t *n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *unit, *cgroup, *path;
        uint64_t v[4];
        int r;

        r = bus_call(bus, what, "ListUnits", &reply, NULL);
        if (r)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', RESCAP_BUS_UNIT_ENTRY_SIG);
        while (r >= 0 && (r = sd_bus_message_read(reply, RESCAP_BUS_UNIT_ENTRY_SIG, &unit, &cgroup, &path, &v[1],
                                                  &v[3])) > 0) {
                sd_bus_error err = SD_BUS_ERROR_NULL;

                /* A unit that went away meanwhile counts nothing. */
                if (sd_bus_get_property_trivial(bus, DEST, path, RESCAP_BUS_UNIT_IFACE, "HeapCurrent", &err, 't',
                                                &v[0]) < 0 ||
                    sd_bus_get_property_trivial(bus, DEST, path, RESCAP_BUS_UNIT_IFACE, "FDCurrent", &err, 't',
                                                &v[2]) < 0)
                        v[0] = v[2] = 0;
                sd_bus_error_free(&err);
                r = entry_add(e, n, unit, NULL, 0, v);
        }
        return r < 0 ? bus_fail(what, NULL, r) : 0;
}

int bus_read_processes(sd_bus *bus, const char *what, Entry **e, size_t *n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *comm, *action, *cgroup, *unit;
        sd_bus_error err = SD_BUS_ERROR_NULL;
        uint32_t pid, uid;
        uint64_t v[4];
        int r;

        r = sd_bus_call_method(bus, DEST, PATH, IFACE, "List", &err, &reply, NULL);
        if (r < 0) {
                r = sd_bus_error_has_name(&err, RESCAP_ERROR_KERNEL_UNAVAILABLE) ? 0 : bus_fail(what, &err, r);
                sd_bus_error_free(&err);
                return r;
        }
        r = sd_bus_message_enter_container(reply, 'a', RESCAP_BUS_LIST_ENTRY_SIG);
        while (r >= 0 && (r = sd_bus_message_read(reply, RESCAP_BUS_LIST_ENTRY_SIG, &pid, &comm, &uid, &v[0], &v[1],
                                                  &v[2], &v[3], &action, &cgroup, &unit)) > 0)
                r = entry_add(e, n, unit, comm, pid, v);
        return r < 0 ? bus_fail(what, NULL, r) : 0;
}

static int cmd_status(sd_bus *bus) {
        BusStatus st;
        int r;

        r = bus_read_status(bus, "status", &st);
        if (r)
                return r;
        if (arg_json) {
                printf("{\"version\":");
                json_string(st.version);
                printf(",\"backend\":");
                json_string(st.backend);
                printf(",\"tracked\":%" PRIu32 ",\"kills\":%" PRIu64 ",\"lost_events\":%" PRIu64
                       ",\"sample_interval_usec\":%" PRIu64 "}\n", st.tracked, st.kills, st.lost_events,
                       st.sample_interval_usec);
        } else {
                printf("rescapd:   %s\n", tty_str(st.version));
                printf("Backend:   %s\n", st.backend[0] ? tty_str(st.backend) : "none (rescap is not loaded)");
                printf("Tracked:   %" PRIu32 "\n", st.tracked);
                printf("Kills:     %" PRIu64 "\n", st.kills);
                printf("Lost:      %" PRIu64 " event(s)\n", st.lost_events);
                printf("Interval:  %.1f s\n", (double) st.sample_interval_usec / 1e6);
        }
        bus_status_done(&st);
        return 0;
}

static int append_caps(sd_bus_message *m, const rk_caps *c) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        if (r >= 0 && c->has_heap)
                r = sd_bus_message_append(m, "{sv}", "HeapMax", "t", c->heap);
        if (r >= 0 && c->has_fds)
                r = sd_bus_message_append(m, "{sv}", "FDMax", "t", c->fds);
        if (r >= 0 && c->has_action)
                r = sd_bus_message_append(m, "{sv}", "Action", "s", rk_action_name(c->action));
        if (r >= 0 && c->has_soft_pct)
                r = sd_bus_message_append(m, "{sv}", "SoftPercent", "u", c->soft_pct);
        if (r >= 0 && c->force)
                r = sd_bus_message_append(m, "{sv}", "Force", "b", 1);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

/* SetCapWithOptions, SetUnitCapWithOptions (unit not NULL) and
 * RegisterWithOptions (register true: the flags follow the pid). */
static int send_caps(sd_bus *bus, const char *member, uint32_t pid, const char *unit, bool reg,
                     uint64_t flags, const rk_caps *c) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, DEST, PATH, IFACE, member);
        if (r >= 0)
                (void) sd_bus_message_set_allow_interactive_authorization(m, isatty(STDIN_FILENO));
        if (r >= 0)
                r = unit ? sd_bus_message_append(m, "s", unit) : sd_bus_message_append(m, "u", pid);
        if (r >= 0 && reg)
                r = sd_bus_message_append(m, "t", flags);
        if (r >= 0)
                r = append_caps(m, c);
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, &e, NULL);
        sd_bus_message_unref(m);
        if (r < 0) {
                r = bus_fail(reg ? "register" : "cap", &e, r);
                sd_bus_error_free(&e);
                return r;
        }
        return 0;
}

static int set_caps(sd_bus *bus, const char *member, uint32_t pid, const char *unit, const rk_caps *c) {
        return send_caps(bus, member, pid, unit, false, 0, c);
}

static int register_with_caps(sd_bus *bus, uint32_t pid, uint64_t flags, const rk_caps *c) {
        return send_caps(bus, "RegisterWithOptions", pid, NULL, true, flags, c);
}

static int cmd_unit_get(sd_bus *bus, const char *group) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        uint64_t v[5] = {};
        static const char *const names[] = { "HeapMax", "FDMax", "HeapCurrent", "FDCurrent", "Kills" };
        char *cgroup = NULL, a[32], b[32];
        sd_bus_message *sreply = NULL;
        SockReport so = {};
        const char *path;
        int r, se = ENOENT;

        r = bus_call(bus, "unit", "GetUnit", &reply, "s", group);
        if (r)
                return r;
        r = sd_bus_message_read(reply, "o", &path);
        for (size_t i = 0; r >= 0 && i < 5; i++)
                r = sd_bus_get_property_trivial(bus, DEST, path, RESCAP_BUS_UNIT_IFACE, names[i], &e, 't', &v[i]);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, DEST, path, RESCAP_BUS_UNIT_IFACE, "ControlGroup", &e, &cgroup);
        if (r >= 0)
                se = bus_sockets(bus, "GetUnitSockets", "s", group, &so, &sreply);
        if (r < 0)
                r = bus_fail("unit", &e, r);
        else if (arg_json) {
                printf("{\"unit\":");
                json_string(group);
                printf(",\"cgroup\":");
                json_string(cgroup);
                json_cap("heap_max", v[0]);
                json_cap("fd_max", v[1]);
                printf(",\"heap\":%" PRIu64 ",\"fds\":%" PRIu64 ",\"kills\":%" PRIu64, v[2], v[3], v[4]);
                print_sockets(&so, se);
                printf("}\n");
                r = 0;
        } else {
                printf("Unit:      %s\n", tty_str(group));
                printf("CGroup:    %s\n", cgroup[0] ? tty_str(cgroup) : "- (not running)");
                printf("Heap:      %s (cap %s)\n", format_size(a, sizeof(a), v[2]), cap_str(b, sizeof(b), v[0], true));
                printf("FDs:       %" PRIu64 " (cap %s)\n", v[3], cap_str(b, sizeof(b), v[1], false));
                printf("Kills:     %" PRIu64 "\n", v[4]);
                print_sockets(&so, se);
                r = 0;
        }
        sock_report_done(&so);
        sd_bus_message_unref(sreply);
        sd_bus_error_free(&e);
        sd_bus_message_unref(reply);
        free(cgroup);
        return r;
}

/* ---- monitor ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
        (void) sig;
        stop = 1;
}

static void print_top(const char *name, sd_bus_message *m) {
        const char *comm;
        uint64_t v;
        uint32_t pid;
        int n = 0;

        if (sd_bus_message_enter_container(m, 'a', "(ust)") < 0)
                return;
        printf(arg_json ? ",\"%s\":[" : " %s=", name);
        while (sd_bus_message_read(m, "(ust)", &pid, &comm, &v) > 0) {
                if (arg_json) {
                        printf("%s{\"pid\":%" PRIu32 ",\"comm\":", n ? "," : "", pid);
                        json_string(comm);
                        printf(",\"value\":%" PRIu64 "}", v);
                } else
                        printf("%s%" PRIu32 ":%s:%" PRIu64, n ? "," : "", pid, tty_str(comm), v);
                n++;
        }
        if (arg_json)
                printf("]");
        (void) sd_bus_message_exit_container(m);
}

static int on_bus_signal(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        bool samples = *(bool *) userdata;
        const char *member = sd_bus_message_get_member(m);
        int r;

        (void) error;
        if (strcmp(member, "Sample") == 0) {
                uint64_t ts, used, total, rx, tx;
                double cpu, l1, l5, l15;
                uint32_t procs, tracked;

                if (!samples)
                        return 0;
                r = sd_bus_message_read(m, "tdttdddttuu", &ts, &cpu, &used, &total, &l1, &l5, &l15, &rx, &tx,
                                        &procs, &tracked);
                if (r < 0)
                        return 0;
                if (arg_json)
                        printf("{\"event\":\"sample\",\"timestamp\":%" PRIu64 ",\"cpu_percent\":%.1f"
                               ",\"memory_used\":%" PRIu64 ",\"memory_total\":%" PRIu64
                               ",\"load\":[%.2f,%.2f,%.2f],\"net_rx_bps\":%" PRIu64 ",\"net_tx_bps\":%" PRIu64
                               ",\"processes\":%" PRIu32 ",\"tracked\":%" PRIu32,
                               ts, cpu, used, total, l1, l5, l15, rx, tx, procs, tracked);
                else
                        printf("sample cpu=%.1f%% mem=%" PRIu64 "/%" PRIu64 " load=%.2f,%.2f,%.2f rx=%" PRIu64
                               "B/s tx=%" PRIu64 "B/s processes=%" PRIu32 " tracked=%" PRIu32,
                               cpu, used, total, l1, l5, l15, rx, tx, procs, tracked);
                print_top("top_heap", m);
                print_top("top_fds", m);
                print_top("top_net", m);
                printf(arg_json ? "}\n" : "\n");
                fflush(stdout);
                return 0;
        }
        Event e = { .resource = "", .action = "", .kind = "", .policy = "", .policy_cgroup = "" };

        if (strcmp(member, "Exited") == 0) {
                e.event = "exited";
                r = sd_bus_message_read(m, RESCAP_BUS_EXITED_SIG, &e.pid, &e.comm, &e.uid, &e.cgroup, &e.unit,
                                        &e.heap_peak, &e.fds_peak);
        } else if (strcmp(member, "Killed") == 0) {
                e.event = "killed";
                r = sd_bus_message_read(m, RESCAP_BUS_KILLED_SIG, &e.pid, &e.comm, &e.uid, &e.cgroup, &e.unit,
                                        &e.resource, &e.usage, &e.cap, &e.action, &e.policy, &e.policy_cgroup);
        } else if (strcmp(member, "CapWarning") == 0) {
                e.event = "warning";
                r = sd_bus_message_read(m, RESCAP_BUS_CAPWARNING_SIG, &e.pid, &e.comm, &e.uid, &e.cgroup,
                                        &e.unit, &e.resource, &e.usage, &e.cap, &e.action, &e.kind, &e.policy,
                                        &e.policy_cgroup);
        } else
                return 0;
        if (r >= 0)
                print_event(&e);
        return 0;
}

int bus_subscribe(sd_bus *bus, const char *what, sd_bus_message_handler_t cb, void *userdata) {
        int r = rescap_follow_signals(bus, what, cb, userdata);

        if (r < 0)
                return bus_fail(what, NULL, r);
        return bus_call(bus, what, "Subscribe", NULL, NULL);
}

static int cmd_monitor(sd_bus *bus, bool samples) {
        struct sigaction sa = { .sa_handler = on_signal };
        int r;

        r = bus_subscribe(bus, "monitor", on_bus_signal, &samples);
        if (r)
                return r;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        while (!stop && !output_status()) {
                r = sd_bus_process(bus, NULL);
                if (r < 0) {
                        if (stop)
                                break;
                        return bus_fail("monitor", NULL, r);
                }
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0 && r != -EINTR)
                        return bus_fail("monitor", NULL, r);
        }
        return output_status() < 0 ? EXIT_FAILURE : 0;
}

/* set-property UNIT KEY=VALUE... (--runtime): the values parsed here, as
 * rescapd's files take them (a share of memory for HeapMax=: this
 * machine's), sent with SetUnitCapWithOptions. */
static int cmd_set_property(sd_bus *bus, int argc, char **argv) {
        const uint64_t physical = physical_memory();
        UnitCaps u = { .unit = argv[0], .heap_max = RESCAP_NO_CAP, .fd_max = RESCAP_NO_CAP };
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL;
        unsigned keys = 0;
        int r;

        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *key = NULL;
                const char *eq = strchr(argv[i], '='), *why = NULL;
                int k;

                if (!eq) {
                        fprintf(stderr, "rescapctl: set-property: '%s' is not KEY=VALUE\n", tty_str(argv[i]));
                        return EXIT_USAGE;
                }
                key = strndup(argv[i], (size_t) (eq - argv[i]));
                if (!key)
                        return EXIT_FAILED;
                if (!eq[1]) {
                        fprintf(stderr, "rescapctl: set-property: %s= without a value: to lift a cap, "
                                "say infinity; to drop rescapd's settings of a unit, unit-reset\n", tty_str(key));
                        return EXIT_USAGE;
                }
                k = unit_caps_set(&u, key, eq + 1, physical, &why);
                if (k == -ENOENT) {
                        fprintf(stderr, "rescapctl: set-property: unknown key '%s' "
                                "(HeapMax, FDMax, Action, SoftPercent)\n", tty_str(key));
                        return EXIT_USAGE;
                }
                if (k < 0) {
                        fprintf(stderr, "rescapctl: set-property: %s: %s\n", tty_str(argv[i]), why);
                        return EXIT_USAGE;
                }
                keys |= 1U << k;
        }
        if (!keys) {
                fprintf(stderr, "rescapctl: set-property: nothing to set (HeapMax=, FDMax=, Action=, SoftPercent=)\n");
                return EXIT_USAGE;
        }
        r = sd_bus_message_new_method_call(bus, &m, DEST, PATH, IFACE, "SetUnitCapWithOptions");
        if (r >= 0)
                (void) sd_bus_message_set_allow_interactive_authorization(m, isatty(STDIN_FILENO));
        if (r >= 0)
                r = sd_bus_message_append(m, "s", argv[0]);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && keys & (1U << UNIT_CAPS_HEAP_MAX))
                r = sd_bus_message_append(m, "{sv}", "HeapMax", "t", u.heap_max);
        if (r >= 0 && keys & (1U << UNIT_CAPS_FD_MAX))
                r = sd_bus_message_append(m, "{sv}", "FDMax", "t", u.fd_max);
        if (r >= 0 && keys & (1U << UNIT_CAPS_ACTION))
                r = sd_bus_message_append(m, "{sv}", "Action", "s", rk_action_name(u.action));
        if (r >= 0 && keys & (1U << UNIT_CAPS_SOFT_PERCENT))
                r = sd_bus_message_append(m, "{sv}", "SoftPercent", "u", u.soft_pct);
        if (r >= 0 && arg_runtime)
                r = sd_bus_message_append(m, "{sv}", "Runtime", "b", 1);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, &e, NULL);
        sd_bus_message_unref(m);
        r = r < 0 ? bus_fail("set-property", &e, r) : 0;
        sd_bus_error_free(&e);
        return r;
}

/* cat UNIT: the unit's settings from every layer, where each value comes
 * from, and what is wrong (GetUnitConfig). */
static int cmd_cat(sd_bus *bus, const char *unit) {
        sd_bus_message *reply = NULL;
        const char *text;
        int r;

        r = bus_call(bus, "cat", "GetUnitConfig", &reply, "s", unit);
        if (r)
                return r;
        r = sd_bus_message_read(reply, "s", &text);
        /* Line by line: no terminal escapes from a file pass through. */
        while (r >= 0 && *text) {
                const size_t n = strcspn(text, "\n");
                _cleanup_free_ char *line = strndup(text, n);

                if (!line)
                        break;
                printf("%s\n", tty_str(line));
                text += n + (text[n] == '\n');
        }
        sd_bus_message_unref(reply);
        return r < 0 ? EXIT_FAILED : 0;
}

/* ---- dispatch ---- */

int bus_main(sd_bus *bus, const char *cmd, int argc, char **argv) {
        uint32_t pid;
        uint64_t flags;

        if (strcmp(cmd, "status") == 0)
                return cmd_status(bus);
        if (strcmp(cmd, "list") == 0)
                return cmd_list(bus);
        if (strcmp(cmd, "monitor") == 0)
                return cmd_monitor(bus, arg_samples);
        if (strcmp(cmd, "set-property") == 0)
                return cmd_set_property(bus, argc, argv);
        if (strcmp(cmd, "cat") == 0)
                return cmd_cat(bus, argv[0]);
        if (strcmp(cmd, "metrics") == 0)
                return cmd_metrics(bus);
        if (strcmp(cmd, "top") == 0)
                return cmd_top(bus);
        if (strcmp(cmd, "unit-get") == 0)
                return cmd_unit_get(bus, argv[0]);
        if (strcmp(cmd, "unit-reset") == 0)
                return bus_call(bus, "unit-reset", "ResetUnit", NULL, "s", argv[0]);
        if (strcmp(cmd, "unit-cap") == 0)
                return set_caps(bus, "SetUnitCapWithOptions", 0, argv[0], &arg_caps);

        /* A process: rescapd takes a pidfd for a registration without
         * caps (RegisterPIDFD); for the rest it names the process by its
         * pid, so --pidfd is refused rather than dropped. */
        if (arg_pidfd && (strcmp(cmd, "register") != 0 || caps_given(&arg_caps))) {
                fprintf(stderr, "rescapctl: %s: rescapd takes a pidfd only for register without caps; "
                        "--kernel talks to the kernel, which takes one for every command\n", cmd);
                return EXIT_USAGE;
        }
        if (parse_pid_number(argv[0], &pid) < 0)
                return EXIT_USAGE;
        if (strcmp(cmd, "get") == 0)
                return cmd_get(bus, pid);
        if (strcmp(cmd, "register") == 0) {
                flags = arg_no_inherit ? RESCAP_BUS_REGISTER_NO_INHERIT : 0;
                if (caps_given(&arg_caps))
                        return register_with_caps(bus, pid, flags, &arg_caps);
                if (arg_pidfd) {
                        int fd = (int) syscall(SYS_pidfd_open, (pid_t) pid, 0), r;

                        if (fd < 0) {
                                fprintf(stderr, "rescapctl: pidfd_open(%" PRIu32 "): %s\n", pid, strerror(errno));
                                return EXIT_FAILED;
                        }
                        r = bus_call(bus, "register", "RegisterPIDFD", NULL, "ht", fd, flags);
                        close(fd);
                        return r;
                }
                return bus_call(bus, "register", "Register", NULL, "ut", pid, flags);
        }
        if (strcmp(cmd, "deregister") == 0)
                return bus_call(bus, "deregister", "Deregister", NULL, "u", pid);
        if (strcmp(cmd, "reset") == 0)
                return bus_call(bus, "reset", "Reset", NULL, "u", pid);
        return set_caps(bus, "SetCapWithOptions", pid, NULL, &arg_caps);
}
