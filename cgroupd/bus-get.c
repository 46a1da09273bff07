/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Many properties read at once (bus-get.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "bus-get.h"
#include "cleanup.h"

static const char *variant_type(char type) {
        switch (type) {
        case 's':
                return "s";
        case 'o':
                return "o";
        case 'a':
                return "as";
        case 'm':
                return "";
        default:
                return NULL;
        }
}

static int bus_get_read(sd_bus_message *reply, BusGet *g) {
        const char *contents = variant_type(g->type), *s;
        int r;

        if (sd_bus_message_is_method_error(reply, NULL)) {
                r = sd_bus_message_get_errno(reply);
                return r > 0 ? -r : -EIO;
        }
        if (g->type == 'm')
                return 0;
        r = sd_bus_message_enter_container(reply, 'v', contents);
        if (r < 0)
                return r;
        if (g->type == 'a') {
                r = sd_bus_message_read_strv(reply, &g->strv);
                return r < 0 ? r : 0;
        }
        r = sd_bus_message_read_basic(reply, g->type, &s);
        if (r < 0)
                return r;
        g->s = strdup(s);
        return g->s ? 0 : -ENOMEM;
}

static int on_reply(sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        BusGet *g = userdata;

        (void) error;
        g->r = bus_get_read(reply, g);
        (*g->pending)--;
        return 0;
}

static int bus_get_one(sd_bus *bus, const char *destination, BusGet *g) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        if (g->type == 'm')
                r = sd_bus_call_method(bus, destination, g->path, g->interface, g->property, &e, &reply, NULL);
        else
                r = sd_bus_call_method(bus, destination, g->path, "org.freedesktop.DBus.Properties", "Get", &e,
                                       &reply, "ss", g->interface, g->property);
        return r < 0 ? r : bus_get_read(reply, g);
}

int bus_get_many(sd_bus *bus, const char *destination, BusGet *v, size_t n, bool pipeline) {
        unsigned pending = 0;
        size_t next = 0;
        int r = 0;

        for (size_t i = 0; i < n; i++) {
                v[i].r = variant_type(v[i].type) ? -EINPROGRESS : -EINVAL;
                v[i].s = NULL;
                v[i].strv = NULL;
                v[i].slot = NULL;
                v[i].pending = &pending;
        }
        for (; !pipeline && next < n; next++)
                if (v[next].r == -EINPROGRESS)
                        v[next].r = bus_get_one(bus, destination, &v[next]);
        /* At most BUS_GET_WINDOW calls out at a time (dbus-daemon refuses
         * more than 128 pending replies per connection); the answers come
         * in any order, each call with the bus's timeout. */
        while (r >= 0) {
                for (; next < n && pending < BUS_GET_WINDOW; next++) {
                        if (v[next].r != -EINPROGRESS)
                                continue;
                        if (v[next].type == 'm')
                                r = sd_bus_call_method_async(bus, &v[next].slot, destination, v[next].path,
                                                             v[next].interface, v[next].property, on_reply,
                                                             &v[next], NULL);
                        else
                                r = sd_bus_call_method_async(bus, &v[next].slot, destination, v[next].path,
                                                             "org.freedesktop.DBus.Properties", "Get", on_reply,
                                                             &v[next], "ss", v[next].interface,
                                                             v[next].property);
                        if (r < 0)
                                break;
                        pending++;
                }
                if (r < 0 || pending == 0)
                        break;
                r = sd_bus_process(bus, NULL);
                if (r == 0)
                        r = sd_bus_wait(bus, UINT64_MAX);
        }
        for (size_t i = 0; i < n; i++) {
                v[i].slot = sd_bus_slot_unref(v[i].slot);      /* a call not answered is dropped */
                if (v[i].r == -EINPROGRESS)
                        v[i].r = r < 0 ? r : -EIO;
        }
        return r < 0 ? r : 0;
}

void bus_get_free(BusGet *v, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(v[i].s);
                v[i].s = NULL;
                for (size_t k = 0; v[i].strv && v[i].strv[k]; k++)
                        free(v[i].strv[k]);
                free(v[i].strv);
                v[i].strv = NULL;
        }
}
