/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtest-nl: send one raw request of the rescap family, for tests of the
 * kernel's own validation (what rescapctl would refuse to send).
 *
 *   rtest-nl [--dump] COMMAND [ATTR=TYPE:VALUE ...]
 *
 * COMMAND: register, deregister, get, set-cap, reset, or a number.
 * ATTR: an attribute name of include/rescap.yaml (pid, pidfd, heap-cap,
 * ...) or a number; TYPE: u32, s32, u64, flag, str. Prints "ok", or
 * "err ENAME message" and exits 1.
 *
 *   rtest-nl --cgroup-caps DIR N
 *
 * Makes the cgroups DIR/g1 ... DIR/gN and gives each gI an fd cap of
 * I + 10, named by an open descriptor of its directory: thousands of
 * policies without thousands of processes. Prints "ok", or "err ..." at
 * the first failure.
 *
 *   rtest-nl --dump-cancel
 *
 * Dumps the cgroup policies with a callback that fails (ECANCELED) at the
 * first one, then dumps them again on the same link: prints "ok N" with
 * the N policies of the second dump, or "err ..." when the first did not
 * end with the callback's error or the second failed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "kernel-link.h"

static const char *const attr_names[] = {
        [RESCAP_A_PID] = "pid", [RESCAP_A_PIDFD] = "pidfd", [RESCAP_A_FLAGS] = "flags",
        [RESCAP_A_HEAP_CAP] = "heap-cap", [RESCAP_A_FD_CAP] = "fd-cap",
        [RESCAP_A_ACTION] = "action", [RESCAP_A_SOFT_PCT] = "soft-pct",
        [RESCAP_A_FORCE] = "force", [RESCAP_A_CGROUP_ID] = "cgroup-id",
        [RESCAP_A_CGROUP_FD] = "cgroup-fd", [RESCAP_A_ARMED_PATH] = "armed-path",
};

static const char *const cmd_names[] = {
        [RESCAP_CMD_REGISTER] = "register", [RESCAP_CMD_DEREGISTER] = "deregister",
        [RESCAP_CMD_GET] = "get", [RESCAP_CMD_SET_CAP] = "set-cap", [RESCAP_CMD_RESET] = "reset",
        [RESCAP_CMD_LIST_CGROUPS] = "list-cgroups", [RESCAP_CMD_ARM] = "arm",
        [RESCAP_CMD_DISARM] = "disarm", [RESCAP_CMD_LIST_ARMED] = "list-armed",
};

static long lookup(const char *const *names, size_t n, const char *s) {
        char *end;
        long v;

        for (size_t i = 0; i < n; i++)
                if (names[i] && strcmp(names[i], s) == 0)
                        return (long) i;
        v = strtol(s, &end, 0);
        return *end || end == s ? -1 : v;
}

/* The family's link, or NULL after saying why. */
static rk_link *link_open(void) {
        rk_link *l;
        int r = rk_link_open(&l);

        if (r < 0) {
                printf("err %s cannot open the family\n", strerrorname_np(-r));
                return NULL;
        }
        return l;
}

static int cgroup_caps(const char *dir, long n) {
        char path[4096];
        rk_link *l;
        int r;

        l = link_open();
        if (!l)
                return 1;
        for (long i = 1; i <= n; i++) {
                rk_caps caps = { .has_fds = true, .fds = (uint64_t) i + 10 };
                rk_target t = { .pidfd = -1, .by_cgroup_fd = true };

                snprintf(path, sizeof(path), "%s/g%ld", dir, i);
                if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                        printf("err %s mkdir %s\n", strerrorname_np(errno), path);
                        return 1;
                }
                t.cgroup_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (t.cgroup_fd < 0) {
                        printf("err %s open %s\n", strerrorname_np(errno), path);
                        return 1;
                }
                r = rk_set_caps(l, t, &caps);
                close(t.cgroup_fd);
                if (r < 0) {
                        printf("err %s set-cap %s: %s\n", strerrorname_np(-r), path, rk_link_error(l) ?: "");
                        return 1;
                }
        }
        rk_link_free(l);
        printf("ok\n");
        return 0;
}

static int cancel_cb(const rk_group *g, void *userdata) {
        (void) g;
        (*(long *) userdata)++;
        return -ECANCELED;
}

