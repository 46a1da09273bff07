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

bool arg_json = false;
bool arg_pidfd = false;
static int arg_path = 0;        /* 0: D-Bus if rescapd is there; 'k': kernel; 'b': D-Bus */

static void usage(FILE *f) {
        fprintf(f,
                "Usage: rescapctl [OPTIONS] COMMAND [ARGS]\n"
                "\n"
                "Commands:\n"
                "  list                       tracked processes\n"
                "  get PID                    usage and caps of one process\n"
                "  register PID [--no-inherit] [--heap SIZE] [--fds N] [--action A]\n"
                "          [--soft P] [--force]\n"
                "                             start tracking PID (children too, by default),\n"
                "                             with its caps from the first moment\n"
                "  deregister PID             stop tracking PID\n"
                "  cap PID [--heap SIZE] [--fds N] [--action kill|deny|notify]\n"
                "          [--soft PERCENT] [--force]\n"
                "                             set caps (SIZE: 512M, 2G, infinity)\n"
                "  reset PID                  lift every cap of PID\n"
                "  get --cgroup CGROUP        policy, totals and members of a cgroup\n"
                "  cap --cgroup CGROUP [--heap SIZE] [--fds N] [--action A] [--soft P]\n"
                "          [--force]          set the caps of a cgroup (each member, and\n"
                "                             the members of its descendants)\n"
                "  reset --cgroup CGROUP      remove the policy of a cgroup\n"
                "  list --cgroups             every cgroup policy\n"
                "                             (CGROUP: an id, a cgroup2 directory, or a path\n"
                "                             under /sys/fs/cgroup; always the kernel directly)\n"
                "  arm CGROUP-PATH [--heap SIZE] [--fds N] [--action A] [--soft P] [--force]\n"
                "                             caps for every cgroup made at the path (from\n"
                "                             the root of the hierarchy; glob characters in\n"
                "                             its last component: each matching name), and\n"
                "                             for the cgroup there now\n"
                "  disarm CGROUP-PATH         stop arming the path\n"
                "  list --armed               every armed path (the kernel directly)\n"
                "  monitor [--samples]        print kill and threshold events as they come\n"
                "                             (and, through rescapd, the monitoring samples)\n"
                "Through rescapd only:\n"
                "  status                     rescapd's version, backend, counts\n"
                "  unit-get UNIT|CGROUP       caps and usage of a systemd unit\n"
                "  unit-cap UNIT|CGROUP [--heap SIZE] [--fds N] [--action A] [--soft P] [--force]\n"
                "                             caps of a unit, written to /etc/rescap\n"
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
                "\n"
                "Options:\n"
                "  --json                     JSON output\n"
                "  --pidfd                    name the process by a pidfd (race free)\n"
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

static int parse_pid(const char *s, rk_target *t) {
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || end == s || v < 0 || v > INT32_MAX) {
                fprintf(stderr, "rescapctl: not a process id: '%s'\n", s);
                return -EINVAL;
        }
        t->pid = (pid_t) v;
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

/* s is valid UTF-8 (the kernel link and rescapd escape what is not);
 * the controls, DEL and C1 too, as \u00NN, so a terminal that shows the
 * JSON runs none of them. */
void json_string(const char *s) {
        putchar('"');
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c == '"' || c == '\\')
                        printf("\\%c", c);
                else if (c < 0x20 || c == 0x7f)
                        printf("\\u%04x", c);
                else if (c == 0xc2 && (unsigned char) s[1] >= 0x80 && (unsigned char) s[1] < 0xa0)
                        printf("\\u%04x", (unsigned char) *++s);
                else
                        putchar(c);
        }
        putchar('"');
}

/* s for a terminal: its controls escaped as \xNN (utf8.h), in one of a
 * few buffers taken in turn, so that one printf can show several. */
const char *tty_str(const char *s) {
        static char bufs[4][RK_PATH_SIZE];
        static unsigned k;
        char *b = bufs[k++ % 4];

        utf8_escape(b, sizeof(bufs[0]), s, strlen(s), UTF8_ESCAPE_CONTROL);
        return b;
}

