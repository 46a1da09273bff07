/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sockets of processes, joined from their descriptors (/proc/PID/fd)
 * and the kernel's socket tables (sock_diag): see sockets.h.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>

#include "sockets.h"

/* The descriptors' socket inodes, sorted, each with where it was found. */
typedef struct Inodes {
        uint64_t *ino;
        bool *found;
        size_t n, size;
} Inodes;

struct TcpDump;

typedef struct Dump {
        Inodes *inodes;
        SockReport *report;
        struct TcpDump *tcp;
        int family, protocol;
        int err;
} Dump;

static int ino_cmp(const void *a, const void *b) {
        const uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

        return x < y ? -1 : x > y;
}

static int inodes_add(Inodes *s, uint64_t ino) {
        if (s->n == s->size) {
                size_t size = s->size ? 2 * s->size : 64;
                uint64_t *p = realloc(s->ino, size * sizeof(*p));

                if (!p)
                        return -ENOMEM;
                s->ino = p;
                s->size = size;
        }
        s->ino[s->n++] = ino;
        return 0;
}

int fd_socket_inode(int dirfd, const char *name, uint64_t *ret) {
        unsigned long long ino;
        char link[64];
        ssize_t len;

        len = readlinkat(dirfd, name, link, sizeof(link) - 1);
        if (len <= 0)
                return 0;
        link[len] = '\0';
        if (sscanf(link, "socket:[%llu]", &ino) != 1)
                return 0;
        *ret = ino;
        return 1;
}

/* Each process's socket descriptors; a process gone meanwhile, or one
 * whose descriptors cannot be read, adds none. */
static int inodes_of(const pid_t *pids, size_t n, Inodes *s) {
        for (size_t i = 0; i < n; i++) {
                char path[64];
                struct dirent *de;
                DIR *d;

                snprintf(path, sizeof(path), "/proc/%d/fd", (int) pids[i]);
                d = opendir(path);
                /* Gone meanwhile: nothing; not ours to read: said. */
                if (!d && (errno == EACCES || errno == EPERM))
                        return -EACCES;
                if (!d)
                        continue;
                while ((de = readdir(d))) {
                        uint64_t ino;

                        if (de->d_name[0] == '.')
                                continue;
                        if (fd_socket_inode(dirfd(d), de->d_name, &ino) > 0 && inodes_add(s, ino) < 0) {
                                closedir(d);
                                return -ENOMEM;
                        }
                }
                closedir(d);
        }
        if (s->n)
                qsort(s->ino, s->n, sizeof(*s->ino), ino_cmp);
        /* One count for a socket several descriptors or processes hold. */
        size_t k = 0;

        for (size_t i = 0; i < s->n; i++)
                if (!k || s->ino[k - 1] != s->ino[i])
                        s->ino[k++] = s->ino[i];
        s->n = k;
        s->found = calloc(s->n + 1, sizeof(*s->found));
        return s->found ? 0 : -ENOMEM;
}

