/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd: which units have caps written somewhere, and what they say.
 * A unit has settings when one of rescap's directories has a file or a
 * drop-in directory of its name, or when one of systemd's unit
 * directories has a unit file or drop-in of it with an [X-Rescap]
 * section. Each such unit's layers are read by unit-config.h, with the
 * fragment and drop-ins systemd itself uses for the unit (FragmentPath,
 * DropInPaths); a template's are those of an instance systemd loads for
 * the question.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <systemd/sd-daemon.h>
#include <sys/stat.h>

#include "bus-emit.h"
#include "bus-get.h"
#include "cleanup.h"
#include "rescapd.h"
#include "size.h"
#include "unit-config.h"

/* A unit file larger than this is not read for [X-Rescap]. */
#define UNIT_FILE_SCAN_MAX (256 * 1024)

typedef struct Names {
        char **v;
        size_t n;
} Names;

static void names_free(Names *n) {
        for (size_t i = 0; i < n->n; i++)
                free(n->v[i]);
        free(n->v);
        *n = (Names) {};
}

static int names_add(Names *n, const char *name, size_t len) {
        char **v;

        for (size_t i = 0; i < n->n; i++)
                if (strlen(n->v[i]) == len && strncmp(n->v[i], name, len) == 0)
                        return 0;
        v = realloc(n->v, (n->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        n->v = v;
        n->v[n->n] = strndup(name, len);
        if (!n->v[n->n])
                return -ENOMEM;
        n->n++;
        return 0;
}

static void strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

static bool has_suffix(const char *s, const char *suffix, size_t *ret_stem) {
        size_t n = strlen(s), k = strlen(suffix);

        if (n <= k || strcmp(s + n - k, suffix) != 0)
                return false;
        *ret_stem = n - k;
        return true;
}

/* Whether a file under dirfd has an [X-Rescap] section (a unit file that
 * is a link to /dev/null, a masked unit, has none), in its first
 * UNIT_FILE_SCAN_MAX bytes: read in pieces, the end of one kept before the
 * next, so that a reload of thousands of units allocates nothing per file. */
static bool file_has_section(int dirfd, const char *name) {
        static const char section[] = "[X-Rescap]";
        const size_t keep = sizeof(section) - 2;
        char buf[8192];
        size_t have = 0, total = 0;
        bool ret = false;
        int fd;

        fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return false;
        while (!ret && total < UNIT_FILE_SCAN_MAX) {
                const size_t want = sizeof(buf) - have < UNIT_FILE_SCAN_MAX - total ?
                                            sizeof(buf) - have : UNIT_FILE_SCAN_MAX - total;
                const ssize_t n = read(fd, buf + have, want);

                if (n <= 0)
                        break;
                total += (size_t) n;
                have += (size_t) n;
                /* A mention in a comment only costs a load: unit-config.h
                 * reads the sections for real. */
                ret = memmem(buf, have, section, sizeof(section) - 1) != NULL;
                if (have > keep) {
                        memmove(buf, buf + have - keep, keep);
                        have = keep;
                }
        }
        close(fd);
        return ret;
}

/* ---- systemd's unit directories, scanned once and watched ---- */

/* One of systemd's unit directories: the units with an [X-Rescap] section
 * in their file or drop-ins there, as last read. inotify says when to read
 * it again (a file or a drop-in directory changed); without inotify, it is
 * read at every reload. */
typedef struct UnitDir {
        char *path;
        dev_t dev;
        ino_t ino;
        int wd;                 /* -1: not watched: read it at every reload */
        int *sub_wds;           /* the watches of its NAME.d/ directories */
        size_t n_sub;
        bool dirty;
        bool seen;              /* in systemd's UnitPath at the last reload */
        Names units;
} UnitDir;

struct UnitScan {
        char **unit_path;       /* systemd's UnitPath, as read at start and SIGHUP */
        int fd;                 /* inotify, -1: none */
        UnitDir *dirs;
        size_t n_dirs;
};

#define UNIT_DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | \
                         IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static void unit_dir_unwatch(UnitScan *s, UnitDir *d) {
        if (s->fd >= 0 && d->wd >= 0)
                (void) inotify_rm_watch(s->fd, d->wd);
        for (size_t i = 0; i < d->n_sub; i++)
                if (s->fd >= 0)
                        (void) inotify_rm_watch(s->fd, d->sub_wds[i]);
        free(d->sub_wds);
        d->sub_wds = NULL;
        d->n_sub = 0;
        d->wd = -1;
}

static void unit_dir_free(UnitScan *s, UnitDir *d) {
        unit_dir_unwatch(s, d);
        names_free(&d->units);
        free(d->path);
}

void unit_scan_free(UnitScan *s) {
        if (!s)
                return;
        for (size_t i = 0; i < s->n_dirs; i++)
                unit_dir_free(s, &s->dirs[i]);
        free(s->dirs);
        strv_free(s->unit_path);
        if (s->fd >= 0)
                close(s->fd);
        free(s);
}

/* The events queued since the last reload: the directories they are
 * about are read again. A lost event (overflow) makes every one dirty. */
static void unit_scan_drain(UnitScan *s) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t n;

        while (s->fd >= 0 && (n = read(s->fd, buf, sizeof(buf))) > 0) {
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *e = (const struct inotify_event *) p;

                        for (size_t i = 0; i < s->n_dirs; i++) {
                                UnitDir *d = &s->dirs[i];
                                bool hit = e->mask & IN_Q_OVERFLOW || d->wd == e->wd;

                                for (size_t k = 0; !hit && k < d->n_sub; k++)
                                        hit = d->sub_wds[k] == e->wd;
                                d->dirty |= hit;
                        }
                        p += sizeof(*e) + e->len;
                }
        }
}

