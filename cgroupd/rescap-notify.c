/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescap-notify: desktop notifications of rescap's kills and cap warnings
 * for the user whose session it runs in. It subscribes to rescapd on the
 * system bus (as this user rescapd sends it this user's events only; it
 * checks the uid all the same, for an administrator's session) and asks
 * the session's notification server (org.freedesktop.Notifications) to
 * show each one. Started by its systemd user unit or its XDG autostart
 * file; see rescap-notify(1).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus-contract.h"
#include "bus-subscribe.h"
#include "cleanup.h"
#include "size.h"

#define NOTIFY_NAME  "org.freedesktop.Notifications"
#define NOTIFY_PATH  "/org/freedesktop/Notifications"

/* Urgency levels of the Desktop Notifications Specification. */
enum { URGENCY_NORMAL = 1, URGENCY_CRITICAL = 2 };

typedef struct Notifier {
        sd_bus *system, *session;
        uid_t uid;
} Notifier;

/* Text for the body, which servers may read as markup: &, < and > as
 * entities (the strings are valid UTF-8: rescapd escapes the rest). */
static void markup_escape(char *buf, size_t size, const char *s) {
        size_t n = 0;

        for (; *s && n + 6 < size; s++) {
                const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;

                if (e) {
                        memcpy(buf + n, e, strlen(e));
                        n += strlen(e);
                } else
                        buf[n++] = *s;
        }
        buf[n] = '\0';
}

/* "513M of heap", "17 open files" */
static const char *amount(char *buf, size_t size, const char *resource, uint64_t v) {
        char s[FORMAT_SIZE_MAX];

        if (strcmp(resource, "heap") == 0)
                snprintf(buf, size, "%s of heap", format_size(s, sizeof(s), v));
        else
                snprintf(buf, size, "%" PRIu64 " open file%s", v, v == 1 ? "" : "s");
        return buf;
}

static int on_notified(sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        (void) userdata;
        (void) error;
        if (e)
                fprintf(stderr, "rescap-notify: the notification server refused a notification: %s (%s)\n",
                        e->message ?: e->name, e->name);
        return 0;
}

static int notify(Notifier *n, const char *summary, const char *body, uint8_t urgency) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(n->session, &m, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_NAME, "Notify");
        if (r >= 0)
                r = sd_bus_message_append(m, "susssasa{sv}i", "rescap", UINT32_C(0), "dialog-warning", summary,
                                          body, 0, 1, "urgency", "y", urgency, INT32_C(-1));
        if (r >= 0)
                r = sd_bus_call_async(n->session, NULL, m, on_notified, n, 0);
        if (r < 0)
                fprintf(stderr, "rescap-notify: cannot send a notification: %s\n", strerror(-r));
        return 0;
}

static int on_rescap_signal(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *member = sd_bus_message_get_member(m);
        const char *comm, *cgroup, *unit, *resource, *action, *kind = "", *policy, *policy_cgroup;
        char summary[256], body[2304], what[64], cap[64], esc[4][512];
        Notifier *n = userdata;
        uint64_t usage, limit;
        uint32_t pid, uid;
        bool killed;
        int r;

        (void) error;
        killed = strcmp(member, "Killed") == 0;
        if (killed)
                r = sd_bus_message_read(m, RESCAP_BUS_KILLED_SIG, &pid, &comm, &uid, &cgroup, &unit, &resource,
                                        &usage, &limit, &action, &policy, &policy_cgroup);
        else if (strcmp(member, "CapWarning") == 0)
                r = sd_bus_message_read(m, RESCAP_BUS_CAPWARNING_SIG, &pid, &comm, &uid, &cgroup, &unit,
                                        &resource, &usage, &limit, &action, &kind, &policy, &policy_cgroup);
        else
                return 0;
        if (r < 0 || uid != n->uid)
                return 0;

        markup_escape(esc[0], sizeof(esc[0]), comm);
        amount(what, sizeof(what), resource, usage);
        amount(cap, sizeof(cap), resource, limit);
        if (killed)
                snprintf(summary, sizeof(summary), "%s (%" PRIu32 ") was killed", comm, pid);
        else if (strcmp(kind, "deny") == 0)
                snprintf(summary, sizeof(summary), "%s (%" PRIu32 ") was refused more %s", comm, pid,
                         strcmp(resource, "heap") == 0 ? "heap" : "open files");
        else if (strcmp(kind, "soft") == 0)
                snprintf(summary, sizeof(summary), "%s (%" PRIu32 ") is near its cap", comm, pid);
        else
                snprintf(summary, sizeof(summary), "%s (%" PRIu32 ") is over its cap", comm, pid);
        markup_escape(esc[1], sizeof(esc[1]), what);
        markup_escape(esc[2], sizeof(esc[2]), cap);
        markup_escape(esc[3], sizeof(esc[3]), unit[0] ? unit : policy_cgroup[0] ? policy_cgroup : cgroup);
        snprintf(body, sizeof(body), "%s %s %s; its cap is %s (%s %s %s).", esc[0],
                 killed ? "was killed at" : strcmp(kind, "deny") == 0 ? "was refused going past" : "has", esc[1],
                 esc[2], strcmp(policy, "cgroup") == 0 ? "the cap of" : "its own cap, in",
                 unit[0] ? "unit" : "cgroup", esc[3]);
        return notify(n, summary, body, killed ? URGENCY_CRITICAL : URGENCY_NORMAL);
}

