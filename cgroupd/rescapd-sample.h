/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd: the system-wide sample of the monitoring signal, from /proc.
 * The parsers take the text of one /proc file, so tests can feed them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockets.h"
#include "utf8.h"

#define SAMPLE_TOP 5

typedef struct TopEntry {
        uint32_t pid;
        uint32_t uid;                   /* real uid: whose process it is */
        char comm[UTF8_ESCAPED_SIZE(15)];       /* escaped (utf8.h) */
        uint64_t value;
} TopEntry;

typedef struct Sample {
        uint64_t timestamp_usec;        /* CLOCK_REALTIME */
        double cpu_percent;             /* all CPUs, since the previous sample */
        uint64_t mem_used, mem_total;   /* bytes: MemTotal - MemAvailable, MemTotal */
        double load[3];
        uint64_t rx_bps, tx_bps;        /* all interfaces but lo, bytes per second */
        uint32_t processes;
        uint32_t tracked;
        TopEntry top_heap[SAMPLE_TOP], top_fds[SAMPLE_TOP];
        size_t n_top_heap, n_top_fds;
        /* The top talkers: TCP bytes sent (acknowledged) and received per
         * second since the previous sample, over the sockets each process
         * holds (a socket several processes hold counts in each). */
        TopEntry top_net[SAMPLE_TOP];
        size_t n_top_net;
} Sample;

/*
 * Work whose cost grows with the system (the walk of every process, the
 * dump of every tracked one) runs again only once the time since it last
 * ran is PACE_SHARE times the CPU it took then: at most 1/PACE_SHARE of a
 * CPU, whatever the number of processes, and each time when it is cheap.
 */
#define PACE_SHARE 20

typedef struct Pace {
        uint64_t due_usec;              /* CLOCK_MONOTONIC; 0: at once */
} Pace;

static inline bool pace_due(const Pace *p, uint64_t now_usec) {
        return now_usec >= p->due_usec;
}

/* It ran at now_usec and took cpu_usec: due again PACE_SHARE times that
 * later, and not before min_gap_usec. */
void pace_ran(Pace *p, uint64_t now_usec, uint64_t cpu_usec, uint64_t min_gap_usec);
/* The CPU time (user and system) of the calling thread. */
uint64_t thread_cpu_usec(void);

/* The counters a sample needs from the previous one, and the last walk of
 * the processes: between walks (paced), a sample repeats its lists. */
typedef struct Sampler {
        bool valid;
        uint64_t at_usec;               /* CLOCK_MONOTONIC */
        uint64_t cpu_busy, cpu_total;   /* jiffies */
        uint64_t rx, tx;                /* bytes */
        TcpBytes *tcp;                  /* every TCP socket's bytes (tcp_bytes_all()) */
        size_t n_tcp;
        bool tcp_valid;
        uint64_t walk_at_usec;          /* CLOCK_MONOTONIC, of the last walk */
        Pace walk_pace;
        Sample walk;                    /* its counts and top lists */
        const char *proc;               /* "/proc", or a test's copy */
} Sampler;

/* A TCP socket that moved bytes between two samples, and the last
 * process it was counted for (a process holding it twice counts it once). */
typedef struct TcpMoved {
        uint64_t ino;
        uint64_t bytes;
        uint32_t counted_for;
} TcpMoved;

int parse_proc_stat_cpu(const char *text, uint64_t *ret_busy, uint64_t *ret_total);
int parse_meminfo(const char *text, uint64_t *ret_used, uint64_t *ret_total);
int parse_loadavg(const char *text, double ret[3]);
int parse_net_dev(const char *text, uint64_t *ret_rx, uint64_t *ret_tx);
/* VmData of a /proc/PID/status text, in bytes; -ENOENT when it has none
 * (kernel threads). */
int parse_status_vmdata(const char *text, uint64_t *ret);
/* The real uid of a /proc/PID/status text; -EINVAL without one. */
int parse_status_uid(const char *text, uint32_t *ret);

/* The name of a /proc/PID/status text, escaped into valid UTF-8 with its
 * backslashes as "\\" (utf8.h), as the kernel link gives names. */
void status_comm(const char *text, char *comm, size_t size);

/* Keeps the n largest entries in top, largest first (ties: lower pid first). */
void top_insert(TopEntry *top, size_t n, size_t *len, const TopEntry *e);

/* Percent of busy time between two readings, 0 when nothing elapsed. */
double cpu_percent(uint64_t busy0, uint64_t total0, uint64_t busy1, uint64_t total1);
/* Bytes per second between two counter readings dt_usec apart. */
uint64_t rate_per_second(uint64_t v0, uint64_t v1, uint64_t dt_usec);

/* The sockets of cur (sorted by inode, as tcp_bytes_all() gives them)
 * that moved bytes since prev: a socket not in prev moved all of its
 * bytes (it is new since then). *ret is sorted by inode; free() it. */
int tcp_moved(const TcpBytes *prev, size_t n_prev, const TcpBytes *cur, size_t n_cur, TcpMoved **ret,
              size_t *ret_n);

/* The entry of moved (sorted) for a socket inode, or NULL. */
TcpMoved *tcp_moved_find(TcpMoved *moved, size_t n, uint64_t ino);

/* Reads everything but the tracked count; the first sample has cpu and
 * network rates of 0, and no top talkers. The process count and the top
 * lists come from a walk of every process, paced (Pace): a sample between
 * two walks repeats the last one's. The top talkers' rates are over the
 * time between two walks. */
int sample_collect(Sampler *s, Sample *ret);
/* Forgets the previous reading: the next sample is a first one. */
void sampler_reset(Sampler *s);

/* Sum of VmData and of open fds over the processes of a cgroup and its
 * descendants (cgroup_dir: the cgroupfs directory). */
int cgroup_usage(const char *cgroup_dir, uint64_t *ret_heap, uint64_t *ret_fds);