/* Reads one directory: its watch first, so a change during the read is
 * not missed, then the units with an [X-Rescap] section in their file or
 * in one of their drop-ins (NAME.d/ *.conf, each watched). */
static int unit_dir_read(UnitScan *s, UnitDir *d) {
        struct dirent *de;
        size_t stem;
        DIR *dir;
        int r = 0;

        unit_dir_unwatch(s, d);
        names_free(&d->units);
        d->dirty = false;
        if (s->fd >= 0)
                d->wd = inotify_add_watch(s->fd, d->path, UNIT_DIR_EVENTS);
        dir = opendir(d->path);
        if (!dir)
                return 0;       /* systemd lists directories that need not exist */
        while (r == 0 && (de = readdir(dir))) {
                char unit[256];

                if (de->d_name[0] == '.')
                        continue;
                if (has_suffix(de->d_name, ".d", &stem) && stem < sizeof(unit)) {
                        struct dirent *se;
                        DIR *sub;
                        int fd;

                        snprintf(unit, sizeof(unit), "%.*s", (int) stem, de->d_name);
                        if (!unit_name_is_valid(unit))
                                continue;
                        fd = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        sub = fd < 0 ? NULL : fdopendir(fd);
                        if (!sub) {
                                if (fd >= 0)
                                        close(fd);
                                continue;
                        }
                        if (s->fd >= 0) {
                                int *wds = realloc(d->sub_wds, (d->n_sub + 1) * sizeof(*wds));
                                char *path;

                                if (wds) {
                                        d->sub_wds = wds;
                                        if (asprintf(&path, "%s/%s", d->path, de->d_name) >= 0) {
                                                int wd = inotify_add_watch(s->fd, path, UNIT_DIR_EVENTS);

                                                if (wd >= 0)
                                                        d->sub_wds[d->n_sub++] = wd;
                                                free(path);
                                        }
                                }
                        }
                        while ((se = readdir(sub))) {
                                size_t k;

                                if (se->d_name[0] != '.' && has_suffix(se->d_name, ".conf", &k) &&
                                    file_has_section(dirfd(sub), se->d_name)) {
                                        r = names_add(&d->units, unit, strlen(unit));
                                        break;
                                }
                        }
                        closedir(sub);
                } else if (unit_name_is_valid(de->d_name) && file_has_section(dirfd(dir), de->d_name))
                        r = names_add(&d->units, de->d_name, strlen(de->d_name));
        }
        closedir(dir);
        return r;
}

