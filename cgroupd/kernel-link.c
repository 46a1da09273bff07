/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescap: the userspace side of the "rescap" generic netlink family, on
 * libmnl. Requests are synchronous; errors come back as negative errnos
 * with the kernel's extended ack message kept for the caller.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kernel-link.h"

struct rk_link {
        struct mnl_socket *nl;
        uint16_t family;
        uint32_t events_group;
        uint32_t seq;
        uint32_t portid;
        char error[256];
        char *buf;
};

/* Room for the largest reply: a get of a cgroup with its members. */
#define RK_BUFSIZE (64 * 1024)

typedef int (*rk_msg_cb)(const struct nlmsghdr *nlh, void *userdata);

static void rk_set_error(rk_link *l, const char *msg) {
        snprintf(l->error, sizeof(l->error), "%s", msg ?: "");
}

const char *rk_link_error(const rk_link *l) {
        return l->error[0] ? l->error : NULL;
}

int rk_link_fd(const rk_link *l) {
        return mnl_socket_get_fd(l->nl);
}

static struct nlmsghdr *rk_msg(rk_link *l, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(l->buf);
        struct genlmsghdr *g;

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | flags;
        nlh->nlmsg_seq = ++l->seq;
        g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
        g->cmd = cmd;
        g->version = version;
        return nlh;
}

/* The extended ack message of an error, if the kernel sent one. */
static void rk_parse_ext_ack(rk_link *l, const struct nlmsghdr *nlh) {
        const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *attr;
        size_t off;

        if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
                return;
        off = sizeof(*err);
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                off += mnl_nlmsg_get_payload_len(&err->msg);
        mnl_attr_for_each_payload((const struct nlattr *) ((const char *) err + off),
                                  mnl_nlmsg_get_payload_len(nlh) - off) {
                if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
                    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
                        rk_set_error(l, mnl_attr_get_str(attr));
        }
}

/* Sends the request in l->buf and reads replies until the ack or the end
 * of a dump, calling cb for each data message. After cb fails, the rest
 * of the replies is read all the same (a dump left unread would hold the
 * socket: the next dump request would get EBUSY), and cb's error is
 * returned. */
static int rk_transact(rk_link *l, struct nlmsghdr *req, rk_msg_cb cb, void *userdata) {
        uint32_t seq = req->nlmsg_seq;
        int cb_error = 0;

        rk_set_error(l, NULL);
        if (mnl_socket_sendto(l->nl, req, req->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(l->nl, l->buf, RK_BUFSIZE);
                const struct nlmsghdr *nlh;
                int len;

                if (n < 0)
                        return cb_error ?: -errno;
                len = (int) n;
                for (nlh = (const struct nlmsghdr *) l->buf; mnl_nlmsg_ok(nlh, len);
                     nlh = mnl_nlmsg_next(nlh, &len)) {
                        if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != l->portid)
                                continue;       /* an event, or stale */
                        if (nlh->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

                                if (err->error && !cb_error)
                                        rk_parse_ext_ack(l, nlh);
                                return cb_error ?: err->error;
                        }
                        if (nlh->nlmsg_type == NLMSG_DONE) {
                                const int *err = mnl_nlmsg_get_payload(nlh);

                                if (cb_error)
                                        return cb_error;
                                if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int) && *err < 0)
                                        return *err;
                                return 0;
                        }
                        if (cb && !cb_error) {
                                int r = cb(nlh, userdata);
                                if (r < 0)
                                        cb_error = r;
                        }
                }
        }
}

struct rk_family_reply {
        uint16_t id;
        uint32_t events;
};

static int rk_parse_mcgrp(const struct nlattr *grp, struct rk_family_reply *f) {
        const struct nlattr *a;
        const char *name = NULL;
        uint32_t id = 0;

        mnl_attr_for_each_nested(a, grp) {
                if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
                    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
                        name = mnl_attr_get_str(a);
                else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
                         mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
                        id = mnl_attr_get_u32(a);
        }
        if (name && strcmp(name, RESCAP_EVENTS_MCGRP_NAME) == 0)
                f->events = id;
        return 0;
}

