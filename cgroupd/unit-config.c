/* SPDX-License-Identifier: GPL-2.0 */
/* rescap: the caps of a unit from its layers of files (see unit-config.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/rescap.h>

#include "kernel-link.h"
#include "size.h"
#include "unit-config.h"

/* A caps file larger than this is not one. */
#define UNIT_CONFIG_FILE_MAX (1024 * 1024)

typedef struct Loader {
        UnitConfig *c;
        uint64_t physical;
        UnitConfigFile *file;           /* the file being read */
} Loader;

/* Appends printf's text to *s (NULL: empty); -ENOMEM. */
static int append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int append(char **s, const char *fmt, ...) {
        size_t len = *s ? strlen(*s) : 0;
        va_list ap;
        char *more;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&more, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        if (len) {
                char *joined = realloc(*s, len + (size_t) n + 1);

                if (!joined) {
                        free(more);
                        return -ENOMEM;
                }
                memcpy(joined + len, more, (size_t) n + 1);
                free(more);
                more = joined;
        } else
                free(*s);
        *s = more;
        return 0;
}

static int add_error(UnitConfig *c, const char *path, unsigned line, int error, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
static int add_error(UnitConfig *c, const char *path, unsigned line, int error, const char *fmt, ...) {
        UnitConfigError *errors, e = { .line = line, .error = error, .key = -1 };
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&e.message, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        e.path = strdup(path);
        errors = e.path ? realloc(c->errors, (c->n_errors + 1) * sizeof(*errors)) : NULL;
        if (!errors) {
                free(e.message);
                free(e.path);
                return -ENOMEM;
        }
        c->errors = errors;
        c->errors[c->n_errors++] = e;
        return 0;
}

/* The whole text of a file; -errno. */
static int read_text(const char *path, char **ret) {
        size_t size = 4096, len = 0;
        char *buf = NULL;
        struct stat st;
        int fd, r = 0;

        /* not blocked by a FIFO */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                r = -errno;
        else if (S_ISDIR(st.st_mode))
                r = -EISDIR;
        else if (!S_ISREG(st.st_mode) && !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)))
                r = -EBADF;     /* a FIFO, a device; /dev/null is a masked file (empty), as in systemd */
        while (r == 0) {
                ssize_t n;

                if (!buf || len + 1 == size) {
                        char *nb;

                        if (buf)
                                size *= 2;
                        if (size > UNIT_CONFIG_FILE_MAX + 1) {
                                r = -EFBIG;
                                break;
                        }
                        nb = realloc(buf, size);
                        if (!nb) {
                                r = -ENOMEM;
                                break;
                        }
                        buf = nb;
                }
                n = read(fd, buf + len, size - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        close(fd);
        if (r < 0) {
                free(buf);
                return r;
        }
        buf[len] = 0;
        if (strlen(buf) != len) {
                free(buf);
                return -EBADMSG;        /* a NUL byte: not text */
        }
        *ret = buf;
        return 0;
}

static int apply_line(unsigned line, const char *key, const char *value, void *userdata) {
        Loader *l = userdata;
        UnitConfig *c = l->c;
        const char *path = l->file->path, *why;
        int k, r;

        r = value ? append(&l->file->lines, "%s=%s\n", key, value) : append(&l->file->lines, "%s\n", key);
        if (r < 0)
                return r;
        if (!value)
                return add_error(c, path, line, -EINVAL, "'%s' is not a setting (Key=value)", key);
        if (!*value) {
                /* an empty assignment: back to the default */
                k = unit_caps_key_from_name(key);
                if (k < 0)
                        return add_error(c, path, line, k, "%s=: unknown key", key);
                unit_caps_reset_key(&c->caps, k);
        } else {
                k = unit_caps_set(&c->caps, key, value, l->physical, &why);
                if (k < 0) {
                        r = add_error(c, path, line, k, "%s=%s: %s", key, value, why);
                        if (r == 0 && k != -ENOENT)
                                c->errors[c->n_errors - 1].key = unit_caps_key_from_name(key);
                        return r;
                }
        }
        c->source[k] = (UnitConfigSource) { .path = path, .line = line };
        return 0;
}

/* One file; a file that does not exist is skipped when optional. */
static int load_file(Loader *l, const char *path, UnitConfigLayer layer, bool optional) {
        UnitConfig *c = l->c;
        UnitConfigFile *files;
        char *text = NULL;
        int r;

        r = read_text(path, &text);
        if (r == -ENOMEM)
                return r;
        if (r == -ENOENT && optional)
                return 0;
        if (r < 0)
                return add_error(c, path, 0, r, "cannot read: %s", r == -EBADF ? "not a regular file" : strerror(-r));
        files = realloc(c->files, (c->n_files + 1) * sizeof(*files));
        if (!files) {
                free(text);
                return -ENOMEM;
        }
        c->files = files;
        l->file = &c->files[c->n_files];
        *l->file = (UnitConfigFile) {
                .path = strdup(path),
                .layer = layer,
                .section = layer == UNIT_CONFIG_UNIT_FILE ? "X-Rescap" : "Cap",
        };
        if (!l->file->path) {
                free(text);
                return -ENOMEM;
        }
        c->n_files++;
        r = unit_caps_parse_section(text, l->file->section, apply_line, l);
        free(text);
        return r;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* DIR's *.conf, in the order of their names. */
static int load_dropins(Loader *l, const char *dir, UnitConfigLayer layer) {
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;
        int r = 0;

        d = opendir(dir);
        if (!d) {
                r = -errno;
                return r == -ENOENT ? 0 : add_error(l->c, dir, 0, r, "cannot list: %s", strerror(-r));
        }
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                char **more;

                if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".conf") != 0)
                        continue;
                more = realloc(names, (n + 1) * sizeof(*names));
                if (!more) {
                        r = -ENOMEM;
                        break;
                }
                names = more;
                names[n] = strdup(de->d_name);
                if (!names[n]) {
                        r = -ENOMEM;
                        break;
                }
                n++;
        }
        closedir(d);
        if (r == 0)
                qsort(names, n, sizeof(*names), compare_names);
        for (size_t i = 0; i < n; i++) {
                char *path;

                if (r == 0) {
                        /* one that went since the listing is no error */
                        if (asprintf(&path, "%s/%s", dir, names[i]) < 0)
                                r = -ENOMEM;
                        else {
                                r = load_file(l, path, layer, true);
                                free(path);
                        }
                }
                free(names[i]);
        }
        free(names);
        return r;
}

