/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test of rescapd's parsers (cgroupd/rescapd-sample.c, rescapd-unit.c),
 * built with ASan and UBSan. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/rescap.h>

#include "kernel-link.h"
#include "rescapd-errors.h"
#include "rescapd-sample.h"
#include "rescapd-unit.h"

#include "check.h"

static void unit_of(const char *path, const char *want) {
        char buf[256];
        int r = unit_from_cgroup_path(path, buf, sizeof(buf));

        CHECK(r == 0 && strcmp(buf, want) == 0, "unit_from_cgroup_path(%s) = %d '%s' (want '%s')", path, r, buf, want);
}

static void test_units(void) {
        CHECK(unit_name_is_valid("leak.service"), "leak.service");
        CHECK(unit_name_is_valid("user@1000.service"), "user@1000.service");
        CHECK(unit_name_is_valid("run-r1a2b3.scope"), "scope");
        CHECK(unit_name_is_valid("system.slice"), "slice");
        CHECK(!unit_name_is_valid("multi-user.target"), "a target has no cgroup");
        CHECK(!unit_name_is_valid(".service"), "empty prefix");
        CHECK(!unit_name_is_valid("../x.service"), "slash");
        CHECK(!unit_name_is_valid("a b.service"), "space");
        CHECK(!unit_name_is_valid(""), "empty");
        CHECK(strcmp(unit_type_interface("x.scope"), "org.freedesktop.systemd1.Scope") == 0, "scope iface");

        unit_of("/", "-.slice");
        unit_of("/system.slice", "system.slice");
        unit_of("/system.slice/leak.service", "leak.service");
        unit_of("/user.slice/user-1000.slice/session-2.scope", "session-2.scope");
        /* A user manager's units are its own: the system manager's unit is
         * user@1000.service, whatever runs below it. */
        unit_of("/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service", "user@1000.service");
        unit_of("/user.slice/user-1000.slice/user@1000.service", "user@1000.service");
        unit_of("/system.slice/foo.service/sub/bar.service", "foo.service");
        unit_of("/system.slice/system-getty.slice/getty@tty1.service", "getty@tty1.service");
        unit_of("/machine.slice/machine-x.scope/system.slice/foo.service", "machine-x.scope");
        unit_of("/system.slice/weird dir/foo.service", "system.slice");
        unit_of("/system.slice/docker-abc.scope/inner", "docker-abc.scope");
        unit_of("/init", "");
        unit_of("", "");

        CHECK(cgroup_path_is_valid("/"), "/");
        CHECK(cgroup_path_is_valid("/system.slice/x.service"), "plain");
        CHECK(!cgroup_path_is_valid("system.slice"), "relative");
        CHECK(!cgroup_path_is_valid("/a/../b"), "..");
        CHECK(!cgroup_path_is_valid("/a//b"), "empty component");
        CHECK(!cgroup_path_is_valid("/a/."), ".");
        CHECK(!cgroup_path_is_valid("/a/"), "trailing slash");
}

