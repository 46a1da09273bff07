/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapctl top: a live view of the units with caps and the tracked
 * processes, the closest to a cap first, under the system line of
 * rescapd's Sample signal; refreshed in place, like systemd-cgtop. Batch
 * mode (-b, or when stdin or stdout is not a terminal) prints each
 * refresh after the one before, for scripts. See rescapctl(8).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "bus-contract.h"
#include "rescapctl.h"

bool arg_batch;
uint64_t arg_iterations;
uint64_t arg_delay_usec = 1000000;
const char *arg_order = "percent";

#define TOP_NET 5

/* The last Sample: the system line and the top talkers. */
typedef struct Sample {
        bool seen;
        double cpu, load[3];
        uint64_t mem_used, mem_total, rx, tx;
        uint32_t processes, tracked;
        struct {
                uint32_t pid;
                char comm[64];
                uint64_t bps;
        } net[TOP_NET];
        size_t n_net;
} Sample;

/* A row: a unit with caps or a tracked process, with the caps that apply
 * to it as far as rescapd knows them (a process's own, or its unit's
 * where lower) and its usage as a percent of each (-1: no cap). */
typedef struct Row {
        const Entry *e;
        uint64_t heap_cap, fd_cap;
        double heap_pct, fd_pct;
} Row;

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
        (void) sig;
        stop = 1;
}

static int on_sample(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Sample *s = userdata, n = { .seen = true };

        (void) error;
        if (strcmp(sd_bus_message_get_member(m), "Sample") != 0)
                return 0;
        if (sd_bus_message_read(m, "tdttdddttuu", &(uint64_t) { 0 }, &n.cpu, &n.mem_used, &n.mem_total,
                                &n.load[0], &n.load[1], &n.load[2], &n.rx, &n.tx, &n.processes, &n.tracked) < 0)
                return 0;
        /* After top_heap and top_fds, the top talkers. */
        if (sd_bus_message_skip(m, RESCAP_BUS_TOP_SIG RESCAP_BUS_TOP_SIG) >= 0 &&
            sd_bus_message_enter_container(m, 'a', "(ust)") > 0) {
                const char *comm;
                uint32_t pid;
                uint64_t v;

                while (n.n_net < TOP_NET && sd_bus_message_read(m, "(ust)", &pid, &comm, &v) > 0) {
                        n.net[n.n_net].pid = pid;
                        snprintf(n.net[n.n_net].comm, sizeof(n.net[0].comm), "%s", tty_str(comm));
                        n.net[n.n_net++].bps = v;
                }
        }
        *s = n;
        return 0;
}

static double pct(uint64_t usage, uint64_t cap) {
        if (cap == RESCAP_NO_CAP)
                return -1;
        return cap ? 100.0 * (double) usage / (double) cap : usage ? 100.0 : 0;
}

static double max_pct(const Row *r) {
        return r->heap_pct > r->fd_pct ? r->heap_pct : r->fd_pct;
}

/* The closest to a cap first (by the order chosen), then the larger
 * usage, then units before processes, then by name and pid. */
static int row_cmp(const void *a, const void *b) {
        const Row *x = a, *y = b;
        const char *k = arg_order;
        double px, py;
        uint64_t ux, uy;

        if (strcmp(k, "heap") == 0) {
                px = x->heap_pct, py = y->heap_pct;
                ux = x->e->v[ENTRY_HEAP], uy = y->e->v[ENTRY_HEAP];
        } else if (strcmp(k, "fds") == 0) {
                px = x->fd_pct, py = y->fd_pct;
                ux = x->e->v[ENTRY_FDS], uy = y->e->v[ENTRY_FDS];
        } else {
                px = max_pct(x), py = max_pct(y);
                ux = uy = 0;
        }
        if (px != py)
                return px > py ? -1 : 1;
        if (ux != uy)
                return ux > uy ? -1 : 1;
        if (!x->e->pid != !y->e->pid)
                return x->e->pid ? 1 : -1;
        if (x->e->pid != y->e->pid)
                return x->e->pid < y->e->pid ? -1 : 1;
        return strcmp(x->e->unit, y->e->unit);
}

static uint64_t min_cap(uint64_t a, uint64_t b) {
        return a < b ? a : b;
}

