// SPDX-License-Identifier: GPL-2.0
/*
 * rtest-dbus-fuzz: random and malformed calls to rescapd on the system bus.
 *
 *   rtest-dbus-fuzz --list
 *   rtest-dbus-fuzz --seed S --count N --errors org.rescap1.5
 *                   [--pids P,P,...] [--units U,U,...] [--rss no]
 *
 * --list prints the methods and properties of the table below, one a line
 * ("method IFACE NAME IN OUT", "property IFACE NAME TYPE ACCESS"); a host
 * test compares it with dbus/org.rescap1.xml, so a new member cannot be
 * left out of the fuzzing silently.
 *
 * A run sends N calls, each drawn from a PRNG seeded with S (both printed
 * first: a failure is reproduced with the same seed, count, pools and
 * caller): every method of org.rescap1.Manager with random values of the
 * right types, with wrong signatures (an argument missing, one too many,
 * one of a wrong type, a random signature), Properties Get, Set and GetAll
 * on /org/rescap1 and on unit objects, Introspect and Peer on known and
 * random object paths, unknown members and interfaces, each with the
 * ALLOW_INTERACTIVE_AUTHORIZATION flag on or off at random. Every answer
 * must be a method return whose signature is the documented one or an
 * error whose name org.rescap1(5) documents (parsed from the man page's
 * ERRORS section) or that is a standard org.freedesktop.DBus.Error; no
 * call may time out. rescapd must keep its pid, its VmRSS at the end must
 * be within 10% of the VmRSS after call 1,000, and valid calls must still
 * work at the end.
 *
 * Target pools: --pids are sacrificial processes the test started (sleep),
 * --units units it created for the run; only they get caps that could act
 * on a process (a small cap, Force). Every other pid (0, 1, our own,
 * rescapd's, random ones, INT32_MAX + 1, UINT32_MAX) and every other group
 * string (unknown units, "..", random text, -.slice, system.slice) gets
 * only caps no process reaches (0, invalid, 2^40 and more, none), so the
 * run cannot kill PID 1, itself, rescapd or anything else of the system.
 *
 * Exit status 0 when every check held, 1 otherwise; each failure is a
 * "FAIL call N: ..." line.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#define DEST "org.rescap1"
#define MGR_PATH "/org/rescap1"
#define MGR_IFACE "org.rescap1.Manager"
#define UNIT_IFACE "org.rescap1.Unit"
#define UNIT_PREFIX "/org/rescap1/unit"
#define CALL_TIMEOUT_USEC (60ULL * 1000000ULL)

/* In-argument kinds: p pid, f flags, H heap cap, N fd cap, o options
 * a{sv}, g group string, d pidfd. */
struct method {
        const char *name;
        const char *in;
        const char *out;
        const char *kinds;
};

static const struct method methods[] = {
        { "Register",              "ut",     "",                  "pf"  },
        { "RegisterPIDFD",         "ht",     "",                  "df"  },
        { "RegisterWithOptions",   "uta{sv}", "",                 "pfo" },
        { "Deregister",            "u",      "",                  "p"   },
        { "Fetch",                 "u",      "ussubtttttttsutss", "p"   },
        { "SetCap",                "utt",    "",                  "pHN" },
        { "SetCapWithOptions",     "ua{sv}", "",                  "po"  },
        { "Reset",                 "u",      "",                  "p"   },
        { "List",                  "",       "a(usuttttsss)",     ""    },
        { "Subscribe",             "",       "",                  ""    },
        { "Unsubscribe",           "",       "",                  ""    },
        { "GetUnit",               "s",      "o",                 "g"   },
        { "ListUnits",             "",       "a(ssott)",          ""    },
        { "SetUnitCap",            "stt",    "",                  "gHN" },
        { "SetUnitCapWithOptions", "sa{sv}", "",                  "go"  },
        { "ResetUnit",             "s",      "",                  "g"   },
        { "GetCounters",           "",       "a(ssssst)",         ""    },
        { "GetUnitConfig",         "s",      "sas",               "g"   },
        { "GetSockets",            "u",      "a(sssu)a(ssstt)",   "p"   },
        { "GetUnitSockets",        "s",      "a(sssu)a(ssstt)",   "g"   },
};

struct property {
        const char *iface;
        const char *name;
        const char *type;
        bool writable;
};

static const struct property properties[] = {
        { MGR_IFACE,  "Version",            "s", false },
        { MGR_IFACE,  "Backend",            "s", false },
        { MGR_IFACE,  "Tracked",            "u", false },
        { MGR_IFACE,  "Kills",              "t", false },
        { MGR_IFACE,  "LostEvents",         "t", false },
        { MGR_IFACE,  "SampleIntervalUSec", "t", true  },
        { UNIT_IFACE, "Id",                 "s", false },
        { UNIT_IFACE, "ControlGroup",       "s", false },
        { UNIT_IFACE, "HeapMax",            "t", true  },
        { UNIT_IFACE, "FDMax",              "t", true  },
        { UNIT_IFACE, "Action",             "s", false },
        { UNIT_IFACE, "SoftPercent",        "u", false },
        { UNIT_IFACE, "HeapCurrent",        "t", false },
        { UNIT_IFACE, "FDCurrent",          "t", false },
        { UNIT_IFACE, "Kills",              "t", false },
};

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- PRNG: splitmix64, reproducible from the seed ---- */
static uint64_t rng_state;