/* DIR/NAME.conf and DIR/NAME.conf.d/ *.conf. */
static int load_layer_unit(Loader *l, const char *dir, const char *name, UnitConfigLayer layer) {
        char *path;
        int r;

        /* A name that cannot be a file name has no file (unit_caps_save
         * refuses to write one): not an error. */
        if (strlen(name) + strlen(".conf") > NAME_MAX)
                return 0;
        if (asprintf(&path, "%s/%s.conf", dir, name) < 0)
                return -ENOMEM;
        r = load_file(l, path, layer, true);
        free(path);
        if (r < 0 || strlen(name) + strlen(".conf.d") > NAME_MAX)
                return r;
        if (asprintf(&path, "%s/%s.conf.d", dir, name) < 0)
                return -ENOMEM;
        r = load_dropins(l, path, layer);
        free(path);
        return r;
}

static int load_layer(Loader *l, const char *dir, const char *template, const char *unit, UnitConfigLayer layer) {
        int r = 0;

        if (!dir)
                return 0;
        if (template)
                r = load_layer_unit(l, dir, template, layer);
        if (r == 0)
                r = load_layer_unit(l, dir, unit, layer);
        return r;
}

/* "foo@.service" for "foo@bar.service"; NULL for a unit that is no
 * instance (*ret) or -ENOMEM. */
