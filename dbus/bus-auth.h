/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who is calling rescapd, and polkit's answer for them, asked without
 * blocking the event loop.
 *
 * Changes are judged by the kernel for the caller: rescapd passes a pidfd
 * of the sender's process with every change (caller-pidfd), the kernel
 * refuses a tracked or governed caller (EPERM) and one without
 * CAP_SYS_RESOURCE (EACCES). Only on EACCES, and only for a caller whose
 * uid is not 0, is polkit asked; its yes goes back to the kernel as
 * caller-authorized, which still refuses a capped caller.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <systemd/sd-bus.h>

#include "kernel-link.h"

typedef struct BusCaller {
        uid_t euid;
        pid_t pid;
        rk_caller rk;           /* rk.pidfd: -1 when none could be opened */
} BusCaller;

#define BUS_CALLER_NULL ((BusCaller) { .euid = (uid_t) -1, .rk.pidfd = -1 })

/* The sender of msg: its effective uid and a pidfd of its process, opened
 * after the bus told its pid and checked to still be that process. */
int bus_caller_get(sd_bus_message *msg, BusCaller *ret, sd_bus_error *error);
void bus_caller_done(BusCaller *c);

typedef struct PolkitQuery PolkitQuery;

/* polkit's answer about action for the sender of msg.
 * Returns 1: authorized; 0: the question is out, the handler returns 1
 * (no reply yet) and sd-bus calls it again with the same message once the
 * answer is in; < 0 with error set: AccessDenied, or
 * InteractiveAuthorizationRequired when polkit could authorize the caller
 * through an agent and the call did not allow interaction.
 * registry holds the questions out; it is freed by bus_polkit_free(). */
int bus_polkit_async(sd_bus_message *msg, const char *action, PolkitQuery **registry, sd_bus_error *error);
/* The answer already in for msg, without asking: 1 authorized, 0 none,
 * < 0 (error set) refused. */
int bus_polkit_answer(sd_bus_message *msg, const char *action, PolkitQuery **registry, sd_bus_error *error);
void bus_polkit_free(PolkitQuery **registry);
