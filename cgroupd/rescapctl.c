/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapctl: control rescap.
 *
 * Talks to rescapd over D-Bus (org.rescap1) when it is on the system bus
 * or can be started by it, else, or with --kernel, to the kernel directly
 * over the "rescap" generic netlink family (rescapctl-bus.c has the D-Bus
 * side). See rescapctl(8).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel-link.h"
#include "rescapctl.h"
#include "size.h"
#include "utf8.h"

static void usage(FILE *f) {
        fprintf(f,
                "Usage: rescapctl [OPTIONS] COMMAND [ARGS] [OPTIONS]\n"
                "\n"
                "Commands:\n"
                "  list                       tracked processes\n"
                "  get PID                    usage and caps of one process\n"
                "  register PID               start tracking PID (children too, unless\n"
                "                             --no-inherit), with the caps given (--heap,\n"
                "                             --fds, ...) from the first moment\n"
                "  deregister PID             stop tracking PID\n"
                "  cap PID                    set caps: --heap SIZE (512M, 2G, infinity),\n"
                "                             --fds N, --action kill|deny|notify,\n"
                "                             --soft PERCENT, --force\n"
                "  reset PID                  lift every cap of PID\n"
                "  get --cgroup CGROUP        policy, totals and members of a cgroup\n"
                "  cap --cgroup CGROUP        set the caps of a cgroup (each member, and\n"
                "                             the members of its descendants)\n"
                "  reset --cgroup CGROUP      remove the policy of a cgroup\n"
                "  list --cgroups [--tree]    every cgroup policy (--tree: below the\n"
                "                             policies of the cgroups above)\n"
                "                             (CGROUP: an id, a cgroup2 directory, or a path\n"
                "                             under /sys/fs/cgroup; always the kernel directly)\n"
                "  arm CGROUP-PATH            caps (--heap, --fds, ...) for every cgroup made\n"
                "                             at the path (glob characters in its last\n"
                "                             component: each matching name), and for the\n"
                "                             cgroup there now\n"
                "  disarm CGROUP-PATH         stop arming the path\n"
                "  list --armed [--tree]      every armed path (the kernel directly)\n"
                "  monitor [--samples]        print kills, warnings and exits as they come\n"
                "                             (and, through rescapd, the monitoring samples)\n"
                "Through rescapd only:\n"
                "  status                     rescapd's version, backend, counts\n"
                "  unit-get UNIT|CGROUP       caps and usage of a systemd unit\n"
                "  unit-cap UNIT|CGROUP       caps (--heap, --fds, ...) of a unit, written\n"
                "                             to /etc/rescap\n"
                "  unit-reset UNIT|CGROUP     drop rescapd's settings of a unit (/etc/rescap,\n"
                "                             /run/rescap; unit files and /usr/lib/rescap stay)\n"
                "  set-property UNIT KEY=VALUE... [--runtime]\n"
                "                             as systemctl set-property: HeapMax= (512M, 1.5G,\n"
                "                             50%%, infinity), FDMax=, Action=, SoftPercent=;\n"
                "                             in /etc/rescap, or /run/rescap until reboot\n"
                "  cat UNIT                   a unit's settings from every file, where each\n"
                "                             value comes from, and the errors\n"
                "  metrics [--output FILE]    Prometheus text format: units with caps, tracked\n"
                "                             processes, kills, warnings (FILE: replaced at once)\n"
                "  top [-b] [-n N] [-d SECONDS] [--order=percent|heap|fds]\n"
                "                             units with caps and tracked processes, the closest\n"
                "                             to a cap first, refreshed in place (keys: p, h, f\n"
                "                             sort, q quits); -b: batch mode, N refreshes\n"
                "\n"
                "Options (anywhere on the line):\n"
                "  --json                     JSON output\n"
                "  -o, --columns=LIST         the columns of a list (comma separated;\n"
                "                             an unknown name lists the others)\n"
                "  --pidfd                    name the process by a pidfd (race free; through\n"
                "                             rescapd: register without caps only)\n"
                "  --kernel                   talk to the kernel directly, not to rescapd\n"
                "  --bus                      talk to rescapd, fail if it is not there\n"
                "  -h, --help                 this help\n"
                "\n"
                "Exit status: 0 success, 1 the request failed, 2 bad usage,\n"
                "3 rescap is not loaded, 4 permission denied, 5 rescapd is needed.\n");
}

