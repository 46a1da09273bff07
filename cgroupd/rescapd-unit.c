/* SPDX-License-Identifier: GPL-2.0 */
/* rescapd: groups (systemd units and cgroup paths) and their persisted caps. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/rescap.h>

#include "kernel-link.h"
#include "rescapd-errors.h"
#include "cleanup.h"
#include "rescapd-unit.h"
#include "size.h"

static const struct {
        const char *suffix;
        const char *interface;
} unit_types[] = {
        { ".service", "org.freedesktop.systemd1.Service" },
        { ".scope",   "org.freedesktop.systemd1.Scope" },
        { ".slice",   "org.freedesktop.systemd1.Slice" },
        { ".socket",  "org.freedesktop.systemd1.Socket" },
        { ".mount",   "org.freedesktop.systemd1.Mount" },
        { ".swap",    "org.freedesktop.systemd1.Swap" },
};

static const char *unit_suffix(const char *s, size_t len) {
        for (size_t i = 0; i < sizeof(unit_types) / sizeof(unit_types[0]); i++) {
                size_t sl = strlen(unit_types[i].suffix);

                if (len > sl && memcmp(s + len - sl, unit_types[i].suffix, sl) == 0)
                        return unit_types[i].interface;
        }
        return NULL;
}

const char *unit_type_interface(const char *unit) {
        return unit_suffix(unit, strlen(unit));
}

static bool unit_name_is_valid_n(const char *s, size_t len) {
        if (len == 0 || len > 255 || s[0] == '.' || s[0] == '@')
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];

                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == ':' || c == '-' || c == '_' || c == '.' || c == '\\' || c == '@'))
                        return false;
        }
        return unit_suffix(s, len) != NULL;
}

bool unit_name_is_valid(const char *s) {
        return unit_name_is_valid_n(s, strlen(s));
}

bool cgroup_path_is_valid(const char *path) {
        const char *p = path;
        size_t len = strlen(path);

        if (path[0] != '/' || len > 4095)
                return false;
        if (len == 1)
                return true;
        while (*p) {
                size_t n;

                p++;            /* the '/' */
                n = strcspn(p, "/");
                if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p += n;
        }
        return true;
}

int unit_from_cgroup_path(const char *path, char *buf, size_t size) {
        const char *p = path, *unit = NULL;
        size_t unit_len = 0;

        if (strcmp(path, "/") == 0) {
                if (size < sizeof("-.slice"))
                        return -ENOBUFS;
                strcpy(buf, "-.slice");
                return 0;
        }
        /* As the system manager sees it: slices from the root, then the
         * first unit below them owns everything under it (a user manager's
         * units are user@UID.service's, a container's scope its own). */
        while (*p) {
                size_t n;

                while (*p == '/')
                        p++;
                n = strcspn(p, "/");
                if (!n || !unit_name_is_valid_n(p, n))
                        break;
                unit = p;
                unit_len = n;
                if (n <= 6 || memcmp(p + n - 6, ".slice", 6) != 0)
                        break;  /* not a slice: the owner */
                p += n;
        }
        if (unit_len + 1 > size)
                return -ENOBUFS;
        if (unit)
                memcpy(buf, unit, unit_len);
        buf[unit_len] = 0;
        return 0;
}

static char *strip(char *s) {
        char *e;

        while (*s == ' ' || *s == '\t')
                s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                *--e = 0;
        return s;
}

static const char *const unit_caps_keys[_UNIT_CAPS_KEY_MAX] = {
        [UNIT_CAPS_HEAP_MAX] = "HeapMax",
        [UNIT_CAPS_FD_MAX] = "FDMax",
        [UNIT_CAPS_ACTION] = "Action",
        [UNIT_CAPS_SOFT_PERCENT] = "SoftPercent",
};

const char *unit_caps_key_name(UnitCapsKey key) {
        return key >= 0 && key < _UNIT_CAPS_KEY_MAX ? unit_caps_keys[key] : NULL;
}

int unit_caps_key_from_name(const char *name) {
        for (int k = 0; k < _UNIT_CAPS_KEY_MAX; k++)
                if (strcmp(name, unit_caps_keys[k]) == 0)
                        return k;
        return -ENOENT;
}