static int template_of(const char *unit, char **ret) {
        const char *at = strchr(unit, '@'), *dot = strrchr(unit, '.');

        *ret = NULL;
        if (!at || !dot || dot < at + 2)
                return 0;
        if (asprintf(ret, "%.*s%s", (int) (at - unit + 1), unit, dot) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int unit_config_load(const char *unit, const char *fragment, char *const *dropins, const UnitConfigDirs *dirs,
                     uint64_t physical, UnitConfig *ret) {
        static const UnitConfigDirs none = {};
        UnitConfig c = {};
        Loader l = { .c = &c, .physical = physical };
        char *template = NULL;
        int r;

        *ret = (UnitConfig) {};
        if (strlen(unit) > NAME_MAX)
                return -ENAMETOOLONG;
        if (!unit_name_is_valid(unit))
                return -EINVAL;
        if (!dirs)
                dirs = &none;
        for (UnitCapsKey k = 0; k < _UNIT_CAPS_KEY_MAX; k++)
                unit_caps_reset_key(&c.caps, k);
        c.caps.unit = strdup(unit);
        r = c.caps.unit ? template_of(unit, &template) : -ENOMEM;
        if (r == 0)
                r = load_layer(&l, dirs->vendor, template, unit, UNIT_CONFIG_VENDOR);
        if (r == 0 && fragment && *fragment)
                r = load_file(&l, fragment, UNIT_CONFIG_UNIT_FILE, false);
        for (size_t i = 0; r == 0 && dropins && dropins[i]; i++)
                r = load_file(&l, dropins[i], UNIT_CONFIG_UNIT_FILE, false);
        if (r == 0)
                r = load_layer(&l, dirs->admin, template, unit, UNIT_CONFIG_ADMIN);
        if (r == 0)
                r = load_layer(&l, dirs->runtime, template, unit, UNIT_CONFIG_RUNTIME);
        free(template);
        if (r < 0) {
                unit_config_free(&c);
                return r;
        }
        *ret = c;
        return 0;
}

void unit_config_free(UnitConfig *c) {
        free(c->caps.unit);
        for (size_t i = 0; i < c->n_files; i++) {
                free(c->files[i].path);
                free(c->files[i].lines);
        }
        free(c->files);
        for (size_t i = 0; i < c->n_errors; i++) {
                free(c->errors[i].path);
                free(c->errors[i].message);
        }
        free(c->errors);
        *c = (UnitConfig) {};
}

/* The effective value of a key, for people. */
static const char *value_text(const UnitCaps *u, UnitCapsKey k, char *buf, size_t size) {
        switch (k) {
        case UNIT_CAPS_HEAP_MAX:
                return format_size(buf, size, u->heap_max);
        case UNIT_CAPS_FD_MAX:
                if (u->fd_max == RESCAP_NO_CAP)
                        return "infinity";
                snprintf(buf, size, "%" PRIu64, u->fd_max);
                return buf;
        case UNIT_CAPS_ACTION:
                return rk_action_name(u->action ?: RESCAP_ACTION_KILL);
        default:
                snprintf(buf, size, "%" PRIu32, u->soft_pct);
                return buf;
        }
}

char *unit_config_cat(const UnitConfig *c) {
        char *s = NULL;
        int r = 0;

        for (size_t i = 0; r == 0 && i < c->n_files; i++) {
                const UnitConfigFile *f = &c->files[i];

                if (f->lines)
                        r = append(&s, "%s# %s\n[%s]\n%s", s ? "\n" : "", f->path, f->section, f->lines);
        }
        if (r == 0)
                r = append(&s, "%s# The caps of %s:\n", s ? "\n" : "", c->caps.unit);
        for (UnitCapsKey k = 0; r == 0 && k < _UNIT_CAPS_KEY_MAX; k++) {
                char buf[FORMAT_SIZE_MAX], setting[64];

                snprintf(setting, sizeof(setting), "%s=%s", unit_caps_key_name(k),
                         value_text(&c->caps, k, buf, sizeof(buf)));
                if (c->source[k].path)
                        r = append(&s, "#   %-28s from %s:%u\n", setting, c->source[k].path, c->source[k].line);
                else
                        r = append(&s, "#   %-28s (default)\n", setting);
        }
        if (r == 0 && c->n_errors)
                r = append(&s, "# Errors (these settings are ignored):\n");
        for (size_t i = 0; r == 0 && i < c->n_errors; i++) {
                const UnitConfigError *e = &c->errors[i];

                if (e->line)
                        r = append(&s, "#   %s:%u: %s\n", e->path, e->line, e->message);
                else
                        r = append(&s, "#   %s: %s\n", e->path, e->message);
        }
        if (r < 0) {
                free(s);
                return NULL;
        }
        return s;
}