/* The units of systemd's unit directories with [X-Rescap] sections: the
 * directories read again only when they changed (or are not watched). A
 * directory listed twice (/lib and /usr/lib, one directory) is read once.
 * unit_path becomes the scan's. */
static int unit_scan(Manager *m, char **unit_path, Names *ret) {
        UnitScan *s = m->unit_scan;
        int r = 0;

        if (!s) {
                s = calloc(1, sizeof(*s));
                if (!s) {
                        strv_free(unit_path);
                        return -ENOMEM;
                }
                s->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                if (s->fd < 0)
                        log_msg("rescapd: no inotify (%s): systemd's unit directories are read at every reload",
                                strerror(errno));
                m->unit_scan = s;
        }
        if (s->unit_path != unit_path) {
                strv_free(s->unit_path);
                s->unit_path = unit_path;
        }
        unit_scan_drain(s);
        for (size_t i = 0; i < s->n_dirs; i++)
                s->dirs[i].seen = false;
        for (size_t i = 0; r == 0 && unit_path[i]; i++) {
                UnitDir *d = NULL;
                struct stat st;
                bool twice = false;

                if (stat(unit_path[i], &st) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                for (size_t k = 0; k < s->n_dirs; k++) {
                        if (s->dirs[k].seen && s->dirs[k].dev == st.st_dev && s->dirs[k].ino == st.st_ino)
                                twice = true;
                        if (strcmp(s->dirs[k].path, unit_path[i]) == 0)
                                d = &s->dirs[k];
                }
                if (twice)
                        continue;
                if (!d) {
                        UnitDir *dirs = realloc(s->dirs, (s->n_dirs + 1) * sizeof(*dirs));

                        if (!dirs)
                                return -ENOMEM;
                        s->dirs = dirs;
                        d = &s->dirs[s->n_dirs];
                        *d = (UnitDir) { .path = strdup(unit_path[i]), .wd = -1, .dirty = true };
                        if (!d->path)
                                return -ENOMEM;
                        s->n_dirs++;
                }
                d->seen = true;
                if (d->dirty || d->wd < 0 || d->dev != st.st_dev || d->ino != st.st_ino) {
                        d->dev = st.st_dev;
                        d->ino = st.st_ino;
                        r = unit_dir_read(s, d);
                }
                for (size_t k = 0; r == 0 && k < d->units.n; k++)
                        r = names_add(ret, d->units.v[k], strlen(d->units.v[k]));
        }
        /* Directories systemd no longer lists. */
        for (size_t i = 0; i < s->n_dirs;) {
                if (s->dirs[i].seen) {
                        i++;
                        continue;
                }
                unit_dir_free(s, &s->dirs[i]);
                s->dirs[i] = s->dirs[--s->n_dirs];
        }
        return r;
}

/* The units of one of rescap's directories: NAME.conf and NAME.conf.d/. */
static int scan_rescap_dir(const char *dir, Names *ret) {
        struct dirent *de;
        DIR *d;
        int r = 0;

        if (!dir)
                return 0;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while (r == 0 && (de = readdir(d))) {
                size_t stem;
                char unit[256];

                if (de->d_name[0] == '.')
                        continue;
                if (!has_suffix(de->d_name, ".conf", &stem) && !has_suffix(de->d_name, ".conf.d", &stem))
                        continue;
                if (stem >= sizeof(unit))
                        continue;
                snprintf(unit, sizeof(unit), "%.*s", (int) stem, de->d_name);
                if (unit_name_is_valid(unit))
                        r = names_add(ret, unit, stem);
                else
                        log_msg("rescapd: %s/%s: not a unit name, ignored", dir, de->d_name);
        }
        closedir(d);
        return r;
}

/* What systemd says of a unit with settings: the unit it is (an alias:
 * its unit), its fragment and drop-ins, and where its processes run. For
 * a template, those of an instance loaded for the question (systemd lists
 * the template's drop-ins for it). A unit systemd does not know, or no
 * systemd: the name itself, no files, cgroup "". */
typedef struct UnitLookup {
        const char *name;       /* asked */
        char *id;
        char *fragment;
        char **dropins;
        char *cgroup;           /* its cgroup path, a template's pattern; NULL: not learnt */
        char *control_group;    /* its ControlGroup, "" when not running; NULL: not learnt */
} UnitLookup;

enum {
        GET_REF,
        GET_LOAD_STATE,
        GET_ID,
        GET_FRAGMENT,
        GET_DROPINS,
        GET_CONTROL_GROUP,
        GET_SLICE,
        GET_UNREF,
        _GET_MAX,
};

static void units_lookup_free(UnitLookup *v, size_t n) {
        for (size_t i = 0; v && i < n; i++) {
                free(v[i].id);
                free(v[i].fragment);
                strv_free(v[i].dropins);
                free(v[i].cgroup);
                free(v[i].control_group);
        }
        free(v);
}

/* The connection the batches of Gets go on: one of rescapd's own, on
 * which no callback runs (they run on m->bus); NULL when it cannot be
 * made (the Gets then go one by one on m->bus). */
static sd_bus *query_bus(Manager *m) {
        int r;

        if (m->query_bus)
                return m->query_bus;
        r = sd_bus_open_system_with_description(&m->query_bus, "rescapd-query");
        if (r < 0) {
                log_msg("rescapd: no connection of its own for systemd's answers (%s): asking one by one",
                        strerror(-r));
                m->query_bus = NULL;
        }
        return m->query_bus;
}

void manager_query_bus_close(Manager *m) {
        m->query_bus = sd_bus_flush_close_unref(m->query_bus);
}

static int lookup_fill(UnitLookup *l, const BusGet *g) {
        const bool template = unit_name_is_template(l->name);
        _cleanup_free_ char *probe = NULL, *own = NULL;
        int r;

        if (g[GET_LOAD_STATE].r == 0 && strcmp(g[GET_LOAD_STATE].s, "loaded") == 0 && g[GET_ID].r == 0 &&
            g[GET_FRAGMENT].r == 0 && g[GET_DROPINS].r == 0) {
                /* A template's Id would be the probe's: its name stays. */
                l->id = strdup(!template && unit_name_is_valid(g[GET_ID].s) ? g[GET_ID].s : l->name);
                l->fragment = strdup(g[GET_FRAGMENT].s);
                l->dropins = g[GET_DROPINS].strv;
                ((BusGet *) g)[GET_DROPINS].strv = NULL;
                if (!l->fragment)
                        return -ENOMEM;
                if (g[GET_CONTROL_GROUP].r == 0 && !template) {
                        l->control_group = strdup(g[GET_CONTROL_GROUP].s);
                        if (!l->control_group)
                                return -ENOMEM;
                }
        } else {
                for (size_t k = GET_LOAD_STATE; k < GET_CONTROL_GROUP; k++)
                        if (g[k].r < 0 && g[k].r != -ENOMEM)
                                log_msg("rescapd: systemd did not say the %s of %s: %s", g[k].property, l->name,
                                        strerror(-g[k].r));
                l->id = strdup(l->name);
                /* Known to systemd as not loaded: not running. */
                if (g[GET_LOAD_STATE].r == 0 && !template) {
                        l->control_group = strdup("");
                        if (!l->control_group)
                                return -ENOMEM;
                }
        }
        if (!l->id)
                return -ENOMEM;
        /* Where it runs, as unit_cgroup_path() and template_cgroup_pattern()
         * say; an error in the answer leaves it to them. */
        if (g[GET_CONTROL_GROUP].r == 0 && (g[GET_CONTROL_GROUP].s[0] || g[GET_SLICE].r == 0 ||
                                             strcmp(g[GET_CONTROL_GROUP].interface,
                                                    "org.freedesktop.systemd1.Slice") == 0)) {
                const char *slice = g[GET_SLICE].r == 0 ? g[GET_SLICE].s : NULL;

                if (template) {
                        r = template_probe_name(l->name, &probe);
                        if (r >= 0)
                                r = unit_cgroup_from(probe, g[GET_CONTROL_GROUP].s, slice, &own);
                        if (r >= 0)
                                r = template_pattern_from(l->name, own, &l->cgroup);
                } else
                        r = unit_cgroup_from(l->id, g[GET_CONTROL_GROUP].s, slice, &l->cgroup);
                if (r == -ENOMEM)
                        return r;
        }
        return 0;
}

/* Looks each of v up, with one batch of Gets for them all: systemd loads
 * a unit whose object is asked about (as LoadUnit does). Gets, not
 * GetAll: systemd computes every property of the interface for GetAll,
 * some ten times the cost. */
static int units_lookup(Manager *m, UnitLookup *v, size_t n) {
        static const char unit_iface[] = "org.freedesktop.systemd1.Unit";
        static const char *const props[_GET_MAX] = {
                [GET_REF] = "Ref", [GET_UNREF] = "Unref", [GET_LOAD_STATE] = "LoadState", [GET_ID] = "Id", [GET_FRAGMENT] = "FragmentPath",
                [GET_DROPINS] = "DropInPaths", [GET_CONTROL_GROUP] = "ControlGroup", [GET_SLICE] = "Slice",
        };
        BusGet *g = calloc(n * _GET_MAX + 1, sizeof(*g));
        char **paths = calloc(n + 1, sizeof(*paths));
        sd_bus *qb;
        int r = g && paths ? 0 : -ENOMEM;

        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_free_ char *probe = NULL;
                const char *asked = v[i].name, *iface;

                if (unit_name_is_template(asked)) {
                        r = template_probe_name(asked, &probe);
                        asked = probe;
                }
                if (r >= 0)
                        r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", asked, &paths[i]);
                iface = unit_type_interface(v[i].name) ?: unit_iface;
                for (size_t k = 0; r >= 0 && k < _GET_MAX; k++)
                        g[i * _GET_MAX + k] = (BusGet) {
                                .path = paths[i],
                                .interface = k == GET_CONTROL_GROUP || k == GET_SLICE ? iface : unit_iface,
                                .property = props[k],
                                .type = k == GET_DROPINS ? 'a' : k == GET_REF || k == GET_UNREF ? 'm' : 's',
                        };
        }
        if (r >= 0) {
                qb = query_bus(m);
                r = bus_get_many(qb ?: m->bus, "org.freedesktop.systemd1", g, n * _GET_MAX, qb);
                if (r < 0 && qb) {
                        log_msg("rescapd: its connection for systemd's answers failed (%s): asking one by one",
                                strerror(-r));
                        manager_query_bus_close(m);
                        bus_get_free(g, n * _GET_MAX);
                        r = bus_get_many(m->bus, "org.freedesktop.systemd1", g, n * _GET_MAX, false);
                }
        }
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = lookup_fill(&v[i], &g[i * _GET_MAX]);
        if (g)
                bus_get_free(g, n * _GET_MAX);
        free(g);
        for (size_t i = 0; paths && i < n; i++)
                free(paths[i]);
        free(paths);
        return r;
}