void unit_caps_reset_key(UnitCaps *u, UnitCapsKey key) {
        switch (key) {
        case UNIT_CAPS_HEAP_MAX:
                u->heap_max = RESCAP_NO_CAP;
                break;
        case UNIT_CAPS_FD_MAX:
                u->fd_max = RESCAP_NO_CAP;
                break;
        case UNIT_CAPS_ACTION:
                u->action = 0;
                break;
        case UNIT_CAPS_SOFT_PERCENT:
                u->soft_pct = 0;
                break;
        default:
                break;
        }
}

int unit_caps_set(UnitCaps *u, const char *key, const char *value, uint64_t physical, const char **ret_why) {
        const char *why = NULL;
        uint32_t action;
        uint64_t v;
        int k, r;

        k = unit_caps_key_from_name(key);
        if (k < 0) {
                why = "unknown key";
                r = -ENOENT;
                goto out;
        }
        switch (k) {
        case UNIT_CAPS_HEAP_MAX:
                r = physical ? parse_size_or_percent(value, physical, &v) : parse_size(value, &v);
                if (r < 0)
                        why = r == -ERANGE ? "size out of range" :
                              physical ? "not a size (512M, 1.5G, 50%, infinity)" : "not a size (512M, 1.5G, infinity)";
                else if (v == 0) {
                        why = "a heap cap of 0 bytes";
                        r = -ERANGE;
                } else
                        u->heap_max = v;
                break;
        case UNIT_CAPS_FD_MAX:
                r = parse_count(value, &v);
                if (r < 0)
                        why = r == -ERANGE ? "count out of range" : "not a count (1024, infinity)";
                else if (v == 0) {
                        why = "an fd cap of 0";
                        r = -ERANGE;
                } else
                        u->fd_max = v;
                break;
        case UNIT_CAPS_ACTION:
                r = rk_action_from_name(value, &action);
                if (r < 0) {
                        why = "not an action (kill, deny, notify)";
                        r = -EINVAL;
                } else
                        u->action = action;
                break;
        default:
                r = parse_count(value, &v);
                if (r < 0 || v > 99) {
                        why = "not a percentage of the cap (0 to 99)";
                        r = r < 0 ? r : -ERANGE;
                } else
                        u->soft_pct = (uint32_t) v;
                break;
        }
        if (r >= 0)
                r = k;
out:
        if (ret_why)
                *ret_why = why;
        return r;
}

int unit_caps_parse_section(const char *text, const char *section, UnitCapsLineFn fn, void *userdata) {
        size_t section_len = strlen(section);
        char *copy = strdup(text), *next = copy;
        bool in_section = false;
        unsigned n = 0;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        /* strtok_r would skip empty lines and miscount them */
        while (next) {
                char *line = next, *eq;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                n++;
                line = strip(line);
                if (!*line || *line == '#' || *line == ';')
                        continue;
                if (*line == '[') {
                        in_section = strlen(line) == section_len + 2 && line[section_len + 1] == ']' &&
                                     strncmp(line + 1, section, section_len) == 0;
                        continue;
                }
                if (!in_section)
                        continue;       /* other sections: for later versions, or systemd's */
                eq = strchr(line, '=');
                if (eq)
                        *eq = 0;
                r = fn(n, strip(line), eq ? strip(eq + 1) : NULL, userdata);
                if (r < 0)
                        break;
        }
        free(copy);
        return r;
}

struct cap_file {
        UnitCaps *caps;
        unsigned keys;
        unsigned bad_line;
};

static int parse_cap_line(unsigned line, const char *key, const char *value, void *userdata) {
        struct cap_file *f = userdata;
        int k;

        /* the first bad line stops rescapd's own files: none is half read */
        k = value ? unit_caps_set(f->caps, key, value, 0, NULL) : -EINVAL;
        if (k < 0) {
                f->bad_line = line;
                return -EINVAL;
        }
        f->keys |= 1U << k;
        return 0;
}

int unit_caps_parse(const char *text, UnitCaps *ret, unsigned *ret_keys, unsigned *ret_line) {
        struct cap_file f = { .caps = ret };
        int r;

        for (UnitCapsKey k = 0; k < _UNIT_CAPS_KEY_MAX; k++)
                unit_caps_reset_key(ret, k);
        r = unit_caps_parse_section(text, "Cap", parse_cap_line, &f);
        if (r < 0 && f.bad_line && ret_line)
                *ret_line = f.bad_line;
        if (ret_keys)
                *ret_keys = r < 0 ? 0 : f.keys;
        return r;
}

