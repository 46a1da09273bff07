/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtest-race: a get of a process by pidfd, while another thread of the
 * caller points the same descriptor number at another process.
 *
 *   rtest-race VICTIM OWN SECONDS
 *
 * Opens pidfds of VICTIM (a process the caller may not inspect) and OWN
 * (one it may), and for SECONDS: one thread dup2()s them in turn onto one
 * number, the other sends get requests naming that number. A reply that
 * names VICTIM is a leak: the kernel checked the permission on one
 * resolution of the descriptor and replied from another.
 *
 * Prints "leak after N gets" and exits 1, or "no leak in N gets (M of own)"
 * and exits 0; exits 2 if it could not run.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kernel-link.h"

#define SLOT 100

static int fd_victim, fd_own;
static atomic_bool stop;

static void *flipper(void *arg) {
        (void) arg;
        while (!atomic_load(&stop)) {
                (void) dup2(fd_victim, SLOT);
                (void) dup2(fd_own, SLOT);
        }
        return NULL;
}

int main(int argc, char **argv) {
        unsigned long gets = 0, own = 0, refused = 0;
        int last_err = 0;
        pid_t victim, mine;
        struct timespec end, now;
        rk_link *l = NULL;
        pthread_t t;
        rk_proc *p;
        int r;

        if (argc != 4) {
                fprintf(stderr, "usage: rtest-race VICTIM OWN SECONDS\n");
                return 2;
        }
        victim = atoi(argv[1]);
        mine = atoi(argv[2]);
        fd_victim = (int) syscall(SYS_pidfd_open, victim, 0);
        fd_own = (int) syscall(SYS_pidfd_open, mine, 0);
        p = calloc(1, sizeof(*p));
        if (fd_victim < 0 || fd_own < 0 || !p || rk_link_open(&l) < 0) {
                perror("rtest-race: setup");
                return 2;
        }
        clock_gettime(CLOCK_MONOTONIC, &end);
        end.tv_sec += atoi(argv[3]);
        if (pthread_create(&t, NULL, flipper, NULL))
                return 2;
        do {
                r = rk_get(l, (rk_target) { .pid = 0, .pidfd = SLOT, .cgroup_fd = -1 }, p);
                gets++;
                if (r == 0 && p->pid == (uint32_t) victim) {
                        atomic_store(&stop, true);
                        printf("leak after %lu gets\n", gets);
                        return 1;
                }
                if (r == 0 && p->pid == (uint32_t) mine)
                        own++;
                else if (r < 0) {
                        refused++;
                        last_err = -r;
                }
                clock_gettime(CLOCK_MONOTONIC, &now);
        } while (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
        atomic_store(&stop, true);
        pthread_join(t, NULL);
        printf("no leak in %lu gets (%lu of own, %lu refused, the last with %s)\n", gets, own, refused,
               last_err ? strerror(last_err) : "none");
        return own ? 0 : 2;
}
