/* SPDX-License-Identifier: GPL-2.0 */
/* rescapctl: what its kernel side (rescapctl.c) and D-Bus side
 * (rescapctl-bus.c) share. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

#include "kernel-link.h"

enum {
        EXIT_FAILED = 1,        /* the request failed */
        EXIT_USAGE = 2,         /* bad command line */
        EXIT_UNAVAILABLE = 3,   /* rescap is not loaded */
        EXIT_DENIED = 4,        /* permission denied (through rescapd) */
        EXIT_NEED_DAEMON = 5,   /* the command needs rescapd, which is not there */
};

extern bool arg_json;
extern bool arg_pidfd;

struct list_ctx {
        unsigned n;
};

void json_string(const char *s);
const char *tty_str(const char *s);
void json_cap(const char *name, uint64_t v);
void print_proc_json(const rk_proc *p);
void print_proc(const rk_proc *p);
const char *cap_str(char *buf, size_t size, uint64_t v, bool bytes);
int list_cb(const rk_proc *p, void *userdata);
/* --heap, --fds, --action, --soft, --force after the target: 0 or an exit status. */
/* flags: NULL, or register's flags: --no-inherit is accepted, and no cap
 * option at all is not an error. */
int parse_cap_options(const char *what, int argc, char **argv, rk_caps *ret, uint32_t *flags);

int bus_available(sd_bus **ret);
/* A message to the user for a failed call: the exit status. */
int bus_fail(const char *what, const sd_bus_error *e, int r);
/* Calls rescapd's Manager (what: the command, for messages): 0 or an exit
 * status. */
int bus_call(sd_bus *bus, const char *what, const char *member, sd_bus_message **reply, const char *sig, ...);
/* rescapd's Manager properties (status, metrics). */
typedef struct BusStatus {
        char *version;
        char *backend;
        uint32_t tracked;
        uint64_t kills;
        uint64_t lost_events;
        uint64_t sample_interval_usec;
} BusStatus;
/* 0, or an exit status (the failure told); bus_status_done() frees. */
int bus_read_status(sd_bus *bus, const char *what, BusStatus *ret);
void bus_status_done(BusStatus *st);
/* rescapctl-metrics.c */
int cmd_metrics(sd_bus *bus, int argc, char **argv);
int bus_main(sd_bus *bus, const char *cmd, int argc, char **argv);
