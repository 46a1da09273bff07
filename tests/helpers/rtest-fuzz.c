/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtest-fuzz: random and mutated requests to the "rescap" generic netlink
 * family.
 *
 *   rtest-fuzz CGROUP N SEED
 *
 * Sends N messages: random commands (known and unknown), header flags
 * (do, dump, ack, echo, anything), family versions, attribute types
 * (known and unknown, nested or not), lengths (short, exact, long,
 * inconsistent) and payloads, and well-formed requests with random values.
 * Every reply is read. A third of the batches run as root, a third as
 * nobody with a socket opened as root, a third as nobody with its own
 * socket.
 *
 * Root requests change state, so they are kept to a sandbox:
 * - the fuzzer moves into CGROUP (an empty cgroup v2 directory with an
 *   empty child "w") and into a new pid namespace, where it is pid 1 and
 *   only forks the workers that send: the pids they can name are theirs;
 * - each worker moves into CGROUP/w and a new cgroup namespace: the cgroup
 *   ids and directories it can name are w's subtree, and a policy it puts
 *   there governs workers only;
 * - a pid attribute never names pid 1, the one process that must live;
 * - a worker that caps and kills itself is replaced by the next one, and
 *   the messages it sent are counted from memory it shares with pid 1.
 *
 * Prints "sent N replies R errors E workers-killed K" and exits 0 once N
 * messages were sent; non-zero if it could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/rescap.h"

#define BATCH 2000
#define BUF 8192

static uint64_t rng;

static uint32_t rnd(void) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return (uint32_t) (rng >> 11);
}

static uint32_t below(uint32_t n) {
        return n ? rnd() % n : 0;
}

