/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test of cgroupd/unit-config.c, on temporary directories (built with
 * ASan and UBSan). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/rescap.h>

#include "kernel-link.h"
#include "unit-config.h"

#include "check.h"

#define MB (1ULL << 20)
#define GB (1ULL << 30)

static char root[] = "/tmp/test-unit-config.XXXXXX";
static char vendor[PATH_MAX], admin[PATH_MAX], runtime[PATH_MAX];
static UnitConfigDirs dirs;

/* root/REL, in a static buffer of its own for each of the last 64 calls
 * (more than a test makes) */
static const char *at(const char *fmt, ...) {
        static char bufs[64][PATH_MAX];
        static unsigned next;
        char *buf = bufs[next++ % 64];
        int n = snprintf(buf, PATH_MAX, "%s/", root);
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf + n, PATH_MAX - (size_t) n, fmt, ap);
        va_end(ap);
        return buf;
}

static void mkdirs(const char *path) {
        char buf[PATH_MAX];

        snprintf(buf, sizeof(buf), "%s", path);
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        (void) mkdir(buf, 0755);
                        *p = '/';
                }
        (void) mkdir(buf, 0755);
}

/* Writes the file (and its directories). */
static void put(const char *path, const char *text) {
        char dir[PATH_MAX], *slash;
        FILE *f;

        snprintf(dir, sizeof(dir), "%s", path);
        slash = strrchr(dir, '/');
        *slash = 0;
        mkdirs(dir);
        f = fopen(path, "w");
        CHECK(f, "fopen %s: %m", path);
        if (!f)
                return;
        fputs(text, f);
        fclose(f);
}

static void clean(void) {
        char cmd[PATH_MAX + 32];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'/*", root);
        CHECK(system(cmd) == 0, "%s", cmd);
}

static UnitConfig load(const char *unit, const char *fragment, char *const *dropins, uint64_t physical) {
        UnitConfig c;
        int r = unit_config_load(unit, fragment, dropins, &dirs, physical, &c);

        CHECK(r == 0, "unit_config_load(%s) = %d", unit, r);
        return c;
}

static void source_is(const UnitConfig *c, UnitCapsKey k, const char *path, unsigned line) {
        const UnitConfigSource *s = &c->source[k];

        if (!path)
                CHECK(!s->path, "%s of %s: from %s:%u, not the default", unit_caps_key_name(k), c->caps.unit,
                      s->path, s->line);
        else
                CHECK(s->path && strcmp(s->path, path) == 0 && s->line == line,
                      "%s of %s: from %s:%u (want %s:%u)", unit_caps_key_name(k), c->caps.unit,
                      s->path ?: "(default)", s->line, path, line);
}

/* The error of path:line, with the errno. */
static void error_is(const UnitConfig *c, const char *path, unsigned line, int error) {
        for (size_t i = 0; i < c->n_errors; i++)
                if (strcmp(c->errors[i].path, path) == 0 && c->errors[i].line == line) {
                        CHECK(c->errors[i].error == error, "%s:%u: error %d (want %d): %s", path, line,
                              c->errors[i].error, error, c->errors[i].message);
                        CHECK(c->errors[i].message && *c->errors[i].message, "%s:%u: a message", path, line);
                        return;
                }
        CHECK(false, "no error for %s:%u (%zu errors)", path, line, c->n_errors);
}