char *unit_caps_format(const UnitCaps *u, unsigned keys) {
        char *text = NULL, value[64];
        size_t len = 0;
        FILE *f;

        f = open_memstream(&text, &len);
        if (!f)
                return NULL;
        fprintf(f, "# rescap caps of %s, written by rescapd.\n[Cap]\n", u->unit);
        for (UnitCapsKey k = 0; k < _UNIT_CAPS_KEY_MAX; k++) {
                uint64_t v;

                if (!(keys & (1U << k)))
                        continue;
                switch (k) {
                case UNIT_CAPS_HEAP_MAX:
                case UNIT_CAPS_FD_MAX:
                        v = k == UNIT_CAPS_HEAP_MAX ? u->heap_max : u->fd_max;
                        if (v == RESCAP_NO_CAP)
                                snprintf(value, sizeof(value), "infinity");
                        else
                                snprintf(value, sizeof(value), "%" PRIu64, v);
                        break;
                case UNIT_CAPS_ACTION:
                        snprintf(value, sizeof(value), "%s", rk_action_name(u->action ?: RESCAP_ACTION_KILL));
                        break;
                default:
                        snprintf(value, sizeof(value), "%" PRIu32, u->soft_pct);
                        break;
                }
                fprintf(f, "%s=%s\n", unit_caps_key_name(k), value);
        }
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

static char *read_file(int dirfd, const char *name) {
        size_t size = 4096, len = 0;
        char *buf = malloc(size);
        int fd;

        if (!buf)
                return NULL;
        fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                const int e = errno;

                free(buf);
                errno = e;
                return NULL;
        }
        for (;;) {
                ssize_t n = read(fd, buf + len, size - len - 1);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t) n;
                if (len + 1 == size) {
                        char *nb = size < 65536 ? realloc(buf, size * 2) : NULL;

                        if (!nb)
                                break;
                        buf = nb;
                        size *= 2;
                }
        }
        close(fd);
        buf[len] = 0;
        return buf;
}

static int write_all(int fd, const char *buf, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, buf, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                buf += n;
                len -= (size_t) n;
        }
        return 0;
}

/* The file name of a unit's caps, "UNIT.conf"; -ENAMETOOLONG when it does
 * not fit in a directory entry (a unit name longer than 250 bytes). */
static int conf_name(const char *unit, char **ret) {
        if (!unit_name_is_valid(unit))
                return -EINVAL;
        if (strlen(unit) + strlen(".conf") > NAME_MAX)
                return -ENAMETOOLONG;
        return asprintf(ret, "%s.conf", unit) < 0 ? -ENOMEM : 0;
}

