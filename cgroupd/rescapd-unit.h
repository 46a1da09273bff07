/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd: groups (systemd units and cgroup paths) and the files of caps
 * rescapd writes for them (/etc/rescap/, /run/rescap/; unit-config.h
 * reads every layer).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

/* The caps of a unit, as a file of caps says them:
 *
 *   [Cap]
 *   HeapMax=512M
 *   FDMax=1024
 *   Action=notify
 *   SoftPercent=80
 *
 * HeapMax and FDMax take systemd's syntax (512M, 2G, infinity). A key a
 * file leaves out keeps what a lower layer says (unit-config.h). */
typedef struct UnitCaps {
        char *unit;
        uint64_t heap_max, fd_max;      /* UINT64_MAX: none */
        uint32_t action;                /* RESCAP_ACTION_*; 0 = default (kill) */
        uint32_t soft_pct;
} UnitCaps;

typedef struct UnitCapsList {
        UnitCaps *items;
        size_t n;
} UnitCapsList;

/* A unit name rescapd accepts: systemd's characters, a known suffix of a
 * unit that has a cgroup (service, scope, slice, socket, mount, swap). */
bool unit_name_is_valid(const char *s);
/* The systemd interface that has the unit's ControlGroup property
 * ("org.freedesktop.systemd1.Service", ...), NULL for other suffixes. */
const char *unit_type_interface(const char *unit);
/* The unit of the system manager a cgroup path belongs to, as systemd
 * decides it: below the slices from the root, the first component that is
 * a unit owns everything under it (a user manager's units belong to
 * user@UID.service); a path that ends in slices is its deepest slice's;
 * "-.slice" for "/". "" when the path names no unit. Returns 0 or
 * -ENOBUFS. */
int unit_from_cgroup_path(const char *path, char *buf, size_t size);
/* A cgroup path rescapd accepts: absolute, no "." or ".." components, no
 * empty components, at most 4095 bytes. */
bool cgroup_path_is_valid(const char *path);

/* The keys of a caps section. */
typedef enum UnitCapsKey {
        UNIT_CAPS_HEAP_MAX,
        UNIT_CAPS_FD_MAX,
        UNIT_CAPS_ACTION,
        UNIT_CAPS_SOFT_PERCENT,
        _UNIT_CAPS_KEY_MAX,
} UnitCapsKey;

/* "HeapMax", ...; NULL for no key. */
const char *unit_caps_key_name(UnitCapsKey key);
/* The key of a name, -ENOENT for none. */
int unit_caps_key_from_name(const char *name);
/* The key back at its default: no cap, the default action, no soft
 * limit. */
void unit_caps_reset_key(UnitCaps *u, UnitCapsKey key);
/* Sets one key from its text: HeapMax (systemd's size syntax; with
 * physical, the machine's memory in bytes, also a share of it as
 * MemoryMax= takes it: 50%; 0: no shares), FDMax, Action, SoftPercent.
 * Returns the key, or -ENOENT (unknown key), -EINVAL or -ERANGE (bad
 * value: *u is left as it was) with a reason for people in *ret_why. */
int unit_caps_set(UnitCaps *u, const char *key, const char *value, uint64_t physical, const char **ret_why);

/* The one reader of caps files, for rescapd's own ("[Cap]") and unit
 * files ("[X-Rescap]"): calls fn for each line of every [section] of
 * text, with its 1-based number, its key and its value (both stripped of
 * blanks; value NULL for a line without '='). Comments (#, ;), blank
 * lines and other sections are skipped. Stops at fn's first negative
 * return, which it returns; -ENOMEM. */
typedef int (*UnitCapsLineFn)(unsigned line, const char *key, const char *value, void *userdata);
int unit_caps_parse_section(const char *text, const char *section, UnitCapsLineFn fn, void *userdata);

/* The keys a file sets, one bit each: 1U << UNIT_CAPS_HEAP_MAX, ... */
#define UNIT_CAPS_KEYS_ALL ((1U << _UNIT_CAPS_KEY_MAX) - 1)

/* Parses the text of one of rescapd's own files ([Cap]; caps start as
 * none): the keys it sets in *ret_keys (may be NULL); -EINVAL with the
 * 1-based line number in *ret_line on a bad line (the whole file is then
 * refused: rescapd never rewrites a file it could not read whole). */
int unit_caps_parse(const char *text, UnitCaps *ret, unsigned *ret_keys, unsigned *ret_line);
/* The file's text with the given keys (an explicit "infinity" or
 * "Action=kill" included: in a higher layer they override a lower one's);
 * the caller frees it. */
char *unit_caps_format(const UnitCaps *u, unsigned keys);

