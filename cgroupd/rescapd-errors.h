/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The named errors of org.rescap1 (documented in org.rescap1(5)) and the
 * errnos they map to, for rescapd (errno -> name) and its clients
 * (name -> errno, through sd_bus_error_add_map()).
 */
#pragma once

#include <errno.h>

#include <systemd/sd-bus.h>

#define RESCAP_ERROR_NO_SUCH_PROCESS     "org.rescap1.Error.NoSuchProcess"
#define RESCAP_ERROR_NOT_TRACKED         "org.rescap1.Error.NotTracked"
#define RESCAP_ERROR_ALREADY_TRACKED     "org.rescap1.Error.AlreadyTracked"
#define RESCAP_ERROR_NOT_TRACKABLE       "org.rescap1.Error.NotTrackable"
#define RESCAP_ERROR_INVALID_CAP         "org.rescap1.Error.InvalidCap"
#define RESCAP_ERROR_CAP_BELOW_USAGE     "org.rescap1.Error.CapBelowUsage"
#define RESCAP_ERROR_NOT_SUPPORTED       "org.rescap1.Error.NotSupported"
#define RESCAP_ERROR_KERNEL_UNAVAILABLE  "org.rescap1.Error.KernelUnavailable"
#define RESCAP_ERROR_NO_SUCH_UNIT        "org.rescap1.Error.NoSuchUnit"
#define RESCAP_ERROR_ALREADY_SUBSCRIBED  "org.rescap1.Error.AlreadySubscribed"
#define RESCAP_ERROR_NOT_SUBSCRIBED      "org.rescap1.Error.NotSubscribed"
#define RESCAP_ERROR_BAD_SETTINGS        "org.rescap1.Error.BadSettings"

/* The first entry for an errno is the name rescapd sends for it. ENOPKG
 * (rescap is not loaded) and ENOMEDIUM (no such unit) are rescapd's own. */
static const sd_bus_error_map rescap_error_map[] = {
        SD_BUS_ERROR_MAP(RESCAP_ERROR_NO_SUCH_PROCESS,    ESRCH),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_NOT_TRACKED,        ENOENT),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_ALREADY_TRACKED,    EEXIST),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_CAP_BELOW_USAGE,    ERANGE),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_NOT_SUPPORTED,      EOPNOTSUPP),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_KERNEL_UNAVAILABLE, ENOPKG),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_NO_SUCH_UNIT,       ENOMEDIUM),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_NOT_TRACKABLE,      EINVAL),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_INVALID_CAP,        EDOM),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_ALREADY_SUBSCRIBED, EALREADY),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_NOT_SUBSCRIBED,     ENOTCONN),
        SD_BUS_ERROR_MAP(RESCAP_ERROR_BAD_SETTINGS,       EBADMSG),
        SD_BUS_ERROR_MAP_END
};

/* The name rescapd sends for an errno, NULL for those left to sd-bus
 * (EPERM: AccessDenied, EINVAL outside Register: InvalidArgs, ENOMEM).
 * EBADF, the kernel's answer to a descriptor that is not a pidfd, is
 * InvalidArgs too (sd-bus would send System.Error.EBADF, a name
 * org.rescap1(5) does not document). */
static inline const char *rescap_error_name(int err) {
        if (err < 0)
                err = -err;
        if (err == EINVAL)
                return NULL;
        if (err == EBADF)
                return SD_BUS_ERROR_INVALID_ARGS;
        for (const sd_bus_error_map *e = rescap_error_map; e->name; e++)
                if (e->code == err)
                        return e->name;
        return NULL;
}
