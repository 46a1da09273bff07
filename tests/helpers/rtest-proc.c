/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtest-proc: a process the tests drive one step at a time.
 *
 * Reads commands from stdin, one per line, performs each and answers on
 * stdout "ok HEAP FDS" (VmData in bytes from /proc/self/status, and the
 * number of entries of /proc/self/fd minus the one used to count them),
 * or "err ERRNO". So a test can register the process, set caps, then make
 * it grow exactly as it wants and check what rescap sees.
 *
 * Commands (sizes in bytes):
 *   brk N | sbrk -N    grow or shrink the heap with brk
 *   mmap N             anonymous private RW mapping (kept)
 *   munmap             unmap the last such mapping
 *   mremap N           grow the last mapping to N bytes
 *   reserve N          PROT_NONE private mapping (not data)
 *   protect-rw         make the last reservation RW (becomes data)
 *   fileview N         read-only private mapping of /proc/self/exe (not data)
 *   touch              write every page of the last mapping
 *   open N             open /dev/null N times
 *   close N            close the N highest fds it opened
 *   dup | dup2 FD | dup3 FD | dupfd MIN
 *   pipe | socketpair | eventfd | memfd
 *   exit               exit 0
 *   status             just answer
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MAPS 256
#define MAX_FDS 65536

static void *maps[MAX_MAPS];
static size_t map_len[MAX_MAPS];
static int nmaps;
static int fds[MAX_FDS];
static int nfds;

static long vmdata(void) {
        char line[256];
        long kb = -1;
        FILE *f = fopen("/proc/self/status", "re");

        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "VmData: %ld kB", &kb) == 1)
                        break;
        fclose(f);
        return kb * 1024;
}

static int count_fds(void) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        int n = 0;

        if (!d)
                return -1;
        while ((e = readdir(d)))
                if (e->d_name[0] != '.')
                        n++;
        closedir(d);
        return n - 1;   /* the directory's own descriptor */
}

static void keep_fd(int fd) {
        if (fd >= 0 && nfds < MAX_FDS)
                fds[nfds++] = fd;
}

static int keep_map(void *p, size_t len) {
        if (p == MAP_FAILED)
                return -1;
        if (nmaps < MAX_MAPS) {
                maps[nmaps] = p;
                map_len[nmaps++] = len;
        }
        return 0;
}

static int run(const char *cmd, long n) {
        int sv[2], fd, i;
        void *p;

        if (!strcmp(cmd, "status"))
                return 0;
        if (!strcmp(cmd, "exit"))
                exit(0);
        if (!strcmp(cmd, "brk"))
                return sbrk(n) == (void *) -1 ? -1 : 0;
        if (!strcmp(cmd, "mmap"))
                return keep_map(mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), n);
        if (!strcmp(cmd, "reserve"))
                return keep_map(mmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), n);
        if (!strcmp(cmd, "fileview")) {
                fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return -1;
                p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
                close(fd);
                return keep_map(p, n);
        }
        if (!nmaps && (!strcmp(cmd, "munmap") || !strcmp(cmd, "mremap") ||
                       !strcmp(cmd, "protect-rw") || !strcmp(cmd, "touch"))) {
                errno = ENOENT;
                return -1;
        }
        if (!strcmp(cmd, "munmap")) {
                nmaps--;
                return munmap(maps[nmaps], map_len[nmaps]);
        }
        if (!strcmp(cmd, "mremap")) {
                p = mremap(maps[nmaps - 1], map_len[nmaps - 1], n, MREMAP_MAYMOVE);
                if (p == MAP_FAILED)
                        return -1;
                maps[nmaps - 1] = p;
                map_len[nmaps - 1] = n;
                return 0;
        }
        if (!strcmp(cmd, "protect-rw"))
                return mprotect(maps[nmaps - 1], map_len[nmaps - 1], PROT_READ | PROT_WRITE);
        if (!strcmp(cmd, "touch")) {
                for (size_t off = 0; off < map_len[nmaps - 1]; off += 4096)
                        ((volatile char *) maps[nmaps - 1])[off] = 1;
                return 0;
        }
        if (!strcmp(cmd, "open")) {
                for (i = 0; i < n; i++) {
                        fd = open("/dev/null", O_RDONLY);
                        if (fd < 0)
                                return -1;
                        keep_fd(fd);
                }
                return 0;
        }
        if (!strcmp(cmd, "close")) {
                for (i = 0; i < n && nfds; i++)
                        close(fds[--nfds]);
                return 0;
        }
        if (!strcmp(cmd, "dup")) {
                fd = dup(0);
                keep_fd(fd);
                return fd < 0 ? -1 : 0;
        }
        if (!strcmp(cmd, "dup2") || !strcmp(cmd, "dup3")) {
                fd = !strcmp(cmd, "dup2") ? dup2(0, (int) n) : dup3(0, (int) n, O_CLOEXEC);
                keep_fd(fd);
                return fd < 0 ? -1 : 0;
        }
        if (!strcmp(cmd, "dupfd")) {
                fd = fcntl(0, F_DUPFD, (int) n);
                keep_fd(fd);
                return fd < 0 ? -1 : 0;
        }
        if (!strcmp(cmd, "pipe") || !strcmp(cmd, "socketpair")) {
                if ((!strcmp(cmd, "pipe") ? pipe(sv) : socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) < 0)
                        return -1;
                keep_fd(sv[0]);
                keep_fd(sv[1]);
                return 0;
        }
        if (!strcmp(cmd, "eventfd")) {
                fd = eventfd(0, 0);
                keep_fd(fd);
                return fd < 0 ? -1 : 0;
        }
        if (!strcmp(cmd, "memfd")) {
                fd = memfd_create("rtest", 0);
                keep_fd(fd);
                return fd < 0 ? -1 : 0;
        }
        errno = EINVAL;
        return -1;
}

int main(void) {
        char line[256], cmd[64];
        long n;

        setvbuf(stdout, NULL, _IOLBF, 0);
        printf("ok %ld %d\n", vmdata(), count_fds());
        while (fgets(line, sizeof(line), stdin)) {
                n = 0;
                if (sscanf(line, "%63s %ld", cmd, &n) < 1)
                        continue;
                if (run(cmd, n) < 0)
                        printf("err %d\n", errno);
                else
                        printf("ok %ld %d\n", vmdata(), count_fds());
        }
        return 0;
}
