/* SPDX-License-Identifier: GPL-2.0 */
/* rescapd: the system-wide sample of the monitoring signal, from /proc. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "rescapd-sample.h"

int parse_proc_stat_cpu(const char *text, uint64_t *ret_busy, uint64_t *ret_total) {
        uint64_t v[10] = {};
        const char *p;
        char *end;
        int n = 0;

        if (strncmp(text, "cpu ", 4) != 0)
                return -EINVAL;
        p = text + 4;
        while (n < 10) {
                while (*p == ' ')
                        p++;
                if (!isdigit((unsigned char) *p))
                        break;
                errno = 0;
                v[n++] = strtoull(p, &end, 10);
                if (errno)
                        return -EINVAL;
                p = end;
        }
        if (n < 4)
                return -EINVAL;
        /* user nice system idle iowait irq softirq steal guest guest_nice:
         * guest time is already in user and nice. */
        *ret_total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
        *ret_busy = *ret_total - v[3] - v[4];
        return 0;
}

static int meminfo_field(const char *text, const char *name, uint64_t *ret) {
        size_t len = strlen(name);
        const char *p = text;
        unsigned long long kb;

        while (p && *p) {
                if (strncmp(p, name, len) == 0 && p[len] == ':') {
                        if (sscanf(p + len + 1, " %llu kB", &kb) != 1)
                                return -EINVAL;
                        *ret = (uint64_t) kb * 1024;
                        return 0;
                }
                p = strchr(p, '\n');
                if (p)
                        p++;
        }
        return -ENOENT;
}

int parse_meminfo(const char *text, uint64_t *ret_used, uint64_t *ret_total) {
        uint64_t total, avail;
        int r;

        r = meminfo_field(text, "MemTotal", &total);
        if (r < 0)
                return r;
        r = meminfo_field(text, "MemAvailable", &avail);
        if (r < 0)
                return r;
        *ret_total = total;
        *ret_used = avail < total ? total - avail : 0;
        return 0;
}

int parse_loadavg(const char *text, double ret[3]) {
        return sscanf(text, "%lf %lf %lf", &ret[0], &ret[1], &ret[2]) == 3 ? 0 : -EINVAL;
}

int parse_net_dev(const char *text, uint64_t *ret_rx, uint64_t *ret_tx) {
        uint64_t rx = 0, tx = 0;
        const char *p = text;
        int lines = 0;

        for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
                unsigned long long v[9];
                const char *colon;
                char name[32];
                size_t len;

                if (++lines <= 2)       /* two header lines */
                        continue;
                colon = strchr(p, ':');
                if (!colon)
                        continue;
                while (*p == ' ')
                        p++;
                len = (size_t) (colon - p);
                if (len == 0 || len >= sizeof(name))
                        continue;
                memcpy(name, p, len);
                name[len] = 0;
                if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu",
                           &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) != 9)
                        return -EINVAL;
                if (strcmp(name, "lo") == 0)
                        continue;
                rx += v[0];
                tx += v[8];
        }
        if (lines < 2)
                return -EINVAL;
        *ret_rx = rx;
        *ret_tx = tx;
        return 0;
}

int parse_status_vmdata(const char *text, uint64_t *ret) {
        return meminfo_field(text, "VmData", ret);
}

int parse_status_uid(const char *text, uint32_t *ret) {
        const char *l = strstr(text, "\nUid:");
        unsigned long v;

        if (!l || sscanf(l + 5, "%lu", &v) != 1 || v > UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t) v;
        return 0;
}

void top_insert(TopEntry *top, size_t n, size_t *len, const TopEntry *e) {
        size_t i;

        for (i = 0; i < *len; i++)
                if (e->value > top[i].value || (e->value == top[i].value && e->pid < top[i].pid))
                        break;
        if (i >= n)
                return;
        if (*len < n)
                (*len)++;
        memmove(&top[i + 1], &top[i], (*len - 1 - i) * sizeof(*top));
        top[i] = *e;
}

double cpu_percent(uint64_t busy0, uint64_t total0, uint64_t busy1, uint64_t total1) {
        if (total1 <= total0 || busy1 < busy0)
                return 0.0;
        return 100.0 * (double) (busy1 - busy0) / (double) (total1 - total0);
}

