/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sockets of processes (issue 16, part 4): each socket one of their
 * descriptors holds (/proc/PID/fd, "socket:[INODE]"), found in the
 * kernel's socket tables through sock_diag (NETLINK_SOCK_DIAG, what ss
 * reads) and counted by family, type and state; TCP connections with
 * their peers and bytes. Only the caller's network namespace is dumped:
 * a socket of another one (a unit with PrivateNetwork=) counts as family
 * "unknown". A socket shared by several of the processes counts once.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct SockCount {
        const char *family;     /* "ipv4", "ipv6", "unix", "netlink", "unknown" */
        const char *type;       /* "tcp", "udp", "stream", "dgram", "seqpacket", "raw", "" */
        const char *state;      /* as ss names them: "ESTAB", "LISTEN", "UNCONN", ...; "" */
        uint32_t count;
} SockCount;

typedef struct TcpConn {
        char local[64], peer[64];       /* "ADDR:PORT", "[ADDR6]:PORT" */
        const char *state;
        uint64_t bytes_sent;            /* acknowledged by the peer (tcpi_bytes_acked) */
        uint64_t bytes_received;        /* tcpi_bytes_received */
} TcpConn;

typedef struct SockReport {
        SockCount *counts;
        size_t n_counts;
        TcpConn *tcp;
        size_t n_tcp;
        uint64_t tcp_bytes_sent, tcp_bytes_received;    /* over tcp[] */
} SockReport;

/* The socket inode a descriptor's link in /proc/PID/fd (dirfd) names
 * ("socket:[INODE]"): 1 with *ret set, 0 when it is not a socket or is
 * gone. */
int fd_socket_inode(int dirfd, const char *name, uint64_t *ret);

/* The sockets of pids[0..n) (processes gone meanwhile count nothing).
 * 0, or a negative errno: -EACCES when the caller may not read a
 * process's descriptors, -ENOMEM, or sock_diag's. */
int sockets_of(const pid_t *pids, size_t n, SockReport *ret);
void sock_report_done(SockReport *r);

/* A TCP socket's bytes so far: acknowledged by the peer plus received
 * (tcpi_bytes_acked + tcpi_bytes_received). */
typedef struct TcpBytes {
        uint64_t ino;
        uint64_t bytes;
} TcpBytes;

/* Every TCP socket of the caller's network namespace (IPv4 and IPv6)
 * that has moved a byte, sorted by inode: rescapd's top talkers. 0, or a
 * negative errno (-ENOMEM, or sock_diag's). */
int tcp_bytes_all(TcpBytes **ret, size_t *ret_n);