static int rk_family_cb(const struct nlmsghdr *nlh, void *userdata) {
        struct rk_family_reply *f = userdata;
        const struct nlattr *a, *g;

        mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
                switch (mnl_attr_get_type(a)) {
                case CTRL_ATTR_FAMILY_ID:
                        if (mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
                                f->id = mnl_attr_get_u16(a);
                        break;
                case CTRL_ATTR_MCAST_GROUPS:
                        mnl_attr_for_each_nested(g, a)
                                rk_parse_mcgrp(g, f);
                        break;
                }
        }
        return 0;
}

int rk_link_open(rk_link **ret) {
        struct rk_family_reply f = {};
        struct nlmsghdr *nlh;
        rk_link *l;
        int one = 1, r;

        l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->buf = malloc(RK_BUFSIZE);
        l->nl = mnl_socket_open(NETLINK_GENERIC);
        if (!l->buf || !l->nl) {
                r = l->buf ? -errno : -ENOMEM;
                goto fail;
        }
        if (mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                r = -errno;
                goto fail;
        }
        l->portid = mnl_socket_get_portid(l->nl);
        l->seq = (uint32_t) time(NULL);
        (void) mnl_socket_setsockopt(l->nl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) mnl_socket_setsockopt(l->nl, NETLINK_CAP_ACK, &one, sizeof(one));

        nlh = rk_msg(l, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
        mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, RESCAP_FAMILY_NAME);
        r = rk_transact(l, nlh, rk_family_cb, &f);
        if (r < 0)
                goto fail;
        if (!f.id) {
                r = -ENOENT;
                goto fail;
        }
        l->family = f.id;
        l->events_group = f.events;
        *ret = l;
        return 0;
fail:
        rk_link_free(l);
        return r;
}

void rk_link_free(rk_link *l) {
        if (!l)
                return;
        if (l->nl)
                mnl_socket_close(l->nl);
        free(l->buf);
        free(l);
}

static void rk_put_caller(struct nlmsghdr *nlh, const rk_caller *caller) {
        if (!caller)
                return;
        mnl_attr_put_u32(nlh, RESCAP_A_CALLER_PIDFD, (uint32_t) caller->pidfd);
        if (caller->authorized)
                mnl_attr_put(nlh, RESCAP_A_CALLER_AUTHORIZED, 0, NULL);
}

static struct nlmsghdr *rk_request(rk_link *l, uint8_t cmd, uint16_t flags, rk_target t) {
        struct nlmsghdr *nlh = rk_msg(l, l->family, flags, cmd, RESCAP_FAMILY_VERSION);

        if (t.cgroup_id)
                mnl_attr_put_u64(nlh, RESCAP_A_CGROUP_ID, t.cgroup_id);
        else if (t.by_cgroup_fd)
                mnl_attr_put_u32(nlh, RESCAP_A_CGROUP_FD, (uint32_t) t.cgroup_fd);
        else if (t.pidfd >= 0)
                mnl_attr_put_u32(nlh, RESCAP_A_PIDFD, (uint32_t) t.pidfd);
        else
                mnl_attr_put_u32(nlh, RESCAP_A_PID, (uint32_t) t.pid);
        rk_put_caller(nlh, t.caller);
        return nlh;
}

static void rk_put_caps(struct nlmsghdr *nlh, const rk_caps *c) {
        if (c->has_heap)
                mnl_attr_put_u64(nlh, RESCAP_A_HEAP_CAP, c->heap);
        if (c->has_fds)
                mnl_attr_put_u64(nlh, RESCAP_A_FD_CAP, c->fds);
        if (c->has_action)
                mnl_attr_put_u32(nlh, RESCAP_A_ACTION, c->action);
        if (c->has_soft_pct)
                mnl_attr_put_u32(nlh, RESCAP_A_SOFT_PCT, c->soft_pct);
        if (c->force)
                mnl_attr_put(nlh, RESCAP_A_FORCE, 0, NULL);
}

int rk_register(rk_link *l, rk_target t, uint32_t flags, const rk_caps *caps) {
        struct nlmsghdr *nlh = rk_request(l, RESCAP_CMD_REGISTER, NLM_F_ACK, t);

        if (flags)
                mnl_attr_put_u32(nlh, RESCAP_A_FLAGS, flags);
        if (caps)
                rk_put_caps(nlh, caps);
        return rk_transact(l, nlh, NULL, NULL);
}