static int count_cb(const rk_group *g, void *userdata) {
        (void) g;
        (*(long *) userdata)++;
        return 0;
}

static int dump_cancel(void) {
        long n = 0;
        rk_link *l;
        int r;

        l = link_open();
        if (!l)
                return 1;
        r = rk_dump_cgroups(l, cancel_cb, &n);
        if (r != -ECANCELED || n != 1) {
                printf("err the cancelled dump: %s after %ld policies\n", r ? strerrorname_np(-r) : "0", n);
                rk_link_free(l);
                return 1;
        }
        n = 0;
        r = rk_dump_cgroups(l, count_cb, &n);
        if (r < 0)
                printf("err %s the dump after a cancelled one (%ld policies) %s\n", strerrorname_np(-r), n,
                       rk_link_error(l) ?: "");
        else
                printf("ok %ld\n", n);
        rk_link_free(l);
        return r < 0;
}

int main(int argc, char **argv) {
        char buf[4096], *attrs = buf;
        struct nlattr *a;
        rk_link *l;
        bool dump = false;
        long cmd;
        int i = 1, r;

        if (argc == 4 && strcmp(argv[1], "--cgroup-caps") == 0)
                return cgroup_caps(argv[2], strtol(argv[3], NULL, 10));
        if (argc == 2 && strcmp(argv[1], "--dump-cancel") == 0)
                return dump_cancel();
        if (argc > 1 && strcmp(argv[1], "--dump") == 0) {
                dump = true;
                i++;
        }
        if (i >= argc) {
                fprintf(stderr, "usage: rtest-nl [--dump] COMMAND [ATTR=TYPE:VALUE ...]\n");
                return 2;
        }
        cmd = lookup(cmd_names, sizeof(cmd_names) / sizeof(cmd_names[0]), argv[i++]);
        if (cmd < 0 || cmd > 255) {
                fprintf(stderr, "rtest-nl: bad command\n");
                return 2;
        }
        for (; i < argc; i++) {
                char *eq = strchr(argv[i], '='), *colon = eq ? strchr(eq, ':') : NULL;
                long type;

                if (!eq || !colon) {
                        fprintf(stderr, "rtest-nl: bad attribute '%s'\n", argv[i]);
                        return 2;
                }
                *eq = *colon = 0;
                type = lookup(attr_names, sizeof(attr_names) / sizeof(attr_names[0]), argv[i]);
                if (type < 0 || type > 0xffff) {
                        fprintf(stderr, "rtest-nl: bad attribute name '%s'\n", argv[i]);
                        return 2;
                }
                a = (struct nlattr *) attrs;
                a->nla_type = (uint16_t) type;
                if (!strcmp(eq + 1, "u32") || !strcmp(eq + 1, "s32")) {
                        uint32_t v = (uint32_t) strtoll(colon + 1, NULL, 0);
                        a->nla_len = MNL_ATTR_HDRLEN + 4;
                        memcpy(mnl_attr_get_payload(a), &v, 4);
                } else if (!strcmp(eq + 1, "u64")) {
                        uint64_t v = strtoull(colon + 1, NULL, 0);
                        a->nla_len = MNL_ATTR_HDRLEN + 8;
                        memcpy(mnl_attr_get_payload(a), &v, 8);
                } else if (!strcmp(eq + 1, "flag")) {
                        a->nla_len = MNL_ATTR_HDRLEN;
                } else if (!strcmp(eq + 1, "str")) {
                        size_t len = strlen(colon + 1) + 1;
                        a->nla_len = (uint16_t) (MNL_ATTR_HDRLEN + len);
                        memcpy(mnl_attr_get_payload(a), colon + 1, len);
                } else {
                        fprintf(stderr, "rtest-nl: bad type '%s'\n", eq + 1);
                        return 2;
                }
                attrs += MNL_ALIGN(a->nla_len);
        }
        l = link_open();
        if (!l)
                return 1;
        r = rk_raw(l, (uint8_t) cmd, dump, buf, (size_t) (attrs - buf));
        if (r < 0)
                printf("err %s %s\n", strerrorname_np(-r), rk_link_error(l) ?: "");
        else
                printf("ok\n");
        rk_link_free(l);
        return r < 0 ? 1 : 0;
}