static void test_conf(void) {
        UnitCaps u = { .unit = (char *) "leak.service" }, back;
        char *text, dir[] = "/tmp/test-rescapd.XXXXXX";
        UnitCapsList l = {};
        unsigned line = 0, keys = 99;
        int r;

        r = unit_caps_parse("# c\n[Cap]\nHeapMax=512M\nFDMax=1024\nAction=notify\nSoftPercent=80\n", &u, &keys, &line);
        CHECK(r == 0 && u.heap_max == 512ULL << 20 && u.fd_max == 1024 && u.action == RESCAP_ACTION_NOTIFY &&
              u.soft_pct == 80 && keys == UNIT_CAPS_KEYS_ALL,
              "parse: %d %" PRIu64 " %" PRIu64 " %u %u keys %#x", r, u.heap_max, u.fd_max, u.action, u.soft_pct, keys);
        r = unit_caps_parse("[Cap]\nHeapMax=infinity\n", &u, &keys, &line);
        CHECK(r == 0 && u.heap_max == RESCAP_NO_CAP && u.fd_max == RESCAP_NO_CAP && u.action == 0 &&
              keys == 1U << UNIT_CAPS_HEAP_MAX, "infinity and defaults: keys %#x", keys);
        r = unit_caps_parse("[Cap]\n\nHeapMax=0\n", &u, &keys, &line);
        CHECK(r == -EINVAL && line == 3 && keys == 0, "HeapMax=0: %d line %u", r, line);
        r = unit_caps_parse("[Cap]\nSoftPercent=100\n", &u, NULL, &line);
        CHECK(r == -EINVAL && line == 2, "SoftPercent=100");
        r = unit_caps_parse("[Cap]\nNope=1\n", &u, NULL, &line);
        CHECK(r == -EINVAL, "unknown key");
        r = unit_caps_parse("[Other]\nNope=1\n", &u, &keys, &line);
        CHECK(r == 0 && keys == 0, "other sections are ignored");

        /* Only the keys given are written; infinity and kill explicitly
         * (in a higher layer they override a lower one's). */
        u = (UnitCaps) { .unit = (char *) "leak.service", .heap_max = 64ULL << 20, .fd_max = RESCAP_NO_CAP,
                         .action = RESCAP_ACTION_KILL, .soft_pct = 75 };
        text = unit_caps_format(&u, UNIT_CAPS_KEYS_ALL);
        CHECK(text && strstr(text, "HeapMax=67108864\n") && strstr(text, "FDMax=infinity\n") &&
              strstr(text, "Action=kill\n") && strstr(text, "SoftPercent=75\n"), "format: %s", text);
        free(text);
        text = unit_caps_format(&u, 1U << UNIT_CAPS_FD_MAX);
        CHECK(text && strstr(text, "FDMax=infinity\n") && !strstr(text, "HeapMax") && !strstr(text, "Action") &&
              !strstr(text, "SoftPercent"), "format of one key: %s", text);
        free(text);

        CHECK(mkdtemp(dir) != NULL, "mkdtemp");
        r = unit_caps_read(dir, "leak.service", &back, &keys, &line);
        CHECK(r == 0 && keys == 0 && back.heap_max == RESCAP_NO_CAP, "read of no file: %d keys %#x", r, keys);
        r = unit_caps_save(dir, &u, UNIT_CAPS_KEYS_ALL & ~(1U << UNIT_CAPS_ACTION));
        CHECK(r == 0, "save: %d", r);
        r = unit_caps_read(dir, "leak.service", &back, &keys, &line);
        CHECK(r == 0 && back.heap_max == 64ULL << 20 && back.fd_max == RESCAP_NO_CAP && back.soft_pct == 75 &&
              back.action == 0 && keys == (UNIT_CAPS_KEYS_ALL & ~(1U << UNIT_CAPS_ACTION)),
              "round trip: %d keys %#x", r, keys);
        CHECK(unit_caps_save(dir, &u, 0) == 0 && unit_caps_read(dir, "leak.service", &back, &keys, &line) == 0 &&
              keys == 0, "saving no keys removes the file");

        CHECK(unit_caps_list_put(&l, &u) == 0 && l.n == 1, "put adds");
        CHECK(unit_caps_find(&l, "leak.service") && !unit_caps_find(&l, "x.service"), "find");
        u.fd_max = 100;
        CHECK(unit_caps_list_put(&l, &u) == 0 && l.n == 1 && l.items[0].fd_max == 100 &&
              l.items[0].unit != u.unit, "put replaces, with its own copy of the name");
        u.unit = (char *) "x.service";
        CHECK(unit_caps_list_put(&l, &u) == 0 && l.n == 2 && unit_caps_find(&l, "x.service"), "put adds");
        unit_caps_list_drop(&l, "leak.service");
        unit_caps_list_drop(&l, "none.service");
        CHECK(l.n == 1 && !unit_caps_find(&l, "leak.service") && unit_caps_find(&l, "x.service"), "drop");
        /* Sorted by name whatever the order of the puts; each found. */
        static const char *const names[] = { "m.service", "a.slice", "z.scope", "b.service", "y.service",
                                             "c.mount" };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                u.unit = (char *) names[i];
                CHECK(unit_caps_list_put(&l, &u) == 0, "put %s", names[i]);
        }
        unit_caps_list_drop(&l, "m.service");
        CHECK(l.n == 6, "six left: %zu", l.n);
        for (size_t i = 0; i + 1 < l.n; i++)
                CHECK(strcmp(l.items[i].unit, l.items[i + 1].unit) < 0, "sorted: %s before %s", l.items[i].unit,
                      l.items[i + 1].unit);
        for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++)
                CHECK(unit_caps_find(&l, names[i]) && !strcmp(unit_caps_find(&l, names[i])->unit, names[i]),
                      "find %s", names[i]);
        CHECK(!unit_caps_find(&l, "m.service") && !unit_caps_find(&l, "0.service") &&
              !unit_caps_find(&l, "zz.service"), "find none");
        u.unit = (char *) "x.service";
        CHECK(!unit_caps_is_empty(&u), "caps are not empty");
        u.heap_max = u.fd_max = RESCAP_NO_CAP;
        CHECK(!unit_caps_is_empty(&u), "an action and a soft threshold are settings");
        u.action = u.soft_pct = 0;
        CHECK(unit_caps_is_empty(&u), "no caps, default settings: empty");
        unit_caps_list_free(&l);
        CHECK(unit_caps_remove(dir, "leak.service") == 0, "remove of none");
        CHECK(unit_caps_remove(dir, "../etc.service") == -EINVAL, "remove a bad name");
        CHECK(rmdir(dir) == 0, "empty after remove: %s", strerror(errno));
}