void json_cap(const char *name, uint64_t v) {
        if (v == RESCAP_NO_CAP)
                printf(",\"%s\":null", name);
        else
                printf(",\"%s\":%" PRIu64, name, v);
}

void print_proc_json(const rk_proc *p) {
        printf("{\"pid\":%" PRIu32 ",\"comm\":", p->pid);
        json_string(p->comm);
        printf(",\"state\":\"%c\",\"uid\":%" PRIu32 ",\"inherit\":%s", p->state ?: '?', p->uid,
               p->flags & RESCAP_REGISTER_FLAGS_NO_INHERIT ? "false" : "true");
        printf(",\"heap\":%" PRIu64 ",\"heap_peak\":%" PRIu64, p->heap, p->heap_peak);
        json_cap("heap_cap", p->heap_cap);
        printf(",\"rss_anon\":%" PRIu64 ",\"fds\":%" PRIu64 ",\"fds_peak\":%" PRIu64,
               p->rss_anon, p->fds, p->fds_peak);
        json_cap("fd_cap", p->fd_cap);
        printf(",\"action\":\"%s\",\"soft_pct\":%" PRIu32 ",\"cgroup_id\":%" PRIu64 ",\"cgroup\":",
               rk_action_name(p->action), p->soft_pct, p->cgroup_id);
        json_string(p->cgroup_path);
        printf("}");
}

const char *cap_str(char *buf, size_t size, uint64_t v, bool bytes) {
        if (v == RESCAP_NO_CAP)
                return "infinity";
        if (bytes)
                return format_size(buf, size, v);
        snprintf(buf, size, "%" PRIu64, v);
        return buf;
}

void print_proc(const rk_proc *p) {
        char a[32], b[32], c[32];

        printf("PID:       %" PRIu32 "\n", p->pid);
        printf("Command:   %s\n", tty_str(p->comm));
        printf("State:     %c\n", p->state ?: '?');
        printf("UID:       %" PRIu32 "\n", p->uid);
        printf("Inherit:   %s\n", p->flags & RESCAP_REGISTER_FLAGS_NO_INHERIT ? "no" : "yes");
        printf("Heap:      %" PRIu64 " (%s, peak %s, cap %s)\n", p->heap,
               format_size(a, sizeof(a), p->heap), format_size(b, sizeof(b), p->heap_peak),
               cap_str(c, sizeof(c), p->heap_cap, true));
        printf("AnonRSS:   %" PRIu64 " (%s)\n", p->rss_anon, format_size(a, sizeof(a), p->rss_anon));
        printf("FDs:       %" PRIu64 " (peak %" PRIu64 ", cap %s)\n", p->fds, p->fds_peak,
               cap_str(c, sizeof(c), p->fd_cap, false));
        printf("Action:    %s\n", rk_action_name(p->action));
        if (p->soft_pct)
                printf("Soft:      %" PRIu32 "%%\n", p->soft_pct);
        else
                printf("Soft:      none\n");
        printf("CGroup:    %s (id %" PRIu64 ")\n", p->cgroup_path[0] ? tty_str(p->cgroup_path) : "-", p->cgroup_id);
}

int list_cb(const rk_proc *p, void *userdata) {
        struct list_ctx *c = userdata;
        char a[32], b[32], f[32];

        if (arg_json) {
                printf("%s", c->n ? "," : "[");
                print_proc_json(p);
        } else {
                if (!c->n)
                        printf("%-8s %-16s %-5s %10s %10s %6s %8s %-6s %s\n",
                               "PID", "COMM", "STATE", "HEAP", "HEAP_CAP", "FDS", "FD_CAP", "ACTION", "CGROUP");
                printf("%-8" PRIu32 " %-16s %-5c %10s %10s %6" PRIu64 " %8s %-6s %s\n",
                       p->pid, tty_str(p->comm), p->state ?: '?', format_size(a, sizeof(a), p->heap),
                       cap_str(b, sizeof(b), p->heap_cap, true), p->fds,
                       cap_str(f, sizeof(f), p->fd_cap, false),
                       rk_action_name(p->action), tty_str(p->cgroup_path));
        }
        c->n++;
        return 0;
}