/* The socket's index in s, or -1 when none of the processes holds it. */
static ssize_t inodes_find(const Inodes *s, uint64_t ino) {
        size_t lo = 0, hi = s->n;

        while (lo < hi) {
                const size_t mid = lo + (hi - lo) / 2;

                if (s->ino[mid] == ino)
                        return (ssize_t) mid;
                if (s->ino[mid] < ino)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}

/* Whether a dumped socket is one of the processes' and not met before
 * (a socket is in one table; a dump may repeat one that moved). */
static bool claim(Dump *d, uint64_t ino) {
        const ssize_t k = ino ? inodes_find(d->inodes, ino) : -1;

        if (k < 0 || d->inodes->found[k])
                return false;
        d->inodes->found[k] = true;
        return true;
}

/* ss's names of the kernel's socket states (TCP's; the other families
 * use the same numbers). */
static const char *state_name(unsigned state) {
        static const char *const names[] = {
                [1] = "ESTAB", [2] = "SYN-SENT", [3] = "SYN-RECV", [4] = "FIN-WAIT-1", [5] = "FIN-WAIT-2",
                [6] = "TIME-WAIT", [7] = "UNCONN", [8] = "CLOSE-WAIT", [9] = "LAST-ACK", [10] = "LISTEN",
                [11] = "CLOSING", [12] = "NEW-SYN-RECV",
        };

        return state < sizeof(names) / sizeof(names[0]) && names[state] ? names[state] : "UNKNOWN";
}

static int count_add(SockReport *r, const char *family, const char *type, const char *state) {
        SockCount *c;

        for (size_t i = 0; i < r->n_counts; i++) {
                c = &r->counts[i];
                if (strcmp(c->family, family) == 0 && strcmp(c->type, type) == 0 && strcmp(c->state, state) == 0) {
                        c->count++;
                        return 0;
                }
        }
        c = realloc(r->counts, (r->n_counts + 1) * sizeof(*c));
        if (!c)
                return -ENOMEM;
        r->counts = c;
        r->counts[r->n_counts++] = (SockCount) { .family = family, .type = type, .state = state, .count = 1 };
        return 0;
}

static void format_addr(char *buf, size_t size, int family, const __be32 *addr, __be16 port) {
        char a[INET6_ADDRSTRLEN] = "?";

        inet_ntop(family, addr, a, sizeof(a));
        snprintf(buf, size, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, ntohs(port));
}

static int on_inet(const struct nlmsghdr *nlh, void *data) {
        const struct inet_diag_msg *msg = mnl_nlmsg_get_payload(nlh);
        Dump *d = data;
        struct tcp_info info = {};
        const struct nlattr *a;
        bool tcp = d->protocol == IPPROTO_TCP;
        int r;

        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*msg))
                return MNL_CB_ERROR;
        if (!claim(d, msg->idiag_inode))
                return MNL_CB_OK;
        r = count_add(d->report, msg->idiag_family == AF_INET6 ? "ipv6" : "ipv4", tcp ? "tcp" : "udp",
                      state_name(msg->idiag_state));
        if (r < 0 || !tcp || msg->idiag_state == 10 /* LISTEN */) {
                d->err = r;
                return r < 0 ? MNL_CB_ERROR : MNL_CB_OK;
        }
        mnl_attr_for_each(a, nlh, sizeof(*msg))
                if (mnl_attr_get_type(a) == INET_DIAG_INFO) {
                        size_t len = mnl_attr_get_payload_len(a);

                        memcpy(&info, mnl_attr_get_payload(a), len < sizeof(info) ? len : sizeof(info));
                }

        TcpConn *c = realloc(d->report->tcp, (d->report->n_tcp + 1) * sizeof(*c));

        if (!c) {
                d->err = -ENOMEM;
                return MNL_CB_ERROR;
        }
        d->report->tcp = c;
        c = &c[d->report->n_tcp++];
        *c = (TcpConn) { .state = state_name(msg->idiag_state), .bytes_sent = info.tcpi_bytes_acked,
                         .bytes_received = info.tcpi_bytes_received };
        format_addr(c->local, sizeof(c->local), msg->idiag_family, msg->id.idiag_src, msg->id.idiag_sport);
        format_addr(c->peer, sizeof(c->peer), msg->idiag_family, msg->id.idiag_dst, msg->id.idiag_dport);
        d->report->tcp_bytes_sent += c->bytes_sent;
        d->report->tcp_bytes_received += c->bytes_received;
        return MNL_CB_OK;
}

/* The dump of tcp_bytes_all(): every socket that moved a byte. */
typedef struct TcpDump {
        TcpBytes *v;
        size_t n, size;
        int err;
} TcpDump;

static int on_tcp_bytes(const struct nlmsghdr *nlh, void *data) {
        const struct inet_diag_msg *msg = mnl_nlmsg_get_payload(nlh);
        TcpDump *t = ((Dump *) data)->tcp;
        struct tcp_info info = {};
        const struct nlattr *a;
        uint64_t bytes;

        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*msg))
                return MNL_CB_ERROR;
        mnl_attr_for_each(a, nlh, sizeof(*msg))
                if (mnl_attr_get_type(a) == INET_DIAG_INFO) {
                        size_t len = mnl_attr_get_payload_len(a);

                        memcpy(&info, mnl_attr_get_payload(a), len < sizeof(info) ? len : sizeof(info));
                }
        bytes = info.tcpi_bytes_acked + info.tcpi_bytes_received;
        if (!msg->idiag_inode || !bytes)
                return MNL_CB_OK;
        if (t->n == t->size) {
                size_t size = t->size ? 2 * t->size : 256;
                TcpBytes *v = realloc(t->v, size * sizeof(*v));

                if (!v) {
                        t->err = -ENOMEM;
                        return MNL_CB_ERROR;
                }
                t->v = v;
                t->size = size;
        }
        t->v[t->n++] = (TcpBytes) { .ino = msg->idiag_inode, .bytes = bytes };
        return MNL_CB_OK;
}

static const char *unix_type(unsigned type) {
        return type == SOCK_STREAM ? "stream" : type == SOCK_DGRAM ? "dgram" :
               type == SOCK_SEQPACKET ? "seqpacket" : "";
}

static int on_unix(const struct nlmsghdr *nlh, void *data) {
        const struct unix_diag_msg *msg = mnl_nlmsg_get_payload(nlh);
        Dump *d = data;

        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*msg))
                return MNL_CB_ERROR;
        if (!claim(d, msg->udiag_ino))
                return MNL_CB_OK;
        d->err = count_add(d->report, "unix", unix_type(msg->udiag_type), state_name(msg->udiag_state));
        return d->err < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static int on_netlink(const struct nlmsghdr *nlh, void *data) {
        const struct netlink_diag_msg *msg = mnl_nlmsg_get_payload(nlh);
        Dump *d = data;

        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*msg))
                return MNL_CB_ERROR;
        if (!claim(d, msg->ndiag_ino))
                return MNL_CB_OK;
        d->err = count_add(d->report, "netlink", msg->ndiag_type == SOCK_RAW ? "raw" : unix_type(msg->ndiag_type),
                           msg->ndiag_state ? "ESTAB" : "UNCONN");
        return d->err < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* One dump of a socket table: req (len bytes) after the header. */