static void test_sample(void) {
        uint64_t busy, total, used, mtotal, rx, tx, v;
        double load[3];
        TopEntry top[3];
        char name[sizeof(top[0].comm)];
        size_t n = 0;

        CHECK(parse_proc_stat_cpu("cpu  100 5 50 800 45 0 0 0 0 0\ncpu0 1 2 3 4\n", &busy, &total) == 0 &&
              total == 1000 && busy == 155, "stat: %" PRIu64 " %" PRIu64, busy, total);
        CHECK(parse_proc_stat_cpu("intr 1\n", &busy, &total) == -EINVAL, "stat without cpu");
        CHECK(cpu_percent(155, 1000, 255, 1200) == 50.0, "cpu percent");
        CHECK(cpu_percent(155, 1000, 155, 1000) == 0.0, "no time");
        CHECK(parse_meminfo("MemTotal:       2000 kB\nMemFree:  10 kB\nMemAvailable:   500 kB\n", &used, &mtotal) == 0 &&
              mtotal == 2000 * 1024 && used == 1500 * 1024, "meminfo");
        CHECK(parse_meminfo("MemTotal: 2000 kB\n", &used, &mtotal) == -ENOENT, "no MemAvailable");
        CHECK(parse_loadavg("0.50 1.25 2.00 1/100 42\n", load) == 0 && load[1] == 1.25, "loadavg");
        CHECK(parse_net_dev("Inter-|   Receive\n face |bytes\n"
                            "    lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0\n"
                            "  eth0: 300 3 0 0 0 0 0 0 700 7 0 0 0 0 0 0\n"
                            "  eth1: 5 1 0 0 0 0 0 0 6 1 0 0 0 0 0 0\n", &rx, &tx) == 0 &&
              rx == 305 && tx == 706, "net/dev: %" PRIu64 " %" PRIu64, rx, tx);
        CHECK(rate_per_second(100, 1100, 500000) == 2000, "rate");
        CHECK(rate_per_second(1100, 100, 500000) == 0, "counter reset");
        CHECK(parse_status_vmdata("Name:\tx\nVmData:\t    1024 kB\n", &v) == 0 && v == 1024 * 1024, "VmData");
        CHECK(parse_status_vmdata("Name:\tkthreadd\n", &v) == -ENOENT, "kernel thread");
        /* The name as the kernel link gives it: valid UTF-8, backslashes
         * and bytes that are not UTF-8 escaped; the kernel's own "\n" and
         * "\\" of the status file undone first. */
        status_comm("Name:\trtest-proc\nUmask:\t0022\n", name, sizeof(name));
        CHECK(strcmp(name, "rtest-proc") == 0, "name: '%s'", name);
        status_comm("Name:\t\xff\xfe\x1b[2Jok\\\\\xe2\x82\nUmask:\t0022\n", name, sizeof(name));
        CHECK(strcmp(name, "\\xff\\xfe\x1b[2Jok\\\\\\xe2\\x82") == 0, "name: '%s'", name);
        status_comm("Name:\ta\\nb\\\\n\n", name, sizeof(name));
        CHECK(strcmp(name, "a\nb\\\\n") == 0, "name with a newline and a backslash: '%s'", name);
        status_comm("Name:\t\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\n", name, sizeof(name));
        CHECK(strlen(name) == 60, "15 bytes that are not UTF-8: %zu", strlen(name));
        status_comm("Umask:\t0022\n", name, sizeof(name));
        CHECK(name[0] == 0, "no name");

        for (uint32_t i = 1; i <= 6; i++) {
                TopEntry e = { .pid = i, .value = (i * 7) % 5 };

                top_insert(top, 3, &n, &e);
        }
        /* values: 1:2 2:4 3:1 4:3 5:0 6:2 -> 2(4) 4(3) 1(2) */
        CHECK(n == 3 && top[0].pid == 2 && top[1].pid == 4 && top[2].pid == 1, "top: %u %u %u",
              top[0].pid, top[1].pid, top[2].pid);

        /* Top talkers: the sockets that moved bytes between two dumps.
         * 10 moved 50; 20 moved none; 30 is new (all of its 7); 40 is gone;
         * 50 has fewer bytes than before: a new socket with that inode. */
        const TcpBytes prev[] = { { 10, 100 }, { 20, 5 }, { 40, 9 }, { 50, 1000 } };
        const TcpBytes cur[] = { { 10, 150 }, { 20, 5 }, { 30, 7 }, { 50, 3 } };
        TcpMoved *moved = NULL;
        size_t n_moved = 0;

        CHECK(tcp_moved(prev, 4, cur, 4, &moved, &n_moved) == 0, "tcp_moved");
        CHECK(n_moved == 3 && moved[0].ino == 10 && moved[0].bytes == 50 && moved[1].ino == 30 &&
              moved[1].bytes == 7 && moved[2].ino == 50 && moved[2].bytes == 3,
              "moved: %zu", n_moved);
        CHECK(tcp_moved_find(moved, n_moved, 30) == &moved[1], "find 30");
        CHECK(!tcp_moved_find(moved, n_moved, 20) && !tcp_moved_find(moved, n_moved, 41) &&
              !tcp_moved_find(moved, n_moved, 5), "find none");
        free(moved);
        CHECK(tcp_moved(NULL, 0, NULL, 0, &moved, &n_moved) == 0 && n_moved == 0, "nothing moved");
        free(moved);
}

