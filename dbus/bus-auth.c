/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who is calling rescapd (bus-auth.h), and polkit's answer for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bus-auth.h"
#include "cleanup.h"

/* Questions out at once, in all and per sender: a caller that leaves
 * dialogs open cannot make rescapd hold unbounded state. */
#define POLKIT_QUERIES_MAX            128
#define POLKIT_QUERIES_PER_SENDER_MAX 8
/* An interactive question waits for a person; a plain one for polkitd. */
#define POLKIT_INTERACTIVE_TIMEOUT_USEC (5ULL * 60 * 1000000)

static int read_status_euid(pid_t pid, uid_t *ret) {
        _cleanup_fclose_ FILE *f = NULL;
        char path[64], line[256];

        snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
        f = fopen(path, "re");
        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                unsigned long ruid, euid;

                if (sscanf(line, "Uid: %lu %lu", &ruid, &euid) == 2) {
                        *ret = (uid_t) euid;
                        return 0;
                }
        }
        return -EIO;
}

int bus_caller_get(sd_bus_message *msg, BusCaller *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        BusCaller c = BUS_CALLER_NULL;
        uid_t now;
        int r;

        r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_PID | SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds);
        if (r >= 0)
                r = sd_bus_creds_get_euid(creds, &c.euid);
        if (r >= 0)
                r = sd_bus_creds_get_pid(creds, &c.pid);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "cannot tell who is calling: %s", strerror(-r));
        /* The pid the bus gave may have been reused by the time we open
         * it: the process opened must have the sender's euid. A reuse by
         * another process of the same user gains nothing, as the kernel
         * judges that process by the same rules; a pidfd whose process has
         * exited since is refused by the kernel (ESRCH). */
        c.rk.pidfd = (int) syscall(SYS_pidfd_open, c.pid, 0);
        if (c.rk.pidfd < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "cannot open the calling process %d: %s", (int) c.pid,
                                         strerror(errno));
        r = read_status_euid(c.pid, &now);
        if (r >= 0 && now != c.euid)
                r = -ESRCH;
        if (r < 0) {
                bus_caller_done(&c);
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "the calling process %d cannot be told apart: %s", (int) c.pid,
                                         strerror(-r));
        }
        *ret = c;
        return 0;
}

void bus_caller_done(BusCaller *c) {
        if (c->rk.pidfd >= 0)
                close(c->rk.pidfd);
        c->rk.pidfd = -1;
}

/* ---- polkit ---- */

enum {
        POLKIT_PENDING,
        POLKIT_YES,
        POLKIT_NO,
        POLKIT_CHALLENGE,       /* an agent could authorize; interaction not allowed */
        POLKIT_FAILED,          /* polkitd failed or timed out: refused */
};

struct PolkitQuery {
        PolkitQuery *next;
        PolkitQuery **registry;
        sd_bus_message *request;
        sd_bus_slot *slot;
        char *action;
        int state;
};

static void polkit_query_free(PolkitQuery *q) {
        for (PolkitQuery **p = q->registry; *p; p = &(*p)->next)
                if (*p == q) {
                        *p = q->next;
                        break;
                }
        sd_bus_slot_unref(q->slot);
        sd_bus_message_unref(q->request);
        free(q->action);
        free(q);
}

static PolkitQuery *polkit_query_find(PolkitQuery *registry, sd_bus_message *msg, const char *action) {
        for (PolkitQuery *q = registry; q; q = q->next)
                if (q->request == msg && strcmp(q->action, action) == 0)
                        return q;
        return NULL;
}

static int on_polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PolkitQuery *q = userdata;
        const sd_bus_error *e;
        int authorized = 0, challenge = 0, r;

        (void) ret_error;
        q->slot = sd_bus_slot_unref(q->slot);
        e = sd_bus_message_get_error(reply);
        if (e) {
                /* No polkit at all: nobody but root is authorized. */
                if (!sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                        fprintf(stderr, "rescapd: polkit's CheckAuthorization failed: %s\n",
                                e->message ?: e->name);
                q->state = POLKIT_FAILED;
        } else {
                r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
                if (r >= 0)
                        r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
                q->state = r < 0 ? POLKIT_FAILED :
                           authorized ? POLKIT_YES : challenge ? POLKIT_CHALLENGE : POLKIT_NO;
        }
        /* The handler runs again with the same message and finds the
         * answer here. */
        r = sd_bus_enqueue_for_read(sd_bus_message_get_bus(q->request), q->request);
        if (r < 0) {
                (void) sd_bus_reply_method_errorf(q->request, SD_BUS_ERROR_NO_MEMORY,
                                                  "cannot resume the call: %s", strerror(-r));
                polkit_query_free(q);
        }
        return 0;
}

int bus_polkit_answer(sd_bus_message *msg, const char *action, PolkitQuery **registry, sd_bus_error *error) {
        PolkitQuery *q = polkit_query_find(*registry, msg, action);
        int state;

        if (!q)
                return 0;
        state = q->state;
        if (state == POLKIT_PENDING)    /* not re-dispatched before the answer */
                return sd_bus_error_set(error, SD_BUS_ERROR_LIMITS_EXCEEDED, "already waiting for polkit");
        polkit_query_free(q);
        if (state == POLKIT_YES)
                return 1;
        if (state == POLKIT_CHALLENGE)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED,
                                         "the polkit action %s needs authentication: call again allowing "
                                         "interactive authorization", action);
        return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                 "root or the polkit action %s is needed", action);
}

int bus_polkit_async(sd_bus_message *msg, const char *action, PolkitQuery **registry, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
        const char *sender = sd_bus_message_get_sender(msg);
        bool interactive = sd_bus_message_get_allow_interactive_authorization(msg) > 0;
        size_t n = 0, mine = 0;
        PolkitQuery *q;
        int r;

        r = bus_polkit_answer(msg, action, registry, error);
        if (r != 0)
                return r;
        if (!sender)
                return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "the call has no sender");
        for (q = *registry; q; q = q->next) {
                n++;
                if (strcmp(sd_bus_message_get_sender(q->request), sender) == 0)
                        mine++;
        }
        if (n >= POLKIT_QUERIES_MAX || mine >= POLKIT_QUERIES_PER_SENDER_MAX)
                return sd_bus_error_set(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                        "too many authorizations are pending");

        r = sd_bus_message_new_method_call(sd_bus_message_get_bus(msg), &req, "org.freedesktop.PolicyKit1",
                                           "/org/freedesktop/PolicyKit1/Authority",
                                           "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
        if (r >= 0)
                r = sd_bus_message_append(req, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s", sender,
                                          action, 0, (uint32_t) (interactive ? 1 : 0), "");
        if (r < 0)
                return r;
        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        q->action = strdup(action);
        if (!q->action) {
                free(q);
                return -ENOMEM;
        }
        q->request = sd_bus_message_ref(msg);
        q->registry = registry;
        q->next = *registry;
        *registry = q;
        r = sd_bus_call_async(sd_bus_message_get_bus(msg), &q->slot, req, on_polkit_reply, q,
                              interactive ? POLKIT_INTERACTIVE_TIMEOUT_USEC : 0);
        if (r < 0) {
                polkit_query_free(q);
                return r;
        }
        return 0;
}

void bus_polkit_free(PolkitQuery **registry) {
        while (*registry)
                polkit_query_free(*registry);
}
