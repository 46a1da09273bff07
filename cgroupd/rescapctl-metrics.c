/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapctl metrics: rescapd's state in the Prometheus text exposition
 * format (version 0.0.4), for node_exporter's textfile collector
 * (rescap-metrics.service) or any scraper. The metric names are
 * documented in rescapctl(8) and kept stable.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "bus-contract.h"
#include "cleanup.h"
#include "rescapctl.h"
#include "utf8.h"

/* A label value: valid UTF-8 from rescapd; its controls shown as \xNN
 * (utf8.h), then backslash and double quote escaped as the format
 * wants (a newline cannot be left: it became \x0a). */
static void label(FILE *f, const char *name, const char *value, bool last) {
        char esc[RK_PATH_SIZE];

        utf8_escape(esc, sizeof(esc), value, strlen(value), UTF8_ESCAPE_CONTROL);
        fprintf(f, "%s=\"", name);
        for (const char *c = esc; *c; c++) {
                if (*c == '\\' || *c == '"')
                        fputc('\\', f);
                fputc(*c, f);
        }
        fprintf(f, "\"%s", last ? "" : ",");
}

static void family(FILE *f, const char *name, const char *type, const char *help) {
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* What one family prints for each unit or process. */
typedef struct Series {
        const char *name;
        const char *help;
        size_t field;           /* index in the values of an entry */
        bool cap;               /* omitted when there is no cap */
} Series;

static const Series unit_series[] = {
        { "rescap_unit_heap_bytes", "VmData of the unit's processes, added up (HeapCurrent).", 0, false },
        { "rescap_unit_heap_max_bytes", "The unit's heap cap, on each of its processes (HeapMax); no series when there is none.", 1, true },
        { "rescap_unit_open_fds", "Open descriptors of the unit's processes, added up (FDCurrent).", 2, false },
        { "rescap_unit_max_fds", "The unit's fd cap, on each of its processes (FDMax); no series when there is none.", 3, true },
};

static const Series process_series[] = {
        { "rescap_process_heap_bytes", "VmData of a tracked process.", 0, false },
        { "rescap_process_heap_max_bytes", "The heap cap of a tracked process; no series when there is none.", 1, true },
        { "rescap_process_open_fds", "Open descriptors of a tracked process.", 2, false },
        { "rescap_process_max_fds", "The fd cap of a tracked process; no series when there is none.", 3, true },
};

static void print_series(FILE *f, const Series *s, size_t n_series, const Entry *e, size_t n) {
        for (size_t k = 0; k < n_series; k++) {
                family(f, s[k].name, "gauge", s[k].help);
                for (size_t i = 0; i < n; i++) {
                        if (s[k].cap && e[i].v[s[k].field] == RESCAP_NO_CAP)
                                continue;
                        fprintf(f, "%s{", s[k].name);
                        if (e[i].pid) {
                                char pid[16];

                                snprintf(pid, sizeof(pid), "%" PRIu32, e[i].pid);
                                label(f, "pid", pid, false);
                                label(f, "comm", e[i].comm, false);
                        }
                        label(f, "unit", e[i].unit, true);
                        fprintf(f, "} %" PRIu64 "\n", e[i].v[s[k].field]);
                }
        }
}

/* Sockets by family, type and state, and TCP bytes, of each unit
 * (GetUnitSockets) or each process (GetSockets); an entry whose sockets
 * cannot be read (gone meanwhile) has no series. */
static void print_sockets_series(FILE *f, sd_bus *bus, const char *prefix, const Entry *e, size_t n) {
        static const char *const suffix[] = { "sockets", "tcp_sent_bytes", "tcp_received_bytes" };
        static const char *const help[] = {
                "Sockets held, by family, type and state (sock_diag joined to the descriptors).",
                "Bytes sent on the TCP connections held now, acknowledged by the peer, over their life.",
                "Bytes received on the TCP connections held now, over their life.",
        };
        SockReport *r = calloc(n + 1, sizeof(*r));
        sd_bus_message **keep = calloc(n + 1, sizeof(*keep));
        bool *ok = calloc(n + 1, sizeof(*ok));

        for (size_t i = 0; r && keep && ok && i < n; i++)
                ok[i] = (e[i].pid ? bus_sockets(bus, "GetSockets", "u", &e[i].pid, &r[i], &keep[i])
                                  : bus_sockets(bus, "GetUnitSockets", "s", e[i].unit, &r[i], &keep[i])) == 0;
        for (size_t k = 0; r && keep && ok && k < 3; k++) {
                char name[64];

                snprintf(name, sizeof(name), "%s_%s", prefix, suffix[k]);
                family(f, name, "gauge", help[k]);
                for (size_t i = 0; i < n; i++) {
                        char pid[16];

                        if (!ok[i])
                                continue;
                        snprintf(pid, sizeof(pid), "%" PRIu32, e[i].pid);
                        for (size_t c = 0; c < (k ? 1 : r[i].n_counts); c++) {
                                fprintf(f, "%s{", name);
                                if (e[i].pid) {
                                        label(f, "pid", pid, false);
                                        label(f, "comm", e[i].comm, false);
                                }
                                label(f, "unit", e[i].unit, k != 0);
                                if (k == 0) {
                                        label(f, "family", r[i].counts[c].family, false);
                                        label(f, "type", r[i].counts[c].type, false);
                                        label(f, "state", r[i].counts[c].state, true);
                                }
                                fprintf(f, "} %" PRIu64 "\n", k == 0 ? (uint64_t) r[i].counts[c].count :
                                                               k == 1 ? r[i].tcp_bytes_sent : r[i].tcp_bytes_received);
                        }
                }
        }
        for (size_t i = 0; r && keep && i < n; i++) {
                sock_report_done(&r[i]);
                sd_bus_message_unref(keep[i]);
        }
        free(r);
        free(keep);
        free(ok);
}

static int print_counters(sd_bus *bus, FILE *f) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *event, *unit, *resource, *policy, *kind;
        uint64_t count;
        int r;

        r = bus_call(bus, "metrics", "GetCounters", &reply, NULL);
        if (r)
                return r;
        for (int pass = 0; pass < 2; pass++) {
                if (pass == 0)
                        family(f, "rescap_kills_total", "counter",
                               "Processes killed over a cap since rescapd started, by unit with caps (\"\": the "
                               "others), resource (\"unknown\": found in the kernel's counters after lost "
                               "events) and policy.");
                else
                        family(f, "rescap_cap_warnings_total", "counter",
                               "Cap warnings since rescapd started, by unit with caps (\"\": the others), "
                               "resource, policy and kind (soft, notify, deny).");
                r = sd_bus_message_rewind(reply, true);
                if (r >= 0)
                        r = sd_bus_message_enter_container(reply, 'a', RESCAP_BUS_COUNTER_ENTRY_SIG);
                while (r >= 0 && (r = sd_bus_message_read(reply, RESCAP_BUS_COUNTER_ENTRY_SIG, &event, &unit,
                                                          &resource, &policy, &kind, &count)) > 0) {
                        if (strcmp(event, pass == 0 ? "kill" : "warning") != 0)
                                continue;
                        fprintf(f, "%s{", pass == 0 ? "rescap_kills_total" : "rescap_cap_warnings_total");
                        label(f, "unit", unit, false);
                        label(f, "resource", resource, false);
                        label(f, "policy", policy, pass == 0);
                        if (pass == 1)
                                label(f, "kind", kind, true);
                        fprintf(f, "} %" PRIu64 "\n", count);
                }
                if (r < 0)
                        return bus_fail("metrics: GetCounters", NULL, r);
        }
        return 0;
}