/* The walk of every process is paced: PACE_SHARE times its CPU time. */
static void test_pace(void) {
        Pace p = {};
        Sampler s = {};
        Sample a, b, c;
        uint64_t walked;

        CHECK(pace_due(&p, 0), "due at once");
        pace_ran(&p, 1000, 50, 0);
        CHECK(p.due_usec == 1000 + 50 * PACE_SHARE && !pace_due(&p, 1999) && pace_due(&p, 2000),
              "due: %" PRIu64, p.due_usec);
        pace_ran(&p, 1000, 50, 1000000);
        CHECK(p.due_usec == 1001000, "the least gap: %" PRIu64, p.due_usec);
        pace_ran(&p, UINT64_MAX - 5, UINT64_MAX / 2, 0);
        CHECK(p.due_usec == UINT64_MAX, "no overflow: %" PRIu64, p.due_usec);

        /* The first walk (no rates yet) sets no pace; the second does. */
        CHECK(sample_collect(&s, &a) == 0 && a.processes > 0 && a.n_top_heap > 0, "first sample");
        CHECK(s.walk_pace.due_usec == 0, "first walk paced: %" PRIu64, s.walk_pace.due_usec);
        walked = s.walk_at_usec;
        CHECK(sample_collect(&s, &b) == 0 && s.walk_at_usec > walked, "second sample walks");
        CHECK(s.walk_pace.due_usec > s.walk_at_usec, "second walk paced");
        /* Not due: the sample repeats the walk's lists, a process more or not. */
        walked = s.walk_at_usec;
        s.walk_pace.due_usec = UINT64_MAX;
        pid_t child = fork();

        if (child == 0) {
                pause();
                _exit(0);
        }
        CHECK(child > 0 && sample_collect(&s, &c) == 0 && s.walk_at_usec == walked &&
              c.processes == b.processes && c.n_top_heap == b.n_top_heap &&
              memcmp(c.top_heap, b.top_heap, sizeof(c.top_heap)) == 0 &&
              memcmp(c.top_fds, b.top_fds, sizeof(c.top_fds)) == 0 && c.timestamp_usec > b.timestamp_usec,
              "a sample between walks: %u processes, %u before", c.processes, b.processes);
        if (child > 0) {
                kill(child, SIGKILL);
                (void) waitpid(child, NULL, 0);
        }
        sampler_reset(&s);
        CHECK(s.walk_pace.due_usec == 0 && s.walk_at_usec == 0, "reset");
}
/* Files in dir other than . and ..; *ret_name: the last one seen. */
static int dir_entries(const char *dir, char *ret_name, size_t size) {
        struct dirent *de;
        int n = 0;
        DIR *d = opendir(dir);

        if (!d)
                return -1;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
                        n++;
                        if (ret_name)
                                snprintf(ret_name, size, "%s", de->d_name);
                }
        closedir(d);
        return n;
}

