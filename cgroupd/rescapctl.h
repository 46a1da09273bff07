/* SPDX-License-Identifier: GPL-2.0 */
/* rescapctl: what its kernel side (rescapctl.c) and D-Bus side
 * (rescapctl-bus.c) share. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

#include "kernel-link.h"
#include "rescapd-unit.h"
#include "sockets.h"

enum {
        EXIT_FAILED = 1,        /* the request failed */
        EXIT_USAGE = 2,         /* bad command line */
        EXIT_UNAVAILABLE = 3,   /* rescap is not loaded */
        EXIT_DENIED = 4,        /* permission denied (through rescapd) */
        EXIT_NEED_DAEMON = 5,   /* the command needs rescapd, which is not there */
};

/* The command line (rescapctl.c parses it, every command reads it). */
extern bool arg_json;
extern bool arg_pidfd;
extern const char *arg_columns;         /* -o: the table columns, NULL for all */
extern rk_caps arg_caps;                /* --heap, --fds, --action, --soft, --force */
extern bool arg_no_inherit;
extern bool arg_samples;
extern bool arg_runtime;
extern const char *arg_output;          /* metrics --output FILE */

/* A process id on the command line: 0, or -EINVAL (told). */
int parse_pid_number(const char *s, uint32_t *ret);
/* Whether the command line sets any cap (--force alone sets none). */
bool caps_given(const rk_caps *c);

/* ---- rescapctl-print.c: the one printer of both sides ---- */
/* Sets the locale (LC_CTYPE: UTF-8), before anything is printed. */
void printer_init(void);
void json_string(const char *s);
const char *tty_str(const char *s);
void json_cap(const char *name, uint64_t v);
const char *cap_str(char *buf, size_t size, uint64_t v, bool bytes);

/* get: every field of one process, its unit ("" for none) and its sockets
 * (sock_err: 0, or why they are not known: a positive errno). */
void print_proc(const rk_proc *p, const char *unit, const SockReport *s, int sock_err);
/* The sockets' lines (get, unit-get), or their JSON keys (",\"sockets\":...")
 * inside an object. */
void print_sockets(const SockReport *s, int err);

/* monitor: a kill, a warning (a soft threshold, or a cap with the notify
 * action) or the exit of a tracked process. Strings are never NULL. */
typedef struct Event {
        const char *event;              /* "killed", "warning", "exited" */
        uint32_t pid, uid;
        const char *comm, *cgroup, *unit;
        const char *resource, *action, *kind, *policy, *policy_cgroup;   /* not for exited */
        uint64_t usage, cap;
        uint64_t heap_peak, fds_peak;   /* exited */
} Event;
/* The unit a kernel record's cgroup path names, as rescapd finds it
 * (unit_from_cgroup_path()): buf, "" for none. */
const char *proc_unit(const rk_proc *p, char *buf, size_t size);
/* An Event from a kernel event; unit: a buffer for its unit name. */
void event_from_kernel(Event *e, const rk_proc *p, char *unit, size_t size);
void print_event(const Event *e);
/* Whether standard output still takes lines: 0; 1 when its reader left
 * (EPIPE: monitor ends, exit status 0); -1 on another error, said. A
 * service's SIGPIPE is ignored (systemd's IgnoreSIGPIPE=), so monitor
 * looks. */
int output_status(void);

/* Tables: a table (libsmartcols) or a JSON array of objects, with the
 * columns -o chose. */
typedef enum ColType {
        COL_STR,
        COL_NUM,
        COL_SIZE,                       /* bytes: 1.5M in a table */
        COL_CAP_SIZE,                   /* as COL_SIZE; RESCAP_NO_CAP: infinity, null */
        COL_CAP_NUM,
} ColType;
typedef struct Column {
        const char *name;               /* -o and JSON key; upper case: the header */
        ColType type;
        bool right;
} Column;
typedef struct Cell {
        uint64_t n;
        const char *s;
} Cell;
#define TABLE_COLUMNS_MAX 16
typedef struct Table Table;
/* 0, or -EINVAL (an unknown -o column, told) or -ENOMEM. */
int table_new(const Column *cols, size_t n, Table **ret);
/* The same, printed as a tree of the paths in column path_col (a row
 * below the nearest row whose path is above its own; JSON: its object in
 * that row's "children"). */
int table_new_tree(const Column *cols, size_t n, size_t path_col, Table **ret);
/* row: a Cell for each of the table's columns, in their order. */
int table_add(Table *t, const Cell *row);
void table_print_free(Table *t);
/* Frees, printing nothing (a failed command). */
void table_free(Table *t);

/* list: the same columns from the kernel and from rescapd. */
#define PROC_COLUMNS 10
extern const Column proc_columns[PROC_COLUMNS];
int table_add_proc(Table *t, const rk_proc *p, const char *unit);

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
/* A unit with caps (ListUnits, with its HeapCurrent and FDCurrent) or a
 * tracked process (List), as rescapd tells them. */
typedef struct Entry {
        char *unit;                     /* "" for none (a process) */
        char *comm;                     /* processes; NULL for a unit */
        uint32_t pid;                   /* processes; 0 for a unit */
        uint64_t v[4];                  /* ENTRY_HEAP... */
} Entry;
enum { ENTRY_HEAP, ENTRY_HEAP_CAP, ENTRY_FDS, ENTRY_FD_CAP };
/* Appended to *e: 0, or an exit status (the failure told, what: the
 * command). A unit gone meanwhile counts nothing; without the kernel
 * (rescapd's Backend is ""), no process. */
int bus_read_units(sd_bus *bus, const char *what, Entry **e, size_t *n);
int bus_read_processes(sd_bus *bus, const char *what, Entry **e, size_t *n);
void entries_free(Entry *e, size_t n);
/* Subscribes to rescapd's signals, cb called for each, and again each time
 * rescapd comes back on the bus (told on stderr; what: the command): 0 or
 * an exit status. */
int bus_subscribe(sd_bus *bus, const char *what, sd_bus_message_handler_t cb, void *userdata);
/* GetSockets (sig "u", arg a uint32_t *) or GetUnitSockets ("s", a
 * string): 0 with *ret filled (its strings in *reply, which the caller
 * unrefs after sock_report_done()), or a positive errno (why they are not
 * known; the printer says "unknown", it is not a failure). */
int bus_sockets(sd_bus *bus, const char *member, const char *sig, const void *arg, SockReport *ret,
                sd_bus_message **reply);
/* rescapctl-metrics.c */
int cmd_metrics(sd_bus *bus);
/* rescapctl-top.c */
extern bool arg_batch;
extern uint64_t arg_iterations;         /* 0: until q or a signal */
extern uint64_t arg_delay_usec;
extern const char *arg_order;           /* "percent", "heap", "fds" */
int cmd_top(sd_bus *bus);
/* A command through rescapd: its exit status. */
int bus_main(sd_bus *bus, const char *cmd, int argc, char **argv);