static int event_cb(const rk_proc *p, void *userdata) {
        const char *name = p->cmd == RESCAP_CMD_KILLED ? "killed" :
                           p->cmd == RESCAP_CMD_EXCEEDED ? "exceeded" :
                           p->cmd == RESCAP_CMD_EXITED ? "exited" : "unknown";
        (void) userdata;

        if (arg_json) {
                printf("{\"event\":\"%s\",\"pid\":%" PRIu32 ",\"comm\":", name, p->pid);
                json_string(p->comm);
                printf(",\"uid\":%" PRIu32, p->uid);
                if (p->cmd == RESCAP_CMD_EXITED)
                        printf(",\"heap_peak\":%" PRIu64 ",\"fds_peak\":%" PRIu64, p->heap_peak, p->fds_peak);
                else {
                        printf(",\"resource\":\"%s\",\"usage\":%" PRIu64 ",\"cap\":%" PRIu64 ",\"action\":\"%s\"",
                               rk_resource_name(p->resource), p->usage, p->cap, rk_action_name(p->action));
                        if (p->cmd == RESCAP_CMD_EXCEEDED)
                                printf(",\"kind\":\"%s\"", rk_kind_name(p->kind));
                        printf(",\"cgroup_id\":%" PRIu64 ",\"cgroup\":", p->cgroup_id);
                        json_string(p->cgroup_path);
                        printf(",\"policy\":\"%s\"", rk_policy_name(p->policy));
                        if (p->policy == RESCAP_POLICY_CGROUP) {
                                printf(",\"policy_cgroup_id\":%" PRIu64 ",\"policy_cgroup\":",
                                       p->policy_cgroup_id);
                                json_string(p->policy_cgroup_path);
                        }
                }
                printf("}\n");
        } else if (p->cmd == RESCAP_CMD_EXITED) {
                printf("%s pid=%" PRIu32 " comm=%s uid=%" PRIu32 " heap_peak=%" PRIu64 " fds_peak=%" PRIu64 "\n",
                       name, p->pid, tty_str(p->comm), p->uid, p->heap_peak, p->fds_peak);
        } else {
                printf("%s pid=%" PRIu32 " comm=%s uid=%" PRIu32 " resource=%s usage=%" PRIu64
                       " cap=%" PRIu64 " action=%s",
                       name, p->pid, tty_str(p->comm), p->uid, rk_resource_name(p->resource), p->usage, p->cap,
                       rk_action_name(p->action));
                if (p->cmd == RESCAP_CMD_EXCEEDED)
                        printf(" kind=%s", rk_kind_name(p->kind));
                printf(" cgroup=%s policy=%s", p->cgroup_path[0] ? tty_str(p->cgroup_path) : "-",
                       rk_policy_name(p->policy));
                if (p->policy == RESCAP_POLICY_CGROUP)
                        printf(":%s", p->policy_cgroup_path[0] ? tty_str(p->policy_cgroup_path) : "-");
                putchar('\n');
        }
        fflush(stdout);
        return 0;
}