void manager_work_goes_on(size_t done, size_t n) {
        if (n > WORK_CHUNK && done > 0 && done % WORK_CHUNK == 0)
                (void) sd_notify(0, "EXTEND_TIMEOUT_USEC=60000000\nWATCHDOG=1");
}

/* units_lookup() by chunks of WORK_CHUNK units, telling systemd between
 * them that the work goes on. */
static int units_lookup_chunked(Manager *m, UnitLookup *v, size_t n) {
        int r = 0;

        for (size_t off = 0; r >= 0 && off < n; off += WORK_CHUNK) {
                r = units_lookup(m, v + off, n - off < WORK_CHUNK ? n - off : WORK_CHUNK);
                manager_work_goes_on(off + WORK_CHUNK, n);
        }
        return r;
}

static int unit_cgroup_cmp(const void *a, const void *b) {
        return strcmp(((const UnitCgroup *) a)->unit, ((const UnitCgroup *) b)->unit);
}

int manager_units_cgroups(Manager *m, const UnitCapsList *units, UnitCgroup **ret, size_t *ret_n) {
        UnitLookup *l = calloc(units->n + 1, sizeof(*l));
        UnitCgroup *cg = calloc(units->n + 1, sizeof(*cg));
        size_t n = 0;
        int r = l && cg ? 0 : -ENOMEM;

        for (size_t i = 0; r >= 0 && i < units->n; i++)
                l[i].name = units->items[i].unit;
        if (r >= 0 && units->n)
                r = units_lookup_chunked(m, l, units->n);
        for (size_t i = 0; r >= 0 && i < units->n; i++) {
                if (l[i].control_group)
                        bus_unit_cgroup_known(m, units->items[i].unit, l[i].control_group);
                if (!l[i].cgroup)
                        continue;
                cg[n].unit = strdup(units->items[i].unit);
                cg[n].cgroup = l[i].cgroup;
                l[i].cgroup = NULL;
                if (!cg[n++].unit)
                        r = -ENOMEM;
        }
        units_lookup_free(l, l ? units->n : 0);
        if (r < 0) {
                unit_cgroups_free(cg, n);
                return r;
        }
        qsort(cg, n, sizeof(*cg), unit_cgroup_cmp);
        *ret = cg;
        *ret_n = n;
        return 0;
}