static int fail(rk_link *l, const char *what, int r) {
        const char *msg = l ? rk_link_error(l) : NULL;

        fprintf(stderr, "rescapctl: %s: %s%s%s%s\n", what, strerror(-r),
                msg ? " (" : "", msg ?: "", msg ? ")" : "");
        return EXIT_FAILED;
}

static int open_link(rk_link **l) {
        int r = rk_link_open(l);

        if (r == -ENOENT) {
                fprintf(stderr, "rescapctl: rescap is not loaded (no \"%s\" generic netlink family)\n",
                        RESCAP_FAMILY_NAME);
                return EXIT_UNAVAILABLE;
        }
        if (r < 0) {
                fprintf(stderr, "rescapctl: cannot talk to the kernel: %s\n", strerror(-r));
                return EXIT_FAILED;
        }
        return 0;
}

/* A cgroup: a number is its id (st_ino of its directory); a directory on
 * a cgroup2 file system is opened as is; anything else is a cgroup path,
 * under /sys/fs/cgroup. The target holds the directory's descriptor. */
static int parse_cgroup(const char *s, rk_target *t) {
        char path[4096];
        struct statfs sfs;
        char *end;
        int fd;

        *t = (rk_target) { .pidfd = -1, .cgroup_fd = -1 };
        errno = 0;
        t->cgroup_id = strtoull(s, &end, 10);
        if (!errno && *s && !*end && t->cgroup_id)
                return 0;
        t->cgroup_id = 0;
        fd = open(s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0 && (fstatfs(fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)) {
                close(fd);
                fd = -1;
        }
        if (fd < 0) {
                snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", s + (*s == '/'));
                fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        if (fd < 0) {
                fprintf(stderr, "rescapctl: no such cgroup: '%s'\n", s);
                return -ENOENT;
        }
        t->cgroup_fd = fd;
        t->by_cgroup_fd = true;
        return 0;
}

int parse_pid_number(const char *s, uint32_t *ret) {
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || end == s || v <= 0 || v > INT32_MAX) {
                fprintf(stderr, "rescapctl: not a process id: '%s'\n", tty_str(s));
                return -EINVAL;
        }
        *ret = (uint32_t) v;
        return 0;
}

static int parse_pid(const char *s, rk_target *t) {
        uint32_t pid;

        if (parse_pid_number(s, &pid) < 0)
                return -EINVAL;
        t->pid = (pid_t) pid;
        t->pidfd = -1;
        if (arg_pidfd) {
                t->pidfd = (int) syscall(SYS_pidfd_open, t->pid, 0);
                if (t->pidfd < 0) {
                        fprintf(stderr, "rescapctl: pidfd_open(%s): %s\n", s, strerror(errno));
                        return -errno;
                }
        }
        return 0;
}

bool caps_given(const rk_caps *c) {
        return c->has_heap || c->has_fds || c->has_action || c->has_soft_pct;
}

static void print_group_json(const rk_group *g, bool members) {
        printf("{\"cgroup_id\":%" PRIu64 ",\"cgroup\":", g->cgroup_id);
        json_string(g->cgroup_path);
        json_cap("heap_cap", g->heap_cap);
        json_cap("fd_cap", g->fd_cap);
        printf(",\"action\":\"%s\",\"soft_pct\":%" PRIu32 ",\"kills\":%" PRIu64,
               rk_action_name(g->action), g->soft_pct, g->kills);
        if (members) {
                printf(",\"heap\":%" PRIu64 ",\"fds\":%" PRIu64 ",\"nr_members\":%" PRIu32 ",\"members\":[",
                       g->heap, g->fds, g->nr_members);
                for (size_t i = 0; i < g->n_members; i++) {
                        const rk_member *m = &g->members[i];

                        printf("%s{\"pid\":%" PRIu32 ",\"comm\":", i ? "," : "", m->pid);
                        json_string(m->comm);
                        printf(",\"cgroup_id\":%" PRIu64 ",\"heap\":%" PRIu64 ",\"fds\":%" PRIu64 "}",
                               m->cgroup_id, m->heap, m->fds);
                }
                printf("]");
        }
        printf("}");
}

static void print_group(const rk_group *g) {
        char a[32], c[32];

        printf("CGroup:    %s (id %" PRIu64 ")\n", g->cgroup_path[0] ? tty_str(g->cgroup_path) : "-", g->cgroup_id);
        printf("Heap:      %" PRIu64 " (%s in all, cap %s each)\n", g->heap,
               format_size(a, sizeof(a), g->heap), cap_str(c, sizeof(c), g->heap_cap, true));
        printf("FDs:       %" PRIu64 " (in all, cap %s each)\n", g->fds,
               cap_str(c, sizeof(c), g->fd_cap, false));
        printf("Action:    %s\n", rk_action_name(g->action));
        if (g->soft_pct)
                printf("Soft:      %" PRIu32 "%%\n", g->soft_pct);
        else
                printf("Soft:      none\n");
        printf("Kills:     %" PRIu64 "\n", g->kills);
        printf("Members:   %" PRIu32 "%s\n", g->nr_members,
               g->n_members < g->nr_members ? " (not all listed)" : "");
        for (size_t i = 0; i < g->n_members; i++)
                printf("  %-8" PRIu32 " %-16s %10s %6" PRIu64 "\n", g->members[i].pid, tty_str(g->members[i].comm),
                       format_size(a, sizeof(a), g->members[i].heap), g->members[i].fds);
}

static const Column group_columns[] = {
        { "cgroup_id", COL_NUM,      false },
        { "heap_cap",  COL_CAP_SIZE, true },
        { "fd_cap",    COL_CAP_NUM,  true },
        { "action",    COL_STR,      false },
        { "soft_pct",  COL_NUM,      true },
        { "kills",     COL_NUM,      true },
        { "cgroup",    COL_STR,      false },
};

static int group_list_cb(const rk_group *g, void *userdata) {
        const Cell row[] = {
                { .n = g->cgroup_id }, { .n = g->heap_cap }, { .n = g->fd_cap }, { .s = rk_action_name(g->action) },
                { .n = g->soft_pct }, { .n = g->kills }, { .s = g->cgroup_path },
        };

        return table_add(userdata, row);
}

static const Column armed_columns[] = {
        { "heap_cap",        COL_CAP_SIZE, true },
        { "fd_cap",          COL_CAP_NUM,  true },
        { "action",          COL_STR,      false },
        { "soft_pct",        COL_NUM,      true },
        { "attaches",        COL_NUM,      true },
        { "attach_failures", COL_NUM,      true },
        { "path",            COL_STR,      false },
};

static int armed_list_cb(const rk_armed *a, void *userdata) {
        const Cell row[] = {
                { .n = a->heap_cap }, { .n = a->fd_cap }, { .s = rk_action_name(a->action) }, { .n = a->soft_pct },
                { .n = a->attaches }, { .n = a->attach_failures }, { .s = a->path },
        };

        return table_add(userdata, row);
}

static int proc_list_cb(const rk_proc *p, void *userdata) {
        char unit[256];

        return table_add_proc(userdata, p, proc_unit(p, unit, sizeof(unit)));
}

static int event_cb(const rk_proc *p, void *userdata) {
        char unit[256];
        Event e;

        (void) userdata;
        event_from_kernel(&e, p, unit, sizeof(unit));
        print_event(&e);
        return 0;
}

/* ---- the command line ---- */

/* Options of some commands only; a command refuses the others. */
enum {
        OPT_CAPS        = 1 << 0,       /* --heap, --fds, --action, --soft, --force */
        OPT_NO_INHERIT  = 1 << 1,
        OPT_CGROUP      = 1 << 2,       /* --cgroup: the argument is a cgroup */
        OPT_CGROUPS     = 1 << 3,       /* list --cgroups */
        OPT_ARMED       = 1 << 4,       /* list --armed */
        OPT_SAMPLES     = 1 << 5,
        OPT_RUNTIME     = 1 << 6,
        OPT_OUTPUT      = 1 << 7,
        OPT_PIDFD       = 1 << 8,
        OPT_COLUMNS     = 1 << 9,
        OPT_TOP         = 1 << 10,      /* -b, -n, -d, --order */
        OPT_TREE        = 1 << 11,      /* list --cgroups --tree, list --armed --tree */
};

/* Which side a command talks to. */
enum {
        SIDE_ANY,                       /* rescapd if it is there, else the kernel */
        SIDE_KERNEL,                    /* the kernel only */
        SIDE_BUS,                       /* rescapd only */
};

typedef struct Verb {
        const char *name;
        unsigned min_args, max_args;
        unsigned opts;                  /* OPT_* it accepts */
        int side;                       /* SIDE_*, unless an option says */
} Verb;

#define ARGS_ANY UINT32_MAX

static int arg_side_opt;                /* 0, SIDE_KERNEL (--kernel), SIDE_BUS (--bus) */
static unsigned arg_seen;               /* OPT_* given */

bool arg_json;
bool arg_pidfd;
const char *arg_columns;
rk_caps arg_caps;
bool arg_no_inherit;
bool arg_samples;
bool arg_runtime;
const char *arg_output;
static bool arg_cgroup, arg_cgroups, arg_armed, arg_tree;

/* The side a command goes to, from what it is and its options. */
static int verb_side(const Verb *v) {
        if (arg_armed || arg_cgroup || arg_cgroups)
                return SIDE_KERNEL;
        if (arg_samples)
                return SIDE_BUS;
        return v->side;
}

/* list --cgroups, list --armed, and get, cap, reset --cgroup CGROUP:
 * the kernel directly. */
static int kernel_cgroup_verb(const char *cmd, const char *arg) {
        rk_target t = { .pidfd = -1, .cgroup_fd = -1 };
        rk_link *l = NULL;
        Table *tb = NULL;
        int r;

        if (strcmp(cmd, "list") == 0) {
                const Column *cols = arg_armed ? armed_columns : group_columns;
                const size_t n = arg_armed ? sizeof(armed_columns) / sizeof(armed_columns[0]) :
                                             sizeof(group_columns) / sizeof(group_columns[0]);

                /* The path is the last column of both. */
                r = arg_tree ? table_new_tree(cols, n, n - 1, &tb) : table_new(cols, n, &tb);
                if (r < 0)
                        return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
                r = open_link(&l);
                if (r) {
                        table_free(tb);
                        return r;
                }
                r = arg_armed ? rk_dump_armed(l, armed_list_cb, tb) : rk_dump_cgroups(l, group_list_cb, tb);
                if (r < 0) {
                        table_free(tb);
                        r = fail(l, arg_armed ? "list --armed" : "list --cgroups", r);
                } else
                        table_print_free(tb);
                rk_link_free(l);
                return r;
        }
        if (strcmp(cmd, "arm") == 0 || strcmp(cmd, "disarm") == 0) {
                r = open_link(&l);
                if (r)
                        return r;
                r = cmd[0] == 'a' ? rk_arm(l, arg, &arg_caps, NULL) : rk_disarm(l, arg, NULL);
                r = r < 0 ? fail(l, cmd, r) : 0;
                rk_link_free(l);
                return r;
        }
        if (parse_cgroup(arg, &t) < 0)
                return EXIT_FAILED;
        r = open_link(&l);
        if (r)
                goto out;
        if (strcmp(cmd, "get") == 0) {
                rk_group *g = calloc(1, sizeof(*g));

                r = g ? rk_get_cgroup(l, t, g) : -ENOMEM;
                if (r < 0)
                        r = fail(l, "get", r);
                else if (arg_json) {
                        print_group_json(g, true);
                        putchar('\n');
                } else
                        print_group(g);
                free(g);
        } else if (strcmp(cmd, "reset") == 0) {
                r = rk_reset(l, t);
                r = r < 0 ? fail(l, "reset", r) : 0;
        } else {
                r = rk_set_caps(l, t, &arg_caps);
                r = r < 0 ? fail(l, "cap", r) : 0;
        }
out:
        if (t.by_cgroup_fd)
                close(t.cgroup_fd);
        rk_link_free(l);
        return r;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
        (void) sig;
        stop = 1;
}

static int kernel_monitor(rk_link *l) {
        struct sigaction sa = { .sa_handler = on_signal };
        int r;

        r = rk_subscribe(l);
        if (r < 0)
                return fail(l, "monitor", r);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        while (!stop && !output_status()) {
                r = rk_read_events(l, event_cb, NULL);
                if (r == -EINTR)
                        continue;
                if (r == -ENOBUFS) {
                        fprintf(stderr, "rescapctl: events were lost (receive buffer full)\n");
                        continue;
                }
                if (r < 0)
                        return fail(l, "monitor", r);
        }
        return output_status() < 0 ? EXIT_FAILURE : 0;
}

/* A command on a process (or list, monitor) through the kernel. */
static int kernel_verb(const char *cmd, const char *arg) {
        rk_target t = { .pid = 0, .pidfd = -1 };
        rk_link *l = NULL;
        Table *tb = NULL;
        int r;

        if (arg) {
                r = parse_pid(arg, &t);
                if (r < 0)
                        return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
        }
        if (strcmp(cmd, "list") == 0) {
                r = table_new(proc_columns, PROC_COLUMNS, &tb);
                if (r < 0)
                        return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
        }
        r = open_link(&l);
        if (r)
                goto out;
        if (tb) {
                r = rk_dump(l, proc_list_cb, tb);
                if (r < 0)
                        r = fail(l, "list", r);
                else {
                        table_print_free(tb);
                        tb = NULL;
                }
        } else if (strcmp(cmd, "monitor") == 0) {
                r = kernel_monitor(l);
        } else if (strcmp(cmd, "get") == 0) {
                rk_proc *p = calloc(1, sizeof(*p));
                char unit[256];

                r = p ? rk_get(l, t, p) : -ENOMEM;
                if (r < 0)
                        r = fail(l, "get", r);
                else {
                        SockReport s = {};
                        const int sr = sockets_of((const pid_t[]) { (pid_t) p->pid }, 1, &s);

                        print_proc(p, proc_unit(p, unit, sizeof(unit)), &s, sr < 0 ? -sr : 0);
                        sock_report_done(&s);
                }
                free(p);
        } else if (strcmp(cmd, "register") == 0) {
                r = rk_register(l, t, arg_no_inherit ? RESCAP_REGISTER_FLAGS_NO_INHERIT : 0, &arg_caps);
                r = r < 0 ? fail(l, "register", r) : 0;
        } else if (strcmp(cmd, "deregister") == 0 || strcmp(cmd, "reset") == 0) {
                r = cmd[0] == 'd' ? rk_deregister(l, t) : rk_reset(l, t);
                r = r < 0 ? fail(l, cmd, r) : 0;
        } else {
                r = rk_set_caps(l, t, &arg_caps);
                r = r < 0 ? fail(l, "cap", r) : 0;
        }
out:
        table_free(tb);
        if (t.pidfd >= 0)
                close(t.pidfd);
        rk_link_free(l);
        return r;
}

/* Every command: checks what the command line gave it, then picks the
 * side and runs there. */
static int run_verb(const Verb *v, int argc, char **argv) {
        const char *arg = argc ? argv[0] : NULL;
        int side = verb_side(v), r;

        if (!arg_side_opt && getenv("RESCAPCTL_KERNEL") && strcmp(getenv("RESCAPCTL_KERNEL"), "1") == 0)
                arg_side_opt = SIDE_KERNEL;
        if (arg_tree && !arg_cgroups && !arg_armed) {
                fprintf(stderr, "rescapctl: list: --tree shows the paths of --cgroups or --armed\n");
                return EXIT_USAGE;
        }
        if (arg_cgroups && arg_armed) {
                fprintf(stderr, "rescapctl: list: --cgroups or --armed, not both\n");
                return EXIT_USAGE;
        }
        if (arg_json && strcmp(v->name, "top") == 0) {
                fprintf(stderr, "rescapctl: top: no --json (metrics prints the same numbers for programs)\n");
                return EXIT_USAGE;
        }
        if (arg_pidfd && arg_cgroup) {
                fprintf(stderr, "rescapctl: %s: --pidfd names a process, --cgroup a cgroup\n", v->name);
                return EXIT_USAGE;
        }
        if ((strcmp(v->name, "cap") == 0 || strcmp(v->name, "unit-cap") == 0 || strcmp(v->name, "arm") == 0) &&
            !caps_given(&arg_caps)) {
                fprintf(stderr, "rescapctl: %s: nothing to set (--heap, --fds, --action, --soft)\n", v->name);
                return EXIT_USAGE;
        }
        if (side == SIDE_KERNEL && arg_side_opt == SIDE_BUS) {
                fprintf(stderr, "rescapctl: %s%s talks to the kernel, not to rescapd%s\n", v->name,
                        arg_cgroup ? " --cgroup" : arg_cgroups ? " --cgroups" : arg_armed ? " --armed" : "",
                        arg_cgroup || arg_cgroups ? " (see unit-* for rescapd)" : "");
                return EXIT_USAGE;
        }
        if (side == SIDE_BUS && arg_side_opt == SIDE_KERNEL) {
                fprintf(stderr, "rescapctl: %s%s needs rescapd, not --kernel\n", v->name,
                        arg_samples ? " --samples" : "");
                return EXIT_NEED_DAEMON;
        }
        if (side == SIDE_KERNEL)
                return kernel_cgroup_verb(v->name, arg);
        if (arg_side_opt != SIDE_KERNEL) {
                sd_bus *bus = NULL;

                r = bus_available(&bus);
                if (r >= 0) {
                        r = bus_main(bus, v->name, argc, argv);
                        sd_bus_flush_close_unref(bus);
                        return r;
                }
                if (side == SIDE_BUS || arg_side_opt == SIDE_BUS) {
                        fprintf(stderr, "rescapctl: rescapd (%s) is not on the system bus: %s\n",
                                "org.rescap1", strerror(-r));
                        return EXIT_NEED_DAEMON;
                }
        }
        return kernel_verb(v->name, strcmp(v->name, "list") == 0 || strcmp(v->name, "monitor") == 0 ? NULL : arg);
}

static const Verb verbs[] = {
        { "list",         0, 0,        OPT_CGROUPS | OPT_ARMED | OPT_COLUMNS | OPT_TREE, SIDE_ANY },
        { "get",          1, 1,        OPT_CGROUP | OPT_PIDFD,                 SIDE_ANY },
        { "register",     1, 1,        OPT_CAPS | OPT_NO_INHERIT | OPT_PIDFD,  SIDE_ANY },
        { "deregister",   1, 1,        OPT_PIDFD,                              SIDE_ANY },
        { "cap",          1, 1,        OPT_CAPS | OPT_CGROUP | OPT_PIDFD,      SIDE_ANY },
        { "reset",        1, 1,        OPT_CGROUP | OPT_PIDFD,                 SIDE_ANY },
        { "arm",          1, 1,        OPT_CAPS,                               SIDE_KERNEL },
        { "disarm",       1, 1,        0,                                      SIDE_KERNEL },
        { "monitor",      0, 0,        OPT_SAMPLES,                            SIDE_ANY },
        { "status",       0, 0,        0,                                      SIDE_BUS },
        { "unit-get",     1, 1,        0,                                      SIDE_BUS },
        { "unit-cap",     1, 1,        OPT_CAPS,                               SIDE_BUS },
        { "unit-reset",   1, 1,        0,                                      SIDE_BUS },
        { "set-property", 2, ARGS_ANY, OPT_RUNTIME,                            SIDE_BUS },
        { "cat",          1, 1,        0,                                      SIDE_BUS },
        { "metrics",      0, 0,        OPT_OUTPUT,                             SIDE_BUS },
        { "top",          0, 0,        OPT_TOP,                                SIDE_BUS },
};

static const struct {
        unsigned bit;
        const char *name;
} opt_names[] = {
        { OPT_CAPS, "--heap, --fds, --action, --soft and --force" },
        { OPT_NO_INHERIT, "--no-inherit" },
        { OPT_CGROUP, "--cgroup" },
        { OPT_CGROUPS, "--cgroups" },
        { OPT_ARMED, "--armed" },
        { OPT_SAMPLES, "--samples" },
        { OPT_RUNTIME, "--runtime" },
        { OPT_OUTPUT, "--output" },
        { OPT_PIDFD, "--pidfd" },
        { OPT_COLUMNS, "-o/--columns" },
        { OPT_TOP, "-b, -n, -d and --order" },
        { OPT_TREE, "--tree" },
};

/* 0 to go on, else the exit status (-1: success, for --help). */
static int parse_argv(int argc, char **argv) {
        enum {
                ARG_JSON = 0x100, ARG_PIDFD, ARG_KERNEL, ARG_BUS, ARG_NO_INHERIT, ARG_HEAP, ARG_FDS,
                ARG_ACTION, ARG_SOFT, ARG_FORCE, ARG_CGROUP, ARG_CGROUPS, ARG_ARMED, ARG_SAMPLES,
                ARG_RUNTIME, ARG_OUTPUT, ARG_ORDER, ARG_TREE,
        };
        static const struct option opts[] = {
                { "json",       no_argument,       NULL, ARG_JSON },
                { "pidfd",      no_argument,       NULL, ARG_PIDFD },
                { "kernel",     no_argument,       NULL, ARG_KERNEL },
                { "bus",        no_argument,       NULL, ARG_BUS },
                { "help",       no_argument,       NULL, 'h' },
                { "columns",    required_argument, NULL, 'o' },
                { "no-inherit", no_argument,       NULL, ARG_NO_INHERIT },
                { "heap",       required_argument, NULL, ARG_HEAP },
                { "fds",        required_argument, NULL, ARG_FDS },
                { "action",     required_argument, NULL, ARG_ACTION },
                { "soft",       required_argument, NULL, ARG_SOFT },
                { "force",      no_argument,       NULL, ARG_FORCE },
                { "cgroup",     no_argument,       NULL, ARG_CGROUP },
                { "cgroups",    no_argument,       NULL, ARG_CGROUPS },
                { "armed",      no_argument,       NULL, ARG_ARMED },
                { "samples",    no_argument,       NULL, ARG_SAMPLES },
                { "runtime",    no_argument,       NULL, ARG_RUNTIME },
                { "output",     required_argument, NULL, ARG_OUTPUT },
                { "batch",      no_argument,       NULL, 'b' },
                { "iterations", required_argument, NULL, 'n' },
                { "delay",      required_argument, NULL, 'd' },
                { "order",      required_argument, NULL, ARG_ORDER },
                { "tree",       no_argument,       NULL, ARG_TREE },
                {}
        };
        uint64_t v;
        double d;
        char *end;
        int c;

        while ((c = getopt_long(argc, argv, "ho:bn:d:", opts, NULL)) >= 0) {
                switch (c) {
                case ARG_JSON: arg_json = true; break;
                case ARG_PIDFD: arg_pidfd = true; arg_seen |= OPT_PIDFD; break;
                case ARG_KERNEL: arg_side_opt = SIDE_KERNEL; break;
                case ARG_BUS: arg_side_opt = SIDE_BUS; break;
                case 'h': usage(stdout); return -1;
                case 'o':
                        if (!*optarg) {
                                fprintf(stderr, "rescapctl: -o needs columns\n");
                                return EXIT_USAGE;
                        }
                        arg_columns = optarg;
                        arg_seen |= OPT_COLUMNS;
                        break;
                case ARG_NO_INHERIT: arg_no_inherit = true; arg_seen |= OPT_NO_INHERIT; break;
                case ARG_HEAP:
                        if (parse_size(optarg, &arg_caps.heap) < 0) {
                                fprintf(stderr, "rescapctl: bad size '%s' (like 512M, 2G, infinity)\n",
                                        tty_str(optarg));
                                return EXIT_USAGE;
                        }
                        arg_caps.has_heap = true;
                        arg_seen |= OPT_CAPS;
                        break;
                case ARG_FDS:
                        if (parse_count(optarg, &arg_caps.fds) < 0) {
                                fprintf(stderr, "rescapctl: bad fd count '%s'\n", tty_str(optarg));
                                return EXIT_USAGE;
                        }
                        arg_caps.has_fds = true;
                        arg_seen |= OPT_CAPS;
                        break;
                case ARG_ACTION:
                        if (rk_action_from_name(optarg, &arg_caps.action) < 0) {
                                fprintf(stderr, "rescapctl: bad action '%s' (kill, deny or notify)\n",
                                        tty_str(optarg));
                                return EXIT_USAGE;
                        }
                        arg_caps.has_action = true;
                        arg_seen |= OPT_CAPS;
                        break;
                case ARG_SOFT:
                        if (parse_count(optarg, &v) < 0 || v > 99) {
                                fprintf(stderr, "rescapctl: bad soft threshold '%s' (0 to 99 percent)\n",
                                        tty_str(optarg));
                                return EXIT_USAGE;
                        }
                        arg_caps.soft_pct = (uint32_t) v;
                        arg_caps.has_soft_pct = true;
                        arg_seen |= OPT_CAPS;
                        break;
                case ARG_FORCE: arg_caps.force = true; arg_seen |= OPT_CAPS; break;
                case ARG_CGROUP: arg_cgroup = true; arg_seen |= OPT_CGROUP; break;
                case ARG_CGROUPS: arg_cgroups = true; arg_seen |= OPT_CGROUPS; break;
                case ARG_ARMED: arg_armed = true; arg_seen |= OPT_ARMED; break;
                case ARG_TREE: arg_tree = true; arg_seen |= OPT_TREE; break;
                case ARG_SAMPLES: arg_samples = true; arg_seen |= OPT_SAMPLES; break;
                case ARG_RUNTIME: arg_runtime = true; arg_seen |= OPT_RUNTIME; break;
                case ARG_OUTPUT:
                        if (!*optarg) {
                                fprintf(stderr, "rescapctl: metrics: --output needs a file\n");
                                return EXIT_USAGE;
                        }
                        arg_output = optarg;
                        arg_seen |= OPT_OUTPUT;
                        break;
                case 'b': arg_batch = true; arg_seen |= OPT_TOP; break;
                case 'n':
                        if (parse_count(optarg, &v) < 0 || v == 0 || v == UINT64_MAX) {
                                fprintf(stderr, "rescapctl: top: bad number of refreshes '%s'\n", tty_str(optarg));
                                return EXIT_USAGE;
                        }
                        arg_iterations = v;
                        arg_seen |= OPT_TOP;
                        break;
                case 'd':
                        errno = 0;
                        d = strtod(optarg, &end);
                        if (errno || end == optarg || *end || !(d >= 0.1 && d <= 3600)) {
                                fprintf(stderr, "rescapctl: top: bad delay '%s' (0.1 to 3600 seconds)\n",
                                        tty_str(optarg));
                                return EXIT_USAGE;
                        }
                        arg_delay_usec = (uint64_t) (d * 1e6);
                        arg_seen |= OPT_TOP;
                        break;
                case ARG_ORDER:
                        if (strcmp(optarg, "percent") != 0 && strcmp(optarg, "heap") != 0 &&
                            strcmp(optarg, "fds") != 0) {
                                fprintf(stderr, "rescapctl: top: bad order '%s' (percent, heap or fds)\n",
                                        tty_str(optarg));
                                return EXIT_USAGE;
                        }
                        arg_order = optarg;
                        arg_seen |= OPT_TOP;
                        break;
                default:
                        fprintf(stderr, "Try 'rescapctl --help'.\n");
                        return EXIT_USAGE;
                }
        }
        return 0;
}

int main(int argc, char **argv) {
        const Verb *v = NULL;
        unsigned n;
        int r;

        printer_init();
        r = parse_argv(argc, argv);
        if (r)
                return r < 0 ? 0 : r;
        if (optind >= argc) {
                usage(stderr);
                return EXIT_USAGE;
        }
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verbs[i].name, argv[optind]) == 0)
                        v = &verbs[i];
        if (!v) {
                fprintf(stderr, "rescapctl: unknown command '%s' (see rescapctl --help)\n", tty_str(argv[optind]));
                return EXIT_USAGE;
        }
        n = (unsigned) (argc - optind - 1);
        if (n < v->min_args || n > v->max_args) {
                fprintf(stderr, "rescapctl: %s: %s (see rescapctl --help)\n", v->name,
                        n < v->min_args ? "missing argument" : "too many arguments");
                return EXIT_USAGE;
        }
        for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
                if (arg_seen & opt_names[i].bit & ~v->opts) {
                        fprintf(stderr, "rescapctl: %s: %s %s of %s\n", v->name, opt_names[i].name,
                                opt_names[i].bit & (OPT_CAPS | OPT_TOP) ? "are not options" : "is not an option", v->name);
                        return EXIT_USAGE;
                }
        return run_verb(v, (int) n, argv + optind + 1);
}