static int nl_open(void) {
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
        int size = 1 << 20;

        if (fd >= 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        return fd;
}

/* The family id of "rescap", from the generic netlink controller. */
static int family_id(int fd) {
        struct {
                struct nlmsghdr n;
                struct genlmsghdr g;
                char buf[64];
        } req = {};
        char buf[BUF];
        struct nlattr *a;
        ssize_t len;

        req.n.nlmsg_type = GENL_ID_CTRL;
        req.n.nlmsg_flags = NLM_F_REQUEST;
        req.g.cmd = CTRL_CMD_GETFAMILY;
        req.g.version = 1;
        a = (struct nlattr *) req.buf;
        a->nla_type = CTRL_ATTR_FAMILY_NAME;
        a->nla_len = NLA_HDRLEN + sizeof(RESCAP_FAMILY_NAME);
        memcpy((char *) a + NLA_HDRLEN, RESCAP_FAMILY_NAME, sizeof(RESCAP_FAMILY_NAME));
        req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
        if (send(fd, &req, req.n.nlmsg_len, 0) < 0)
                return -1;
        len = recv(fd, buf, sizeof(buf), 0);
        if (len < (ssize_t) NLMSG_LENGTH(GENL_HDRLEN))
                return -1;
        for (int off = NLMSG_LENGTH(GENL_HDRLEN); off + NLA_HDRLEN <= len;) {
                a = (struct nlattr *) (buf + off);
                if (a->nla_len < NLA_HDRLEN)
                        break;
                if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
                        return *(uint16_t *) ((char *) a + NLA_HDRLEN);
                off += NLA_ALIGN(a->nla_len);
        }
        return -1;
}

static const uint64_t interesting[] = {
        0, 1, 2, 7, 8, 99, 100, 101, 4096, 65535, 1u << 20, 0x7fffffff, 0x80000000,
        0xffffffff, 1ull << 32, 1ull << 57, (1ull << 57) + 1, ~0ull >> 1, ~0ull - 1, ~0ull,
};

static uint64_t value(void) {
        switch (below(3)) {
        case 0:
                return interesting[below(sizeof(interesting) / sizeof(interesting[0]))];
        case 1:
                return below(4096);
        default:
                return ((uint64_t) rnd() << 32) | rnd();
        }
}

static uint64_t sandbox_cgroup_id;

/* Keeps the sandbox: no pid 1, no cgroup outside the namespace's root. */
static void sanitize(uint16_t type, char *p, uint16_t len) {
        if (type == RESCAP_A_PID && len >= 4) {
                uint32_t v;

                memcpy(&v, p, 4);
                if (v == 1) {
                        v = 2 + below(64);
                        memcpy(p, &v, 4);
                }
        }
        if (type == RESCAP_A_CGROUP_ID && len >= 8) {
                uint64_t v = below(2) ? sandbox_cgroup_id : (1ull << 40) + value();

                memcpy(p, &v, 8);
        }
}

/* Appends attributes at @p (at most @room bytes); returns the bytes used. */
static size_t put_attrs(char *p, size_t room, int depth) {
        size_t used = 0;
        int n = (int) below(9);

        for (int i = 0; i < n; i++) {
                struct nlattr *a = (struct nlattr *) (p + used);
                uint16_t type = (uint16_t) below(RESCAP_A_MAX + 4);
                uint16_t len;

                if (room - used < NLA_HDRLEN + 64)
                        break;
                if (depth < 2 && below(8) == 0) {
                        len = (uint16_t) put_attrs(p + used + NLA_HDRLEN, room - used - NLA_HDRLEN - 8,
                                                   depth + 1);
                        type |= NLA_F_NESTED;
                } else {
                        static const uint16_t lens[] = { 0, 1, 2, 3, 4, 4, 4, 7, 8, 8, 8, 9, 12, 16, 33 };
                        uint64_t v = value();

                        len = below(4) ? lens[below(sizeof(lens) / sizeof(lens[0]))] : (uint16_t) below(64);
                        for (uint16_t j = 0; j < len; j++)
                                p[used + NLA_HDRLEN + j] = (char) rnd();
                        if (len == 4 || len == 8)
                                memcpy(p + used + NLA_HDRLEN, &v, len);
                        if (below(16) == 0 && len > 0)
                                p[used + NLA_HDRLEN + len - 1] = 0; /* a string */
                        if (below(8) == 0)
                                type |= NLA_F_NET_BYTEORDER;
                        sanitize(type, p + used + NLA_HDRLEN, len);
                }
                a->nla_type = type;
                a->nla_len = (uint16_t) (NLA_HDRLEN + len);
                if (below(32) == 0)
                        a->nla_len = (uint16_t) below(NLA_HDRLEN);     /* too short */
                else if (below(32) == 0)
                        a->nla_len = (uint16_t) (a->nla_len + 1 + below(600));    /* past the end */
                used += NLA_ALIGN(NLA_HDRLEN + len);
        }
        return used;
}

/* A well-formed request of a known command with random values. */
static size_t put_valid(char *p) {
        static const uint16_t u32s[] = { RESCAP_A_PID, RESCAP_A_FLAGS, RESCAP_A_ACTION, RESCAP_A_SOFT_PCT };
        static const uint16_t s32s[] = { RESCAP_A_PIDFD, RESCAP_A_CGROUP_FD };
        static const uint16_t u64s[] = { RESCAP_A_HEAP_CAP, RESCAP_A_FD_CAP, RESCAP_A_CGROUP_ID };
        size_t used = 0;
        int n = 1 + (int) below(4);

        for (int i = 0; i < n; i++) {
                struct nlattr *a = (struct nlattr *) (p + used);
                int kind = (int) below(4);
                uint64_t v = value();
                uint16_t len = 4;

                if (kind == 0) {
                        a->nla_type = u32s[below(4)];
                        if (a->nla_type == RESCAP_A_PID)
                                v = below(2) ? (uint64_t) getpid() : 2 + below(32);
                        if (a->nla_type == RESCAP_A_ACTION)
                                v = below(5);
                } else if (kind == 1) {
                        a->nla_type = s32s[below(2)];
                        v = below(12);
                } else if (kind == 2) {
                        a->nla_type = u64s[below(3)];
                        len = 8;
                } else {
                        a->nla_type = RESCAP_A_FORCE;
                        len = 0;
                }
                memcpy(p + used + NLA_HDRLEN, &v, len);
                sanitize(a->nla_type, p + used + NLA_HDRLEN, len);
                a->nla_len = (uint16_t) (NLA_HDRLEN + len);
                used += NLA_ALIGN(a->nla_len);
        }
        return used;
}

struct counts {
        unsigned long sent, replies, errors;
};

/* Shared with pid 1, so a killed worker's messages are counted. */
static struct counts *shared;

static void drain(int fd, struct counts *c) {
        char buf[BUF];
        ssize_t len;

        while ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
                for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) len);
                     h = NLMSG_NEXT(h, len)) {
                        c->replies++;
                        if (h->nlmsg_type == NLMSG_ERROR &&
                            ((struct nlmsgerr *) NLMSG_DATA(h))->error)
                                c->errors++;
                }
        }
}

static char workdir[4096];