static char *slurp(const char *dir, const char *name) {
        char path[4096], *buf = calloc(1, 4096);
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "re");
        if (f) {
                size_t n = fread(buf, 1, 4095, f);

                buf[n] = 0;
                fclose(f);
        }
        return buf;
}

/* What rescapd persists: a long unit name, a default setting read back as
 * a default, a unit with nothing left removed, a failed write's errno. */
static void test_persist(void) {
        char dir[] = "/tmp/test-rescapd.XXXXXX", name[300], unit[300], *text;
        UnitCaps u = {}, back;
        struct rlimit old_limit, limit;
        unsigned keys;
        int r;

        CHECK(mkdtemp(dir) != NULL, "mkdtemp");

        /* The longest name whose UNIT.conf fits in a directory entry (255
         * bytes): its temporary file must not be what fails. */
        memset(unit, 'a', 242);
        strcpy(unit + 242, ".service");
        CHECK(strlen(unit) == 250, "a 250-byte name");
        u = (UnitCaps) { .unit = unit, .heap_max = 1ULL << 30, .fd_max = RESCAP_NO_CAP };
        r = unit_caps_save(dir, &u, 1U << UNIT_CAPS_HEAP_MAX);
        CHECK(r == 0, "save of a 250-byte unit name: %d (%s)", r, strerror(-r));
        r = unit_caps_read(dir, unit, &back, &keys, NULL);
        CHECK(r == 0 && keys == 1U << UNIT_CAPS_HEAP_MAX && back.heap_max == 1ULL << 30,
              "read of a 250-byte unit name: %d, keys %#x", r, keys);
        CHECK(unit_caps_remove(dir, unit) == 0 && dir_entries(dir, NULL, 0) == 0, "remove of a 250-byte unit name");
        /* Longer (systemd allows 255): UNIT.conf cannot exist, said so. */
        memset(unit, 'a', 247);
        strcpy(unit + 247, ".service");
        CHECK(unit_name_is_valid(unit), "a 255-byte unit name is valid");
        r = unit_caps_save(dir, &u, 1U << UNIT_CAPS_HEAP_MAX);
        CHECK(r == -ENAMETOOLONG, "save of a 255-byte unit name: %d", r);
        CHECK(dir_entries(dir, name, sizeof(name)) == 0, "a 255-byte unit name left %s", name);
        CHECK(unit_caps_remove(dir, unit) == 0, "remove of a 255-byte unit name: nothing to remove");
        CHECK(unit_caps_read(dir, unit, &back, &keys, NULL) == 0 && keys == 0,
              "read of a 255-byte unit name: no file");

        /* Keys not given: not written, read back as not set. */
        u = (UnitCaps) { .unit = (char *) "leak.service", .heap_max = 64ULL << 20, .fd_max = RESCAP_NO_CAP };
        CHECK(unit_caps_save(dir, &u, 1U << UNIT_CAPS_HEAP_MAX) == 0, "save of HeapMax");
        text = slurp(dir, "leak.service.conf");
        CHECK(!strstr(text, "Action=") && !strstr(text, "SoftPercent=") && !strstr(text, "FDMax="),
              "keys not given written: %s", text);
        free(text);
        r = unit_caps_read(dir, "leak.service", &back, &keys, NULL);
        CHECK(r == 0 && back.action == 0 && back.soft_pct == 0 && keys == 1U << UNIT_CAPS_HEAP_MAX,
              "the default action read back: action %u, soft %u, keys %#x", back.action, back.soft_pct, keys);
        /* A file that does not parse is refused whole, with its line. */
        {
                FILE *f;
                unsigned line = 0;

                snprintf(name, sizeof(name), "%s/bad.service.conf", dir);
                f = fopen(name, "we");
                CHECK(f != NULL, "fopen");
                fputs("[Cap]\nFDMax=10\nHeapMax=lots\n", f);
                fclose(f);
                r = unit_caps_read(dir, "bad.service", &back, &keys, &line);
                CHECK(r == -EINVAL && line == 3 && keys == 0, "a bad file: %d line %u keys %#x", r, line, keys);
                unlink(name);
        }
        /* A file that says Action=kill (as rescapd wrote every file
         * before): kill is the default, no caps left is empty too. */
        r = unit_caps_parse("[Cap]\nHeapMax=infinity\nFDMax=infinity\nAction=kill\nSoftPercent=0\n", &u, NULL, NULL);
        CHECK(r == 0 && u.action == RESCAP_ACTION_KILL && unit_caps_is_empty(&u), "Action=kill, no caps: empty");
        u.action = RESCAP_ACTION_NOTIFY;
        CHECK(!unit_caps_is_empty(&u), "Action=notify is a setting");
        {
                UnitCaps a = { .heap_max = 1, .fd_max = 2 }, b = a;

                b.action = RESCAP_ACTION_KILL;
                CHECK(unit_caps_equal(&a, &b), "the default action equals kill");
                b.soft_pct = 10;
                CHECK(!unit_caps_equal(&a, &b), "a soft threshold differs");
        }

        /* A write cut short (here RLIMIT_FSIZE; ENOSPC alike): its own
         * errno, the old file intact, no temporary file left. */
        u = (UnitCaps) { .unit = (char *) "leak.service", .heap_max = 64ULL << 20, .fd_max = 100 };
        CHECK(unit_caps_save(dir, &u, UNIT_CAPS_KEYS_ALL) == 0, "save before the limit");
        text = slurp(dir, "leak.service.conf");
        signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &old_limit);
        limit = old_limit;
        limit.rlim_cur = 40;
        setrlimit(RLIMIT_FSIZE, &limit);
        u.fd_max = 200;
        errno = 0;
        r = unit_caps_save(dir, &u, UNIT_CAPS_KEYS_ALL);
        setrlimit(RLIMIT_FSIZE, &old_limit);
        signal(SIGXFSZ, SIG_DFL);
        CHECK(r == -EFBIG, "a short write: %d (%s), want -EFBIG", r, strerror(-r));
        {
                char *now = slurp(dir, "leak.service.conf");

                CHECK(strcmp(now, text) == 0 && strstr(now, "FDMax=100\n"), "the old file changed: %s", now);
                free(now);
        }
        free(text);
        CHECK(dir_entries(dir, name, sizeof(name)) == 1 && strcmp(name, "leak.service.conf") == 0,
              "a failed save left %s", name);

        CHECK(unit_caps_remove(dir, "leak.service") == 0, "remove");
        CHECK(rmdir(dir) == 0, "rmdir: %s", strerror(errno));
        CHECK(unit_caps_remove(dir, "leak.service") == 0, "remove without the directory");
}