static uint64_t rnd(void) {
        uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n) {
        return n ? (unsigned) (rnd() % n) : 0;
}

static bool chance(unsigned percent) {
        return rnd_below(100) < percent;
}

/* ---- state of the run ---- */
static sd_bus *bus;
static unsigned long call_no;
static unsigned failures;
static uint32_t pool_pids[64];
static unsigned n_pool_pids;
static char *pool_units[16];
static unsigned n_pool_units;
static uint32_t own_pid, daemon_pid;
static char *documented_errors[64];
static unsigned n_documented_errors;
static int devnull_fd = -1;
static unsigned long n_returns, n_errors;
static char *xstrdup(const char *s);
static bool check_rss = true;
/* The slowest answer, and how many took a second or more. */
static double slowest;
static char slowest_what[160];
static unsigned long n_slow;

static double now_sec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
static bool registering;

/* How often each error name came back, for the summary. */
static struct {
        char *name;
        unsigned long n;
} error_counts[64];

static void count_error(const char *name) {
        unsigned i;

        for (i = 0; i < ELEMENTSOF(error_counts) && error_counts[i].name; i++)
                if (strcmp(error_counts[i].name, name) == 0)
                        break;
        if (i == ELEMENTSOF(error_counts))
                return;
        if (!error_counts[i].name)
                error_counts[i].name = xstrdup(name);
        error_counts[i].n++;
}

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void failf(const char *fmt, ...) {
        va_list ap;

        printf("FAIL call %lu: ", call_no);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        fflush(stdout);
        failures++;
}

/* ---- value generators ---- */

/* A pid: from the pool (sacrificial, *pool set) or one of the others. */
static uint32_t gen_pid(bool *pool) {
        *pool = false;
        if (n_pool_pids > 0 && chance(45)) {
                *pool = true;
                return pool_pids[rnd_below(n_pool_pids)];
        }
        switch (rnd_below(8)) {
        case 0: return 0;
        case 1: return 1;
        /* Never registers itself: a tracked caller can change nothing
         * (the kernel's rule, tests/e2e/dbus/caller.t), and the fuzzer
         * must go on changing things. */
        case 2: return registering ? daemon_pid : own_pid;
        case 3: return daemon_pid;     /* Register: NotTrackable */
        case 4: return (uint32_t) INT32_MAX + 1;
        case 5: return UINT32_MAX;
        case 6: return 4194304 + rnd_below(1 << 20);   /* above pid_max */
        default: return (uint32_t) rnd();
        }
}

/* A cap: any value for a pool target; for others only values no process
 * reaches (0 and out-of-range values are refused, 2^40 and more is never
 * reached here, UINT64_MAX is none). */
static uint64_t gen_cap(bool pool, bool fds) {
        if (pool)
                switch (rnd_below(8)) {
                case 0: return 1;
                case 1: return rnd_below(4096);
                case 2: return fds ? rnd_below(1 << 16) : rnd() % (UINT64_C(1) << 32);
                case 3: return rnd();
                default: break;
                }
        switch (rnd_below(7)) {
        case 0: return 0;
        case 1: return UINT64_MAX;
        case 2: return UINT64_MAX - 1;
        case 3: return fds ? (UINT64_C(1) << 20) + rnd_below(1 << 20) : (UINT64_C(1) << 40) + (rnd() >> 30);
        case 4: return fds ? (uint64_t) INT_MAX + 1 : (UINT64_C(1) << 57) + 1;
        case 5: return fds ? (uint64_t) INT_MAX : UINT64_C(1) << 57;
        default: return (UINT64_C(1) << 40) | rnd();
        }
}

static uint64_t gen_flags(void) {
        switch (rnd_below(5)) {
        case 0: case 1: return 0;
        case 2: return 1;
        case 3: return UINT64_C(1) << rnd_below(64);
        default: return rnd();
        }
}

/* Random text, valid UTF-8 (sd-bus refuses to send anything else):
 * code points of 1 to 4 bytes, no NUL, no surrogates. */
static char *gen_utf8(size_t max_len) {
        size_t n = rnd_below((unsigned) max_len) + 1, len = 0;
        char *s = malloc(n * 4 + 1);

        if (!s)
                abort();
        for (size_t i = 0; i < n; i++) {
                uint32_t c;

                switch (rnd_below(4)) {
                case 0: c = 1 + rnd_below(0x7f); break;
                case 1: c = 0x80 + rnd_below(0x800 - 0x80); break;
                case 2: c = 0x800 + rnd_below(0x10000 - 0x800);
                        if (c >= 0xd800 && c <= 0xdfff)
                                c = 'x';
                        break;
                default: c = 0x10000 + rnd_below(0x110000 - 0x10000); break;
                }
                if (c < 0x80)
                        s[len++] = (char) c;
                else if (c < 0x800) {
                        s[len++] = (char) (0xc0 | (c >> 6));
                        s[len++] = (char) (0x80 | (c & 0x3f));
                } else if (c < 0x10000) {
                        s[len++] = (char) (0xe0 | (c >> 12));
                        s[len++] = (char) (0x80 | ((c >> 6) & 0x3f));
                        s[len++] = (char) (0x80 | (c & 0x3f));
                } else {
                        s[len++] = (char) (0xf0 | (c >> 18));
                        s[len++] = (char) (0x80 | ((c >> 12) & 0x3f));
                        s[len++] = (char) (0x80 | ((c >> 6) & 0x3f));
                        s[len++] = (char) (0x80 | (c & 0x3f));
                }
        }
        s[len] = 0;
        return s;
}

