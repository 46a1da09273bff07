/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtest-bench: the microbenchmarks of make bench, and the crowd of tracked
 * processes some of its columns need.
 *
 *   rtest-bench run       one line "NAME NS_PER_OP" per benchmark, for
 *                         each line "run" read on stdin ("done" after);
 *                         a line "fds N" makes it hold N more open
 *                         descriptors (0: none), "vmas N" N more mappings
 *                         (N separate VMAs; 0: none), each answered "ok"
 *                         or "error ..."; while it holds some, fork/exit
 *                         is not measured
 *                         (BENCH_ONLY: a comma-separated list of
 *                         the benchmarks to run, all by default)
 *   rtest-bench hold N    fork N children that sleep and print "ready";
 *                         on a line "register", register each with rescap
 *                         and print "registered"; kill them at EOF
 *   rtest-bench pair N [FDS]
 *                         each benchmark in N pairs of short blocks, one
 *                         with the process untracked, one with it
 *                         registered (heap 1G, 10000 fds or four times
 *                         FDS), in turn:
 *                         "NAME UNTRACKED_NS TRACKED_NS RATIO", the
 *                         medians of the blocks and of the pairs' ratios
 *                         (a drift of the machine's speed is common to
 *                         both blocks of a pair; tracked second in one
 *                         pair, first in the next); holding FDS more
 *                         open descriptors, if given (then no fork/exit)
 *   rtest-bench pair N FDS GOVERNED UNGOVERNED
 *                         the same with the process moved, for one block
 *                         of each pair, into the cgroup directory
 *                         GOVERNED (whose policy the caller sets), and
 *                         back into UNGOVERNED for the other: the
 *                         tracked blocks are governed, not registered
 *   rtest-bench cgroups DIR N set|reset
 *                         set: make the cgroups DIR/g1 ... DIR/gN (those
 *                         missing) and give each a policy (heap 1G, 10000
 *                         fds); reset: remove their policies. Prints the
 *                         seconds it took, or an error
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel-link.h"

static void b_open(void) {
        close(open("/dev/null", O_RDONLY));
}

static void b_mmap(void) {
        void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p != MAP_FAILED)
                munmap(p, 65536);
}

static void b_brk(void) {
        if (sbrk(65536) != (void *) -1)
                sbrk(-65536);
}

static void b_dup(void) {
        close(dup(0));
}

static void b_socket(void) {
        close(socket(AF_UNIX, SOCK_DGRAM, 0));
}

static void b_fork(void) {
        pid_t pid = fork();

        if (pid == 0)
                _exit(0);
        if (pid > 0)
                waitpid(pid, NULL, 0);
}

static void b_getpid(void) {
        syscall(SYS_getpid);
}

static const struct bench {
        const char *name;
        void (*fn)(void);
        long iterations;
} benches[] = {
        { "open/close",    b_open,   20000 },
        { "mmap/munmap",   b_mmap,   20000 },
        { "brk grow/shrink", b_brk,  20000 },
        { "dup/close",     b_dup,    40000 },
        { "socket/close",  b_socket, 10000 },
        { "fork/exit",     b_fork,   400 },
        { "getpid",        b_getpid, 100000 },
};

static double now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

/* The descriptors and mappings "fds" and "vmas" hold. */
static int *held_fds;
static long n_held_fds;
static bool table_grew;  /* the table grew for held descriptors */
static char *held_map;
static size_t held_map_len;

static int hold_fds(long n) {
        int *fds;

        while (n_held_fds > 0)
                close(held_fds[--n_held_fds]);
        free(held_fds);
        held_fds = NULL;
        /* A file table never shrinks; a copy of it is sized to the
         * descriptors left. unshare() copies a shared table only: shared
         * for a moment with a child, so that the next measures see the
         * table they would have had without these. */
        if (table_grew) {
                pid_t pid = (pid_t) syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);

                if (pid < 0)
                        return -errno;
                if (pid == 0) {
                        pause();
                        _exit(0);
                }
                if (unshare(CLONE_FILES) < 0)
                        return -errno;
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
        }
        table_grew = n > 0;
        if (n <= 0)
                return 0;
        fds = calloc((size_t) n, sizeof(*fds));
        if (!fds)
                return -ENOMEM;
        held_fds = fds;
        for (; n_held_fds < n; n_held_fds++) {
                fds[n_held_fds] = dup(0);
                if (fds[n_held_fds] < 0)
                        return -errno;
        }
        return 0;
}

/* n private pages, every other one read-only: n VMAs, the writable half
 * counted in VmData, none of them touched. */