static int lookup_config(Manager *m, const UnitLookup *l, UnitConfig *ret) {
        const UnitConfigDirs dirs = { m->vendor_dir, m->conf_dir, m->runtime_dir };

        return unit_config_load(l->id, l->fragment, l->dropins, &dirs, physical_memory(), ret);
}

int manager_unit_config(Manager *m, const char *unit, UnitConfig *ret) {
        UnitLookup *l = calloc(1, sizeof(*l));
        int r = l ? 0 : -ENOMEM;

        if (l) {
                l->name = unit;
                r = units_lookup(m, l, 1);
        }
        if (r >= 0)
                r = lookup_config(m, l, ret);
        units_lookup_free(l, 1);
        return r;
}

/* The names of every unit with settings somewhere, as written. */
static int collect_names(Manager *m, bool refresh, Names *ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        const char *const dirs[] = { m->vendor_dir, m->conf_dir, m->runtime_dir };
        char **unit_path = NULL;
        int r = 0;

        for (size_t i = 0; r == 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
                r = scan_rescap_dir(dirs[i], ret);
                if (r < 0 && r != -ENOMEM) {
                        log_msg("rescapd: cannot list %s: %s", dirs[i], strerror(-r));
                        r = 0;
                }
        }
        /* systemd's unit directories, in its order (no systemd: none).
         * They are fixed while systemd runs: read again only when asked
         * (a question less while systemd is busiest, right after its
         * daemon-reload). */
        if (r == 0 && (refresh || !m->unit_scan || !m->unit_scan->unit_path) &&
            sd_bus_get_property_strv(m->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                     "org.freedesktop.systemd1.Manager", "UnitPath", &e, &unit_path) >= 0)
                r = unit_scan(m, unit_path, ret);
        else if (r == 0 && m->unit_scan && m->unit_scan->unit_path)
                r = unit_scan(m, m->unit_scan->unit_path, ret);
        return r;
}