static Row *rows_make(const Entry *units, size_t n_units, const Entry *procs, size_t n_procs) {
        Row *rows = calloc(n_units + n_procs + 1, sizeof(*rows));

        if (!rows)
                return NULL;
        for (size_t i = 0; i < n_units + n_procs; i++) {
                const Entry *e = i < n_units ? &units[i] : &procs[i - n_units];
                Row *r = &rows[i];

                r->e = e;
                r->heap_cap = e->v[ENTRY_HEAP_CAP];
                r->fd_cap = e->v[ENTRY_FD_CAP];
                for (size_t u = 0; e->pid && e->unit[0] && u < n_units; u++)
                        if (strcmp(units[u].unit, e->unit) == 0) {
                                r->heap_cap = min_cap(r->heap_cap, units[u].v[ENTRY_HEAP_CAP]);
                                r->fd_cap = min_cap(r->fd_cap, units[u].v[ENTRY_FD_CAP]);
                        }
                r->heap_pct = pct(e->v[ENTRY_HEAP], r->heap_cap);
                r->fd_pct = pct(e->v[ENTRY_FDS], r->fd_cap);
        }
        qsort(rows, n_units + n_procs, sizeof(*rows), row_cmp);
        return rows;
}

/* A size in at most 6 characters: 1023B, 1.5K, 512.0M, 12.3G. */
static const char *short_size(char *buf, size_t size, uint64_t v) {
        static const char suffix[] = "BKMGTPE";
        double d = (double) v;
        unsigned i = 0;

        if (v == RESCAP_NO_CAP)
                return "-";
        while (d >= 1024 && i < sizeof(suffix) - 2) {
                d /= 1024;
                i++;
        }
        if (i == 0)
                snprintf(buf, size, "%" PRIu64 "B", v);
        else
                snprintf(buf, size, "%.*f%c", d < 100 ? 1 : 0, d, suffix[i]);
        return buf;
}

static const char *pct_str(char *buf, size_t size, double p) {
        if (p < 0)
                return "-";
        snprintf(buf, size, "%.1f", p);
        return buf;
}

/* A line, cut at width columns (0: not cut) on a character boundary
 * (the strings in it are UTF-8 with controls escaped: tty_str()); in
 * place, each line clears the rest of its screen line. */
static void put_line(const char *s, unsigned width, bool in_place) {
        size_t n = strlen(s);

        if (width && n > width) {
                n = width;
                while (n && ((unsigned char) s[n] & 0xc0) == 0x80)
                        n--;
        }
        printf("%.*s%s\n", (int) n, s, in_place ? "\033[K" : "");
}