static int dump(struct mnl_socket *nl, const void *req, size_t len, mnl_cb_t cb, Dump *d) {
        char buf[32768];     /* a dump batch: 32 KiB, as MNL_SOCKET_DUMP_SIZE in newer libmnl */
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        const unsigned seq = (unsigned) time(NULL), portid = mnl_socket_get_portid(nl);
        ssize_t n;
        int r;

        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        memcpy(mnl_nlmsg_put_extra_header(nlh, len), req, len);
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        d->err = 0;
        do {
                n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                r = mnl_cb_run(buf, (size_t) n, seq, portid, cb, d);
        } while (r > MNL_CB_STOP);
        if (d->err < 0)
                return d->err;
        /* A family the kernel has no diag module for: nothing from it. */
        return r < 0 && errno != ENOENT && errno != EOPNOTSUPP ? -errno : 0;
}

int sockets_of(const pid_t *pids, size_t n, SockReport *ret) {
        SockReport report = {};
        Inodes inodes = {};
        Dump d = { .inodes = &inodes, .report = &report };
        struct mnl_socket *nl = NULL;
        int r;

        r = inodes_of(pids, n, &inodes);
        if (r >= 0 && inodes.n) {
                nl = mnl_socket_open(NETLINK_SOCK_DIAG);
                r = nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0 ? 0 : -errno;
        }
        for (int f = 0; r >= 0 && inodes.n && f < 2; f++)
                for (int p = 0; r >= 0 && p < 2; p++) {
                        struct inet_diag_req_v2 req = {
                                .sdiag_family = f ? AF_INET6 : AF_INET,
                                .sdiag_protocol = p ? IPPROTO_UDP : IPPROTO_TCP,
                                .idiag_ext = p ? 0 : 1 << (INET_DIAG_INFO - 1),
                                .idiag_states = ~0u,
                        };

                        d.family = req.sdiag_family;
                        d.protocol = req.sdiag_protocol;
                        r = dump(nl, &req, sizeof(req), on_inet, &d);
                }
        if (r >= 0 && inodes.n) {
                struct unix_diag_req req = { .sdiag_family = AF_UNIX, .udiag_states = ~0u };

                r = dump(nl, &req, sizeof(req), on_unix, &d);
        }
        if (r >= 0 && inodes.n) {
                struct netlink_diag_req req = { .sdiag_family = AF_NETLINK, .sdiag_protocol = NDIAG_PROTO_ALL };

                r = dump(nl, &req, sizeof(req), on_netlink, &d);
        }
        for (size_t i = 0; r >= 0 && i < inodes.n; i++)
                if (!inodes.found[i])
                        r = count_add(&report, "unknown", "", "");
        if (nl)
                mnl_socket_close(nl);
        free(inodes.ino);
        free(inodes.found);
        if (r < 0) {
                sock_report_done(&report);
                return r;
        }
        *ret = report;
        return 0;
}

void sock_report_done(SockReport *r) {
        free(r->counts);
        free(r->tcp);
        *r = (SockReport) {};
}

static int tcp_bytes_cmp(const void *a, const void *b) {
        return ino_cmp(&((const TcpBytes *) a)->ino, &((const TcpBytes *) b)->ino);
}

int tcp_bytes_all(TcpBytes **ret, size_t *ret_n) {
        TcpDump t = {};
        Dump d = { .tcp = &t };
        struct mnl_socket *nl;
        int r;

        nl = mnl_socket_open(NETLINK_SOCK_DIAG);
        r = nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0 ? 0 : -errno;
        for (int f = 0; r >= 0 && f < 2; f++) {
                struct inet_diag_req_v2 req = {
                        .sdiag_family = f ? AF_INET6 : AF_INET,
                        .sdiag_protocol = IPPROTO_TCP,
                        .idiag_ext = 1 << (INET_DIAG_INFO - 1),
                        .idiag_states = ~0u,
                };

                r = dump(nl, &req, sizeof(req), on_tcp_bytes, &d);
                if (t.err < 0)
                        r = t.err;
        }
        if (nl)
                mnl_socket_close(nl);
        if (r < 0) {
                free(t.v);
                return r;
        }
        /* A socket that moved between the two tables' dumps: once. */
        if (t.n)
                qsort(t.v, t.n, sizeof(*t.v), tcp_bytes_cmp);
        size_t k = 0;

        for (size_t i = 0; i < t.n; i++)
                if (!k || t.v[k - 1].ino != t.v[i].ino)
                        t.v[k++] = t.v[i];
        *ret = t.v;
        *ret_n = k;
        return 0;
}