static void log_errors(const UnitConfig *c) {
        for (size_t i = 0; i < c->n_errors; i++) {
                const UnitConfigError *e = &c->errors[i];

                if (e->line)
                        log_msg("rescapd: %s:%u: %s (caps of %s)", e->path, e->line, e->message, c->caps.unit);
                else
                        log_msg("rescapd: %s: %s (caps of %s)", e->path, e->message, c->caps.unit);
        }
}

/* A key whose setting has an error keeps the value the unit had (an edit
 * under way, a typo: not a cap lifted by accident); an error that is not
 * about one key's value (a file that cannot be read) keeps them all. */
static void keep_old_values(Manager *m, UnitConfig *c) {
        const UnitCaps *old = unit_caps_find(&m->units, c->caps.unit);
        unsigned keep = 0;

        if (!old)
                return;
        for (size_t i = 0; i < c->n_errors; i++)
                keep |= c->errors[i].key >= 0 ? 1U << c->errors[i].key : UNIT_CAPS_KEYS_ALL;
        if (keep & (1U << UNIT_CAPS_HEAP_MAX))
                c->caps.heap_max = old->heap_max;
        if (keep & (1U << UNIT_CAPS_FD_MAX))
                c->caps.fd_max = old->fd_max;
        if (keep & (1U << UNIT_CAPS_ACTION))
                c->caps.action = old->action;
        if (keep & (1U << UNIT_CAPS_SOFT_PERCENT))
                c->caps.soft_pct = old->soft_pct;
        for (UnitCapsKey k = 0; k < _UNIT_CAPS_KEY_MAX; k++)
                if (keep & (1U << k))
                        log_msg("rescapd: %s keeps the caps it had (%s=)", c->caps.unit, unit_caps_key_name(k));
}