static void render(const Sample *smp, const Row *rows, size_t n_rows, size_t n_units, bool in_place) {
        char line[1024], a[32], b[32], c[32], d[32];
        unsigned width = 0, height = 0;
        struct winsize ws;
        size_t shown = n_rows;

        if (in_place && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
                width = ws.ws_col;
                height = ws.ws_row;
        }
        if (in_place)
                fputs("\033[H", stdout);
        if (smp->seen)
                snprintf(line, sizeof(line),
                         "CPU %.1f%%  Memory %s/%s  Load %.2f %.2f %.2f  Net rx %s/s tx %s/s  Processes %" PRIu32
                         "  Tracked %" PRIu32,
                         smp->cpu, short_size(a, sizeof(a), smp->mem_used), short_size(b, sizeof(b), smp->mem_total),
                         smp->load[0], smp->load[1], smp->load[2], short_size(c, sizeof(c), smp->rx),
                         short_size(d, sizeof(d), smp->tx), smp->processes, smp->tracked);
        else
                snprintf(line, sizeof(line), "(no sample from rescapd yet: one comes every SampleIntervalUSec)");
        put_line(line, width, in_place);
        /* The top talkers: TCP bytes per second of each process's sockets. */
        size_t len = (size_t) snprintf(line, sizeof(line), "Net top (TCP):");

        for (size_t i = 0; i < smp->n_net && len < sizeof(line); i++)
                len += (size_t) snprintf(line + len, sizeof(line) - len, "%s %s[%" PRIu32 "] %s/s",
                                         i ? "," : "", smp->net[i].comm, smp->net[i].pid,
                                         short_size(a, sizeof(a), smp->net[i].bps));
        if (!smp->n_net && len < sizeof(line))
                snprintf(line + len, sizeof(line) - len, " -");
        put_line(line, width, in_place);
        snprintf(line, sizeof(line), "%zu unit(s) with caps, %zu tracked process(es); by %s of cap%s",
                 n_units, n_rows - n_units,
                 strcmp(arg_order, "percent") == 0 ? "percent" : strcmp(arg_order, "heap") == 0 ? "heap percent" :
                                                                                                  "fd percent",
                 in_place ? " (keys: p, h, f sort; q quit)" : "");
        put_line(line, width, in_place);
        put_line("", width, in_place);
        snprintf(line, sizeof(line), "%-8s %7s %7s %6s %7s %7s %6s  %-16s %s", "PID", "HEAP", "HEAP_CAP", "HEAP%",
                 "FDS", "FD_CAP", "FD%", "COMM", "UNIT");
        put_line(line, width, in_place);
        if (height && height > 6 && shown > height - 6)
                shown = height - 6;
        for (size_t i = 0; i < shown; i++) {
                const Row *r = &rows[i];
                char pid[16], fds[24], fdcap[24];

                if (r->e->pid)
                        snprintf(pid, sizeof(pid), "%" PRIu32, r->e->pid);
                else
                        snprintf(pid, sizeof(pid), "-");
                snprintf(fds, sizeof(fds), "%" PRIu64, r->e->v[ENTRY_FDS]);
                if (r->fd_cap == RESCAP_NO_CAP)
                        snprintf(fdcap, sizeof(fdcap), "-");
                else
                        snprintf(fdcap, sizeof(fdcap), "%" PRIu64, r->fd_cap);
                snprintf(line, sizeof(line), "%-8s %7s %7s %6s %7s %7s %6s  %-16s %s", pid,
                         short_size(a, sizeof(a), r->e->v[ENTRY_HEAP]), short_size(b, sizeof(b), r->heap_cap),
                         pct_str(c, sizeof(c), r->heap_pct), fds, fdcap, pct_str(d, sizeof(d), r->fd_pct),
                         r->e->pid ? tty_str(r->e->comm) : "-", r->e->unit[0] ? tty_str(r->e->unit) : "-");
                put_line(line, width, in_place);
        }
        if (in_place)
                fputs("\033[J", stdout);
        else
                putchar('\n');
        fflush(stdout);
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* A key in interactive mode: false to quit. */
static bool on_key(char k) {
        switch (k) {
        case 'q': case 'Q': return false;
        case 'p': arg_order = "percent"; break;
        case 'h': arg_order = "heap"; break;
        case 'f': arg_order = "fds"; break;
        default: break;
        }
        return true;
}

/* Waits until deadline, serving the bus (Sample) and, in interactive
 * mode, the keyboard: 1 to redraw at once (a key), 0 at the deadline, -1
 * to quit, or a negative errno. */
static int wait_until(sd_bus *bus, uint64_t deadline, bool keys) {
        while (!stop) {
                struct pollfd p[2] = { { .fd = sd_bus_get_fd(bus) }, { .fd = STDIN_FILENO, .events = POLLIN } };
                uint64_t now = now_usec(), t;
                int r, ms;
                char k;

                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                if (now >= deadline)
                        return 0;
                r = sd_bus_get_events(bus);
                if (r < 0)
                        return r;
                p[0].events = (short) r;
                ms = (int) ((deadline - now + 999) / 1000);
                if (sd_bus_get_timeout(bus, &t) >= 0 && t != UINT64_MAX) {
                        t = t > now ? (t - now + 999) / 1000 : 0;
                        if (t < (uint64_t) ms)
                                ms = (int) t;
                }
                r = poll(p, keys ? 2 : 1, ms);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (keys && r > 0 && (p[1].revents & POLLIN)) {
                        if (read(STDIN_FILENO, &k, 1) != 1)
                                return -1;
                        return on_key(k) ? 1 : -1;
                }
        }
        return -1;
}

int cmd_top(sd_bus *bus) {
        struct sigaction sa = { .sa_handler = on_signal };
        const bool batch = arg_batch || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO);
        struct termios saved, raw;
        bool restore = false;
        Sample smp = {};
        int r = 0;

        r = bus_subscribe(bus, "top", on_sample, &smp);
        if (r)
                return r;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        if (!batch && tcgetattr(STDIN_FILENO, &saved) == 0) {
                raw = saved;
                raw.c_lflag &= ~(tcflag_t) (ICANON | ECHO);
                raw.c_cc[VMIN] = 1;
                raw.c_cc[VTIME] = 0;
                restore = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
                fputs("\033[H\033[2J", stdout);
        }
        for (uint64_t i = 0; !stop;) {
                Entry *units = NULL, *procs = NULL;
                size_t n_units = 0, n_procs = 0;
                Row *rows;

                r = bus_read_units(bus, "top", &units, &n_units);
                if (!r)
                        r = bus_read_processes(bus, "top", &procs, &n_procs);
                rows = r ? NULL : rows_make(units, n_units, procs, n_procs);
                if (!r && !rows)
                        r = EXIT_FAILED;
                if (!r)
                        render(&smp, rows, n_units + n_procs, n_units, !batch);
                free(rows);
                entries_free(units, n_units);
                entries_free(procs, n_procs);
                if (r || (arg_iterations && ++i >= arg_iterations))
                        break;
                /* A key redraws at once (and counts as a refresh). */
                r = wait_until(bus, now_usec() + arg_delay_usec, !batch);
                if (r < -1) {
                        r = bus_fail("top", NULL, r);
                        break;
                }
                if (r == -1) {
                        r = 0;
                        break;
                }
                r = 0;
        }
        if (restore)
                tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        return r;
}
