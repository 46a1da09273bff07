/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescap: the userspace side of the "rescap" generic netlink family.
 * Shared by rescapd and rescapctl.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/rescap.h>

#include "utf8.h"

#define RESCAP_NO_CAP UINT64_MAX

/* Names and paths as the kernel sends them are bytes: they are kept
 * escaped into valid UTF-8 (utf8.h), a name with its backslashes escaped
 * too, up to 4 bytes for each byte of a name of up to 15 (TASK_COMM_LEN)
 * or a path of up to 4095 (PATH_MAX). */
#define RK_COMM_SIZE UTF8_ESCAPED_SIZE(15)
#define RK_PATH_SIZE UTF8_ESCAPED_SIZE(4095)

typedef struct rk_link rk_link;

/* A process as the kernel reports it (get, dump) or names it (events). */
typedef struct rk_proc {
        uint32_t pid;
        char comm[RK_COMM_SIZE];
        char state;
        uint32_t uid;
        uint32_t flags;
        uint64_t heap, heap_peak, heap_cap;
        uint64_t rss_anon;
        uint64_t fds, fds_peak, fd_cap;
        uint32_t action;
        uint32_t soft_pct;
        uint64_t cgroup_id;
        char cgroup_path[RK_PATH_SIZE];
        /* events */
        uint8_t cmd;
        uint32_t resource;
        uint64_t usage, cap;
        uint32_t kind;
        /* events: the policy that fired (RESCAP_POLICY_*; 0 from a kernel
         * that does not say) and, for a cgroup policy, its cgroup */
        uint32_t policy;
        uint64_t policy_cgroup_id;
        char policy_cgroup_path[RK_PATH_SIZE];
} rk_proc;

/* One process of a cgroup, as a get of the cgroup lists it. */
typedef struct rk_member {
        uint32_t pid;
        char comm[RK_COMM_SIZE];
        uint64_t cgroup_id;
        uint64_t heap, fds;
} rk_member;

#define RK_MEMBERS_MAX 256

/* A cgroup and its policy (caps RESCAP_NO_CAP without one): get of a
 * cgroup, and each entry of the cgroup policy dump (no members there). */
typedef struct rk_group {
        uint64_t cgroup_id;
        char cgroup_path[RK_PATH_SIZE];
        uint64_t heap_cap, fd_cap;
        uint32_t action;
        uint32_t soft_pct;
        uint64_t kills;
        /* get only: totals over all members, their number, and the
         * first RK_MEMBERS_MAX of them */
        uint64_t heap, fds;
        uint32_t nr_members;
        size_t n_members;
        rk_member members[RK_MEMBERS_MAX];
} rk_group;

/* An armed cgroup path and its caps (list-armed). */
typedef struct rk_armed {
        char path[RK_PATH_SIZE];
        uint64_t heap_cap, fd_cap;
        uint32_t action;
        uint32_t soft_pct;
        uint64_t attaches, attach_failures;
} rk_armed;

/* A change of caps: each field marked present is set. */
typedef struct rk_caps {
        bool has_heap, has_fds, has_action, has_soft_pct;
        uint64_t heap, fds;
        uint32_t action;
        uint32_t soft_pct;
        bool force;
} rk_caps;

/* The process a change is made for, when the requester is a daemon acting
 * for a client (rescapd): the kernel judges it too (see caller-pidfd in
 * include/rescap.yaml). */
typedef struct rk_caller {
        int pidfd;
        bool authorized;        /* by the daemon's own policy (polkit) */
} rk_caller;

/* A process named by pid, or by pidfd when pidfd >= 0; or a cgroup v2
 * directory, named by its id (st_ino) when cgroup_id is not 0, else by an
 * open descriptor of it when by_cgroup_fd is set. set-cap, reset and get
 * take either kind; register and deregister a process only. */
typedef struct rk_target {
        pid_t pid;
        int pidfd;
        uint64_t cgroup_id;
        int cgroup_fd;
        bool by_cgroup_fd;
        const rk_caller *caller;        /* NULL: the requester itself */
} rk_target;

static inline bool rk_target_is_cgroup(rk_target t) {
        return t.cgroup_id != 0 || t.by_cgroup_fd;
}

/* All functions return 0 or a negative errno; the kernel's extended ack
 * message, if any, is kept for rk_link_error(). -ENOENT from rk_link_open
 * means the family is not registered: rescap is not loaded. */
int rk_link_open(rk_link **ret);
void rk_link_free(rk_link *l);
const char *rk_link_error(const rk_link *l);
int rk_link_fd(const rk_link *l);

/* caps: NULL, or the caps it is tracked with from the start (one request:
 * no child forked meanwhile escapes them). */
int rk_register(rk_link *l, rk_target t, uint32_t flags, const rk_caps *caps);
int rk_deregister(rk_link *l, rk_target t);
int rk_get(rk_link *l, rk_target t, rk_proc *ret);
int rk_set_caps(rk_link *l, rk_target t, const rk_caps *caps);
int rk_reset(rk_link *l, rk_target t);
/* Whether a change may be made (for caller, if not NULL); changes nothing. */
int rk_may_change(rk_link *l, const rk_caller *caller);
/* Arms a cgroup path (from the root of the hierarchy) with caps (those
 * not marked present: none, kill, no soft threshold); disarms one; lists
 * them. caller as in rk_target (NULL: the requester). */
int rk_arm(rk_link *l, const char *path, const rk_caps *caps, const rk_caller *caller);
int rk_disarm(rk_link *l, const char *path, const rk_caller *caller);
int rk_dump_armed(rk_link *l, int (*cb)(const rk_armed *a, void *userdata), void *userdata);
/* Calls cb for each tracked process; after a negative return it calls
 * cb no more, reads the rest of the dump (the link is ready for the next
 * request) and returns that value. */
int rk_dump(rk_link *l, int (*cb)(const rk_proc *p, void *userdata), void *userdata);
/* A cgroup target's policy, members and totals (CAP_SYS_RESOURCE). */
int rk_get_cgroup(rk_link *l, rk_target t, rk_group *ret);
/* Calls cb for each cgroup policy; a negative return as for rk_dump. */
int rk_dump_cgroups(rk_link *l, int (*cb)(const rk_group *g, void *userdata), void *userdata);

/* Events: subscribe this link to the events group, then read one batch of
 * messages from it (blocking unless the fd is non-blocking), calling cb for
 * each event. */
int rk_subscribe(rk_link *l);
int rk_read_events(rk_link *l, int (*cb)(const rk_proc *p, void *userdata), void *userdata);

/* A request with a caller-built attribute payload (len bytes of netlink
 * attributes), for tests of the kernel's validation. */
int rk_raw(rk_link *l, uint8_t cmd, bool dump, const void *attrs, size_t len);

const char *rk_action_name(uint32_t action);
const char *rk_resource_name(uint32_t resource);
const char *rk_kind_name(uint32_t kind);
const char *rk_policy_name(uint32_t policy);
int rk_action_from_name(const char *s, uint32_t *ret);