int rk_deregister(rk_link *l, rk_target t) {
        return rk_transact(l, rk_request(l, RESCAP_CMD_DEREGISTER, NLM_F_ACK, t), NULL, NULL);
}

int rk_reset(rk_link *l, rk_target t) {
        return rk_transact(l, rk_request(l, RESCAP_CMD_RESET, NLM_F_ACK, t), NULL, NULL);
}

int rk_set_caps(rk_link *l, rk_target t, const rk_caps *c) {
        struct nlmsghdr *nlh = rk_request(l, RESCAP_CMD_SET_CAP, NLM_F_ACK, t);

        rk_put_caps(nlh, c);
        return rk_transact(l, nlh, NULL, NULL);
}

int rk_may_change(rk_link *l, const rk_caller *caller) {
        struct nlmsghdr *nlh = rk_msg(l, l->family, NLM_F_ACK, RESCAP_CMD_MAY_CHANGE, RESCAP_FAMILY_VERSION);

        rk_put_caller(nlh, caller);
        return rk_transact(l, nlh, NULL, NULL);
}

int rk_arm(rk_link *l, const char *path, const rk_caps *caps, const rk_caller *caller) {
        struct nlmsghdr *nlh = rk_msg(l, l->family, NLM_F_ACK, RESCAP_CMD_ARM, RESCAP_FAMILY_VERSION);

        if (strlen(path) >= RK_BUFSIZE / 2)
                return -ENAMETOOLONG;
        mnl_attr_put_strz(nlh, RESCAP_A_ARMED_PATH, path);
        rk_put_caps(nlh, caps);
        rk_put_caller(nlh, caller);
        return rk_transact(l, nlh, NULL, NULL);
}

int rk_disarm(rk_link *l, const char *path, const rk_caller *caller) {
        struct nlmsghdr *nlh = rk_msg(l, l->family, NLM_F_ACK, RESCAP_CMD_DISARM, RESCAP_FAMILY_VERSION);

        if (strlen(path) >= RK_BUFSIZE / 2)
                return -ENAMETOOLONG;
        mnl_attr_put_strz(nlh, RESCAP_A_ARMED_PATH, path);
        rk_put_caller(nlh, caller);
        return rk_transact(l, nlh, NULL, NULL);
}

static uint64_t rk_u64(const struct nlattr *a) {
        return mnl_attr_validate(a, MNL_TYPE_U64) >= 0 ? mnl_attr_get_u64(a) : 0;
}

static uint32_t rk_u32(const struct nlattr *a) {
        return mnl_attr_validate(a, MNL_TYPE_U32) >= 0 ? mnl_attr_get_u32(a) : 0;
}

/* A string attribute, escaped into valid UTF-8 (utf8.h): names and
 * paths are whatever bytes a process or a cgroup's maker chose. */
static void rk_str(const struct nlattr *a, char *buf, size_t size, unsigned flags) {
        if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
                utf8_escape(buf, size, mnl_attr_get_str(a), strlen(mnl_attr_get_str(a)), flags);
}