int parse_cap_options(const char *what, int argc, char **argv, rk_caps *ret, uint32_t *flags) {
        static const struct option opts[] = {
                { "no-inherit", no_argument,   NULL, 'n' },
                { "heap",   required_argument, NULL, 'H' },
                { "fds",    required_argument, NULL, 'F' },
                { "action", required_argument, NULL, 'A' },
                { "soft",   required_argument, NULL, 'S' },
                { "force",  no_argument,       NULL, 'f' },
                {}
        };
        rk_caps caps = {};
        (void) what;
        uint64_t v;
        int c, r;

        optind = 1;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
                switch (c) {
                case 'H':
                        r = parse_size(optarg, &caps.heap);
                        if (r < 0) {
                                fprintf(stderr, "rescapctl: bad size '%s' (like 512M, 2G, infinity)\n", optarg);
                                return EXIT_USAGE;
                        }
                        caps.has_heap = true;
                        break;
                case 'F':
                        r = parse_count(optarg, &caps.fds);
                        if (r < 0) {
                                fprintf(stderr, "rescapctl: bad fd count '%s'\n", optarg);
                                return EXIT_USAGE;
                        }
                        caps.has_fds = true;
                        break;
                case 'A':
                        if (rk_action_from_name(optarg, &caps.action) < 0) {
                                fprintf(stderr, "rescapctl: bad action '%s' (kill, deny or notify)\n", optarg);
                                return EXIT_USAGE;
                        }
                        caps.has_action = true;
                        break;
                case 'S':
                        if (parse_count(optarg, &v) < 0 || v > 99) {
                                fprintf(stderr, "rescapctl: bad soft threshold '%s' (0 to 99 percent)\n", optarg);
                                return EXIT_USAGE;
                        }
                        caps.soft_pct = (uint32_t) v;
                        caps.has_soft_pct = true;
                        break;
                case 'f':
                        caps.force = true;
                        break;
                case 'n':
                        if (flags) {
                                *flags |= RESCAP_REGISTER_FLAGS_NO_INHERIT;
                                break;
                        }
                        fprintf(stderr, "rescapctl: %s: --no-inherit is an option of register\n", what);
                        return EXIT_USAGE;
                default:
                        return EXIT_USAGE;
                }
        }
        if (optind != argc) {
                fprintf(stderr, "rescapctl: %s: unexpected argument '%s'\n", what, argv[optind]);
                return EXIT_USAGE;
        }
        if (!flags && !caps.has_heap && !caps.has_fds && !caps.has_action && !caps.has_soft_pct) {
                fprintf(stderr, "rescapctl: %s: nothing to set (--heap, --fds, --action, --soft)\n", what);
                return EXIT_USAGE;
        }
        *ret = caps;
        return 0;
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

static int group_list_cb(const rk_group *g, void *userdata) {
        struct list_ctx *c = userdata;
        char b[32], f[32];

        if (arg_json) {
                printf("%s", c->n ? "," : "[");
                print_group_json(g, false);
        } else {
                if (!c->n)
                        printf("%-10s %10s %8s %-6s %4s %6s %s\n",
                               "ID", "HEAP_CAP", "FD_CAP", "ACTION", "SOFT", "KILLS", "CGROUP");
                printf("%-10" PRIu64 " %10s %8s %-6s %4" PRIu32 " %6" PRIu64 " %s\n",
                       g->cgroup_id, cap_str(b, sizeof(b), g->heap_cap, true),
                       cap_str(f, sizeof(f), g->fd_cap, false), rk_action_name(g->action),
                       g->soft_pct, g->kills, tty_str(g->cgroup_path));
        }
        c->n++;
        return 0;
}

/* get, cap, reset --cgroup CGROUP and list --cgroups: the kernel directly. */
static int cgroup_main(const char *cmd, int argc, char **argv) {
        rk_target t = { .pidfd = -1, .cgroup_fd = -1 };
        rk_link *l = NULL;
        rk_caps caps;
        int r;

        if (strcmp(cmd, "list") == 0) {
                struct list_ctx ctx = {};

                r = open_link(&l);
                if (r)
                        return r;
                r = rk_dump_cgroups(l, group_list_cb, &ctx);
                if (arg_json)
                        printf("%s\n", ctx.n ? "]" : "[]");
                r = r < 0 ? fail(l, "list --cgroups", r) : 0;
                rk_link_free(l);
                return r;
        }
        if (argc < 2 || (strcmp(cmd, "cap") != 0 && argc != 2)) {
                fprintf(stderr, "rescapctl: %s --cgroup CGROUP%s\n", cmd,
                        strcmp(cmd, "cap") == 0 ? " [--heap SIZE] [--fds N] [--action A] [--soft P] [--force]" : "");
                return EXIT_USAGE;
        }
        if (strcmp(cmd, "cap") == 0) {
                r = parse_cap_options("cap", argc - 1, argv + 1, &caps, NULL);
                if (r)
                        return r;
        }
        if (parse_cgroup(argv[1], &t) < 0)
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
                r = rk_set_caps(l, t, &caps);
                r = r < 0 ? fail(l, "cap", r) : 0;
        }