static char *xstrdup(const char *s) {
        char *d = strdup(s);

        if (!d)
                abort();
        return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        va_end(ap);
        return s;
}

static char *gen_long(void) {
        size_t n = 64 * 1024;
        char *s = malloc(n + 1);

        if (!s)
                abort();
        for (size_t i = 0; i < n; i++)
                s[i] = (i % 64 == 63) ? '/' : 'a' + (char) rnd_below(26);
        s[n] = 0;
        return s;
}

/* A group string (unit name or cgroup path); *pool when it names one of
 * the test's own units. */
static char *gen_group(bool *pool) {
        const char *u = n_pool_units ? pool_units[rnd_below(n_pool_units)] : "fuzz-none.service";

        *pool = false;
        if (n_pool_units > 0 && chance(40)) {
                *pool = true;
                if (chance(60))
                        return xstrdup(u);
                return xasprintf("/system.slice/%s", u);
        }
        switch (rnd_below(14)) {
        case 0: return xstrdup("");
        case 1: return gen_long();
        case 2: return xasprintf("nonexistent-%u.service", rnd_below(100000));
        case 3: return xasprintf("/system.slice/nonexistent-%u.service", rnd_below(100000));
        case 4: return xasprintf("/system.slice/%s/..", u);
        case 5: return xasprintf("/system.slice/%s/../../system.slice/%s", u, u);
        case 6: return xasprintf("../../%s", u);
        case 7: return xstrdup("../../../etc/passwd");
        case 8: return xasprintf("%s/..", u);
        case 9: return xstrdup(chance(50) ? "-.slice" : "system.slice");
        case 10: return xasprintf("fuzz-%u.%s", rnd_below(100), chance(50) ? "scope" : "socket");
        case 11: return xasprintf("/nonexistent/%u", rnd_below(100000));
        default: return gen_utf8(40);
        }
}

/* An object path to call; *pool when it is a unit object of the test's. */
static char *gen_object_path(bool *pool) {
        const char *u = n_pool_units ? pool_units[rnd_below(n_pool_units)] : "fuzz-none.service";
        char *p = NULL;

        *pool = false;
        switch (rnd_below(12)) {
        case 0: return xstrdup("/");
        case 1: case 2: return xstrdup(MGR_PATH);
        case 3: return xstrdup(UNIT_PREFIX);
        case 4: return xasprintf(UNIT_PREFIX "/nonexistent_%u_2eservice", rnd_below(1000));
        case 5: return xasprintf("/org/rescap1/x%u/y", rnd_below(1000));
        case 6: return xstrdup("/org/freedesktop/DBus");
        case 7:
                if (sd_bus_path_encode(UNIT_PREFIX, chance(50) ? "-.slice" : "system.slice", &p) < 0)
                        abort();
                return p;
        default:
                if (sd_bus_path_encode(UNIT_PREFIX, u, &p) < 0)
                        abort();
                *pool = n_pool_units > 0;
                return p;
        }
}

static char *gen_string(void) {
        bool pool;

        switch (rnd_below(4)) {
        case 0: return gen_utf8(32);
        case 1: return xstrdup("");
        default: return gen_group(&pool);   /* never used as a group */
        }
}

/* Appends one random value of a random complete type; returns false when
 * sd-bus refused it (then the message is dropped). */
static const char *const random_types[] = {
        "y", "b", "n", "q", "i", "u", "x", "t", "d", "s", "o", "g", "h",
        "as", "a{sv}", "v", "(us)", "ay", "a{ss}",
};

static int append_random(sd_bus_message *m, const char *type, unsigned depth);

static int append_basic_random(sd_bus_message *m, char t) {
        union {
                uint8_t y; int b; int16_t n; uint16_t q; int32_t i; uint32_t u;
                int64_t x; uint64_t t; double d;
        } v;
        char *s = NULL;
        int r;

        v.t = rnd();
        switch (t) {
        case 'b': v.b = (int) rnd_below(2); break;
        case 'u': { bool pool; v.u = gen_pid(&pool); break; }
        case 't': v.t = gen_cap(false, chance(50)); break;
        case 'd': v.d = (double) (int64_t) rnd() / 1e6; break;
        case 's': s = gen_string(); break;
        case 'o': { bool pool; s = gen_object_path(&pool); break; }
        case 'g': s = xstrdup(random_types[rnd_below(ELEMENTSOF(random_types))]);
                  if (strlen(s) > 1 && s[0] != 'a' && s[0] != '(')
                          s[1] = 0;
                  break;
        case 'h': v.i = devnull_fd; break;
        default: break;
        }
        if (s)
                r = sd_bus_message_append_basic(m, t, s);
        else
                r = sd_bus_message_append_basic(m, t, &v);
        free(s);
        return r;
}