static void rk_parse_proc(const struct nlmsghdr *nlh, rk_proc *p) {
        const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *a;
        char state[4] = "";

        *p = (rk_proc) { .heap_cap = RESCAP_NO_CAP, .fd_cap = RESCAP_NO_CAP, .cmd = g->cmd };
        mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
                switch (mnl_attr_get_type(a)) {
                case RESCAP_A_PID:         p->pid = rk_u32(a); break;
                case RESCAP_A_COMM:        rk_str(a, p->comm, sizeof(p->comm), UTF8_ESCAPE_BACKSLASH); break;
                case RESCAP_A_STATE:       rk_str(a, state, sizeof(state), 0); p->state = state[0]; break;
                case RESCAP_A_UID:         p->uid = rk_u32(a); break;
                case RESCAP_A_FLAGS:       p->flags = rk_u32(a); break;
                case RESCAP_A_HEAP:        p->heap = rk_u64(a); break;
                case RESCAP_A_HEAP_PEAK:   p->heap_peak = rk_u64(a); break;
                case RESCAP_A_HEAP_CAP:    p->heap_cap = rk_u64(a); break;
                case RESCAP_A_RSS_ANON:    p->rss_anon = rk_u64(a); break;
                case RESCAP_A_FDS:         p->fds = rk_u64(a); break;
                case RESCAP_A_FDS_PEAK:    p->fds_peak = rk_u64(a); break;
                case RESCAP_A_FD_CAP:      p->fd_cap = rk_u64(a); break;
                case RESCAP_A_ACTION:      p->action = rk_u32(a); break;
                case RESCAP_A_SOFT_PCT:    p->soft_pct = rk_u32(a); break;
                case RESCAP_A_CGROUP_ID:   p->cgroup_id = rk_u64(a); break;
                case RESCAP_A_CGROUP_PATH: rk_str(a, p->cgroup_path, sizeof(p->cgroup_path), 0); break;
                case RESCAP_A_RESOURCE:    p->resource = rk_u32(a); break;
                case RESCAP_A_USAGE:       p->usage = rk_u64(a); break;
                case RESCAP_A_CAP:         p->cap = rk_u64(a); break;
                case RESCAP_A_KIND:        p->kind = rk_u32(a); break;
                case RESCAP_A_POLICY:      p->policy = rk_u32(a); break;
                case RESCAP_A_POLICY_CGROUP_ID: p->policy_cgroup_id = rk_u64(a); break;
                case RESCAP_A_POLICY_CGROUP_PATH:
                        rk_str(a, p->policy_cgroup_path, sizeof(p->policy_cgroup_path), 0);
                        break;
                }
        }
}

static int rk_get_cb(const struct nlmsghdr *nlh, void *userdata) {
        rk_parse_proc(nlh, userdata);
        return 0;
}

int rk_get(rk_link *l, rk_target t, rk_proc *ret) {
        return rk_transact(l, rk_request(l, RESCAP_CMD_GET, NLM_F_ACK, t), rk_get_cb, ret);
}

static void rk_parse_member(const struct nlattr *nest, rk_member *m) {
        const struct nlattr *a;

        *m = (rk_member) {};
        mnl_attr_for_each_nested(a, nest) {
                switch (mnl_attr_get_type(a)) {
                case RESCAP_MEMBER_A_PID:       m->pid = rk_u32(a); break;
                case RESCAP_MEMBER_A_COMM:      rk_str(a, m->comm, sizeof(m->comm), UTF8_ESCAPE_BACKSLASH); break;
                case RESCAP_MEMBER_A_CGROUP_ID: m->cgroup_id = rk_u64(a); break;
                case RESCAP_MEMBER_A_HEAP:      m->heap = rk_u64(a); break;
                case RESCAP_MEMBER_A_FDS:       m->fds = rk_u64(a); break;
                }
        }
}

static void rk_parse_group(const struct nlmsghdr *nlh, rk_group *g) {
        const struct nlattr *a;

        g->cgroup_id = 0;
        g->cgroup_path[0] = 0;
        g->heap_cap = g->fd_cap = RESCAP_NO_CAP;
        g->action = g->soft_pct = 0;
        g->kills = g->heap = g->fds = 0;
        g->nr_members = 0;
        g->n_members = 0;
        mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
                switch (mnl_attr_get_type(a)) {
                case RESCAP_A_CGROUP_ID:   g->cgroup_id = rk_u64(a); break;
                case RESCAP_A_CGROUP_PATH: rk_str(a, g->cgroup_path, sizeof(g->cgroup_path), 0); break;
                case RESCAP_A_HEAP_CAP:    g->heap_cap = rk_u64(a); break;
                case RESCAP_A_FD_CAP:      g->fd_cap = rk_u64(a); break;
                case RESCAP_A_ACTION:      g->action = rk_u32(a); break;
                case RESCAP_A_SOFT_PCT:    g->soft_pct = rk_u32(a); break;
                case RESCAP_A_KILLS:       g->kills = rk_u64(a); break;
                case RESCAP_A_HEAP:        g->heap = rk_u64(a); break;
                case RESCAP_A_FDS:         g->fds = rk_u64(a); break;
                case RESCAP_A_NR_MEMBERS:  g->nr_members = rk_u32(a); break;
                case RESCAP_A_MEMBER:
                        if (g->n_members < RK_MEMBERS_MAX &&
                            mnl_attr_validate(a, MNL_TYPE_NESTED) >= 0)
                                rk_parse_member(a, &g->members[g->n_members++]);
                        break;
                }
        }
}

