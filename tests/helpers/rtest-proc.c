/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtest-proc: a process the tests drive one step at a time.
 *
 * Reads commands from stdin, one per line, performs each and answers on
 * stdout "ok HEAP FDS" (VmData in bytes from /proc/self/status, and the
 * number of open descriptors),
 * or "err ERRNO". So a test can register the process, set caps, then make
 * it grow exactly as it wants and check what rescap sees.
 *
 * Commands (sizes in bytes):
 *   brk N | sbrk -N    grow or shrink the heap with brk
 *   mmap N             anonymous private RW mapping (kept)
 *   mmap-noreserve N   the same with MAP_NORESERVE, never touched: N bytes of
 *                      VmData at no cost in memory, however large
 *   munmap             unmap the last such mapping
 *   mremap N           grow the last mapping to N bytes
 *   reserve N          PROT_NONE private mapping (not data)
 *   protect-rw         make the last reservation RW (becomes data)
 *   fileview N         read-only private mapping of /proc/self/exe (not data)
 *   shared N           shared anonymous RW mapping (not data)
 *   fixed-rw           map private anonymous RW memory over the last
 *                      mapping, in place (MAP_FIXED): it becomes data
 *   rlimit-valgrind    RLIMIT_DATA soft 0, hard unlimited (the Valgrind
 *                      case may_expand_vm() lets through)
 *   rlimit-as-tight    RLIMIT_AS soft and hard at the current VmSize
 *   tfiles N           a new thread unshares its fd table (CLONE_FILES),
 *                      opens /dev/null N times in it, then sleeps
 *   tfiles-cr N        the same, unsharing with close_range() and
 *                      CLOSE_RANGE_UNSHARE (closing nothing)
 *   getfd N            take a copy of its stdin N times with pidfd_getfd()
 *   uring-open N       open /dev/null N times through io_uring, IOSQE_ASYNC
 *                      (io-wq workers open it); answers "err ERRNO" with
 *                      the first failed open's error. The process and its
 *                      workers share one CPU (IORING_REGISTER_IOWQ_AFF),
 *                      and this thread is SCHED_FIFO, its workers not
 *                      (SCHED_RESET_ON_FORK): when a worker posts its
 *                      completion, this thread runs before it goes on
 *   vfork-open N       vfork a child that opens /dev/null N times and
 *                      exits 0; answers "err ERRNO" if the child failed
 *                      or was killed (EINTR)
 *   seccomp-addfd N    a seccomp supervisor thread puts N descriptors into
 *                      this thread's table (SECCOMP_IOCTL_NOTIF_ADDFD) while
 *                      it waits in a notified syscall (getpgid(0), from
 *                      then on always notified: use once)
 *   personality N      personality(N)
 *   rename HEX         prctl(PR_SET_NAME) to the bytes HEX spells (pairs of
 *                      hex digits, any bytes but 0; the kernel keeps 15)
 *   clone-into N DIR   clone3(CLONE_INTO_CGROUP) a child into the cgroup
 *                      directory DIR that opens /dev/null N times and
 *                      exits 0; errors as vfork-open
 *   touch              write every page of the last mapping
 *   malloc N | free    malloc N bytes (kept), free the last of them
 *   open N             open /dev/null N times
 *   close N            close the N highest fds it opened
 *   dup | dup2 FD | dup3 FD | dupfd MIN
 *   pipe | socketpair | socket | eventfd | memfd
 *   accept             listening unix socket, a connection, the accepted fd
 *   scm                a socketpair, then receive one of its fds over
 *                      SCM_RIGHTS (3 new descriptors in all)
 *   close-range LOW    close_range(LOW, STATUS_FD - 1, 0): all but its own
 *                      status file, kept at STATUS_FD (999)
 *   open-cloexec N     open /dev/null N times with O_CLOEXEC
 *   exec               execve itself again (CLOEXEC descriptors go away)
 *   threads N          start N threads that sleep
 *   thread-open N      a new thread opens /dev/null N times, then ends
 *   thread-mmap N      a new thread maps N bytes, then ends
 *   fork               fork a child that sleeps; answers "ok HEAP FDS CHILD"
 *   exit               exit 0
 *   status             just answer
 */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdatomic.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <signal.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_MAPS 256