static int append_random(sd_bus_message *m, const char *type, unsigned depth) {
        int r;

        if (!type[1] && type[0] != 'v')
                return append_basic_random(m, type[0]);
        if (strcmp(type, "v") == 0) {
                const char *inner = random_types[rnd_below(ELEMENTSOF(random_types))];

                if (depth > 3)
                        inner = "u";
                r = sd_bus_message_open_container(m, 'v', inner);
                if (r < 0)
                        return r;
                r = append_random(m, inner, depth + 1);
                if (r < 0)
                        return r;
                return sd_bus_message_close_container(m);
        }
        if (strcmp(type, "(us)") == 0) {
                r = sd_bus_message_open_container(m, 'r', "us");
                if (r >= 0)
                        r = append_basic_random(m, 'u');
                if (r >= 0)
                        r = append_basic_random(m, 's');
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                return r;
        }
        if (type[0] == 'a') {
                unsigned n = rnd_below(4);

                r = sd_bus_message_open_container(m, 'a', type + 1);
                for (unsigned i = 0; r >= 0 && i < n; i++) {
                        if (type[1] == '{') {
                                r = sd_bus_message_open_container(m, 'e', type[3] == 'v' ? "sv" : "ss");
                                if (r >= 0)
                                        r = append_basic_random(m, 's');
                                if (r >= 0)
                                        r = append_random(m, type[3] == 'v' ? "v" : "s", depth + 1);
                                if (r >= 0)
                                        r = sd_bus_message_close_container(m);
                        } else
                                r = append_random(m, type + 1, depth + 1);
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                return r;
        }
        return -EINVAL;
}

/* The options of SetCapWithOptions and friends: known keys with the right
 * type or a wrong one, unknown keys, duplicates (keys drawn with
 * replacement). */
static int append_options(sd_bus_message *m, bool pool) {
        static const char *const keys[] = { "HeapMax", "FDMax", "Action", "SoftPercent", "Force", "Runtime" };
        unsigned n = rnd_below(7);
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        for (unsigned i = 0; r >= 0 && i < n; i++) {
                unsigned k = rnd_below(ELEMENTSOF(keys) + 2);
                char *key = k < ELEMENTSOF(keys) ? xstrdup(keys[k]) : k == ELEMENTSOF(keys) ? gen_utf8(12) : xstrdup("");

                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append_basic(m, 's', key);
                if (r >= 0) {
                        if (k >= ELEMENTSOF(keys) || chance(20))
                                r = append_random(m, "v", 1);
                        else if (k <= 1)
                                r = sd_bus_message_append(m, "v", "t", gen_cap(pool, k == 1));
                        else if (k == 2) {
                                static const char *const actions[] = { "kill", "deny", "notify", "", "KILL", "stop" };

                                r = sd_bus_message_append(m, "v", "s", actions[rnd_below(ELEMENTSOF(actions))]);
                        } else if (k == 3) {
                                static const uint32_t pcts[] = { 0, 1, 50, 99, 100, 150, UINT32_MAX };

                                r = sd_bus_message_append(m, "v", "u", pcts[rnd_below(ELEMENTSOF(pcts))]);
                        } else
                                r = sd_bus_message_append(m, "v", "b", (int) rnd_below(2));
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                free(key);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int pidfd_open_(uint32_t pid) {
        return (int) syscall(SYS_pidfd_open, (pid_t) pid, 0);
}

/* The right arguments of a method, random values. */
static int append_right_args(sd_bus_message *m, const struct method *me) {
        bool pool = false;
        int r = 0;

        for (const char *k = me->kinds; r >= 0 && *k; k++)
                switch (*k) {
                case 'p': r = sd_bus_message_append(m, "u", gen_pid(&pool)); break;
                case 'f': r = sd_bus_message_append(m, "t", gen_flags()); break;
                case 'H': r = sd_bus_message_append(m, "t", gen_cap(pool, false)); break;
                case 'N': r = sd_bus_message_append(m, "t", gen_cap(pool, true)); break;
                case 'o': r = append_options(m, pool); break;
                case 'g': {
                        char *g = gen_group(&pool);

                        r = sd_bus_message_append(m, "s", g);
                        free(g);
                        break;
                }
                case 'd': {
                        uint32_t pid;
                        int fd;

                        switch (rnd_below(4)) {
                        case 0: pid = 1; break;
                        case 1: pid = registering ? daemon_pid : own_pid; break;
                        default: pid = n_pool_pids ? pool_pids[rnd_below(n_pool_pids)] : daemon_pid; break;
                        }
                        fd = chance(20) ? -1 : pidfd_open_(pid);
                        r = sd_bus_message_append(m, "h", fd >= 0 ? fd : devnull_fd);
                        if (fd >= 0)
                                close(fd);
                        break;
                }
                }
        return r;
}

/* ---- checks ---- */

static bool documented(const char *name) {
        if (strncmp(name, "org.freedesktop.DBus.Error.", 27) == 0)
                return strcmp(name, SD_BUS_ERROR_NO_REPLY) != 0 &&
                       strcmp(name, SD_BUS_ERROR_TIMEOUT) != 0 &&
                       strcmp(name, SD_BUS_ERROR_SERVICE_UNKNOWN) != 0 &&
                       strcmp(name, SD_BUS_ERROR_NAME_HAS_NO_OWNER) != 0 &&
                       strcmp(name, SD_BUS_ERROR_DISCONNECTED) != 0;
        for (unsigned i = 0; i < n_documented_errors; i++)
                if (strcmp(name, documented_errors[i]) == 0)
                        return true;
        return false;
}

static const char *strna_(const char *s) {
        return s ? s : "n/a";
}

/* Sends m and checks the answer: a return with signature want (NULL: no
 * return is acceptable; for Properties.Get want is "v" and vtype the type
 * of the value, or NULL when any type will do), or a documented error. */
static void call_check(sd_bus_message *m, const char *what, const char *want, const char *vtype) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        double t = now_sec();
        int r;


        r = sd_bus_call(bus, m, CALL_TIMEOUT_USEC, &error, &reply);
        t = now_sec() - t;
        if (t >= 1.0)
                n_slow++;
        if (t > slowest) {
                slowest = t;
                snprintf(slowest_what, sizeof(slowest_what), "call %lu, %s", call_no, what);
        }
        if (r < 0) {
                n_errors++;
                count_error(error.name ? error.name : "(local)");
                if (!error.name)
                        failf("%s: local failure %s", what, strerror(-r));
                else if (!documented(error.name))
                        failf("%s: undocumented error %s: %.200s", what, error.name, strna_(error.message));
        } else {
                const char *sig = sd_bus_message_get_signature(reply, true);

                n_returns++;
                if (!want)
                        failf("%s: a return (signature '%s') where an error was due", what, sig);
                else if (strcmp(sig, want) != 0)
                        failf("%s: return signature '%s', documented '%s'", what, sig, want);
                else if (vtype) {
                        const char *contents = NULL;
                        char type;

                        r = sd_bus_message_peek_type(reply, &type, &contents);
                        if (r <= 0 || type != 'v' || !contents || strcmp(contents, vtype) != 0)
                                failf("%s: value of type '%s', documented '%s'", what, contents ? contents : "?", vtype);
                }
        }
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        sd_bus_message_unref(m);
}

/* ---- call shapes ---- */

static sd_bus_message *new_call(const char *path, const char *iface, const char *member) {
        sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, DEST, path, iface, member);
        if (r < 0) {
                fprintf(stderr, "new call %s %s.%s: %s\n", path, iface, member, strerror(-r));
                exit(2);
        }
        (void) sd_bus_message_set_allow_interactive_authorization(m, chance(50));
        return m;
}

/* Splits a signature into its complete types (at most 8). */
static unsigned split_sig(const char *sig, char types[8][32]) {
        unsigned n = 0;

        while (*sig && n < 8) {
                const char *start = sig;
                int depth = 0;

                do {
                        if (*sig == '(' || *sig == '{')
                                depth++;
                        else if (*sig == ')' || *sig == '}')
                                depth--;
                        sig++;
                } while (*sig && (depth > 0 || sig[-1] == 'a'));
                snprintf(types[n++], 32, "%.*s", (int) (sig - start), start);
        }
        return n;
}

static void call_method_right(void) {
        const struct method *me = &methods[rnd_below(ELEMENTSOF(methods))];
        sd_bus_message *m = new_call(MGR_PATH, MGR_IFACE, me->name);
        int r;

        registering = strncmp(me->name, "Register", 8) == 0;
        r = append_right_args(m, me);
        registering = false;
        if (r < 0) {
                sd_bus_message_unref(m);
                return;
        }
        call_check(m, me->name, me->out, NULL);
}

static void call_method_wrong(void) {
        const struct method *me = &methods[rnd_below(ELEMENTSOF(methods))];
        char types[9][32], sig[256] = "", what[300];
        unsigned n = split_sig(me->in, types);
        sd_bus_message *m;
        int r = 0;

        switch (rnd_below(4)) {
        case 0:         /* one missing */
                if (n > 0) {
                        unsigned k = rnd_below(n);

                        memmove(types[k], types[k + 1], (n - k - 1) * sizeof(types[0]));
                        n--;
                        break;
                }
                /* fall through */
        case 1:         /* one too many */
                snprintf(types[n++], 32, "%s", random_types[rnd_below(ELEMENTSOF(random_types))]);
                break;
        case 2:         /* one of a wrong type */
                if (n > 0) {
                        snprintf(types[rnd_below(n)], 32, "%s", random_types[rnd_below(ELEMENTSOF(random_types))]);
                        break;
                }
                /* fall through */
        default:        /* a random signature */
                n = rnd_below(5);
                for (unsigned i = 0; i < n; i++)
                        snprintf(types[i], 32, "%s", random_types[rnd_below(ELEMENTSOF(random_types))]);
                break;
        }
        m = new_call(MGR_PATH, MGR_IFACE, me->name);
        registering = strncmp(me->name, "Register", 8) == 0;
        for (unsigned i = 0; i < n; i++) {
                strcat(sig, types[i]);
                if (r >= 0)
                        r = append_random(m, types[i], 0);
        }
        registering = false;
        if (r < 0) {
                sd_bus_message_unref(m);
                return;
        }
        snprintf(what, sizeof(what), "%s with signature '%s'", me->name, sig);
        /* A wrong signature must be refused; the right one drawn by chance
         * may be answered. */
        call_check(m, what, strcmp(sig, me->in) == 0 ? me->out : NULL, NULL);
}

static const struct property *find_property(const char *iface, const char *name) {
        for (unsigned i = 0; i < ELEMENTSOF(properties); i++)
                if (strcmp(properties[i].iface, iface) == 0 && strcmp(properties[i].name, name) == 0)
                        return &properties[i];
        return NULL;
}

static void call_properties(void) {
        static const char *const ifaces[] = { MGR_IFACE, UNIT_IFACE, "org.rescap1.Nope", "" };
        bool pool, known_iface;
        char *path = gen_object_path(&pool), *name, what[512];
        const char *iface;
        const struct property *pr;
        sd_bus_message *m;
        unsigned op = rnd_below(10);
        int r;

        if (chance(70))
                iface = strncmp(path, UNIT_PREFIX "/", strlen(UNIT_PREFIX) + 1) == 0 ? UNIT_IFACE : MGR_IFACE;
        else
                iface = ifaces[rnd_below(ELEMENTSOF(ifaces))];
        known_iface = strcmp(iface, MGR_IFACE) == 0 || strcmp(iface, UNIT_IFACE) == 0;

        if (op < 2) {
                m = new_call(path, "org.freedesktop.DBus.Properties", "GetAll");
                r = sd_bus_message_append(m, "s", iface);
                snprintf(what, sizeof(what), "GetAll %s on %.200s", iface, path);
                if (r >= 0)
                        call_check(m, what, "a{sv}", NULL);
                else
                        sd_bus_message_unref(m);
                free(path);
                return;
        }
        /* A property of the table (any interface's) or an unknown one. */
        if (chance(85))
                name = xstrdup(properties[rnd_below(ELEMENTSOF(properties))].name);
        else
                name = chance(50) ? gen_utf8(20) : xstrdup("heapmax");
        pr = find_property(iface, name);

        if (op < 6) {
                m = new_call(path, "org.freedesktop.DBus.Properties", "Get");
                r = sd_bus_message_append(m, "ss", iface, name);
                snprintf(what, sizeof(what), "Get %s.%.100s on %.200s", iface, name, path);
                if (r >= 0)
                        call_check(m, what, pr || !known_iface ? "v" : NULL, pr ? pr->type : NULL);
                else
                        sd_bus_message_unref(m);
        } else {
                bool right = pr && chance(75);

                m = new_call(path, "org.freedesktop.DBus.Properties", "Set");
                r = sd_bus_message_append(m, "ss", iface, name);
                if (r >= 0 && right && strcmp(name, "SampleIntervalUSec") == 0) {
                        static const uint64_t v[] = { 0, 99999, 100000, 1000000, 3600000000, 3600000001, UINT64_MAX };

                        r = sd_bus_message_append(m, "v", "t", v[rnd_below(ELEMENTSOF(v))]);
                } else if (r >= 0 && right && pr->type[0] == 't')
                        r = sd_bus_message_append(m, "v", "t", gen_cap(pool, strcmp(name, "FDMax") == 0));
                else if (r >= 0 && right && pr->type[0] == 's')
                        r = sd_bus_message_append(m, "v", "s", "x");
                else if (r >= 0 && right)
                        r = sd_bus_message_append(m, "v", "u", (uint32_t) rnd());
                else if (r >= 0)
                        r = append_random(m, "v", 1);
                snprintf(what, sizeof(what), "Set %s.%.100s on %.200s", iface, name, path);
                if (r >= 0)
                        /* Set of a writable property of the table with a
                         * value of its type may succeed, nothing else. */
                        call_check(m, what, pr && pr->writable && right ? "" : !known_iface ? "" : NULL, NULL);
                else
                        sd_bus_message_unref(m);
        }
        free(name);
        free(path);
}

static void call_misc(void) {
        bool pool;
        int r;
        char *path = gen_object_path(&pool), what[512];
        sd_bus_message *m;

        switch (rnd_below(5)) {
        case 0:
                m = new_call(path, "org.freedesktop.DBus.Introspectable", "Introspect");
                snprintf(what, sizeof(what), "Introspect %.200s", path);
                call_check(m, what, "s", NULL);
                break;
        case 1:
                m = new_call(path, "org.freedesktop.DBus.Peer", chance(50) ? "Ping" : "GetMachineId");
                snprintf(what, sizeof(what), "Peer.%s %.200s", sd_bus_message_get_member(m), path);
                call_check(m, what, strcmp(sd_bus_message_get_member(m), "Ping") == 0 ? "" : "s", NULL);
                break;
        case 2: {
                /* A Manager method on another object. */
                const struct method *me = &methods[rnd_below(ELEMENTSOF(methods))];

                m = new_call(path, MGR_IFACE, me->name);
                registering = strncmp(me->name, "Register", 8) == 0;
                r = append_right_args(m, me);
                registering = false;
                if (r < 0) {
                        sd_bus_message_unref(m);
                        break;
                }
                snprintf(what, sizeof(what), "%s on %.200s", me->name, path);
                call_check(m, what, strcmp(path, MGR_PATH) == 0 ? me->out : NULL, NULL);
                break;
        }
        case 3: {
                /* An unknown member or interface. */
                static const char *const members[] = { "register", "Frobnicate", "Register2", "SetCapX", "Get" };

                m = new_call(MGR_PATH, chance(70) ? MGR_IFACE : chance(50) ? UNIT_IFACE : "org.rescap1.Nope",
                             members[rnd_below(ELEMENTSOF(members))]);
                if (append_random(m, "u", 0) < 0) {
                        sd_bus_message_unref(m);
                        break;
                }
                snprintf(what, sizeof(what), "unknown %s.%s", sd_bus_message_get_interface(m), sd_bus_message_get_member(m));
                call_check(m, what, NULL, NULL);
                break;
        }
        default: {
                /* No interface at all: the member is looked up on every
                 * interface of the object. */
                m = new_call(MGR_PATH, NULL, chance(50) ? "List" : "Fetch");
                if (strcmp(sd_bus_message_get_member(m), "Fetch") == 0 &&
                    sd_bus_message_append(m, "u", n_pool_pids ? pool_pids[0] : 0) < 0) {
                        sd_bus_message_unref(m);
                        break;
                }
                snprintf(what, sizeof(what), "%s without interface", sd_bus_message_get_member(m));
                call_check(m, what, strcmp(sd_bus_message_get_member(m), "List") == 0 ? "a(usuttttsss)" :
                           "ussubtttttttsutss", NULL);
                break;
        }
        }
        free(path);
}

static void one_call(void) {
        unsigned k = rnd_below(100);

        if (k < 45)
                call_method_right();
        else if (k < 65)
                call_method_wrong();
        else if (k < 87)
                call_properties();
        else
                call_misc();
        /* Drop whatever else came in (NameAcquired, signals). */
        while (sd_bus_process(bus, NULL) > 0)
                ;
}

/* ---- setup and measures ---- */

static int parse_errors(const char *file) {
        FILE *f = fopen(file, "re");
        char line[1024], prefix[64] = "";
        bool in = false;

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                if (strncmp(line, ".SH", 3) == 0) {
                        in = strstr(line, "ERRORS") != NULL;
                        continue;
                }
                if (!in)
                        continue;
                for (char *p = line; *p; p++) {
                        if (strncmp(p, "org.rescap1.Error.", 18) == 0)
                                snprintf(prefix, sizeof(prefix), "org.rescap1.Error.");
                        else if (strncmp(p, "org.freedesktop.DBus.Error.", 27) == 0)
                                snprintf(prefix, sizeof(prefix), "org.freedesktop.DBus.Error.");
                        else if (strncmp(p, "\\fB", 3) == 0 && prefix[0]) {
                                char *e = strstr(p + 3, "\\fR");

                                if (e && n_documented_errors < ELEMENTSOF(documented_errors))
                                        documented_errors[n_documented_errors++] =
                                                xasprintf("%s%.*s", prefix, (int) (e - p - 3), p + 3);
                        }
                }
        }
        fclose(f);
        return n_documented_errors > 0 ? 0 : -ENOENT;
}

static uint32_t name_owner_pid(void) {
        sd_bus_creds *creds = NULL;
        pid_t pid = 0;

        if (sd_bus_get_name_creds(bus, DEST, SD_BUS_CREDS_PID, &creds) < 0)
                return 0;
        (void) sd_bus_creds_get_pid(creds, &pid);
        sd_bus_creds_unref(creds);
        return (uint32_t) pid;
}

static long vm_rss_kb(uint32_t pid) {
        char path[64], line[256];
        long kb = -1;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%" PRIu32 "/status", pid);
        f = fopen(path, "re");
        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
                        break;
        fclose(f);
        return kb;
}

/* A plain call that must succeed; returns the reply (NULL after a FAIL). */
static sd_bus_message *must_call(const char *path, const char *iface, const char *member, const char *sig, ...) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, DEST, path, iface, member);
        if (r >= 0 && sig) {
                va_start(ap, sig);
                r = sd_bus_message_appendv(m, sig, ap);
                va_end(ap);
        }
        if (r >= 0)
                r = sd_bus_call(bus, m, CALL_TIMEOUT_USEC, &error, &reply);
        if (r < 0)
                failf("final %s: %s", member, error.name ? error.name : strerror(-r));
        sd_bus_error_free(&error);
        sd_bus_message_unref(m);
        return r < 0 ? NULL : reply;
}