static void test_errors(void) {
        CHECK(strcmp(rescap_error_name(-ESRCH), RESCAP_ERROR_NO_SUCH_PROCESS) == 0, "ESRCH");
        CHECK(strcmp(rescap_error_name(ENOENT), RESCAP_ERROR_NOT_TRACKED) == 0, "ENOENT");
        CHECK(strcmp(rescap_error_name(-ERANGE), RESCAP_ERROR_CAP_BELOW_USAGE) == 0, "ERANGE");
        CHECK(strcmp(rescap_error_name(-EOPNOTSUPP), RESCAP_ERROR_NOT_SUPPORTED) == 0, "EOPNOTSUPP");
        CHECK(strcmp(rescap_error_name(-ENOPKG), RESCAP_ERROR_KERNEL_UNAVAILABLE) == 0, "ENOPKG");
        CHECK(rescap_error_name(-EPERM) == NULL && rescap_error_name(-EINVAL) == NULL, "left to sd-bus");
        CHECK(strcmp(rescap_error_name(-EBADF), SD_BUS_ERROR_INVALID_ARGS) == 0, "EBADF: not a pidfd");
        /* and back, as clients see them */
        {
                sd_bus_error e = SD_BUS_ERROR_NULL;

                sd_bus_error_add_map(rescap_error_map);
                sd_bus_error_set(&e, RESCAP_ERROR_NOT_TRACKED, "x");
                CHECK(sd_bus_error_get_errno(&e) == ENOENT, "NotTracked -> %d", sd_bus_error_get_errno(&e));
                sd_bus_error_free(&e);
        }
}