static int open_dir(const char *dir, bool create) {
        int fd;

        if (create && mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int unit_caps_save(const char *dir, const UnitCaps *u, unsigned keys) {
        char *text = NULL, *name = NULL, *tmp = NULL;
        int dfd = -1, fd = -1, r;

        if (!keys)
                return unit_caps_remove(dir, u->unit);
        r = conf_name(u->unit, &name);
        if (r < 0)
                return r;
        text = unit_caps_format(u, keys);
        if (!text) {
                r = -ENOMEM;
                goto out;
        }
        r = dfd = open_dir(dir, true);
        if (r < 0)
                goto out;
        /* A short temporary name, whatever the unit's length; not *.conf,
         * so a leftover is never loaded. */
        if (asprintf(&tmp, "%s/.#rescap.XXXXXX", dir) < 0) {
                tmp = NULL;
                r = -ENOMEM;
                goto out;
        }
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                goto out;
        }
        r = write_all(fd, text, strlen(text));
        if (r == 0 && fchmod(fd, 0644) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        fd = -1;
        if (r == 0 && renameat(AT_FDCWD, tmp, dfd, name) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(tmp);
                goto out;
        }
        /* The rename itself is durable once the directory is. */
        if (fsync(dfd) < 0)
                r = -errno;
out:
        if (dfd >= 0)
                close(dfd);
        free(text);
        free(name);
        free(tmp);
        return r;
}

/* The directory of a unit's UNIT.conf, opened, and the file's name: a
 * descriptor, 0 when there can be no such file (a name too long for one,
 * no directory), or a negative errno. */
static int open_unit_file(const char *dir, const char *unit, char **ret_name) {
        int dfd, r;

        *ret_name = NULL;
        r = conf_name(unit, ret_name);
        if (r < 0)
                return r == -ENAMETOOLONG ? 0 : r;     /* never saved */
        dfd = open_dir(dir, false);
        if (dfd < 0) {
                free(*ret_name);
                *ret_name = NULL;
                return dfd == -ENOENT ? 0 : dfd;
        }
        return dfd;
}

int unit_caps_remove(const char *dir, const char *unit) {
        char *name;
        int dfd, r = 0;

        dfd = open_unit_file(dir, unit, &name);
        if (dfd <= 0)
                return dfd;
        if (unlinkat(dfd, name, 0) < 0)
                r = errno == ENOENT ? 0 : -errno;
        else if (fsync(dfd) < 0)
                r = -errno;
        close(dfd);
        free(name);
        return r;
}

int unit_caps_read(const char *dir, const char *unit, UnitCaps *ret, unsigned *ret_keys, unsigned *ret_line) {
        char *name, *text;
        int dfd, r;

        *ret_keys = 0;
        for (UnitCapsKey k = 0; k < _UNIT_CAPS_KEY_MAX; k++)
                unit_caps_reset_key(ret, k);
        dfd = open_unit_file(dir, unit, &name);
        if (dfd <= 0)
                return dfd;
        text = read_file(dfd, name);
        r = text ? 0 : errno == ENOENT ? 1 : -errno;
        close(dfd);
        free(name);
        if (r > 0)
                return 0;
        if (r == 0)
                r = unit_caps_parse(text, ret, ret_keys, ret_line);
        free(text);
        return r;
}

size_t unit_sorted_slot(const void *base, size_t n, size_t size, const char *unit, bool *ret_found) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                const size_t mid = lo + (hi - lo) / 2;
                const char *const *name = (const char *const *) ((const char *) base + mid * size);
                const int c = strcmp(*name, unit);

                if (c == 0) {
                        *ret_found = true;
                        return mid;
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_found = false;
        return lo;
}

UnitCaps *unit_caps_find(UnitCapsList *l, const char *unit) {
        bool found;
        const size_t i = unit_sorted_slot(l->items, l->n, sizeof(*l->items), unit, &found);

        return found ? &l->items[i] : NULL;
}

int unit_caps_list_put(UnitCapsList *l, const UnitCaps *u) {
        bool found;
        const size_t i = unit_sorted_slot(l->items, l->n, sizeof(*l->items), u->unit, &found);
        char *name = strdup(u->unit);
        UnitCaps *items;

        if (!name)
                return -ENOMEM;
        if (found) {
                free(l->items[i].unit);
                l->items[i] = *u;
                l->items[i].unit = name;
                return 0;
        }
        items = realloc(l->items, (l->n + 1) * sizeof(*items));
        if (!items) {
                free(name);
                return -ENOMEM;
        }
        l->items = items;
        memmove(&items[i + 1], &items[i], (l->n - i) * sizeof(*items));
        items[i] = *u;
        items[i].unit = name;
        l->n++;
        return 0;
}

void unit_caps_list_drop(UnitCapsList *l, const char *unit) {
        bool found;
        const size_t i = unit_sorted_slot(l->items, l->n, sizeof(*l->items), unit, &found);

        if (!found)
                return;
        free(l->items[i].unit);
        memmove(&l->items[i], &l->items[i + 1], (--l->n - i) * sizeof(*l->items));
}

bool unit_caps_is_empty(const UnitCaps *u) {
        /* An explicit Action=kill is the default action too. */
        return u->heap_max == UINT64_MAX && u->fd_max == UINT64_MAX &&
               (!u->action || u->action == RESCAP_ACTION_KILL) && !u->soft_pct;
}

bool unit_caps_equal(const UnitCaps *a, const UnitCaps *b) {
        return a->heap_max == b->heap_max && a->fd_max == b->fd_max &&
               (a->action ?: RESCAP_ACTION_KILL) == (b->action ?: RESCAP_ACTION_KILL) &&
               a->soft_pct == b->soft_pct;
}

void unit_caps_list_free(UnitCapsList *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->items[i].unit);
        free(l->items);
        l->items = NULL;
        l->n = 0;
}

int slice_cgroup_path(const char *slice, char *buf, size_t size) {
        size_t len = strlen(slice), n = 0;
        const char *stem;

        if (len < 7 || strcmp(slice + len - 6, ".slice") != 0 || !unit_name_is_valid(slice))
                return -EINVAL;
        len -= 6;
        if (len == 1 && slice[0] == '-')
                return snprintf(buf, size, "/") < (int) size ? 0 : -ENOBUFS;
        if (slice[0] == '-' || slice[len - 1] == '-' || strstr(slice, "--"))
                return -EINVAL;
        /* Each prefix up to a '-' is a parent slice. */
        for (stem = slice;; stem = strchr(stem, '-') + 1) {
                const char *dash = memchr(stem, '-', len - (size_t) (stem - slice));
                size_t plen = dash ? (size_t) (dash - slice) : len;
                int w = snprintf(buf + n, size - n, "/%.*s.slice", (int) plen, slice);

                if (w < 0 || (size_t) w >= size - n)
                        return -ENOBUFS;
                n += (size_t) w;
                if (!dash)
                        return 0;
        }
}

int unit_cgroup_from(const char *unit, const char *control_group, const char *slice, char **ret) {
        const char *iface = unit_type_interface(unit);
        char buf[4096];
        int r;

        *ret = NULL;
        if (!iface || !unit_name_is_valid(unit))
                return -EINVAL;
        if (control_group && control_group[0]) {
                *ret = strdup(control_group);
                return *ret ? 0 : -ENOMEM;
        }
        if (strcmp(iface, "org.freedesktop.systemd1.Slice") == 0)
                r = slice_cgroup_path(unit, buf, sizeof(buf));
        else if (!slice || !slice[0])
                r = -ENOENT;    /* not loaded: no such unit */
        else {
                r = slice_cgroup_path(slice, buf, sizeof(buf));
                if (r >= 0 && strlen(buf) + 1 + strlen(unit) < sizeof(buf))
                        strcat(strcmp(buf, "/") ? strcat(buf, "/") : buf, unit);
                else if (r >= 0)
                        r = -ENOBUFS;
        }
        if (r == -ENOENT)
                buf[0] = 0;     /* systemd does not know it */
        else if (r < 0)
                return r;
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

int unit_cgroup_path(sd_bus *bus, const char *unit, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *cgroup = NULL, *slice = NULL;
        const char *iface = unit_type_interface(unit), *path;
        int r;

        *ret = NULL;
        if (!iface || !unit_name_is_valid(unit))
                return -EINVAL;
        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "LoadUnit", &e, &reply, "s", unit);
        if (r >= 0)
                r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, iface, "ControlGroup",
                                               &e, &cgroup);
        if (r >= 0 && !cgroup[0] && strcmp(iface, "org.freedesktop.systemd1.Slice") != 0)
                r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, iface, "Slice", &e,
                                               &slice);
        if (sd_bus_error_is_set(&e)) {
                *ret = strdup("");      /* systemd does not know it */
                return *ret ? 0 : -ENOMEM;
        }
        if (r < 0)
                return r;
        return unit_cgroup_from(unit, cgroup, slice, ret);
}