/* One worker: @n messages, counted in *shared. */
static int worker(int mode, unsigned long n) {
        static char msg[BUF] __attribute__((aligned(4)));
        struct counts *const c = shared;
        char procs[4200];
        int fd = -1, fam;

        snprintf(procs, sizeof(procs), "%s/cgroup.procs", workdir);
        fd = open(procs, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || dprintf(fd, "0\n") < 0 || unshare(CLONE_NEWCGROUP) < 0)
                return 1;
        close(fd);
        fd = -1;
        if (mode == 1)
                fd = nl_open();         /* opened as root, used as nobody */
        if (mode && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
                     setresuid(65534, 65534, 65534) < 0))
                return 1;
        if (mode != 1)
                fd = nl_open();
        if (fd < 0)
                return 1;
        fam = family_id(fd);
        if (fam < 0)
                return 1;
        for (unsigned long i = 0; i < n; i++) {
                struct nlmsghdr *h = (struct nlmsghdr *) msg;
                struct genlmsghdr *g = (struct genlmsghdr *) NLMSG_DATA(h);
                size_t body;
                ssize_t r;

                memset(msg, 0, NLMSG_HDRLEN + GENL_HDRLEN);
                h->nlmsg_type = (uint16_t) fam;
                h->nlmsg_seq = (uint32_t) i;
                if (below(4) == 0) {
                        g->cmd = (uint8_t) (1 + below(RESCAP_CMD_MAX));
                        g->version = RESCAP_FAMILY_VERSION;
                        h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (below(3) ? 0 : NLM_F_DUMP);
                        body = put_valid(msg + NLMSG_HDRLEN + GENL_HDRLEN);
                } else {
                        g->cmd = (uint8_t) below(RESCAP_CMD_MAX + 6);
                        g->version = (uint8_t) below(4);
                        g->reserved = below(16) ? 0 : (uint16_t) rnd();
                        h->nlmsg_flags = (uint16_t) (below(8) ? NLM_F_REQUEST | (rnd() & 0x31c) : rnd());
                        body = put_attrs(msg + NLMSG_HDRLEN + GENL_HDRLEN,
                                         BUF - NLMSG_HDRLEN - GENL_HDRLEN - 1024, 0);
                }
                h->nlmsg_len = (uint32_t) (NLMSG_HDRLEN + GENL_HDRLEN + body);
                if (below(32) == 0)     /* a header that says less or more than was sent */
                        h->nlmsg_len = below(2) ? below(h->nlmsg_len + 1) : h->nlmsg_len + below(256);
                r = send(fd, msg, NLMSG_HDRLEN + GENL_HDRLEN + body, 0);
                c->sent++;
                (void) r;
                drain(fd, c);
        }
        close(fd);
        return 0;
}

/* Removes a policy a worker put on the sandbox, so the next one can run. */
static void reset_sandbox(void) {
        struct {
                struct nlmsghdr n;
                struct genlmsghdr g;
                struct nlattr a;
                uint64_t id;
        } req = {};
        struct counts c = {};
        int fd = nl_open(), fam = fd >= 0 ? family_id(fd) : -1;

        if (fam >= 0) {
                req.n.nlmsg_len = sizeof(req);
                req.n.nlmsg_type = (uint16_t) fam;
                req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
                req.g.cmd = RESCAP_CMD_RESET;
                req.g.version = RESCAP_FAMILY_VERSION;
                req.a.nla_type = RESCAP_A_CGROUP_ID;
                req.a.nla_len = NLA_HDRLEN + sizeof(req.id);
                req.id = sandbox_cgroup_id;
                if (send(fd, &req, sizeof(req), 0) == sizeof(req))
                        drain(fd, &c);
        }
        if (fd >= 0)
                close(fd);
}

static uint64_t dir_id(const char *path) {
        struct stat st;

        return stat(path, &st) == 0 ? (uint64_t) st.st_ino : 0;
}

int main(int argc, char **argv) {
        unsigned long total, killed = 0;
        char procs[4096];
        pid_t init;
        int fd, status;

        if (argc != 4) {
                fprintf(stderr, "usage: rtest-fuzz CGROUP N SEED\n");
                return 2;
        }
        total = strtoul(argv[2], NULL, 10);
        rng = strtoull(argv[3], NULL, 10) * 2654435761u + 88172645463325252ull;
        snprintf(workdir, sizeof(workdir), "%s/w", argv[1]);
        sandbox_cgroup_id = dir_id(workdir);
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", argv[1]);
        fd = open(procs, O_WRONLY | O_CLOEXEC);
        if (!sandbox_cgroup_id || fd < 0 || dprintf(fd, "0\n") < 0) {
                perror("rtest-fuzz: entering the sandbox cgroup");
                return 2;
        }
        close(fd);
        shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (shared == MAP_FAILED || unshare(CLONE_NEWPID) < 0) {
                perror("rtest-fuzz: sandbox");
                return 2;
        }
        init = fork();
        if (init < 0)
                return 2;
        if (init > 0) {
                if (waitpid(init, &status, 0) < 0)
                        return 2;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
        }
        /* pid 1 of the sandbox from here. */
        for (unsigned long batch = 0; shared->sent < total; batch++) {
                unsigned long n = total - shared->sent < BATCH ? total - shared->sent : BATCH;
                pid_t w;

                (void) rnd();   /* each worker its own sequence */
                reset_sandbox();
                w = fork();
                if (w < 0)
                        return 2;
                if (w == 0)
                        _exit(worker((int) (batch % 3), n));
                if (waitpid(w, &status, 0) < 0)
                        return 2;
                if (WIFSIGNALED(status)) {
                        killed++;       /* capped itself and went over */
                } else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
                        fprintf(stderr, "rtest-fuzz: worker %d failed (status 0x%x)\n", w, status);
                        return 1;
                }
        }
        printf("sent %lu replies %lu errors %lu workers-killed %lu\n", shared->sent, shared->replies,
               shared->errors, killed);
        return 0;
}