#define MAX_FDS 65536

static void *maps[MAX_MAPS];
static size_t map_len[MAX_MAPS];
static int nmaps;
static void *mallocs[MAX_MAPS];
static int nmallocs;
static int fds[MAX_FDS];
static int nfds;

/*
 * Measured without opening anything: the status file stays open from the
 * start, and descriptors are probed with fcntl, so a measure never adds a
 * descriptor that could take the process over an fd cap.
 */
#define STATUS_FD 999
static int status_fd = -1;

static long status_kb(const char *field) {
        char buf[4096], *p;
        ssize_t n;

        n = pread(status_fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
                return -1;
        buf[n] = 0;
        p = strstr(buf, field);
        return p ? strtol(p + strlen(field), NULL, 10) * 1024 : -1;
}

static long vmdata(void) {
        return status_kb("\nVmData:");
}

static int count_fds(void) {
        struct rlimit rl;
        int n = 0;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return -1;
        for (rlim_t fd = 0; fd < rl.rlim_cur; fd++)
                if (fcntl((int) fd, F_GETFD) >= 0)
                        n++;
        return n;
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

static char *self_path;

static void *sleeper(void *arg) {
        (void) arg;
        for (;;)
                pause();
        return NULL;
}

static void *thread_open(void *arg) {
        long n = (long) arg;

        for (long i = 0; i < n; i++)
                keep_fd(open("/dev/null", O_RDONLY));
        return NULL;
}

static void *thread_mmap(void *arg) {
        long n = (long) arg;

        keep_map(mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), n);
        return NULL;
}

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

/* arg: N descriptors to open, negative to unshare with close_range(). */
static void *thread_files(void *arg) {
        long n = (long) arg;
        int r;

        r = n >= 0 ? unshare(CLONE_FILES) :
                     (int) syscall(SYS_close_range, STATUS_FD + 1, ~0U, CLOSE_RANGE_UNSHARE);
        if (n < 0)
                n = -n;
        if (r == 0)
                for (long i = 0; i < n; i++)
                        if (open("/dev/null", O_RDONLY) < 0)
                                break;
        for (;;)
                pause();
        return NULL;
}

static int getfd(long n) {
        int pfd = (int) syscall(SYS_pidfd_open, getpid(), 0);

        if (pfd < 0)
                return -1;
        keep_fd(pfd);
        for (long i = 0; i < n; i++) {
                int fd = (int) syscall(SYS_pidfd_getfd, pfd, 0, 0);

                if (fd < 0)
                        return -1;
                keep_fd(fd);
        }
        return 0;
}

/* io_uring without liburing: one ring, one openat at a time, async. */
static int uring_open(long n) {
        struct io_uring_params p = { 0 };
        unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
        struct io_uring_sqe *sqes;
        struct io_uring_cqe *cqes;
        char *sq, *cq;
        struct sched_param fifo = { .sched_priority = 1 };
        cpu_set_t one;
        int ring;

        CPU_ZERO(&one);
        CPU_SET(sched_getcpu(), &one);
        if (sched_setaffinity(0, sizeof(one), &one) < 0 ||
            sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &fifo) < 0)
                return -1;
        ring = (int) syscall(__NR_io_uring_setup, 4, &p);
        if (ring < 0)
                return -1;
        keep_fd(ring);
        if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_IOWQ_AFF, &one, sizeof(one)) < 0)
                return -1;
        sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
        cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
        sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
        if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
                return -1;
        sq_tail = (unsigned *) (sq + p.sq_off.tail);
        sq_mask = (unsigned *) (sq + p.sq_off.ring_mask);
        sq_array = (unsigned *) (sq + p.sq_off.array);
        cq_head = (unsigned *) (cq + p.cq_off.head);
        cq_tail = (unsigned *) (cq + p.cq_off.tail);
        cq_mask = (unsigned *) (cq + p.cq_off.ring_mask);
        cqes = (struct io_uring_cqe *) (cq + p.cq_off.cqes);
        for (long i = 0; i < n; i++) {
                unsigned tail = *sq_tail, idx = tail & *sq_mask, head;
                struct io_uring_sqe *sqe = &sqes[idx];
                int res;

                memset(sqe, 0, sizeof(*sqe));
                sqe->opcode = IORING_OP_OPENAT;
                sqe->fd = AT_FDCWD;
                sqe->addr = (uint64_t) (uintptr_t) "/dev/null";
                sqe->open_flags = O_RDONLY;
                sqe->flags = IOSQE_ASYNC;
                sq_array[idx] = idx;
                __atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
                if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
                        return -1;
                head = *cq_head;
                if (head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
                        errno = EAGAIN;
                        return -1;
                }
                res = cqes[head & *cq_mask].res;
                __atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
                if (res < 0) {
                        errno = -res;
                        return -1;
                }
                keep_fd(res);
        }
        return 0;
}