static void final_checks(void) {
        sd_bus_message *reply;

        const char *backend = NULL;

        reply = must_call(MGR_PATH, "org.freedesktop.DBus.Properties", "Get", "ss", MGR_IFACE, "Version");
        sd_bus_message_unref(reply);
        reply = must_call(MGR_PATH, "org.freedesktop.DBus.Properties", "Get", "ss", MGR_IFACE, "Backend");
        if (reply && sd_bus_message_read(reply, "v", "s", &backend) < 0)
                failf("final Get Backend: not a string");
        /* Without rescap loaded (the host test), changes cannot work. */
        if (!backend || !backend[0]) {
                printf("rtest-dbus-fuzz: rescap is not loaded: the final changes are left out\n");
                sd_bus_message_unref(reply);
                return;
        }
        sd_bus_message_unref(reply);
        reply = must_call(MGR_PATH, MGR_IFACE, "List", NULL);
        sd_bus_message_unref(reply);
        if (geteuid() == 0 && n_pool_pids > 0) {
                uint32_t pid = pool_pids[0], got = 0;
                sd_bus_message *m = NULL;

                /* Untracked first (the run may have registered it). */
                if (sd_bus_message_new_method_call(bus, &m, DEST, MGR_PATH, MGR_IFACE, "Deregister") >= 0 &&
                    sd_bus_message_append(m, "u", pid) >= 0)
                        (void) sd_bus_call(bus, m, CALL_TIMEOUT_USEC, NULL, NULL);
                sd_bus_message_unref(m);
                sd_bus_message_unref(must_call(MGR_PATH, MGR_IFACE, "Register", "ut", pid, UINT64_C(0)));
                sd_bus_message_unref(must_call(MGR_PATH, MGR_IFACE, "SetCap", "utt", pid,
                                               UINT64_C(1) << 40, UINT64_C(100000)));
                reply = must_call(MGR_PATH, MGR_IFACE, "Fetch", "u", pid);
                if (reply && (sd_bus_message_read(reply, "u", &got) < 0 || got != pid))
                        failf("final Fetch %" PRIu32 ": answered for pid %" PRIu32, pid, got);
                sd_bus_message_unref(reply);
                sd_bus_message_unref(must_call(MGR_PATH, MGR_IFACE, "Deregister", "u", pid));
        }
}