static int rk_group_cb(const struct nlmsghdr *nlh, void *userdata) {
        rk_parse_group(nlh, userdata);
        return 0;
}

int rk_get_cgroup(rk_link *l, rk_target t, rk_group *ret) {
        if (!rk_target_is_cgroup(t))
                return -EINVAL;
        return rk_transact(l, rk_request(l, RESCAP_CMD_GET, NLM_F_ACK, t), rk_group_cb, ret);
}

/* A dump of processes or of cgroup policies: each reply parsed into the
 * one buffer, then handed to the caller's callback of that kind. */
struct rk_dump_ctx {
        int (*proc_cb)(const rk_proc *p, void *userdata);
        int (*group_cb)(const rk_group *g, void *userdata);
        void *userdata;
        union {
                rk_proc p;
                rk_group g;
        };
};

static int rk_dump_cb(const struct nlmsghdr *nlh, void *userdata) {
        struct rk_dump_ctx *c = userdata;

        if (c->proc_cb) {
                rk_parse_proc(nlh, &c->p);
                return c->proc_cb(&c->p, c->userdata);
        }
        rk_parse_group(nlh, &c->g);
        return c->group_cb(&c->g, c->userdata);
}

static int rk_dump_cmd(rk_link *l, uint8_t cmd, struct rk_dump_ctx how) {
        struct rk_dump_ctx *c = malloc(sizeof(*c));
        struct nlmsghdr *nlh;
        int r;

        if (!c)
                return -ENOMEM;
        c->proc_cb = how.proc_cb;
        c->group_cb = how.group_cb;
        c->userdata = how.userdata;
        nlh = rk_msg(l, l->family, NLM_F_DUMP | NLM_F_ACK, cmd, RESCAP_FAMILY_VERSION);
        r = rk_transact(l, nlh, rk_dump_cb, c);
        free(c);
        return r;
}

int rk_dump(rk_link *l, int (*cb)(const rk_proc *p, void *userdata), void *userdata) {
        return rk_dump_cmd(l, RESCAP_CMD_GET, (struct rk_dump_ctx) { .proc_cb = cb, .userdata = userdata });
}

struct rk_armed_ctx {
        int (*cb)(const rk_armed *a, void *userdata);
        void *userdata;
        rk_armed a;
};

static int rk_armed_cb(const struct nlmsghdr *nlh, void *userdata) {
        const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
        struct rk_armed_ctx *c = userdata;
        const struct nlattr *a;

        c->a = (rk_armed) { .heap_cap = RESCAP_NO_CAP, .fd_cap = RESCAP_NO_CAP };
        mnl_attr_for_each(a, nlh, sizeof(*g)) {
                switch (mnl_attr_get_type(a)) {
                case RESCAP_A_ARMED_PATH:      rk_str(a, c->a.path, sizeof(c->a.path), 0); break;
                case RESCAP_A_HEAP_CAP:        c->a.heap_cap = rk_u64(a); break;
                case RESCAP_A_FD_CAP:          c->a.fd_cap = rk_u64(a); break;
                case RESCAP_A_ACTION:          c->a.action = rk_u32(a); break;
                case RESCAP_A_SOFT_PCT:        c->a.soft_pct = rk_u32(a); break;
                case RESCAP_A_ATTACHES:        c->a.attaches = rk_u64(a); break;
                case RESCAP_A_ATTACH_FAILURES: c->a.attach_failures = rk_u64(a); break;
                }
        }
        return c->cb(&c->a, c->userdata);
}