bool unit_name_is_template(const char *unit) {
        const char *at = strchr(unit, '@');

        return unit_name_is_valid(unit) && at && at[1] == '.';
}

bool unit_name_template_of(const char *unit, char *buf, size_t size) {
        const char *at = strchr(unit, '@'), *dot = strrchr(unit, '.');

        if (!unit_name_is_valid(unit) || !at || !dot || dot < at || at[1] == '.' ||
            (size_t) (at - unit) + 1 + strlen(dot) + 1 > size)
                return false;
        snprintf(buf, size, "%.*s%s", (int) (at - unit + 1), unit, dot);
        return true;
}

int template_probe_name(const char *template, char **ret) {
        const char *at = strchr(template, '@');

        *ret = NULL;
        if (!unit_name_is_template(template))
                return -EINVAL;
        if (asprintf(ret, "%.*srescap-probe%s", (int) (at - template + 1), template, at + 1) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int template_pattern_from(const char *template, const char *probe_cgroup, char **ret) {
        const char *at = strchr(template, '@'), *slash = strrchr(probe_cgroup, '/');

        *ret = NULL;
        if (!unit_name_is_template(template))
                return -EINVAL;
        if (!probe_cgroup[0] || !slash) {
                *ret = strdup("");
                return *ret ? 0 : -ENOMEM;
        }
        if (asprintf(ret, "%.*s/%.*s*%s", (int) (slash - probe_cgroup), probe_cgroup, (int) (at - template + 1),
                     template, at + 1) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int template_cgroup_pattern(sd_bus *bus, const char *template, char **ret) {
        _cleanup_free_ char *probe = NULL, *path = NULL;
        int r;

        *ret = NULL;
        /* An instance no one runs, loaded only to read its Slice. */
        r = template_probe_name(template, &probe);
        if (r >= 0)
                r = unit_cgroup_path(bus, probe, &path);
        if (r >= 0)
                r = template_pattern_from(template, path, ret);
        return r;
}

int group_resolve(sd_bus *bus, const char *cgroup_root, const char *group,
                  char **ret_unit, char **ret_cgroup, sd_bus_error *error) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        const char *path;
        char *cgroup = NULL, *unit = NULL, *state = NULL;
        int r;

        if (group[0] == '/') {
                char unitbuf[256], *full;
                struct stat st;

                if (!cgroup_path_is_valid(group))
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "'%s' is not a valid cgroup path", group);
                if (asprintf(&full, "%s%s", cgroup_root, group) < 0)
                        return -ENOMEM;
                r = stat(full, &st);
                free(full);
                if (r < 0 || !S_ISDIR(st.st_mode))
                        return sd_bus_error_setf(error, RESCAP_ERROR_NO_SUCH_UNIT,
                                                 "no cgroup %s", group);
                if (unit_from_cgroup_path(group, unitbuf, sizeof(unitbuf)) < 0)
                        unitbuf[0] = 0;
                unit = strdup(unitbuf);
                cgroup = strdup(group);
                goto done;
        }

        if (!unit_name_is_valid(group))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "'%s' is not a unit name with a cgroup "
                                         "(.service, .scope, .slice, .socket, .mount, .swap)", group);
        if (unit_name_is_template(group)) {
                /* A template has no cgroup: its instances do. */
                unit = strdup(group);
                cgroup = strdup("");
                goto done;
        }
        /* A unit that is stopped may not be loaded: load it (a unit file
         * nobody has used yet can have caps before its first start). */
        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "LoadUnit", &e, &reply, "s", group);
        if (r < 0) {
                r = sd_bus_error_setf(error, RESCAP_ERROR_NO_SUCH_UNIT, "cannot ask systemd about %s: %s",
                                      group, e.message ?: strerror(-r));
                sd_bus_error_free(&e);
                return r;
        }
        r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path,
                                               "org.freedesktop.systemd1.Unit", "LoadState", &e, &state);
        if (r >= 0 && strcmp(state, "loaded") != 0) {
                r = sd_bus_error_setf(error, RESCAP_ERROR_NO_SUCH_UNIT, "no unit %s (%s)", group, state);
                free(state);
                sd_bus_message_unref(reply);
                return r;
        }
        free(state);
        /* An alias (syslog.service) is its unit (rsyslog.service). */
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path,
                                               "org.freedesktop.systemd1.Unit", "Id", &e, &unit);
        if (r >= 0 && !unit_name_is_valid(unit))
                r = sd_bus_error_setf(&e, RESCAP_ERROR_NO_SUCH_UNIT, "%s is %s, which has no cgroup", group, unit);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, unit_type_interface(unit),
                                               "ControlGroup", &e, &cgroup);
        sd_bus_message_unref(reply);
        if (r < 0) {
                r = sd_bus_error_setf(error, RESCAP_ERROR_NO_SUCH_UNIT,
                                      "cannot read the cgroup of %s: %s", group, e.message ?: strerror(-r));
                sd_bus_error_free(&e);
                free(unit);
                return r;
        }
done:
        if (!unit || !cgroup) {
                free(unit);
                free(cgroup);
                return -ENOMEM;
        }
        *ret_unit = unit;
        *ret_cgroup = cgroup;
        return 0;
}