int manager_config_load(Manager *m, bool refresh, UnitCapsList *ret, UnitCgroup **ret_cgroups, size_t *ret_n) {
        UnitLookup *l = NULL;
        UnitCgroup *cg = NULL;
        size_t n_cg = 0;
        Names names = {};
        int r;

        *ret = (UnitCapsList) {};
        r = collect_names(m, refresh, &names);
        if (r >= 0 && names.n) {
                l = calloc(names.n, sizeof(*l));
                cg = calloc(names.n, sizeof(*cg));
                r = l && cg ? 0 : -ENOMEM;
        }
        for (size_t i = 0; r >= 0 && i < names.n; i++)
                l[i].name = names.v[i];
        if (r >= 0 && names.n)
                r = units_lookup_chunked(m, l, names.n);
        for (size_t i = 0; r >= 0 && i < names.n; i++) {
                UnitConfig c;
                int k = lookup_config(m, &l[i], &c);

                if (k == -ENOMEM) {
                        r = k;
                        break;
                }
                if (k < 0) {
                        log_msg("rescapd: no caps for %s: %s", names.v[i], strerror(-k));
                        continue;
                }
                manager_work_goes_on(i + 1, names.n);
                log_errors(&c);
                keep_old_values(m, &c);
                if (!unit_caps_is_empty(&c.caps)) {
                        r = unit_caps_list_put(ret, &c.caps);
                        if (l[i].control_group)
                                bus_unit_cgroup_known(m, c.caps.unit, l[i].control_group);
                        if (r >= 0 && l[i].cgroup) {
                                cg[n_cg].unit = strdup(c.caps.unit);
                                cg[n_cg].cgroup = l[i].cgroup;
                                l[i].cgroup = NULL;
                                if (!cg[n_cg++].unit)
                                        r = -ENOMEM;
                        }
                }
                unit_config_free(&c);
        }
        units_lookup_free(l, names.n);
        names_free(&names);
        if (r < 0 || !ret_cgroups) {
                unit_cgroups_free(cg, n_cg);
                cg = NULL;
                n_cg = 0;
        }
        if (r < 0)
                unit_caps_list_free(ret);
        if (ret_cgroups) {
                if (cg)
                        qsort(cg, n_cg, sizeof(*cg), unit_cgroup_cmp);
                *ret_cgroups = cg;
                *ret_n = n_cg;
        }
        return r;
}

void unit_cgroups_free(UnitCgroup *v, size_t n) {
        for (size_t i = 0; v && i < n; i++) {
                free(v[i].unit);
                free(v[i].cgroup);
        }
        free(v);
}

const char *unit_cgroups_find(const UnitCgroup *v, size_t n, const char *unit) {
        bool found;
        const size_t i = unit_sorted_slot(v, n, sizeof(*v), unit, &found);

        return found ? v[i].cgroup : NULL;
}