out:
        if (t.by_cgroup_fd)
                close(t.cgroup_fd);
        rk_link_free(l);
        return r;
}

static int armed_list_cb(const rk_armed *a, void *userdata) {
        struct list_ctx *c = userdata;
        char b[32], f[32];

        if (arg_json) {
                printf("%s{\"path\":", c->n ? "," : "[");
                json_string(a->path);
                json_cap("heap_cap", a->heap_cap);
                json_cap("fd_cap", a->fd_cap);
                printf(",\"action\":\"%s\",\"soft_pct\":%" PRIu32 ",\"attaches\":%" PRIu64
                       ",\"attach_failures\":%" PRIu64 "}",
                       rk_action_name(a->action), a->soft_pct, a->attaches, a->attach_failures);
        } else {
                if (!c->n)
                        printf("%10s %8s %-6s %4s %8s %6s %s\n",
                               "HEAP_CAP", "FD_CAP", "ACTION", "SOFT", "ATTACHES", "MISSED", "PATH");
                printf("%10s %8s %-6s %4" PRIu32 " %8" PRIu64 " %6" PRIu64 " %s\n",
                       cap_str(b, sizeof(b), a->heap_cap, true), cap_str(f, sizeof(f), a->fd_cap, false),
                       rk_action_name(a->action), a->soft_pct, a->attaches, a->attach_failures,
                       tty_str(a->path));
        }
        c->n++;
        return 0;
}

/* arm PATH [caps], disarm PATH, list --armed: the kernel directly. */
static int armed_main(const char *cmd, int argc, char **argv) {
        struct list_ctx ctx = {};
        rk_link *l = NULL;
        rk_caps caps;
        int r;

        if (strcmp(cmd, "list") == 0) {
                r = open_link(&l);
                if (r)
                        return r;
                r = rk_dump_armed(l, armed_list_cb, &ctx);
                if (arg_json)
                        printf("%s\n", ctx.n ? "]" : "[]");
                r = r < 0 ? fail(l, "list --armed", r) : 0;
                rk_link_free(l);
                return r;
        }
        if (argc < 1 || (strcmp(cmd, "disarm") == 0 && argc != 1)) {
                fprintf(stderr, "rescapctl: %s CGROUP-PATH%s\n", cmd,
                        strcmp(cmd, "arm") == 0 ? " [--heap SIZE] [--fds N] [--action A] [--soft P] [--force]" : "");
                return EXIT_USAGE;
        }
        if (strcmp(cmd, "arm") == 0) {
                r = parse_cap_options("arm", argc, argv, &caps, NULL);
                if (r)
                        return r;
        }
        r = open_link(&l);
        if (r)
                return r;
        if (strcmp(cmd, "arm") == 0)
                r = rk_arm(l, argv[0], &caps, NULL);
        else
                r = rk_disarm(l, argv[0], NULL);
        r = r < 0 ? fail(l, cmd, r) : 0;
        rk_link_free(l);
        return r;
}

static int cmd_cap(rk_link *l, rk_target t, int argc, char **argv) {
        rk_caps caps;
        int r;

        r = parse_cap_options("cap", argc, argv, &caps, NULL);
        if (r)
                return r;
        r = rk_set_caps(l, t, &caps);
        return r < 0 ? fail(l, "cap", r) : 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
        (void) sig;
        stop = 1;
}