uint64_t rate_per_second(uint64_t v0, uint64_t v1, uint64_t dt_usec) {
        if (v1 < v0 || dt_usec == 0)
                return 0;
        return (uint64_t) ((double) (v1 - v0) * 1e6 / (double) dt_usec);
}

/* Reads a small /proc file whole; returns its length or a negative errno. */
static ssize_t read_text(int dirfd, const char *path, char *buf, size_t size) {
        ssize_t n, total = 0;
        int fd;

        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        while ((size_t) total < size - 1) {
                n = read(fd, buf + total, size - 1 - (size_t) total);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        n = -errno;
                        close(fd);
                        return n;
                }
                if (n == 0)
                        break;
                total += n;
        }
        close(fd);
        buf[total] = 0;
        return total;
}

static uint64_t now_usec(clockid_t clock) {
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

uint64_t thread_cpu_usec(void) {
        return now_usec(CLOCK_THREAD_CPUTIME_ID);
}

void pace_ran(Pace *p, uint64_t now_usec, uint64_t cpu_usec, uint64_t min_gap_usec) {
        uint64_t gap = cpu_usec > UINT64_MAX / PACE_SHARE ? UINT64_MAX : cpu_usec * PACE_SHARE;

        if (gap < min_gap_usec)
                gap = min_gap_usec;
        p->due_usec = now_usec > UINT64_MAX - gap ? UINT64_MAX : now_usec + gap;
}

int tcp_moved(const TcpBytes *prev, size_t n_prev, const TcpBytes *cur, size_t n_cur, TcpMoved **ret,
              size_t *ret_n) {
        TcpMoved *v = calloc(n_cur + 1, sizeof(*v));
        size_t i = 0, n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t k = 0; k < n_cur; k++) {
                uint64_t before = 0;

                while (i < n_prev && prev[i].ino < cur[k].ino)
                        i++;
                if (i < n_prev && prev[i].ino == cur[k].ino)
                        before = prev[i].bytes;
                /* Fewer bytes than before: the inode is a new socket's. */
                if (cur[k].bytes != before)
                        v[n++] = (TcpMoved) { .ino = cur[k].ino,
                                              .bytes = cur[k].bytes > before ? cur[k].bytes - before : cur[k].bytes };
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

TcpMoved *tcp_moved_find(TcpMoved *moved, size_t n, uint64_t ino) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                const size_t mid = lo + (hi - lo) / 2;

                if (moved[mid].ino == ino)
                        return &moved[mid];
                if (moved[mid].ino < ino)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

/* The open fds of a process; with moved sockets (n_moved > 0), also the
 * bytes those of them it holds moved (each socket once). */
static uint64_t scan_fds(int procfd, const char *pid, TcpMoved *moved, size_t n_moved, uint64_t *ret_bytes) {
        const uint32_t self = (uint32_t) strtoul(pid, NULL, 10);
        char path[64];
        struct dirent *de;
        uint64_t n = 0;
        DIR *d;
        int fd;

        snprintf(path, sizeof(path), "%s/fd", pid);
        fd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return 0;
        }
        while ((de = readdir(d))) {
                uint64_t ino;
                TcpMoved *t;

                if (de->d_name[0] == '.')
                        continue;
                n++;
                /* Only a moment with traffic pays a readlink per fd. */
                if (!n_moved || fd_socket_inode(dirfd(d), de->d_name, &ino) <= 0)
                        continue;
                t = tcp_moved_find(moved, n_moved, ino);
                if (t && t->counted_for != self) {
                        t->counted_for = self;
                        *ret_bytes += t->bytes;
                }
        }
        closedir(d);
        return n;
}

/* The open fds of a process: since Linux 6.2 the size of /proc/PID/fd
 * says it without a read of the directory; before, that size is 0. */
static uint64_t count_fds(int procfd, const char *pid) {
        uint64_t unused = 0;
        char path[64];
        struct stat st;

        snprintf(path, sizeof(path), "%s/fd", pid);
        if (fstatat(procfd, path, &st, 0) == 0 && st.st_size > 0)
                return (uint64_t) st.st_size;
        return scan_fds(procfd, pid, NULL, 0, &unused);
}

/* "Name:\tcomm": the kernel writes the name there with its newlines as
 * "\n" and its backslashes as "\\", any other byte as it is. */
void status_comm(const char *text, char *comm, size_t size) {
        const char *p = strncmp(text, "Name:", 5) == 0 ? text + 5 : NULL;
        char raw[64];
        size_t len = 0;

        comm[0] = 0;
        if (!p)
                return;
        while (*p == '\t' || *p == ' ')
                p++;
        for (; *p && *p != '\n' && len < sizeof(raw); p++) {
                if (p[0] == '\\' && (p[1] == 'n' || p[1] == '\\'))
                        raw[len++] = *++p == 'n' ? '\n' : '\\';
                else
                        raw[len++] = *p;
        }
        utf8_escape(comm, size, raw, len, UTF8_ESCAPE_BACKSLASH);
}

static void sample_processes(int procfd, Sample *ret, TcpMoved *moved, size_t n_moved, uint64_t dt_usec) {
        char *buf = malloc(16384);
        struct dirent *de;
        DIR *d;
        int fd;

        if (!buf)
                return;
        fd = dup(procfd);
        d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
                if (fd >= 0)
                        close(fd);
                free(buf);
                return;
        }
        while ((de = readdir(d))) {
                char path[64];
                TopEntry e = {};
                uint64_t heap;
                char *end;
                unsigned long pid;

                if (!isdigit((unsigned char) de->d_name[0]))
                        continue;
                pid = strtoul(de->d_name, &end, 10);
                if (*end || pid > UINT32_MAX)
                        continue;
                snprintf(path, sizeof(path), "%lu/status", pid);
                if (read_text(procfd, path, buf, 16384) < 0)
                        continue;       /* gone meanwhile */
                ret->processes++;
                if (parse_status_vmdata(buf, &heap) < 0)
                        continue;       /* a kernel thread */
                e.pid = (uint32_t) pid;
                (void) parse_status_uid(buf, &e.uid);
                status_comm(buf, e.comm, sizeof(e.comm));
                e.value = heap;
                top_insert(ret->top_heap, SAMPLE_TOP, &ret->n_top_heap, &e);
                uint64_t bytes = 0;

                e.value = n_moved ? scan_fds(procfd, de->d_name, moved, n_moved, &bytes) :
                                    count_fds(procfd, de->d_name);
                top_insert(ret->top_fds, SAMPLE_TOP, &ret->n_top_fds, &e);
                e.value = rate_per_second(0, bytes, dt_usec);
                if (e.value)
                        top_insert(ret->top_net, SAMPLE_TOP, &ret->n_top_net, &e);
        }
        closedir(d);
        free(buf);
}