static void check_slice(const char *slice, int want_r, const char *want) {
        char buf[256];
        int r = slice_cgroup_path(slice, buf, sizeof(buf));

        CHECK(r == want_r && (r < 0 || strcmp(buf, want) == 0), "slice_cgroup_path(%s) = %d '%s' (want %d '%s')",
              slice, r, r < 0 ? "" : buf, want_r, want);
}

/* Slices as systemd maps them to cgroups (systemd.slice(5)). */
static void test_slices(void) {
        char small[16];

        check_slice("-.slice", 0, "/");
        check_slice("system.slice", 0, "/system.slice");
        check_slice("system-foo.slice", 0, "/system.slice/system-foo.slice");
        check_slice("user-1000.slice", 0, "/user.slice/user-1000.slice");
        check_slice("a-b-c.slice", 0, "/a.slice/a-b.slice/a-b-c.slice");
        check_slice("foo.service", -EINVAL, "");
        check_slice(".slice", -EINVAL, "");
        check_slice("a--b.slice", -EINVAL, "");
        check_slice("-a.slice", -EINVAL, "");
        check_slice("a-.slice", -EINVAL, "");
        CHECK(slice_cgroup_path("system-foo.slice", small, sizeof(small)) == -ENOBUFS, "a short buffer");
}

static void check_cgroup(const char *unit, const char *cg, const char *slice, int want_r, const char *want) {
        char *got = NULL;
        int r = unit_cgroup_from(unit, cg, slice, &got);

        CHECK(r == want_r && (r < 0 || strcmp(got, want) == 0), "unit_cgroup_from(%s, %s, %s) = %d '%s' (want %d '%s')",
              unit, cg ?: "NULL", slice ?: "NULL", r, got ?: "", want_r, want);
        free(got);
}

static void check_pattern(const char *template, const char *probe_cgroup, int want_r, const char *want) {
        char *got = NULL;
        int r = template_pattern_from(template, probe_cgroup, &got);

        CHECK(r == want_r && (r < 0 || strcmp(got, want) == 0), "template_pattern_from(%s, %s) = %d '%s' (want %d '%s')",
              template, probe_cgroup, r, got ?: "", want_r, want);
        free(got);
}

/* Where a unit runs, from what systemd said of it (its ControlGroup while
 * it runs, else its Slice and its name). */
static void test_unit_cgroups(void) {
        check_cgroup("foo.service", "/system.slice/foo.service", "system.slice", 0, "/system.slice/foo.service");
        check_cgroup("foo.service", "", "system.slice", 0, "/system.slice/foo.service");
        check_cgroup("foo.service", NULL, "system-bar.slice", 0, "/system.slice/system-bar.slice/foo.service");
        check_cgroup("foo.service", "", "-.slice", 0, "/foo.service");
        check_cgroup("foo.service", "", "", 0, "");                     /* not loaded */
        check_cgroup("foo.service", "", NULL, 0, "");
        check_cgroup("a-b.slice", "", "", 0, "/a.slice/a-b.slice");      /* a slice: its own path */
        check_cgroup("foo.timer", "", "system.slice", -EINVAL, "");      /* no cgroup */
        check_cgroup("foo.service", "", "foo.service", -EINVAL, "");     /* not a slice */
        check_pattern("foo@.service", "/system.slice/system-foo.slice/foo@rescap-probe.service", 0,
                      "/system.slice/system-foo.slice/foo@*.service");
        check_pattern("foo@.service", "", 0, "");
        check_pattern("foo.service", "/system.slice/foo.service", -EINVAL, "");
}

int main(void) {
        test_units();
        test_slices();
        test_unit_cgroups();
        test_conf();
        test_persist();
        test_sample();
        test_pace();
        test_errors();
        if (failed) {
                printf("%d failed\n", failed);
                return 1;
        }
        printf("all passed\n");
        return 0;
}