static int cmd_monitor(rk_link *l) {
        struct sigaction sa = { .sa_handler = on_signal };
        int r;

        r = rk_subscribe(l);
        if (r < 0)
                return fail(l, "monitor", r);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        while (!stop) {
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
        return 0;
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "json",  no_argument, NULL, 'j' },
                { "pidfd", no_argument, NULL, 'p' },
                { "kernel", no_argument, NULL, 'k' },
                { "bus",   no_argument, NULL, 'b' },
                { "help",  no_argument, NULL, 'h' },
                {}
        };
        const char *cmd;
        rk_link *l = NULL;
        rk_target t = { .pid = 0, .pidfd = -1 };
        int c, r;

        /* Options before the command only; the rest belongs to it. */
        while ((c = getopt_long(argc, argv, "+h", opts, NULL)) >= 0) {
                switch (c) {
                case 'j': arg_json = true; break;
                case 'p': arg_pidfd = true; break;
                case 'k': arg_path = 'k'; break;
                case 'b': arg_path = 'b'; break;
                case 'h': usage(stdout); return 0;
                default: usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return EXIT_USAGE;
        }
        cmd = argv[optind++];
        argc -= optind;
        argv += optind;

        if (!arg_path && getenv("RESCAPCTL_KERNEL") && strcmp(getenv("RESCAPCTL_KERNEL"), "1") == 0)
                arg_path = 'k';

        if ((strcmp(cmd, "list") == 0 && argc == 1 && strcmp(argv[0], "--cgroups") == 0) ||
            ((strcmp(cmd, "get") == 0 || strcmp(cmd, "cap") == 0 || strcmp(cmd, "reset") == 0) &&
             argc >= 1 && strcmp(argv[0], "--cgroup") == 0)) {
                if (arg_path == 'b') {
                        fprintf(stderr, "rescapctl: %s on a cgroup talks to the kernel, not to rescapd "
                                "(see unit-* for rescapd)\n", cmd);
                        return EXIT_USAGE;
                }
                return cgroup_main(cmd, argc, argv);
        }

        if (strcmp(cmd, "arm") == 0 || strcmp(cmd, "disarm") == 0 ||
            (strcmp(cmd, "list") == 0 && argc == 1 && strcmp(argv[0], "--armed") == 0)) {
                if (arg_path == 'b') {
                        fprintf(stderr, "rescapctl: %s talks to the kernel, not to rescapd\n", cmd);
                        return EXIT_USAGE;
                }
                return armed_main(cmd, argc, argv);
        }

        if (strcmp(cmd, "metrics") == 0) {
                if (arg_path == 'k') {
                        fprintf(stderr, "rescapctl: metrics needs rescapd, not --kernel\n");
                        return EXIT_NEED_DAEMON;
                }
                arg_path = 'b';
        } else if (strcmp(cmd, "status") == 0 || strncmp(cmd, "unit-", 5) == 0 ||
                   strcmp(cmd, "set-property") == 0 || strcmp(cmd, "cat") == 0) {
                const bool more = strcmp(cmd, "unit-cap") == 0 || strcmp(cmd, "set-property") == 0;

                if (strcmp(cmd, "status") != 0 && strcmp(cmd, "unit-get") != 0 && strcmp(cmd, "cat") != 0 &&
                    !more && strcmp(cmd, "unit-reset") != 0) {
                        fprintf(stderr, "rescapctl: unknown command '%s' (see rescapctl --help)\n", cmd);
                        return EXIT_USAGE;
                }
                if (strcmp(cmd, "status") == 0 ? argc != 0 : argc < 1 || (!more && argc != 1)) {
                        fprintf(stderr, "rescapctl: %s: bad arguments (see rescapctl --help)\n", cmd);
                        return EXIT_USAGE;
                }
                if (arg_path == 'k') {
                        fprintf(stderr, "rescapctl: %s needs rescapd, not --kernel\n", cmd);
                        return EXIT_NEED_DAEMON;
                }
        } else if (strcmp(cmd, "monitor") == 0 && argc == 1 && strcmp(argv[0], "--samples") == 0) {
                if (arg_path == 'k') {
                        fprintf(stderr, "rescapctl: monitor --samples needs rescapd, not --kernel\n");
                        return EXIT_NEED_DAEMON;
                }
                arg_path = 'b';
        } else if (strcmp(cmd, "list") == 0 || strcmp(cmd, "monitor") == 0) {
                if (argc) {
                        fprintf(stderr, "rescapctl: %s takes no argument\n", cmd);
                        return EXIT_USAGE;
                }
        } else if (strcmp(cmd, "get") == 0 || strcmp(cmd, "register") == 0 ||
                   strcmp(cmd, "deregister") == 0 || strcmp(cmd, "cap") == 0 ||
                   strcmp(cmd, "reset") == 0) {
                if (argc < 1) {
                        fprintf(stderr, "rescapctl: %s needs a PID\n", cmd);
                        return EXIT_USAGE;
                }
                if (parse_pid(argv[0], &t) < 0)
                        return EXIT_USAGE;
        } else {
                fprintf(stderr, "rescapctl: unknown command '%s' (see rescapctl --help)\n", cmd);
                return EXIT_USAGE;
        }

        if (arg_path != 'k') {
                sd_bus *bus = NULL;

                r = bus_available(&bus);
                if (r >= 0) {
                        if ((strcmp(cmd, "deregister") == 0 || strcmp(cmd, "reset") == 0 ||
                                    strcmp(cmd, "get") == 0) && argc != 1) {
                                fprintf(stderr, "rescapctl: %s takes one PID\n", cmd);
                                r = EXIT_USAGE;
                        } else
                                r = bus_main(bus, cmd, argc, argv);
                        sd_bus_flush_close_unref(bus);
                        goto out;
                }
                if (arg_path == 'b' || strcmp(cmd, "status") == 0 || strncmp(cmd, "unit-", 5) == 0 ||
                    strcmp(cmd, "set-property") == 0 || strcmp(cmd, "cat") == 0) {
                        fprintf(stderr, "rescapctl: rescapd (%s) is not on the system bus: %s\n",
                                "org.rescap1", strerror(-r));
                        return EXIT_NEED_DAEMON;
                }
        }

        r = open_link(&l);
        if (r)
                return r;

        if (strcmp(cmd, "list") == 0) {
                struct list_ctx ctx = {};

                r = rk_dump(l, list_cb, &ctx);
                if (arg_json)
                        printf("%s\n", ctx.n ? "]" : "[]");
                r = r < 0 ? fail(l, "list", r) : 0;
        } else if (strcmp(cmd, "monitor") == 0) {
                r = cmd_monitor(l);
        } else if (strcmp(cmd, "get") == 0) {
                rk_proc *p = calloc(1, sizeof(*p));

                r = p ? rk_get(l, t, p) : -ENOMEM;
                if (r < 0)
                        r = fail(l, "get", r);
                else if (arg_json) {
                        print_proc_json(p);
                        putchar('\n');
                } else
                        print_proc(p);
                free(p);
        } else if (strcmp(cmd, "register") == 0) {
                rk_caps caps;
                uint32_t flags = 0;

                r = parse_cap_options("register", argc, argv, &caps, &flags);
                if (r)
                        goto out;
                r = rk_register(l, t, flags, &caps);
                r = r < 0 ? fail(l, "register", r) : 0;
        } else if (strcmp(cmd, "deregister") == 0 || strcmp(cmd, "reset") == 0) {
                if (argc != 1) {
                        fprintf(stderr, "rescapctl: %s takes one PID\n", cmd);
                        r = EXIT_USAGE;
                        goto out;
                }
                r = cmd[0] == 'd' ? rk_deregister(l, t) : rk_reset(l, t);
                r = r < 0 ? fail(l, cmd, r) : 0;
        } else
                r = cmd_cap(l, t, argc, argv);
out:
        if (t.pidfd >= 0)
                close(t.pidfd);
        rk_link_free(l);
        return r;
}