/* The walk of every process: the count and the top lists, into s->walk. */
static void sample_walk(Sampler *s, int procfd, uint64_t now) {
        const uint64_t cpu0 = thread_cpu_usec();
        const bool first = s->walk_at_usec == 0;
        /* The top talkers: the TCP sockets that moved bytes since the last
         * walk, then whose descriptors hold them (sample_processes()). */
        TcpBytes *tcp = NULL;
        TcpMoved *moved = NULL;
        size_t n_tcp = 0, n_moved = 0;
        const bool had_tcp = !first && s->tcp_valid;

        if (tcp_bytes_all(&tcp, &n_tcp) >= 0) {
                if (had_tcp && tcp_moved(s->tcp, s->n_tcp, tcp, n_tcp, &moved, &n_moved) < 0)
                        n_moved = 0;
                free(s->tcp);
                s->tcp = tcp;
                s->n_tcp = n_tcp;
                s->tcp_valid = true;
        } else
                s->tcp_valid = false;
        s->walk = (Sample) {};
        sample_processes(procfd, &s->walk, moved, n_moved, now - s->walk_at_usec);
        free(moved);
        s->walk_at_usec = now;
        /* A first walk has no rates: the next sample walks again. */
        if (!first)
                pace_ran(&s->walk_pace, now, thread_cpu_usec() - cpu0, 0);
}