static void usage(FILE *f) {
        fprintf(f, "Usage: rescap-notify\n"
                   "\n"
                   "Shows a desktop notification when rescap kills one of this user's processes\n"
                   "or warns about one (see rescap-notify(1)).\n");
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        Notifier n = { .uid = getuid() };
        sigset_t mask;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
                if (c != 'h') {
                        fprintf(stderr, "Try 'rescap-notify --help'.\n");
                        return 2;
                }
                usage(stdout);
                return 0;
        }
        if (optind < argc) {
                fprintf(stderr, "rescap-notify: no arguments (see rescap-notify --help)\n");
                return 2;
        }
        setvbuf(stderr, NULL, _IOLBF, 0);
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_default(&event);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
        if (r < 0) {
                fprintf(stderr, "rescap-notify: cannot set up the event loop: %s\n", strerror(-r));
                return 1;
        }
        r = sd_bus_open_user(&n.session);
        if (r < 0) {
                fprintf(stderr, "rescap-notify: no session bus: %s\n", strerror(-r));
                return 1;
        }
        r = sd_bus_open_system(&n.system);
        if (r < 0) {
                fprintf(stderr, "rescap-notify: no system bus: %s\n", strerror(-r));
                goto out;
        }
        /* Either bus gone: the session ended or the system is stopping. */
        r = sd_bus_attach_event(n.session, event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_attach_event(n.system, event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_set_exit_on_disconnect(n.session, true);
        if (r >= 0)
                r = sd_bus_set_exit_on_disconnect(n.system, true);
        if (r >= 0)
                r = rescap_follow_signals(n.system, "subscribe", on_rescap_signal, &n);
        if (r < 0) {
                fprintf(stderr, "rescap-notify: cannot set up the buses: %s\n", strerror(-r));
                goto out;
        }
        /* rescapd not there (and not activatable): it is subscribed to when
         * it comes. */
        r = sd_bus_call_method(n.system, RESCAP_BUS_NAME, RESCAP_BUS_PATH, RESCAP_BUS_MANAGER_IFACE, "Subscribe",
                               &e, NULL, NULL);
        if (r < 0)
                fprintf(stderr, "rescap-notify: rescapd is not there (%s); waiting for it\n",
                        e.message ?: strerror(-r));
        else
                fprintf(stderr, "rescap-notify: subscribed to rescapd's kills and warnings of uid %u\n",
                        (unsigned) n.uid);
        sd_bus_error_free(&e);
        r = sd_event_loop(event);
        if (r < 0)
                fprintf(stderr, "rescap-notify: %s\n", strerror(-r));
out:
        sd_bus_flush_close_unref(n.system);
        sd_bus_flush_close_unref(n.session);
        return r < 0 ? 1 : r;
}