static void parse_list(const char *arg, bool pids) {
        char *copy = xstrdup(arg), *save = NULL;

        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
                if (pids && n_pool_pids < ELEMENTSOF(pool_pids))
                        pool_pids[n_pool_pids++] = (uint32_t) strtoul(t, NULL, 10);
                else if (!pids && n_pool_units < ELEMENTSOF(pool_units))
                        pool_units[n_pool_units++] = xstrdup(t);
        free(copy);
}

static void usage(void) {
        fprintf(stderr, "usage: rtest-dbus-fuzz --list\n"
                        "       rtest-dbus-fuzz --seed S --count N --errors MANPAGE [--pids P,...] [--units U,...] [--rss no]\n");
        exit(2);
}

int main(int argc, char **argv) {
        const char *errors_file = NULL;
        unsigned long count = 0, rss_at;
        uint64_t seed = 0;
        uint32_t pid_end;
        long rss_first = -1, rss_end;
        struct timespec t0, t1;
        int r;

        for (int i = 1; i < argc; i++) {
                const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

                if (strcmp(a, "--list") == 0) {
                        for (unsigned k = 0; k < ELEMENTSOF(methods); k++)
                                printf("method %s %s %s %s\n", MGR_IFACE, methods[k].name,
                                       methods[k].in[0] ? methods[k].in : "-", methods[k].out[0] ? methods[k].out : "-");
                        for (unsigned k = 0; k < ELEMENTSOF(properties); k++)
                                printf("property %s %s %s %s\n", properties[k].iface, properties[k].name,
                                       properties[k].type, properties[k].writable ? "readwrite" : "read");
                        return 0;
                }
                if (!v)
                        usage();
                if (strcmp(a, "--seed") == 0)
                        seed = strtoull(v, NULL, 0);
                else if (strcmp(a, "--count") == 0)
                        count = strtoul(v, NULL, 0);
                else if (strcmp(a, "--errors") == 0)
                        errors_file = v;
                else if (strcmp(a, "--pids") == 0)
                        parse_list(v, true);
                else if (strcmp(a, "--rss") == 0)
                        check_rss = strcmp(v, "no") != 0;
                else if (strcmp(a, "--units") == 0)
                        parse_list(v, false);
                else
                        usage();
                i++;
        }
        if (!errors_file || count == 0)
                usage();
        r = parse_errors(errors_file);
        if (r < 0) {
                fprintf(stderr, "no error names in the ERRORS section of %s: %s\n", errors_file, strerror(-r));
                return 2;
        }
        rng_state = seed;
        own_pid = (uint32_t) getpid();
        devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        r = sd_bus_open_system(&bus);
        if (r < 0) {
                fprintf(stderr, "system bus: %s\n", strerror(-r));
                return 2;
        }
        daemon_pid = name_owner_pid();
        if (daemon_pid == 0) {
                fprintf(stderr, "org.rescap1 has no owner\n");
                return 2;
        }
        /* The RSS baseline: after 1,000 calls (or a fifth of a short run). */
        rss_at = count > 1000 ? 1000 : count / 5;
        printf("rtest-dbus-fuzz: seed %" PRIu64 " count %lu uid %u rescapd pid %" PRIu32 " pids %u units %u errors %u\n",
               seed, count, (unsigned) geteuid(), daemon_pid, n_pool_pids, n_pool_units, n_documented_errors);
        fflush(stdout);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (call_no = 1; call_no <= count; call_no++) {
                one_call();
                if (call_no == rss_at)
                        rss_first = vm_rss_kb(daemon_pid);
        }
        call_no = count;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        rss_end = vm_rss_kb(daemon_pid);
        pid_end = name_owner_pid();
        printf("rtest-dbus-fuzz: %lu calls in %.1f s: %lu returns, %lu errors; rescapd VmRSS %ld kB after call %lu, %ld kB at the end\n",
               count, (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9,
               n_returns, n_errors, rss_first, rss_at, rss_end);
        if (pid_end != daemon_pid)
                failf("rescapd's pid was %" PRIu32 ", is %" PRIu32, daemon_pid, pid_end);
        printf("rtest-dbus-fuzz: slowest answer %.2f s (%s); %lu took 1 s or more\n", slowest, slowest_what, n_slow);
        for (unsigned i = 0; i < ELEMENTSOF(error_counts) && error_counts[i].name; i++)
                printf("rtest-dbus-fuzz:   %6lu %s\n", error_counts[i].n, error_counts[i].name);
        if (!check_rss)
                ;
        else if (rss_first <= 0 || rss_end <= 0)
                failf("cannot read rescapd's VmRSS");
        else if (rss_end * 10 > rss_first * 11)
                failf("rescapd's VmRSS grew from %ld kB to %ld kB (more than 10%%)", rss_first, rss_end);
        final_checks();
        printf("rtest-dbus-fuzz: %u failures\n", failures);
        sd_bus_flush_close_unref(bus);
        return failures ? 1 : 0;
}
