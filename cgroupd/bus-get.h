/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Many properties read over D-Bus at once: every Get is sent before the
 * first answer is awaited, so a batch costs about one round trip and the
 * peer's work instead of one round trip per property (rescapd asks systemd
 * about each unit with caps at every daemon-reload).
 */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

/* Calls out at a time: dbus-daemon's default max_replies_per_connection
 * is 128. */
#define BUS_GET_WINDOW 64U

typedef struct BusGet {
        /* Asked: a string ('s', 'o') or a string array ('a') property;
         * or, type 'm', the method named property of interface called
         * with no arguments, its reply's content ignored. */
        const char *path;
        const char *interface;
        const char *property;
        char type;
        /* Answered: r is 0 or a negative errno (the error's, for an
         * error reply), and the value when r is 0. */
        int r;
        char *s;
        char **strv;
        /* Internal. */
        sd_bus_slot *slot;
        unsigned *pending;
} BusGet;

/* Reads each property of v from destination. With pipeline, bus must be
 * one no callback of which is running (sd_bus_process() is called on it):
 * a connection of its own. Without, the Gets are made one after the other
 * (any bus). Returns 0 when each Get has its answer in v[i].r, or a
 * negative errno when the connection failed (the entries without an answer
 * then have that errno). */
int bus_get_many(sd_bus *bus, const char *destination, BusGet *v, size_t n, bool pipeline);
/* Frees what the answers hold. */
void bus_get_free(BusGet *v, size_t n);