static int print_metrics(sd_bus *bus, FILE *f) {
        Entry *units = NULL, *procs = NULL;
        size_t n_units = 0, n_procs = 0;
        BusStatus st;
        int r;

        r = bus_read_status(bus, "metrics", &st);
        if (r)
                return r;
        r = bus_read_units(bus, "metrics", &units, &n_units);
        if (!r)
                r = bus_read_processes(bus, "metrics", &procs, &n_procs);
        if (!r) {
                family(f, "rescap_info", "gauge",
                       "rescapd's version and the kernel side it talks to (backend: module, lsm, \"\": none).");
                fprintf(f, "rescap_info{");
                label(f, "version", st.version, false);
                label(f, "backend", st.backend, true);
                fprintf(f, "} 1\n");
                family(f, "rescap_tracked_processes", "gauge", "Processes the kernel tracks.");
                fprintf(f, "rescap_tracked_processes %" PRIu32 "\n", st.tracked);
                family(f, "rescap_events_lost_total", "counter",
                       "Kernel events rescapd did not receive (its socket's buffer was full) since it started.");
                fprintf(f, "rescap_events_lost_total %" PRIu64 "\n", st.lost_events);
                r = print_counters(bus, f);
        }
        if (!r) {
                print_series(f, unit_series, sizeof(unit_series) / sizeof(unit_series[0]), units, n_units);
                print_series(f, process_series, sizeof(process_series) / sizeof(process_series[0]), procs,
                             n_procs);
                print_sockets_series(f, bus, "rescap_unit", units, n_units);
                print_sockets_series(f, bus, "rescap_process", procs, n_procs);
        }
        entries_free(units, n_units);
        entries_free(procs, n_procs);
        bus_status_done(&st);
        return r;
}

/* metrics [--output FILE]: FILE is replaced at once (a file written next
 * to it, then renamed over it), so a reader never sees half of it. */
int cmd_metrics(sd_bus *bus) {
        _cleanup_free_ char *tmp = NULL;
        const char *output = arg_output;
        FILE *f;
        int fd, r;

        if (!output) {
                r = print_metrics(bus, stdout);
                return r ? r : fflush(stdout) == 0 ? 0 : EXIT_FAILED;
        }

        if (asprintf(&tmp, "%s.XXXXXX", output) < 0)
                return EXIT_FAILED;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "rescapctl: metrics: cannot write next to %s: %m\n", output);
                return EXIT_FAILED;
        }
        f = fdopen(fd, "w");
        if (!f) {
                close(fd);
                unlink(tmp);
                return EXIT_FAILED;
        }
        r = print_metrics(bus, f);
        if (!r && (fchmod(fd, 0644) < 0 || fflush(f) != 0 || fsync(fd) < 0)) {
                fprintf(stderr, "rescapctl: metrics: cannot write %s: %m\n", tmp);
                r = EXIT_FAILED;
        }
        if (fclose(f) != 0 && !r) {
                fprintf(stderr, "rescapctl: metrics: cannot write %s: %m\n", tmp);
                r = EXIT_FAILED;
        }
        if (!r && rename(tmp, output) < 0) {
                fprintf(stderr, "rescapctl: metrics: cannot rename %s to %s: %m\n", tmp, output);
                r = EXIT_FAILED;
        }
        if (r)
                (void) unlink(tmp);
        return r;
}
