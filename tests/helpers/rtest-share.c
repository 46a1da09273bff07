// SPDX-License-Identifier: GPL-2.0
/*
 * rtest-share: was the allocation that went over a cap ever granted?
 *
 *   rtest-share heap|fds
 *
 * Starts a second process (the "grower") that shares this one's address
 * space and file table (clone with CLONE_VM | CLONE_FILES, not a thread:
 * its own thread group), prints "pid PID HEAP FDS" (the grower's pid, the
 * shared VmData in bytes and the shared number of open descriptors) and
 * waits for a line on stdin: meanwhile the test registers the grower and
 * caps it. Then the grower makes one allocation:
 *
 *   heap  mmap of 4 MiB, read-write, at a fixed free address (the hint)
 *   fds   fcntl(0, F_DUPFD, 700): the lowest free descriptor from 700
 *
 * This process, which is not tracked and survives a kill of the grower,
 * then looks at what they share and prints one line:
 *
 *   "killed SIG present 0|1"   the grower was killed by SIG
 *   "exited RESULT present 0|1" the grower ended; RESULT is "ok" or the
 *                               errno name of its failed call
 *
 * where present says whether the mapping (mincore on it) or descriptor
 * 700 (fcntl F_GETFD) exists in the shared address space or file table.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define GROW_LEN (4UL << 20)
#define GROW_FD 700
#define STACK_LEN (256UL << 10)

static int heap_mode;
static void *hint;
static volatile int grower_errno;

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
        int n = 0;

        for (int fd = 0; fd < 1024; fd++)
                if (fcntl(fd, F_GETFD) >= 0)
                        n++;
        return n;
}

static int grower(void *arg) {
        int go = *(int *) arg;
        char c;

        /* Wait for the test: a byte on the go pipe. */
        while (read(go, &c, 1) < 0 && errno == EINTR)
                ;
        if (heap_mode) {
                void *p = mmap(hint, GROW_LEN, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

                grower_errno = p == MAP_FAILED ? errno : 0;
        } else {
                grower_errno = fcntl(0, F_DUPFD, GROW_FD) < 0 ? errno : 0;
        }
        return 0;
}

static int present(void) {
        unsigned char vec[GROW_LEN / 4096];

        if (heap_mode)
                return mincore(hint, GROW_LEN, vec) == 0;
        return fcntl(GROW_FD, F_GETFD) >= 0;
}

int main(int argc, char **argv) {
        int go[2], status, arg;
        char *stack, line[64];
        pid_t pid;

        if (argc != 2 || (strcmp(argv[1], "heap") && strcmp(argv[1], "fds"))) {
                fprintf(stderr, "usage: rtest-share heap|fds\n");
                return 2;
        }
        heap_mode = !strcmp(argv[1], "heap");
        setvbuf(stdout, NULL, _IOLBF, 0);
        /* A free place for the mapping: reserve it, then give it back. */
        hint = mmap(NULL, GROW_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        stack = mmap(NULL, STACK_LEN, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (hint == MAP_FAILED || stack == MAP_FAILED || munmap(hint, GROW_LEN) ||
            pipe2(go, O_CLOEXEC)) {
                perror("rtest-share");
                return 1;
        }
        if (!heap_mode && fcntl(GROW_FD, F_GETFD) >= 0) {
                fprintf(stderr, "rtest-share: descriptor %d is open already\n", GROW_FD);
                return 1;
        }
        arg = go[0];
        pid = clone(grower, stack + STACK_LEN, CLONE_VM | CLONE_FILES | SIGCHLD, &arg);
        if (pid < 0) {
                perror("rtest-share: clone");
                return 1;
        }
        printf("pid %d %ld %d\n", pid, vmdata(), count_fds());
        if (!fgets(line, sizeof(line), stdin))
                return 1;
        /* Not a close: the shared table must keep its count. */
        if (write(go[1], "g", 1) != 1)
                return 1;
        if (waitpid(pid, &status, 0) != pid) {
                perror("rtest-share: waitpid");
                return 1;
        }
        if (WIFSIGNALED(status))
                printf("killed %d present %d\n", WTERMSIG(status), present());
        else
                printf("exited %s present %d\n",
                       grower_errno ? strerrorname_np(grower_errno) : "ok", present());
        return 0;
}
