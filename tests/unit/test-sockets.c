/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroupd/sockets.c on this process's own sockets: a TCP connection over
 * loopback with 10 MiB each way (both ends here), a listener, a UDP
 * socket, a unix socket pair, a netlink socket; counted by family, type
 * and state as ss shows them, the bytes within 1%, a shared descriptor
 * counted once, a process that is gone counting nothing. (The UDP and
 * netlink counts exactly: e2e/dbus/sockets, on Debian's kernel.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "sockets.h"

#define MIB (1024 * 1024)
#define AMOUNT (10 * MIB)

static uint32_t count(const SockReport *r, const char *family, const char *type, const char *state) {
        for (size_t i = 0; i < r->n_counts; i++)
                if (strcmp(r->counts[i].family, family) == 0 && strcmp(r->counts[i].type, type) == 0 &&
                    strcmp(r->counts[i].state, state) == 0)
                        return r->counts[i].count;
        return 0;
}

/* AMOUNT bytes written to a, read from b, a chunk at a time. */
static int pump(int a, int b) {
        static char buf[64 * 1024];

        for (size_t done = 0; done < AMOUNT; done += sizeof(buf)) {
                size_t got = 0;

                if (write(a, buf, sizeof(buf)) != (ssize_t) sizeof(buf))
                        return -errno;
                while (got < sizeof(buf)) {
                        const ssize_t n = read(b, buf, sizeof(buf) - got);

                        if (n <= 0)
                                return n ? -errno : -EPIPE;
                        got += (size_t) n;
                }
        }
        return 0;
}

static bool near(uint64_t got, uint64_t want) {
        return got >= want - want / 100 && got <= want + want / 100;
}

int main(void) {
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(addr);
        const pid_t self = getpid(), gone = 0x3fffffff;
        int lst, cli, srv, udp, pair[2], nl, dup_cli;
        SockReport r = {};
        uint64_t sent = 0, received = 0;

        lst = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(lst >= 0 && bind(lst, (struct sockaddr *) &addr, sizeof(addr)) == 0 && listen(lst, 4) == 0 &&
              getsockname(lst, (struct sockaddr *) &addr, &len) == 0, "listener: %m");
        cli = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(cli >= 0 && connect(cli, (struct sockaddr *) &addr, sizeof(addr)) == 0, "connect: %m");
        srv = accept(lst, NULL, NULL);
        CHECK(srv >= 0, "accept: %m");
        CHECK(pump(cli, srv) == 0, "10 MiB to the server");
        CHECK(pump(srv, cli) == 0, "10 MiB to the client");
        usleep(200 * 1000);     /* the last acknowledgements */
        udp = socket(AF_INET, SOCK_DGRAM, 0);
        CHECK(udp >= 0, "udp: %m");
        CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0, "socketpair: %m");
        nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
        CHECK(nl >= 0, "netlink: %m");
        dup_cli = dup(cli);

        CHECK(sockets_of(&self, 1, &r) == 0, "sockets_of");
        CHECK(count(&r, "ipv4", "tcp", "LISTEN") == 1, "one TCP listener: %" PRIu32,
              count(&r, "ipv4", "tcp", "LISTEN"));
        CHECK(count(&r, "ipv4", "tcp", "ESTAB") == 2, "two TCP ends (the dup counted once): %" PRIu32,
              count(&r, "ipv4", "tcp", "ESTAB"));
        /* Kernels without udp_diag or netlink_diag (this host's may have
         * neither; Debian's loads them on demand): those are "unknown". */
        CHECK(count(&r, "ipv4", "udp", "UNCONN") + count(&r, "netlink", "raw", "UNCONN") +
              count(&r, "unknown", "", "") == 2, "the UDP and netlink sockets, known or not");
        CHECK(count(&r, "unix", "stream", "ESTAB") == 2, "the unix pair: %" PRIu32,
              count(&r, "unix", "stream", "ESTAB"));
        CHECK(r.n_tcp == 2, "two TCP connections listed: %zu", r.n_tcp);
        for (size_t i = 0; i < r.n_tcp; i++) {
                CHECK(near(r.tcp[i].bytes_sent, AMOUNT) && near(r.tcp[i].bytes_received, AMOUNT),
                      "%s -> %s: sent %" PRIu64 ", received %" PRIu64 ", not 10 MiB each within 1%%",
                      r.tcp[i].local, r.tcp[i].peer, r.tcp[i].bytes_sent, r.tcp[i].bytes_received);
                CHECK(strncmp(r.tcp[i].local, "127.0.0.1:", 10) == 0 && strncmp(r.tcp[i].peer, "127.0.0.1:", 10) == 0,
                      "addresses: %s -> %s", r.tcp[i].local, r.tcp[i].peer);
                CHECK(strcmp(r.tcp[i].state, "ESTAB") == 0, "state %s", r.tcp[i].state);
                sent += r.tcp[i].bytes_sent;
                received += r.tcp[i].bytes_received;
        }
        CHECK(r.tcp_bytes_sent == sent && r.tcp_bytes_received == received, "the totals add the connections up");
        sock_report_done(&r);

        /* The same process twice, and one that is gone: the same counts. */
        CHECK(sockets_of((const pid_t[]) { self, gone, self }, 3, &r) == 0, "sockets_of, three pids");
        CHECK(count(&r, "ipv4", "tcp", "ESTAB") == 2 && r.n_tcp == 2, "a process given twice counted once");
        sock_report_done(&r);
        CHECK(sockets_of(&gone, 1, &r) == 0 && r.n_counts == 0 && r.n_tcp == 0, "a process gone: nothing");
        sock_report_done(&r);

        close(dup_cli);
        close(nl);
        close(pair[0]);
        close(pair[1]);
        close(udp);
        close(srv);
        close(cli);
        close(lst);
        if (!failed)
                printf("ok\n");
        return failed ? 1 : 0;
}
