/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescap: the caps of a unit from every place they may be written.
 *
 * Where, lowest precedence first (a later setting of a key wins over an
 * earlier one, key by key):
 *
 *   1. vendor     /usr/lib/rescap/ (packages)                     [Cap]
 *   2. unit file  the unit's fragment, then its drop-ins, in the order
 *                 systemd applies them (its FragmentPath and
 *                 DropInPaths properties)                      [X-Rescap]
 *   3. admin      /etc/rescap/                                    [Cap]
 *   4. runtime    /run/rescap/ (gone at reboot)                   [Cap]
 *
 * In each of rescap's own directories DIR (1, 3 and 4), the files of a
 * unit UNIT are DIR/UNIT.conf, then DIR/UNIT.conf.d/ *.conf in the order
 * of their file names (byte order, as systemd sorts drop-ins; names
 * starting with '.' are skipped). A drop-in does not mask the drop-in of
 * the same name in a lower layer: both are read, the higher one last.
 *
 * Templates: for an instance (foo@bar.service), the files of its template
 * (foo@.service) come first in each of rescap's directories, then the
 * instance's own, so an instance's setting wins within a layer. In unit
 * files, systemd itself lists the template's fragment and drop-ins before
 * the instance's.
 *
 * Keys: HeapMax= (systemd's size syntax: 512M, 1.5G, infinity, or a share
 * of physical memory as MemoryMax= takes it: 50%), FDMax= (a count or
 * infinity), Action= (kill, deny, notify), SoftPercent= (0 to 99).
 * "infinity" removes a cap that a lower layer set; an empty value
 * ("HeapMax=") sets the key back to its default whatever lower layers
 * said, as an empty assignment does in systemd.
 *
 * Bad settings: a line with a bad value, an unknown key or no '=' is
 * skipped (the key keeps what the layers below set; every other line of
 * every file still counts) and is reported in the result's errors with
 * its file and line; so is a file or drop-in directory that cannot be
 * read. A file or directory of rescap's own that does not exist is not
 * an error; a unit file or drop-in systemd named that cannot be read is.
 *
 * No bus, no globals, no logging: the caller passes the paths systemd
 * reported and the directories, and logs or exposes the errors.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "rescapd-unit.h"

/* rescap's own directories, lowest precedence first; NULL: none. */
typedef struct UnitConfigDirs {
        const char *vendor;             /* /usr/lib/rescap */
        const char *admin;              /* /etc/rescap */
        const char *runtime;            /* /run/rescap */
} UnitConfigDirs;

#define UNIT_CONFIG_DIRS_DEFAULT \
        ((const UnitConfigDirs) { "/usr/lib/rescap", "/etc/rescap", "/run/rescap" })

typedef enum UnitConfigLayer {
        UNIT_CONFIG_VENDOR,
        UNIT_CONFIG_UNIT_FILE,
        UNIT_CONFIG_ADMIN,
        UNIT_CONFIG_RUNTIME,
} UnitConfigLayer;

/* A file that was read, in the order its settings were applied. */
typedef struct UnitConfigFile {
        char *path;
        UnitConfigLayer layer;
        const char *section;            /* "Cap" or "X-Rescap" */
        char *lines;                    /* its settings, "Key=value\n" each (NULL: none) */
} UnitConfigFile;

/* Where a key's value comes from: path NULL for the default. The path
 * is one of the files' (valid as long as the UnitConfig). */
typedef struct UnitConfigSource {
        const char *path;
        unsigned line;
} UnitConfigSource;

typedef struct UnitConfigError {
        char *path;
        unsigned line;                  /* 0: the whole file or directory */
        int error;                      /* a negative errno */
        int key;                        /* the UnitCapsKey of a bad value, -1 for other errors */
        char *message;                  /* for people: "HeapMax=lots: not a size (...)" */
} UnitConfigError;

typedef struct UnitConfig {
        UnitCaps caps;                  /* the effective caps; caps.unit is the unit */
        UnitConfigSource source[_UNIT_CAPS_KEY_MAX];
        UnitConfigFile *files;
        size_t n_files;
        UnitConfigError *errors;
        size_t n_errors;
} UnitConfig;

/* The effective caps of unit from the unit's fragment (NULL or "": none)
 * and drop-ins (a NULL-terminated list, or NULL) as systemd reports them,
 * and rescap's directories (dirs NULL: none); physical is the machine's memory in bytes
 * (sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE)) for HeapMax shares.
 * Returns 0 (bad settings are in ret->errors, not a failure), or
 * -ENAMETOOLONG for a name longer than 255 bytes, -EINVAL for another
 * name that is not a unit's (unit_name_is_valid), -ENOMEM; *ret is then
 * empty. Free with unit_config_free(). */
int unit_config_load(const char *unit, const char *fragment, char *const *dropins, const UnitConfigDirs *dirs,
                     uint64_t physical, UnitConfig *ret);
void unit_config_free(UnitConfig *c);

/* For "rescapctl cat UNIT", as "systemctl cat": each file that has
 * settings, "# PATH" then its section and settings; then the effective
 * value of each key and where it comes from, then the errors, as
 * comments. NULL on -ENOMEM; the caller frees it. */
char *unit_config_cat(const UnitConfig *c);
