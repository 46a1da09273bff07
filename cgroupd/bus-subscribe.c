/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rescapd sends its signals to its subscribers only (unicast), and forgets
 * them when it stops: a client that wants them for longer than one
 * rescapd subscribes again when the name org.rescap1 has an owner again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bus-contract.h"
#include "bus-subscribe.h"

static int on_subscribed(sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *what = userdata;

        (void) error;
        if (e)
                fprintf(stderr, "%s: %s: rescapd is back, but it refused the subscription: %s (%s)\n",
                        program_invocation_short_name, what, e->message ?: e->name, e->name);
        else
                fprintf(stderr, "%s: %s: rescapd is back; subscribed again\n", program_invocation_short_name,
                        what);
        return 0;
}

static int on_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *name, *old_owner, *new_owner, *what = userdata;
        sd_bus *bus = sd_bus_message_get_bus(m);
        int r;

        (void) error;
        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 ||
            strcmp(name, RESCAP_BUS_NAME) != 0)
                return 0;
        if (!new_owner[0]) {
                fprintf(stderr, "%s: %s: rescapd left the bus; waiting for it\n", program_invocation_short_name,
                        what);
                return 0;
        }
        r = sd_bus_call_method_async(bus, NULL, RESCAP_BUS_NAME, RESCAP_BUS_PATH, RESCAP_BUS_MANAGER_IFACE,
                                     "Subscribe", on_subscribed, userdata, NULL);
        if (r < 0)
                fprintf(stderr, "%s: %s: cannot subscribe again: %s\n", program_invocation_short_name, what,
                        strerror(-r));
        return 0;
}

int rescap_follow_signals(sd_bus *bus, const char *what, sd_bus_message_handler_t cb, void *userdata) {
        int r;

        r = sd_bus_match_signal(bus, NULL, RESCAP_BUS_NAME, RESCAP_BUS_PATH, RESCAP_BUS_MANAGER_IFACE, NULL, cb,
                                userdata);
        if (r < 0)
                return r;
        return sd_bus_add_match(bus, NULL,
                                "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                                "interface='org.freedesktop.DBus',member='NameOwnerChanged',"
                                "arg0='" RESCAP_BUS_NAME "'", on_owner_changed, (void *) what);
}