int sample_collect(Sampler *s, Sample *ret) {
        uint64_t busy = 0, total = 0, rx = 0, tx = 0, now;
        char *buf;
        int procfd, r = 0;

        *ret = (Sample) {};
        procfd = open(s->proc ?: "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (procfd < 0)
                return -errno;
        buf = malloc(65536);
        if (!buf) {
                close(procfd);
                return -ENOMEM;
        }
        now = now_usec(CLOCK_MONOTONIC);
        ret->timestamp_usec = now_usec(CLOCK_REALTIME);

        if (read_text(procfd, "stat", buf, 65536) < 0 || parse_proc_stat_cpu(buf, &busy, &total) < 0)
                r = -EIO;
        if (read_text(procfd, "meminfo", buf, 65536) < 0 ||
            parse_meminfo(buf, &ret->mem_used, &ret->mem_total) < 0)
                r = -EIO;
        if (read_text(procfd, "loadavg", buf, 65536) < 0 || parse_loadavg(buf, ret->load) < 0)
                r = -EIO;
        /* No network namespace file is no network: rates 0. */
        if (read_text(procfd, "net/dev", buf, 65536) >= 0)
                (void) parse_net_dev(buf, &rx, &tx);

        if (s->valid) {
                ret->cpu_percent = cpu_percent(s->cpu_busy, s->cpu_total, busy, total);
                ret->rx_bps = rate_per_second(s->rx, rx, now - s->at_usec);
                ret->tx_bps = rate_per_second(s->tx, tx, now - s->at_usec);
        }
        s->valid = true;
        s->at_usec = now;
        s->cpu_busy = busy;
        s->cpu_total = total;
        s->rx = rx;
        s->tx = tx;

        if (pace_due(&s->walk_pace, now))
                sample_walk(s, procfd, now);
        ret->processes = s->walk.processes;
        memcpy(ret->top_heap, s->walk.top_heap, sizeof(ret->top_heap));
        ret->n_top_heap = s->walk.n_top_heap;
        memcpy(ret->top_fds, s->walk.top_fds, sizeof(ret->top_fds));
        ret->n_top_fds = s->walk.n_top_fds;
        memcpy(ret->top_net, s->walk.top_net, sizeof(ret->top_net));
        ret->n_top_net = s->walk.n_top_net;
        free(buf);
        close(procfd);
        return r;
}

void sampler_reset(Sampler *s) {
        free(s->tcp);
        s->tcp = NULL;
        s->n_tcp = 0;
        s->tcp_valid = false;
        s->valid = false;
        s->walk_at_usec = 0;
        s->walk_pace = (Pace) {};
}

static void cgroup_usage_dir(int procfd, int dirfd, uint64_t *heap, uint64_t *fds, char *buf, size_t size) {
        struct dirent *de;
        FILE *f;
        DIR *d;
        int fd;

        fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
        f = fd >= 0 ? fdopen(fd, "r") : NULL;
        if (f) {
                unsigned long pid;

                while (fscanf(f, "%lu", &pid) == 1) {
                        char path[64];
                        uint64_t v;

                        snprintf(path, sizeof(path), "%lu/status", pid);
                        if (read_text(procfd, path, buf, size) >= 0 && parse_status_vmdata(buf, &v) >= 0)
                                *heap += v;
                        snprintf(path, sizeof(path), "%lu", pid);
                        *fds += count_fds(procfd, path);
                }
                fclose(f);
        } else if (fd >= 0)
                close(fd);

        fd = dup(dirfd);
        d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        while ((de = readdir(d))) {
                int sub;

                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                        continue;
                sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (sub < 0)
                        continue;
                cgroup_usage_dir(procfd, sub, heap, fds, buf, size);
                close(sub);
        }
        closedir(d);
}

int cgroup_usage(const char *cgroup_dir, uint64_t *ret_heap, uint64_t *ret_fds) {
        int procfd, dirfd;
        char *buf;

        *ret_heap = *ret_fds = 0;
        dirfd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return -errno;
        procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        buf = malloc(16384);
        if (procfd >= 0 && buf)
                cgroup_usage_dir(procfd, dirfd, ret_heap, ret_fds, buf, 16384);
        free(buf);
        if (procfd >= 0)
                close(procfd);
        close(dirfd);
        return 0;
}
