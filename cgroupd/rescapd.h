/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd: the daemon's state, shared by its core (cgroupd/) and its bus
 * object (dbus/).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "kernel-link.h"
#include "rescapd-sample.h"
#include "rescapd-unit.h"
#include "unit-config.h"

#define RESCAP_VERSION_STRING   "0.1"

/* MESSAGE_ID= of the journal records of kills and cap warnings (rescapd(8)). */
#define RESCAPD_MESSAGE_KILLED      "a281cb52c4b244e0a2fb34e36f1a3163"
#define RESCAPD_MESSAGE_CAP_WARNING "08f5d22780314d7fafacef526203ed90"
#define CGROUP_ROOT             "/sys/fs/cgroup"

#define SAMPLE_INTERVAL_DEFAULT_USEC (5ULL * 1000000ULL)
#define SAMPLE_INTERVAL_MIN_USEC     (100ULL * 1000ULL)
#define SAMPLE_INTERVAL_MAX_USEC     (3600ULL * 1000000ULL)

/* The cgroup of a unit with caps as systemd last said, and when (the
 * unit objects' reads ask systemd at most once a second). */
typedef struct UnitCgroup {
        char *unit;
        char *cgroup;
        uint64_t at_usec;
} UnitCgroup;

/* Kills counted per unit, for the Kills property of unit objects: only
 * units with caps are counted, so transient units do not make the list
 * grow (their kills count in the Manager's Kills). */
/* The kills and warnings of one unit with caps, or (unit "") of every
 * process outside those units, counted from the kernel's events. kills
 * also counts the kills found again from the kernel's counters after
 * events were lost (their resource unknown): never less than the sum of
 * killed. Indexes: resource - 1, policy - 1, kind - 1 (uapi). */
typedef struct UnitEvents {
        char *unit;
        uint64_t kills;
        uint64_t killed[2][2];
        uint64_t warnings[2][2][3];
} UnitEvents;

struct Subscriber;
struct PolkitQuery;
typedef struct UnitScan UnitScan;

/* The kills of one cgroup policy that rescapd has accounted for (the
 * kernel counts them too, "kills" of the policy dump): after lost events,
 * the kernel's count minus this is what was lost. */
typedef struct PolicyKills {
        uint64_t cgroup_id;
        uint64_t kills;
        bool in_kernel;         /* seen in the last dump */
} PolicyKills;

#define EVENTS_BUFFER_DEFAULT (16U << 20)

typedef struct Manager {
        sd_event *event;
        sd_bus *bus;
        /* rescapd's second connection, for batches of questions to systemd
         * (cgroupd/bus-get.h): none of its callbacks run from the loop. */
        sd_bus *query_bus;
        /* The bus object's own state (dbus/): who receives the signals,
         * and the polkit questions out. */
        struct Subscriber *subscribers;
        struct PolkitQuery *polkit_queries;

        /* The kernel: one link for requests, one subscribed to the events
         * group (a request's reply loop would drop events); both NULL while
         * rescap is not loaded. ctrl watches nlctrl's notify group for the
         * family coming and going. */
        rk_link *link;
        rk_link *events;
        sd_event_source *events_source;
        /* The events socket's receive buffer, and what it dropped: the
         * kernel's count (SO_MEMINFO) when last read; events_lost once a
         * read said ENOBUFS, until the queue is read and the kernel's
         * counters are read again. */
        uint32_t events_buffer;
        uint32_t events_drops;
        bool events_lost;
        struct mnl_socket *ctrl;
        sd_event_source *ctrl_source;
        sd_event_source *retry_timer;
        const char *backend;            /* "module", "lsm" or "" */

        sd_event_source *sample_timer;
        uint64_t sample_interval_usec;
        Sampler sampler;

        uint64_t kills;
        uint32_t tracked;               /* the last count, and when it is due again */
        Pace tracked_pace;
        uint64_t events_lost_total;     /* kernel events dropped, since start */
        UnitEvents *unit_events;
        size_t n_unit_events;
        PolicyKills *policy_kills;
        size_t n_policy_kills;
        size_t policy_kills_prune_at;   /* read the kernel's policies when reached */
        bool policy_kills_known;        /* a first read of the kernel's counts worked */

        /* rescap's layers of unit caps (unit-config.h). */
        const char *vendor_dir;         /* /usr/lib/rescap */
        const char *conf_dir;           /* /etc/rescap */
        const char *runtime_dir;        /* /run/rescap */
        UnitCapsList units;             /* the effective caps of each unit with caps */
        UnitScan *unit_scan;            /* systemd's unit directories, as last read */
        UnitCgroup *unit_cgroups;       /* the unit objects' cache (dbus/bus-unit.c) */
        size_t n_unit_cgroups;
        size_t unit_cgroups_prune_at;   /* its stale entries dropped when reached */
        uint64_t unit_cgroups_held_since;       /* bus_unit_cgroups_hold(); 0: not held */
        UnitCgroup *start_cgroups;      /* the start's batch, for the kernel's first connection */
        size_t n_start_cgroups;
        bool started;                   /* the start is over: the loop runs */
        char *self_cgroup;              /* rescapd's own, "/system.slice/rescapd.service" */
} Manager;

/* cgroupd/rescapd.c */
/* cgroupd/rescapd.c */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int manager_kernel_request_check(Manager *m, int r);
uint32_t manager_tracked(Manager *m);
uint64_t manager_unit_kills(Manager *m, const char *unit);
/* The counts of every unit with caps and of the others (unit ""); NULL
 * when there is none yet. */