static void test_layers(void) {
        char *dropins[] = { (char *) at("units/foo.service.d/50-a.conf"),
                            (char *) at("units/foo.service.d/60-b.conf"), NULL };
        char *fragment = strdup(at("units/foo.service"));
        UnitConfig c;

        put(at("vendor/foo.service.conf"), "[Cap]\nHeapMax=1G\nFDMax=100\nAction=notify\n");
        put(fragment,
            "[Unit]\nDescription=foo\n\n[Service]\nExecStart=/bin/true\nHeapMax=9G\n\n"
            "[X-Rescap]\n# unit file keys\nHeapMax=2G\n\n[Cap]\nFDMax=9\n");
        put(dropins[0], "[X-Rescap]\nFDMax = 200\n");
        put(dropins[1], "[Service]\nMemoryMax=1G\n");
        put(at("admin/foo.service.conf"), "# by hand\n[Cap]\nHeapMax=3G\n");
        put(at("runtime/foo.service.conf"), "[Cap]\nSoftPercent=80\n");
        /* not foo's, nor a caps section */
        put(at("admin/bar.service.conf"), "[Cap]\nHeapMax=5G\n");
        put(at("runtime/foo.service.conf.d/x.conf"), "[X-Rescap]\nHeapMax=7G\n");

        c = load("foo.service", fragment, dropins, 0);
        CHECK(c.caps.heap_max == 3 * GB && c.caps.fd_max == 200 && c.caps.action == RESCAP_ACTION_NOTIFY &&
              c.caps.soft_pct == 80 && strcmp(c.caps.unit, "foo.service") == 0,
              "layers: %" PRIu64 " %" PRIu64 " %u %u", c.caps.heap_max, c.caps.fd_max, c.caps.action, c.caps.soft_pct);
        source_is(&c, UNIT_CAPS_HEAP_MAX, at("admin/foo.service.conf"), 3);
        source_is(&c, UNIT_CAPS_FD_MAX, dropins[0], 2);
        source_is(&c, UNIT_CAPS_ACTION, at("vendor/foo.service.conf"), 4);
        source_is(&c, UNIT_CAPS_SOFT_PERCENT, at("runtime/foo.service.conf"), 2);
        CHECK(c.n_errors == 0, "layers: %zu errors", c.n_errors);
        /* vendor, fragment, two drop-ins, admin, runtime and its drop-in */
        CHECK(c.n_files == 7, "layers: %zu files", c.n_files);
        CHECK(c.n_files == 7 && c.files[0].layer == UNIT_CONFIG_VENDOR && c.files[1].layer == UNIT_CONFIG_UNIT_FILE &&
              c.files[3].layer == UNIT_CONFIG_UNIT_FILE && c.files[4].layer == UNIT_CONFIG_ADMIN &&
              c.files[5].layer == UNIT_CONFIG_RUNTIME, "layers in order");
        unit_config_free(&c);

        /* the unit file over the vendor's, /run over /etc */
        put(at("runtime/foo.service.conf"), "[Cap]\nHeapMax=4G\n");
        unlink(at("admin/foo.service.conf"));
        c = load("foo.service", fragment, dropins, 0);
        CHECK(c.caps.heap_max == 4 * GB, "runtime: %" PRIu64, c.caps.heap_max);
        source_is(&c, UNIT_CAPS_HEAP_MAX, at("runtime/foo.service.conf"), 2);
        unit_config_free(&c);
        unlink(at("runtime/foo.service.conf"));
        c = load("foo.service", fragment, dropins, 0);
        CHECK(c.caps.heap_max == 2 * GB && c.caps.soft_pct == 0, "unit file: %" PRIu64, c.caps.heap_max);
        source_is(&c, UNIT_CAPS_HEAP_MAX, fragment, 10);
        source_is(&c, UNIT_CAPS_SOFT_PERCENT, NULL, 0);
        unit_config_free(&c);

        /* no fragment, no drop-ins (a slice without a file) */
        c = load("foo.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == GB && c.caps.fd_max == 100, "vendor only");
        unit_config_free(&c);
        c = load("foo.service", "", NULL, 0);
        CHECK(c.caps.heap_max == GB && c.n_files == 2, "empty fragment path: %zu files", c.n_files);
        unit_config_free(&c);
        free(fragment);
        clean();
}

static void test_dropin_order(void) {
        char *dropins[] = { (char *) at("units/z.service.d/90-last.conf"),
                            (char *) at("units/z.service.d/10-first.conf"), NULL };
        UnitConfig c;

        put(at("admin/z.service.conf"), "[Cap]\nHeapMax=7G\nFDMax=7\n");
        put(at("admin/z.service.conf.d/20-b.conf"), "[Cap]\nHeapMax=2G\n");
        put(at("admin/z.service.conf.d/10-a.conf"), "[Cap]\nHeapMax=1G\nFDMax=10\n");
        put(at("admin/z.service.conf.d/05-z.conf"), "[Cap]\nHeapMax=5G\nAction=deny\n");
        put(at("admin/z.service.conf.d/.hidden.conf"), "[Cap]\nHeapMax=66G\n");
        put(at("admin/z.service.conf.d/README"), "[Cap]\nHeapMax=67G\n");
        put(at("admin/z.service.conf.d/30-c.conf.bak"), "[Cap]\nHeapMax=68G\n");
        c = load("z.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == 2 * GB && c.caps.fd_max == 10 && c.caps.action == RESCAP_ACTION_DENY,
              "drop-ins by name, after UNIT.conf: %" PRIu64 " %" PRIu64, c.caps.heap_max, c.caps.fd_max);
        source_is(&c, UNIT_CAPS_HEAP_MAX, at("admin/z.service.conf.d/20-b.conf"), 2);
        CHECK(c.n_files == 4 && strstr(c.files[1].path, "05-z") && strstr(c.files[3].path, "20-b"),
              "drop-in order: %zu files", c.n_files);
        unit_config_free(&c);

        /* the unit file's drop-ins in the order systemd gave them */
        put(dropins[0], "[X-Rescap]\nSoftPercent=90\n");
        put(dropins[1], "[X-Rescap]\nSoftPercent=10\n");
        c = load("z.service", NULL, dropins, 0);
        CHECK(c.caps.soft_pct == 10, "systemd's order: %u", c.caps.soft_pct);
        unit_config_free(&c);

        /* drop-ins of the same name in two layers: both, the higher last */
        put(at("vendor/z.service.conf.d/20-b.conf"), "[Cap]\nHeapMax=3G\nFDMax=3\n");
        c = load("z.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == 2 * GB && c.caps.fd_max == 10, "same name in two layers");
        unit_config_free(&c);
        clean();
}

static void test_templates(void) {
        char *tfrag = strdup(at("units/web@.service"));
        char *dropins[] = { (char *) at("units/web@.service.d/a.conf"), (char *) at("units/web@b.service.d/a.conf"),
                            NULL };
        UnitConfig c;

        put(at("vendor/web@.service.conf"), "[Cap]\nHeapMax=1G\nFDMax=50\n");
        put(at("admin/web@.service.conf"), "[Cap]\nFDMax=60\n");
        put(at("admin/web@b.service.conf"), "[Cap]\nHeapMax=2G\n");
        put(at("vendor/web@c.service.conf"), "[Cap]\nFDMax=70\nAction=notify\n");
        put(at("admin/web@.service.conf.d/x.conf"), "[Cap]\nSoftPercent=50\n");
        put(at("admin/web@c.service.conf.d/x.conf"), "[Cap]\nSoftPercent=60\n");

        c = load("web@a.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == GB && c.caps.fd_max == 60 && c.caps.soft_pct == 50, "template: %" PRIu64 " %" PRIu64,
              c.caps.heap_max, c.caps.fd_max);
        source_is(&c, UNIT_CAPS_HEAP_MAX, at("vendor/web@.service.conf"), 2);
        unit_config_free(&c);
        c = load("web@b.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == 2 * GB && c.caps.fd_max == 60, "instance over template");
        source_is(&c, UNIT_CAPS_HEAP_MAX, at("admin/web@b.service.conf"), 2);
        unit_config_free(&c);
        /* within a layer the instance wins; a higher layer's template wins
         * over a lower layer's instance */
        c = load("web@c.service", NULL, NULL, 0);
        CHECK(c.caps.fd_max == 60 && c.caps.action == RESCAP_ACTION_NOTIFY && c.caps.soft_pct == 60,
              "layers over instances: %" PRIu64 " %u", c.caps.fd_max, c.caps.soft_pct);
        unit_config_free(&c);
        /* the template itself reads only its own files */
        c = load("web@.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == GB && c.caps.fd_max == 60 && c.caps.action == 0, "the template");
        unit_config_free(&c);

        /* unit files: as systemd lists them for the instance */
        put(tfrag, "[Service]\nExecStart=/bin/true\n[X-Rescap]\nHeapMax=3G\nFDMax=30\n");
        put(dropins[0], "[X-Rescap]\nFDMax=31\n");
        put(dropins[1], "[X-Rescap]\nFDMax=32\n");
        unlink(at("admin/web@.service.conf"));
        c = load("web@b.service", tfrag, dropins, 0);
        CHECK(c.caps.heap_max == 2 * GB && c.caps.fd_max == 32, "instance drop-in: %" PRIu64, c.caps.fd_max);
        unit_config_free(&c);
        free(tfrag);
        clean();
}

static void test_infinity(void) {
        UnitConfig c;

        put(at("vendor/inf.service.conf"), "[Cap]\nHeapMax=1G\nFDMax=100\nAction=notify\nSoftPercent=50\n");
        put(at("admin/inf.service.conf"), "[Cap]\nHeapMax=infinity\nFDMax=infinity\n");
        put(at("runtime/inf.service.conf"), "[Cap]\nAction=\nSoftPercent=\n");
        c = load("inf.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == RESCAP_NO_CAP && c.caps.fd_max == RESCAP_NO_CAP && c.caps.action == 0 &&
              c.caps.soft_pct == 0 && unit_caps_is_empty(&c.caps), "infinity and empty values remove");
        source_is(&c, UNIT_CAPS_HEAP_MAX, at("admin/inf.service.conf"), 2);
        source_is(&c, UNIT_CAPS_ACTION, at("runtime/inf.service.conf"), 2);
        CHECK(c.n_errors == 0, "%zu errors", c.n_errors);
        unit_config_free(&c);

        /* and a cap set again above */
        put(at("runtime/inf.service.conf"), "[Cap]\nHeapMax=\nHeapMax=512M\n");
        c = load("inf.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == 512 * MB, "set again: %" PRIu64, c.caps.heap_max);
        source_is(&c, UNIT_CAPS_HEAP_MAX, at("runtime/inf.service.conf"), 3);
        unit_config_free(&c);
        clean();
}

static void test_bad_lines(void) {
        char *dropins[] = { (char *) at("units/bad.service.d/a.conf"), NULL };
        const char *f = at("admin/bad.service.conf");
        UnitConfig c;

        put(at("vendor/bad.service.conf"), "[Cap]\nHeapMax=1G\nFDMax=10\nAction=notify\nSoftPercent=5\n");
        put(f, "[Cap]\nHeapMax=lots\nFDMax=100\nBogus=1\nnot a setting\nAction=explode\nSoftPercent=100\n"
               "HeapMax=0\nFDMax=-1\nHeapMax=16E\nHeapMax=1.5G\n");
        put(dropins[0], "[X-Rescap]\nHeapMax=2G\nFDMax=lots\nSoftPercent=20\n");
        c = load("bad.service", NULL, dropins, 0);
        CHECK(c.caps.heap_max == GB + GB / 2 && c.caps.fd_max == 100 && c.caps.action == RESCAP_ACTION_NOTIFY &&
              c.caps.soft_pct == 20, "good keys kept: %" PRIu64 " %" PRIu64 " %u %u", c.caps.heap_max, c.caps.fd_max,
              c.caps.action, c.caps.soft_pct);
        source_is(&c, UNIT_CAPS_HEAP_MAX, f, 11);
        source_is(&c, UNIT_CAPS_SOFT_PERCENT, dropins[0], 4);
        CHECK(c.n_errors == 9, "%zu errors", c.n_errors);
        error_is(&c, dropins[0], 3, -EINVAL);
        error_is(&c, f, 2, -EINVAL);
        error_is(&c, f, 4, -ENOENT);
        error_is(&c, f, 5, -EINVAL);
        error_is(&c, f, 6, -EINVAL);
        error_is(&c, f, 7, -ERANGE);
        error_is(&c, f, 8, -ERANGE);
        error_is(&c, f, 9, -EINVAL);
        error_is(&c, f, 10, -ERANGE);
        unit_config_free(&c);

        /* the bad value of a key keeps the layers' value below it */
        put(f, "[Cap]\nHeapMax=12Q\n");
        c = load("bad.service", NULL, dropins, 0);
        CHECK(c.caps.heap_max == 2 * GB, "bad value over a good one: %" PRIu64, c.caps.heap_max);
        CHECK(c.n_errors == 2, "%zu errors", c.n_errors);
        unit_config_free(&c);
        clean();
}

static void test_percent(void) {
        uint64_t page = (uint64_t) sysconf(_SC_PAGESIZE);
        UnitConfig c;

        put(at("admin/pc.service.conf"), "[Cap]\nHeapMax=50%\n");
        c = load("pc.service", NULL, NULL, 8 * GB);
        CHECK(c.caps.heap_max == 4 * GB && c.n_errors == 0, "50%%: %" PRIu64, c.caps.heap_max);
        unit_config_free(&c);
        put(at("admin/pc.service.conf"), "[Cap]\nHeapMax=12.5\u2030\n");
        c = load("pc.service", NULL, NULL, 8 * GB);
        CHECK(c.caps.heap_max == 8 * GB / page * 125 / 10000 * page, "permille: %" PRIu64, c.caps.heap_max);
        unit_config_free(&c);
        put(at("admin/pc.service.conf"), "[Cap]\nHeapMax=0%\nFDMax=5%\n");
        c = load("pc.service", NULL, NULL, 8 * GB);
        CHECK(c.caps.heap_max == RESCAP_NO_CAP && c.caps.fd_max == RESCAP_NO_CAP && c.n_errors == 2,
              "0%% and FDMax=5%%: %zu errors", c.n_errors);
        unit_config_free(&c);
        /* no physical memory given: no shares */
        put(at("admin/pc.service.conf"), "[Cap]\nHeapMax=50%\n");
        c = load("pc.service", NULL, NULL, 0);
        CHECK(c.caps.heap_max == RESCAP_NO_CAP && c.n_errors == 1, "no physical");
        unit_config_free(&c);
        clean();
}

static void test_unreadable(void) {
        char *dropins[] = { (char *) at("units/gone.service.d/x.conf"), (char *) at("units/u.service.d/ok.conf"),
                            NULL };
        char *fragment = strdup(at("units/gone.service"));
        char big[64];
        UnitConfig c;
        FILE *f;

        /* missing directories: nothing, no error */
        c = load("u.service", NULL, NULL, 0);
        CHECK(c.n_files == 0 && c.n_errors == 0 && unit_caps_is_empty(&c.caps), "missing dirs");
        unit_config_free(&c);
        c = (UnitConfig) {};
        CHECK(unit_config_load("u.service", NULL, NULL, NULL, 0, &c) == 0 && c.n_files == 0, "no dirs at all");
        unit_config_free(&c);

        put(dropins[1], "[X-Rescap]\nFDMax=77\n");
        /* a directory, a symlink loop, a NUL byte, a file too large */
        mkdirs(at("vendor/u.service.conf"));
        mkdirs(at("admin"));
        CHECK(symlink("u.service.conf", at("admin/u.service.conf")) == 0, "symlink: %m");
        put(at("runtime/u.service.conf.d/a.conf"), "[Cap]\nHeapMax=1G\n");
        f = fopen(at("runtime/u.service.conf.d/b.conf"), "w");
        if (f) {
                fwrite("[Cap]\nHeapMax=2G\n\0\n", 1, 19, f);
                fclose(f);
        }
        f = fopen(at("runtime/u.service.conf.d/c.conf"), "w");
        if (f) {
                fputs("[Cap]\n", f);
                memset(big, '#', sizeof(big) - 1);
                big[sizeof(big) - 2] = '\n';
                big[sizeof(big) - 1] = 0;
                for (int i = 0; i < 2 * 1024 * 1024 / 63; i++)
                        fputs(big, f);
                fputs("HeapMax=3G\n", f);
                fclose(f);
        }
        /* a FIFO (not waited for), and a drop-in masked with /dev/null */
        CHECK(mkfifo(at("runtime/u.service.conf.d/d.conf"), 0644) == 0, "mkfifo: %m");
        put(at("vendor/u.service.conf.d/x.conf"), "[Cap]\nSoftPercent=5\n");
        CHECK(symlink("/dev/null", at("runtime/u.service.conf.d/x.conf")) == 0, "symlink: %m");
        /* a drop-in directory that is a file */
        put(at("admin/u.service.conf.d"), "[Cap]\nHeapMax=4G\n");
        c = load("u.service", fragment, dropins, 0);
        CHECK(c.caps.heap_max == GB && c.caps.fd_max == 77 && c.caps.soft_pct == 5, "readable files still count: %" PRIu64 " %" PRIu64,
              c.caps.heap_max, c.caps.fd_max);
        error_is(&c, fragment, 0, -ENOENT);
        error_is(&c, dropins[0], 0, -ENOENT);
        error_is(&c, at("vendor/u.service.conf"), 0, -EISDIR);
        error_is(&c, at("admin/u.service.conf"), 0, -ELOOP);
        error_is(&c, at("admin/u.service.conf.d"), 0, -ENOTDIR);
        error_is(&c, at("runtime/u.service.conf.d/b.conf"), 0, -EBADMSG);
        error_is(&c, at("runtime/u.service.conf.d/c.conf"), 0, -EFBIG);
        error_is(&c, at("runtime/u.service.conf.d/d.conf"), 0, -EBADF);
        CHECK(c.n_errors == 8, "%zu errors", c.n_errors);
        unit_config_free(&c);

        /* permissions (root reads everything) */
        if (geteuid() != 0) {
                put(at("runtime/p.service.conf"), "[Cap]\nHeapMax=1G\n");
                chmod(at("runtime/p.service.conf"), 0);
                c = load("p.service", NULL, NULL, 0);
                error_is(&c, at("runtime/p.service.conf"), 0, -EACCES);
                unit_config_free(&c);
        }
        free(fragment);
        clean();
}

static void test_names(void) {
        char name[400], longdir[PATH_MAX + 100];
        UnitConfigDirs long_dirs;
        UnitConfig c;
        int r;

        memset(name, 'a', 300);
        strcpy(name + 300, ".service");
        r = unit_config_load(name, NULL, NULL, &dirs, 0, &c);
        CHECK(r == -ENAMETOOLONG && c.n_files == 0 && !c.caps.unit, "300 bytes: %d", r);
        r = unit_config_load("foo", NULL, NULL, &dirs, 0, &c);
        CHECK(r == -EINVAL, "not a unit: %d", r);
        r = unit_config_load("../x.service", NULL, NULL, &dirs, 0, &c);
        CHECK(r == -EINVAL, "a path: %d", r);
        r = unit_config_load("", NULL, NULL, &dirs, 0, &c);
        CHECK(r == -EINVAL, "empty: %d", r);

        /* 255 bytes: a unit, but its UNIT.conf cannot be a file name */
        memset(name, 'a', 247);
        strcpy(name + 247, ".service");
        c = load(name, NULL, NULL, 0);
        CHECK(c.n_errors == 0 && unit_caps_is_empty(&c.caps), "255 bytes");
        unit_config_free(&c);
        /* 250 bytes: UNIT.conf fits, UNIT.conf.d does not */
        memset(name, 'b', 242);
        strcpy(name + 242, ".service");
        put(at("admin/%s.conf", name), "[Cap]\nHeapMax=1G\n");
        c = load(name, NULL, NULL, 0);
        CHECK(c.n_errors == 0 && c.caps.heap_max == GB, "250 bytes");
        unit_config_free(&c);
        /* a long template instance */
        memset(name, 'c', 240);
        memcpy(name, "t@", 2);
        strcpy(name + 240, ".service");
        put(at("admin/t@.service.conf"), "[Cap]\nFDMax=5\n");
        c = load(name, NULL, NULL, 0);
        CHECK(c.n_errors == 0 && c.caps.fd_max == 5, "long instance");
        unit_config_free(&c);

        /* directories and paths beyond PATH_MAX: errors, no crash */
        memset(longdir, 'd', sizeof(longdir) - 1);
        longdir[0] = '/';
        longdir[sizeof(longdir) - 1] = 0;
        long_dirs = (UnitConfigDirs) { .admin = longdir };
        r = unit_config_load("x.service", longdir, (char *[]) { longdir, NULL }, &long_dirs, 0, &c);
        CHECK(r == 0 && c.n_errors == 4, "long paths: %d, %zu errors", r, c.n_errors);
        for (size_t i = 0; i < c.n_errors; i++)
                CHECK(c.errors[i].error == -ENAMETOOLONG, "long path: %d", c.errors[i].error);
        unit_config_free(&c);
        clean();
}

static void test_cat(void) {
        char *dropins[] = { (char *) at("units/cat.service.d/50-a.conf"), NULL };
        char *fragment = strdup(at("units/cat.service")), *text, want[PATH_MAX * 2];
        UnitConfig c;

        put(fragment, "[Service]\nExecStart=/bin/true\n");
        put(dropins[0], "[Service]\nNice=1\n[X-Rescap]\nHeapMax = 512M\nFDMax=lots\n");
        put(at("admin/cat.service.conf"), "# by hand\n[Cap]\nFDMax=1024\nAction=notify\n[Other]\nX=1\n");
        c = load("cat.service", fragment, dropins, 0);
        text = unit_config_cat(&c);
        CHECK(text, "cat");
        if (text) {
                snprintf(want, sizeof(want), "# %s\n[X-Rescap]\nHeapMax=512M\nFDMax=lots\n\n# %s\n[Cap]\n"
                         "FDMax=1024\nAction=notify\n\n# The caps of cat.service:\n", dropins[0],
                         at("admin/cat.service.conf"));
                CHECK(strncmp(text, want, strlen(want)) == 0, "cat starts with the files:\n%s", text);
                snprintf(want, sizeof(want), "#   %-28s from %s:4\n", "HeapMax=512M", dropins[0]);
                CHECK(strstr(text, want), "cat: HeapMax's source:\n%s", text);
                snprintf(want, sizeof(want), "#   %-28s from %s:3\n", "FDMax=1024", at("admin/cat.service.conf"));
                CHECK(strstr(text, want), "cat: FDMax's source:\n%s", text);
                snprintf(want, sizeof(want), "#   %-28s (default)\n", "SoftPercent=0");
                CHECK(strstr(text, want), "cat: a default:\n%s", text);
                snprintf(want, sizeof(want), "# Errors (these settings are ignored):\n#   %s:5: FDMax=lots: ",
                         dropins[0]);
                CHECK(strstr(text, want), "cat: the error:\n%s", text);
                snprintf(want, sizeof(want), "# %s\n", fragment);
                CHECK(!strstr(text, "ExecStart") && !strstr(text, "X=1") && !strstr(text, want),
                      "cat: other sections and files without settings left out:\n%s", text);
        }
        free(text);
        unit_config_free(&c);

        /* nothing anywhere */
        c = load("none.service", NULL, NULL, 0);
        text = unit_config_cat(&c);
        CHECK(text && strncmp(text, "# The caps of none.service:\n#   HeapMax=infinity", 48) == 0, "cat of nothing:\n%s",
              text);
        free(text);
        unit_config_free(&c);
        free(fragment);
        clean();
}

int main(void) {
        CHECK(mkdtemp(root), "mkdtemp: %m");
        snprintf(vendor, sizeof(vendor), "%s/vendor", root);
        snprintf(admin, sizeof(admin), "%s/admin", root);
        snprintf(runtime, sizeof(runtime), "%s/runtime", root);
        dirs = (UnitConfigDirs) { vendor, admin, runtime };

        test_layers();
        test_dropin_order();
        test_templates();
        test_infinity();
        test_bad_lines();
        test_percent();
        test_unreadable();
        test_names();
        test_cat();

        rmdir(root);
        printf("%s\n", failed ? "FAILED" : "ok");
        return failed ? 1 : 0;
}