static int hold_vmas(long n) {
        const size_t page = (size_t) sysconf(_SC_PAGESIZE);

        if (held_map)
                munmap(held_map, held_map_len);
        held_map = NULL;
        if (n <= 0)
                return 0;
        held_map_len = (size_t) n * page;
        held_map = mmap(NULL, held_map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (held_map == MAP_FAILED) {
                held_map = NULL;
                return -errno;
        }
        for (long i = 1; i < n; i += 2)
                if (mprotect(held_map + (size_t) i * page, page, PROT_READ) < 0)
                        return -errno;
        return 0;
}

/* Whether BENCH_ONLY, if set, names the benchmark. */
static bool selected(const char *name) {
        const char *only = getenv("BENCH_ONLY");
        size_t len = strlen(name);

        if (!only || !*only)
                return true;
        for (const char *p = only; p; p = strchr(p, ',')) {
                if (*p == ',')
                        p++;
                if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
                        return true;
        }
        return false;
}

static int run(void) {
        char line[64];
        long n;

        setvbuf(stdout, NULL, _IOLBF, 0);
        while (fgets(line, sizeof(line), stdin)) {
                if (sscanf(line, "fds %ld", &n) == 1 || sscanf(line, "vmas %ld", &n) == 1) {
                        int r = line[0] == 'f' ? hold_fds(n) : hold_vmas(n);

                        if (r < 0)
                                printf("error %s\n", strerror(-r));
                        else
                                printf("ok\n");
                        continue;
                }
                for (size_t b = 0; b < sizeof(benches) / sizeof(benches[0]); b++) {
                        double t0;

                        /* A fork copies every descriptor and mapping held:
                         * the kernel's own cost, seconds under TCG. */
                        if ((benches[b].fn == b_fork && (n_held_fds || held_map)) ||
                            !selected(benches[b].name))
                                continue;
                        benches[b].fn();        /* warm up */
                        t0 = now_ns();
                        for (long i = 0; i < benches[b].iterations; i++)
                                benches[b].fn();
                        printf("%s %.1f\n", benches[b].name,
                               (now_ns() - t0) / (double) benches[b].iterations);
                }
                printf("done\n");
        }
        return 0;
}

static int cmp_double(const void *a, const void *b) {
        const double x = *(const double *) a, y = *(const double *) b;

        return (x > y) - (x < y);
}

static double median(double *v, long n) {
        qsort(v, (size_t) n, sizeof(*v), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double block(const struct bench *b, long iterations) {
        double t0;

        b->fn();
        t0 = now_ns();
        for (long i = 0; i < iterations; i++)
                b->fn();
        return (now_ns() - t0) / (double) iterations;
}

/* pair's cgroups, when its tracked blocks are governed instead. */
static const char *pair_governed, *pair_ungoverned;

static int move_to(const char *dir, pid_t pid) {
        char path[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
        f = fopen(path, "we");
        if (!f)
                return -errno;
        fprintf(f, "%d\n", (int) pid);
        return fclose(f) == 0 ? 0 : -errno;
}

/* A process may not lift its own cap: a child registers and deregisters
 * it (or moves it into the governed cgroup and out), one byte on @cmd
 * ('r' or 'd') at a time, its answer on @ans. */
static int controller(int cmd, int ans, pid_t parent) {
        /* As make bench's tracked columns: caps far from the usage. */
        rk_caps caps = {
                .has_heap = true, .heap = 1UL << 30,
                .has_fds = true, .fds = n_held_fds ? (uint64_t) n_held_fds * 4 : 10000,
        };
        rk_target t = { .pid = parent, .pidfd = -1 };
        rk_link *l;
        char c;
        int e;

        e = rk_link_open(&l);
        if (e < 0)
                return 1;
        while (read(cmd, &c, 1) == 1) {
                if (pair_governed)
                        e = move_to(c == 'r' ? pair_governed : pair_ungoverned, parent);
                else
                        e = c == 'r' ? rk_register(l, t, 0, &caps) : rk_deregister(l, t);
                c = e < 0 ? 'E' : 'k';
                if (write(ans, &c, 1) != 1)
                        return 1;
        }
        rk_link_free(l);
        return 0;
}

static int ask(int cmd, int ans, char c) {
        if (write(cmd, &c, 1) != 1 || read(ans, &c, 1) != 1 || c != 'k') {
                fprintf(stderr, "rtest-bench: the controller failed\n");
                return -1;
        }
        return 0;
}

static int pair(long n, long fds) {
        double *u = calloc((size_t) n, sizeof(double));
        double *t = calloc((size_t) n, sizeof(double));
        double *r = calloc((size_t) n, sizeof(double));
        int to[2], from[2];
        pid_t pid;

        if (!u || !t || !r || n < 1 || pipe(to) < 0 || pipe(from) < 0)
                return 1;
        if (hold_fds(fds) < 0) {
                fprintf(stderr, "rtest-bench: cannot hold %ld descriptors\n", fds);
                return 1;
        }
        if (pair_ungoverned && move_to(pair_ungoverned, getpid()) < 0) {
                fprintf(stderr, "rtest-bench: cannot move into %s: %m\n", pair_ungoverned);
                return 1;
        }
        pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                close(to[1]);
                close(from[0]);
                _exit(controller(to[0], from[1], getppid()));
        }
        close(to[0]);
        close(from[1]);
        setvbuf(stdout, NULL, _IOLBF, 0);
        for (size_t b = 0; b < sizeof(benches) / sizeof(benches[0]); b++) {
                const long it = benches[b].iterations / 10 ?: 1;

                if (!selected(benches[b].name) || (benches[b].fn == b_fork && n_held_fds))
                        continue;
                /* Tracked second in one pair, first in the next: what
                 * comes of the order is in both. */
                for (long i = 0; i < n; i++) {
                        if (i % 2 == 0)
                                u[i] = block(&benches[b], it);
                        if (ask(to[1], from[0], 'r') < 0)
                                return 1;
                        t[i] = block(&benches[b], it);
                        if (ask(to[1], from[0], 'd') < 0)
                                return 1;
                        if (i % 2 == 1)
                                u[i] = block(&benches[b], it);
                        r[i] = t[i] / u[i];
                }
                printf("%s %.1f %.1f %.3f\n", benches[b].name, median(u, n), median(t, n), median(r, n));
        }
        close(to[1]);
        close(from[0]);
        waitpid(pid, NULL, 0);
        free(u);
        free(t);
        free(r);
        return 0;
}

static int hold(long n) {
        pid_t *pids = calloc((size_t) n, sizeof(pid_t));
        char line[64];
        rk_link *l;
        int r;

        if (!pids)
                return 1;
        for (long i = 0; i < n; i++) {
                pids[i] = fork();
                if (pids[i] == 0) {
                        for (;;)
                                pause();
                }
                if (pids[i] < 0) {
                        fprintf(stderr, "rtest-bench: fork %ld: %s\n", i, strerror(errno));
                        return 1;
                }
        }
        setvbuf(stdout, NULL, _IOLBF, 0);
        printf("ready\n");
        while (fgets(line, sizeof(line), stdin)) {
                if (strcmp(line, "register\n") != 0)
                        continue;
                r = rk_link_open(&l);
                if (r < 0) {
                        fprintf(stderr, "rtest-bench: rescap: %s\n", strerror(-r));
                        return 1;
                }
                for (long i = 0; i < n; i++) {
                        r = rk_register(l, (rk_target) { .pid = pids[i], .pidfd = -1 }, 0, NULL);
                        if (r < 0) {
                                fprintf(stderr, "rtest-bench: register %d: %s\n", pids[i], strerror(-r));
                                return 1;
                        }
                }
                rk_link_free(l);
                printf("registered\n");
        }
        for (long i = 0; i < n; i++)
                kill(pids[i], SIGKILL);
        while (wait(NULL) > 0)
                ;
        free(pids);
        return 0;
}

static int cgroups(const char *dir, long n, bool set) {
        char path[4096];
        double t0 = now_ns();
        rk_link *l;
        int r;

        r = rk_link_open(&l);
        if (r < 0) {
                fprintf(stderr, "rtest-bench: rescap: %s\n", strerror(-r));
                return 1;
        }
        for (long i = 1; i <= n; i++) {
                rk_caps caps = {
                        .has_heap = true, .heap = 1UL << 30,
                        .has_fds = true, .fds = 10000,
                };
                rk_target t = { .pidfd = -1, .by_cgroup_fd = true };

                snprintf(path, sizeof(path), "%s/g%ld", dir, i);
                if (set && mkdir(path, 0755) < 0 && errno != EEXIST) {
                        fprintf(stderr, "rtest-bench: mkdir %s: %s\n", path, strerror(errno));
                        return 1;
                }
                t.cgroup_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (t.cgroup_fd < 0) {
                        fprintf(stderr, "rtest-bench: open %s: %s\n", path, strerror(errno));
                        return 1;
                }
                r = set ? rk_set_caps(l, t, &caps) : rk_reset(l, t);
                close(t.cgroup_fd);
                if (r < 0) {
                        fprintf(stderr, "rtest-bench: %s %s: %s\n", set ? "set" : "reset",
                                path, rk_link_error(l) ?: strerror(-r));
                        return 1;
                }
        }
        rk_link_free(l);
        printf("%.1f\n", (now_ns() - t0) / 1e9);
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 2 && strcmp(argv[1], "run") == 0)
                return run();
        if ((argc == 3 || argc == 4 || argc == 6) && strcmp(argv[1], "pair") == 0) {
                if (argc == 6) {
                        pair_governed = argv[4];
                        pair_ungoverned = argv[5];
                }
                return pair(atol(argv[2]), argc >= 4 ? atol(argv[3]) : 0);
        }
        if (argc == 3 && strcmp(argv[1], "hold") == 0)
                return hold(atol(argv[2]));
        if (argc == 5 && strcmp(argv[1], "cgroups") == 0 &&
            (strcmp(argv[4], "set") == 0 || strcmp(argv[4], "reset") == 0))
                return cgroups(argv[2], atol(argv[3]), strcmp(argv[4], "set") == 0);
        fprintf(stderr, "usage: rtest-bench run | rtest-bench pair N [FDS [GOVERNED UNGOVERNED]] | rtest-bench hold N | rtest-bench cgroups DIR N set|reset\n");
        return 2;
}