const UnitEvents *manager_unit_events(Manager *m, size_t *ret_n);
int manager_update_sample_timer(Manager *m);
/* Reads every unit's settings again (SIGHUP, and systemd's reloads): new
 * and changed unit caps are applied, those whose settings are gone are
 * dropped from the kernel; a key whose setting has an error keeps the
 * value it had (manager_config_load()). */
int manager_reload(Manager *m);

/* cgroupd/rescapd-config.c */
/* A unit's settings from every layer (unit-config.h), with the unit files
 * systemd uses for it; the unit's name in ret->caps.unit is its Id for an
 * alias. */
int manager_unit_config(Manager *m, const char *unit, UnitConfig *ret);
/* The effective caps of every unit that has settings (those without caps
 * left out). Errors are logged; a key whose setting has one keeps the
 * value the unit has in m->units (all keys, for an unreadable file). With
 * ret_cgroups, where each unit with caps runs, as systemd said in the same
 * batch of questions (a template: its pattern; a unit systemd did not
 * answer about is left out): manager_apply_unit_caps_at()'s path.
 * refresh: systemd's unit directories are asked again (else those of the
 * last time). */
int manager_config_load(Manager *m, bool refresh, UnitCapsList *ret, UnitCgroup **ret_cgroups, size_t *ret_n);
/* Where each of units runs, as systemd says in one batch of questions
 * (a unit systemd does not answer about is left out). */
int manager_units_cgroups(Manager *m, const UnitCapsList *units, UnitCgroup **ret, size_t *ret_n);

/* Work on thousands of units is done in one go, in chunks of this many:
 * manager_work_goes_on(DONE, N) after each tells systemd that it goes on
 * (a start or reload job's timeout extended by a minute, the watchdog
 * fed), when there is more than one chunk: under emulation, a start with
 * 2,000 units outlasts TimeoutStartSec=, and a reload after systemd's
 * daemon-reload (no job of ours) WatchdogSec=. Each loop over the units
 * of a start or a reload calls it. */
#define WORK_CHUNK 100U
void manager_work_goes_on(size_t done, size_t n);
void unit_cgroups_free(UnitCgroup *v, size_t n);
/* v sorted by unit, as manager_units_cgroups() and manager_config_load()
 * give it. */
const char *unit_cgroups_find(const UnitCgroup *v, size_t n, const char *unit);
void manager_query_bus_close(Manager *m);
/* What manager_config_load() keeps of systemd's unit directories (the
 * units with [X-Rescap] sections in each, and inotify watches that say
 * which to read again at the next reload). */
void unit_scan_free(UnitScan *s);

/* cgroupd/rescapd-manager.c */
/* A failed kernel request about subject ("fetch 123", "caps on x.service")
 * as a named error; "not loaded" found out on the way is KernelUnavailable. */
int manager_kernel_error(Manager *m, sd_bus_error *error, int r, const char *subject);
/* A set-cap (caps) or reset (caps NULL) of the cgroup at path cgroup
 * (below CGROUP_ROOT), for caller (NULL: rescapd's own request). */
int manager_cgroup_request(Manager *m, const char *cgroup, const rk_caps *caps, const rk_caller *caller);
/* Arms the cgroup path of a unit with its persisted caps (forced), or, with
 * none, disarms it and drops the policy there: the kernel gives the caps to
 * every cgroup systemd makes at that path from its first moment, whether
 * rescapd runs or not, and to the one there now. 0 also for a unit systemd
 * does not know. */
int manager_apply_unit_caps(Manager *m, const UnitCaps *u);
/* A reload's drop of a unit's caps: manager_apply_unit_caps() with none,
 * except for a unit gone from systemd (its unit file removed): 1, and the
 * reload disarms the paths of every such unit in one pass once they are
 * out of m->units (manager_disarm_orphans()), not one dump of every armed
 * path per unit. */
int manager_drop_unit_caps(Manager *m, const char *unit);
/* The same at a cgroup path systemd has just said (a template's pattern);
 * NULL: ask it. */
int manager_apply_unit_caps_at(Manager *m, const UnitCaps *u, const char *cgroup);
/* Disarms the armed paths that end in the name of a unit without caps
 * (left by an earlier run, or by a file removed while rescapd was
 * stopped): rescapd owns the armed paths that end in a unit name. Returns
 * how many it disarmed, or a negative errno. */
int manager_disarm_orphans(Manager *m);
/* Whether a policy on cgroup would govern rescapd itself: the kernel
 * refuses every change from a governed caller, so rescapd would lock
 * itself out. */
bool manager_cgroup_governs_self(Manager *m, const char *cgroup);
/* Caps on a group for caller, who the kernel judges first (may-change): a
 * unit, named by its name or its own cgroup's path, gets the keys given
 * written to its file in conf_dir (runtime: runtime_dir), over what that
 * file said; its effective caps from every layer are then armed on its
 * cgroup path (manager_apply_unit_caps()). reset removes its files in
 * both (what unit files and /usr/lib/rescap say stays). Any other cgroup
 * path gets the caps in the kernel only, for as long as it exists. When
 * the kernel refuses, the files are put back as they were. Errors are
 * named in error (an EACCES from the kernel: the caller needs
 * authorization). */
int manager_set_unit_caps(Manager *m, const char *group, const rk_caps *caps, bool reset, bool runtime,
                          const rk_caller *caller, sd_bus_error *error);
/* A kill or a cap warning, to the journal with structured fields. */
void manager_log_event(const rk_proc *p);