/* DIR/UNIT.conf, the file rescapd writes for a unit in one of its layers
 * (/etc/rescap, /run/rescap): read, save, remove. A save writes a
 * temporary file (".#rescap.XXXXXX"), syncs it, renames it over
 * UNIT.conf and syncs the directory; saving no keys, or a removal,
 * removes it and syncs the directory. A unit whose UNIT.conf would not
 * fit in a directory entry (a name longer than 250 bytes) cannot be
 * saved: -ENAMETOOLONG. A read of a file (or directory) that does not
 * exist is no keys, 0; one that does not parse is -EINVAL with its line. */
int unit_caps_read(const char *dir, const char *unit, UnitCaps *ret, unsigned *ret_keys, unsigned *ret_line);
int unit_caps_save(const char *dir, const UnitCaps *u, unsigned keys);
int unit_caps_remove(const char *dir, const char *unit);
/* Where a unit is, or would go, in an array sorted by unit name whose
 * elements each begin with their unit's name (a char *): *ret_found says
 * whether it is there. O(log n): a reload of thousands of units looks
 * each up several times. */
size_t unit_sorted_slot(const void *base, size_t n, size_t size, const char *unit, bool *ret_found);
/* A UnitCapsList is sorted by unit name. */
UnitCaps *unit_caps_find(UnitCapsList *l, const char *unit);
/* Adds u (a copy; its name is duplicated) or replaces the entry of its
 * unit; drops the entry of a unit. */
int unit_caps_list_put(UnitCapsList *l, const UnitCaps *u);
void unit_caps_list_drop(UnitCapsList *l, const char *unit);
/* No cap and every setting at its default (an explicit kill action is the
 * default): nothing to persist or apply. */
bool unit_caps_is_empty(const UnitCaps *u);
/* The same caps and settings (the names are not compared). */
bool unit_caps_equal(const UnitCaps *a, const UnitCaps *b);
void unit_caps_list_free(UnitCapsList *l);

/* The cgroup path of a slice ("system-foo.slice": "/system.slice/
 * system-foo.slice"; "-.slice": "/"), as systemd makes it. Returns 0,
 * -EINVAL for a name that is not a slice's, -ENOBUFS. */
int slice_cgroup_path(const char *slice, char *buf, size_t size);
/* Where a unit's processes run, whether it runs now or not: its
 * ControlGroup while it runs, else where systemd makes it at its next
 * start (its Slice's path, then its name; a slice's own path). The unit is
 * loaded if it is not. *ret is "" for a unit systemd does not know.
 * Returns 0 or a negative errno (the bus's). */
int unit_cgroup_path(sd_bus *bus, const char *unit, char **ret);
/* The same from what systemd said of the unit: its ControlGroup and its
 * Slice (NULL or "": none). *ret is "" when neither says where (a unit
 * that is not loaded). Returns 0, -EINVAL for a unit name rescapd does not
 * accept, -ENOBUFS, -ENOMEM. */
int unit_cgroup_from(const char *unit, const char *control_group, const char *slice, char **ret);

/* For a template ("foo@.service"): true. For an instance
 * ("foo@bar.service"): its template's name in buf. Otherwise false. */
bool unit_name_is_template(const char *unit);
bool unit_name_template_of(const char *unit, char *buf, size_t size);
/* The name of the instance rescapd has systemd load to learn what a
 * template's instances get ("foo@rescap-probe.service" for
 * "foo@.service"): their Slice, their unit files. -EINVAL for a name that
 * is no template's, -ENOMEM. */
int template_probe_name(const char *template, char **ret);
/* Where a template's instances run: the pattern the kernel arms for them
 * ("/system.slice/system-foo.slice/foo@*.service"), from the Slice of an
 * instance systemd loads for the question. *ret as unit_cgroup_path(). */
int template_cgroup_pattern(sd_bus *bus, const char *template, char **ret);
/* The same from the cgroup path of the template's probe instance
 * (unit_cgroup_from()): "" for "". */
int template_pattern_from(const char *template, const char *probe_cgroup, char **ret);

/* Resolves a group, a unit name or a cgroup path (leading '/'), to its unit
 * name and cgroup path: a unit through systemd (GetUnit, then its
 * ControlGroup), a path through cgroupfs (it must exist). Sets a named
 * error: org.freedesktop.DBus.Error.InvalidArgs for a malformed name,
 * org.rescap1.Error.NoSuchUnit for a unit systemd does not know or a
 * cgroup that does not exist. The cgroup is "" for a unit that is not
 * running. */
int group_resolve(sd_bus *bus, const char *cgroup_root, const char *group,
                  char **ret_unit, char **ret_cgroup, sd_bus_error *error);