static int listener = -1;
static long addfd_n;
static atomic_int addfd_err;

/* The supervisor: one notification, N descriptors added, then the answer. */
static void *supervisor(void *arg) {
        struct seccomp_notif req;
        struct seccomp_notif_resp resp = { 0 };
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

        (void) arg;
        memset(&req, 0, sizeof(req));
        if (null < 0 || ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
                atomic_store(&addfd_err, errno);
                return NULL;
        }
        for (long i = 0; i < addfd_n; i++) {
                struct seccomp_notif_addfd add = { .id = req.id, .srcfd = (uint32_t) null };

                if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0) {
                        atomic_store(&addfd_err, errno);
                        break;
                }
        }
        resp.id = req.id;
        resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        (void) ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
        close(null);
        return NULL;
}

static int seccomp_addfd(long n) {
        struct sock_filter filter[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgid, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };
        pthread_t t;

        if (listener >= 0) {
                errno = EALREADY;
                return -1;
        }
        addfd_n = n;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -1;
        listener = (int) syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
        if (listener < 0)
                return -1;
        keep_fd(listener);
        if (pthread_create(&t, NULL, supervisor, NULL))
                return -1;
        (void) syscall(SYS_getpgid, 0);
        pthread_join(t, NULL);
        if (atomic_load(&addfd_err)) {
                errno = atomic_load(&addfd_err);
                return -1;
        }
        return 0;
}

static char clone_dir[256];

/* rename HEX: the name is bytes a command line could not carry. */
static int rename_hex(const char *hex) {
        static const char digits[] = "0123456789abcdef";
        char name[64] = "";
        size_t len = 0;

        for (; hex[0] && hex[1]; hex += 2) {
                const char *hi = strchr(digits, hex[0]), *lo = strchr(digits, hex[1]);

                if (!hi || !lo || len == sizeof(name) - 1 || (hi == digits && lo == digits))
                        break;
                name[len++] = (char) ((hi - digits) << 4 | (lo - digits));
        }
        if (!len || *hex) {
                errno = EINVAL;
                return -1;
        }
        return prctl(PR_SET_NAME, name, 0, 0, 0);
}

/* A child made by vfork(), or by clone3() into the cgroup clone_dir. */
static int child_open(long n, bool into) {
        void (*old)(int) = signal(SIGCHLD, SIG_DFL);     /* reaped here, not at once */
        struct clone_args args = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
        int status, dir = -1;
        pid_t child;

        if (into) {
                dir = open(clone_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir < 0) {
                        signal(SIGCHLD, old);
                        return -1;
                }
                args.cgroup = (uint64_t) dir;
                child = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
                close(dir);
        } else {
                child = vfork();
        }

        if (child == 0) {
                for (long i = 0; i < n; i++)
                        if (open("/dev/null", O_RDONLY) < 0)
                                _exit(1);
                _exit(0);
        }
        if (child < 0 || waitpid(child, &status, 0) < 0) {
                signal(SIGCHLD, old);
                return -1;
        }
        signal(SIGCHLD, old);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        errno = WIFSIGNALED(status) ? EINTR : EIO;
        return -1;
}