int rk_dump_armed(rk_link *l, int (*cb)(const rk_armed *a, void *userdata), void *userdata) {
        struct rk_armed_ctx *c = malloc(sizeof(*c));
        int r;

        if (!c)
                return -ENOMEM;
        c->cb = cb;
        c->userdata = userdata;
        r = rk_transact(l, rk_msg(l, l->family, NLM_F_DUMP | NLM_F_ACK, RESCAP_CMD_LIST_ARMED,
                                  RESCAP_FAMILY_VERSION), rk_armed_cb, c);
        free(c);
        return r;
}

int rk_dump_cgroups(rk_link *l, int (*cb)(const rk_group *g, void *userdata), void *userdata) {
        return rk_dump_cmd(l, RESCAP_CMD_LIST_CGROUPS,
                           (struct rk_dump_ctx) { .group_cb = cb, .userdata = userdata });
}

static int rk_raw_cb(const struct nlmsghdr *nlh, void *userdata) {
        (void) nlh;
        (void) userdata;
        return 0;
}

int rk_raw(rk_link *l, uint8_t cmd, bool dump, const void *attrs, size_t len) {
        struct nlmsghdr *nlh = rk_msg(l, l->family, NLM_F_ACK | (dump ? NLM_F_DUMP : 0), cmd,
                                      RESCAP_FAMILY_VERSION);

        if (len > (size_t) RK_BUFSIZE - nlh->nlmsg_len)
                return -E2BIG;
        memcpy((char *) nlh + nlh->nlmsg_len, attrs, len);
        nlh->nlmsg_len += (uint32_t) MNL_ALIGN(len);
        return rk_transact(l, nlh, rk_raw_cb, NULL);
}

int rk_subscribe(rk_link *l) {
        if (!l->events_group)
                return -ENOENT;
        if (mnl_socket_setsockopt(l->nl, NETLINK_ADD_MEMBERSHIP, &l->events_group,
                                  sizeof(l->events_group)) < 0)
                return -errno;
        return 0;
}

int rk_read_events(rk_link *l, int (*cb)(const rk_proc *p, void *userdata), void *userdata) {
        ssize_t n = mnl_socket_recvfrom(l->nl, l->buf, RK_BUFSIZE);
        const struct nlmsghdr *nlh;
        rk_proc *p;
        int len, r = 0;

        if (n < 0)
                return -errno;
        p = malloc(sizeof(*p));
        if (!p)
                return -ENOMEM;
        len = (int) n;
        for (nlh = (const struct nlmsghdr *) l->buf; mnl_nlmsg_ok(nlh, len);
             nlh = mnl_nlmsg_next(nlh, &len)) {
                if (nlh->nlmsg_type != l->family)
                        continue;
                rk_parse_proc(nlh, p);
                r = cb(p, userdata);
                if (r < 0)
                        break;
        }
        free(p);
        return r;
}

const char *rk_action_name(uint32_t action) {
        switch (action) {
        case RESCAP_ACTION_KILL:   return "kill";
        case RESCAP_ACTION_DENY:   return "deny";
        case RESCAP_ACTION_NOTIFY: return "notify";
        }
        return "?";
}

int rk_action_from_name(const char *s, uint32_t *ret) {
        static const uint32_t all[] = { RESCAP_ACTION_KILL, RESCAP_ACTION_DENY, RESCAP_ACTION_NOTIFY };

        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
                if (strcmp(s, rk_action_name(all[i])) == 0) {
                        *ret = all[i];
                        return 0;
                }
        return -EINVAL;
}

const char *rk_resource_name(uint32_t resource) {
        switch (resource) {
        case RESCAP_RESOURCE_HEAP: return "heap";
        case RESCAP_RESOURCE_FDS:  return "fds";
        }
        return "?";
}

const char *rk_policy_name(uint32_t policy) {
        switch (policy) {
        case RESCAP_POLICY_PROCESS: return "process";
        case RESCAP_POLICY_CGROUP:  return "cgroup";
        }
        return "?";
}

const char *rk_kind_name(uint32_t kind) {
        switch (kind) {
        case RESCAP_EXCEED_KIND_SOFT:   return "soft";
        case RESCAP_EXCEED_KIND_NOTIFY: return "notify";
        case RESCAP_EXCEED_KIND_DENY:   return "deny";
        }
        return "?";
}