static int in_thread(void *(*fn)(void *), long n) {
        pthread_t t;

        if (pthread_create(&t, NULL, fn, (void *) n))
                return -1;
        return pthread_join(t, NULL) ? -1 : 0;
}

static int do_accept(void) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int l, c, a;

        snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "rtest-%d", getpid());
        l = socket(AF_UNIX, SOCK_STREAM, 0);
        if (l < 0 || bind(l, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(l, 1) < 0)
                return -1;
        c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (c < 0 || connect(c, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return -1;
        a = accept(l, NULL, NULL);
        keep_fd(l);
        keep_fd(c);
        keep_fd(a);
        return a < 0 ? -1 : 0;
}

static int do_scm(void) {
        char data = 'x', cbuf[CMSG_SPACE(sizeof(int))];
        struct iovec iov = { .iov_base = &data, .iov_len = 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
        struct cmsghdr *cm;
        int sv[2], fd;

        if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
                return -1;
        keep_fd(sv[0]);
        keep_fd(sv[1]);
        memset(cbuf, 0, sizeof(cbuf));
        cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &sv[0], sizeof(int));
        if (sendmsg(sv[0], &msg, 0) < 0)
                return -1;
        msg.msg_controllen = sizeof(cbuf);
        if (recvmsg(sv[1], &msg, 0) < 0)
                return -1;
        cm = CMSG_FIRSTHDR(&msg);
        if (!cm || cm->cmsg_type != SCM_RIGHTS) {
                errno = EPROTO;
                return -1;
        }
        memcpy(&fd, CMSG_DATA(cm), sizeof(int));
        keep_fd(fd);
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
        if (!strcmp(cmd, "mmap-noreserve"))
                return keep_map(mmap(NULL, n, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), n);
        if (!strcmp(cmd, "malloc")) {
                if (nmallocs == MAX_MAPS) {
                        errno = ENOSPC;
                        return -1;
                }
                p = malloc(n);
                if (!p)
                        return -1;
                mallocs[nmallocs++] = p;
                return 0;
        }
        if (!strcmp(cmd, "free")) {
                if (!nmallocs) {
                        errno = ENOENT;
                        return -1;
                }
                free(mallocs[--nmallocs]);
                return 0;
        }
        if (!strcmp(cmd, "socket")) {
                fd = socket(AF_UNIX, SOCK_DGRAM, 0);
                if (fd < 0)
                        return -1;
                keep_fd(fd);
                return 0;
        }
        if (!strcmp(cmd, "reserve"))
                return keep_map(mmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), n);
        if (!strcmp(cmd, "shared"))
                return keep_map(mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0), n);
        if (!strcmp(cmd, "rlimit-valgrind")) {
                struct rlimit rl = { .rlim_cur = 0, .rlim_max = RLIM_INFINITY };

                return setrlimit(RLIMIT_DATA, &rl);
        }
        if (!strcmp(cmd, "rlimit-as-tight")) {
                struct rlimit rl;

                rl.rlim_cur = rl.rlim_max = (rlim_t) status_kb("\nVmSize:");
                return setrlimit(RLIMIT_AS, &rl);
        }
        if (!strcmp(cmd, "tfiles") || !strcmp(cmd, "tfiles-cr")) {
                pthread_t t;

                if (pthread_create(&t, NULL, thread_files, (void *) (cmd[6] ? -n : n)))
                        return -1;
                usleep(200000);
                return 0;
        }
        if (!strcmp(cmd, "fileview")) {
                fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return -1;
                p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
                close(fd);
                return keep_map(p, n);
        }
        if (!nmaps && (!strcmp(cmd, "munmap") || !strcmp(cmd, "mremap") || !strcmp(cmd, "fixed-rw") ||
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
        if (!strcmp(cmd, "fixed-rw")) {
                p = mmap(maps[nmaps - 1], map_len[nmaps - 1], PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
                return p == MAP_FAILED ? -1 : 0;
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
        if (!strcmp(cmd, "accept"))
                return do_accept();
        if (!strcmp(cmd, "scm"))
                return do_scm();
        if (!strcmp(cmd, "close-range")) {
                nfds = 0;
                return (int) syscall(SYS_close_range, (unsigned) n, STATUS_FD - 1, 0);
        }
        if (!strcmp(cmd, "open-cloexec")) {
                for (i = 0; i < n; i++) {
                        fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                        if (fd < 0)
                                return -1;
                        keep_fd(fd);
                }
                return 0;
        }
        if (!strcmp(cmd, "exec")) {
                char *argv[] = { self_path, NULL };

                fflush(stdout);
                execv("/proc/self/exe", argv);
                return -1;
        }
        if (!strcmp(cmd, "threads")) {
                pthread_t t;

                for (i = 0; i < n; i++)
                        if (pthread_create(&t, NULL, sleeper, NULL))
                                return -1;
                return 0;
        }
        if (!strcmp(cmd, "getfd"))
                return getfd(n);
        if (!strcmp(cmd, "uring-open"))
                return uring_open(n);
        if (!strcmp(cmd, "vfork-open"))
                return child_open(n, false);
        if (!strcmp(cmd, "personality"))
                return personality((unsigned long) n) < 0 ? -1 : 0;
        if (!strcmp(cmd, "seccomp-addfd"))
                return seccomp_addfd(n);
        if (!strcmp(cmd, "clone-into"))
                return child_open(n, true);
        if (!strcmp(cmd, "thread-open"))
                return in_thread(thread_open, n);
        if (!strcmp(cmd, "thread-mmap"))
                return in_thread(thread_mmap, n);
        errno = EINVAL;
        return -1;
}

int main(int argc, char **argv) {
        char line[256], cmd[64];
        pid_t child;
        long n;

        (void) argc;
        self_path = argv[0];
        status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
        if (status_fd >= 0 && status_fd != STATUS_FD) {
                if (dup3(status_fd, STATUS_FD, O_CLOEXEC) < 0)
                        return 1;
                close(status_fd);
                status_fd = STATUS_FD;
        }
        signal(SIGCHLD, SIG_IGN);       /* children are reaped at once */
        setvbuf(stdout, NULL, _IOLBF, 0);
        printf("ok %ld %d\n", vmdata(), count_fds());
        while (fgets(line, sizeof(line), stdin)) {
                n = 0;
                if (sscanf(line, "%63s %ld %255s", cmd, &n, clone_dir) < 1)
                        continue;
                if (!strcmp(cmd, "rename")) {
                        char hex[130] = "";

                        errno = EINVAL;
                        if (sscanf(line, "%*s %129s", hex) != 1 || rename_hex(hex) < 0)
                                printf("err %d\n", errno);
                        else
                                printf("ok %ld %d\n", vmdata(), count_fds());
                        continue;
                }
                if (!strcmp(cmd, "fork")) {
                        child = fork();
                        if (child == 0) {
                                close(0);
                                close(1);
                                for (;;)
                                        pause();
                        }
                        if (child < 0)
                                printf("err %d\n", errno);
                        else
                                printf("ok %ld %d %d\n", vmdata(), count_fds(), child);
                        continue;
                }
                if (run(cmd, n) < 0)
                        printf("err %d\n", errno);
                else
                        printf("ok %ld %d\n", vmdata(), count_fds());
        }
        return 0;
}
