/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bus contract of org.rescap1, in one place for rescapd and its
 * clients (rescapctl): names, paths, flags and signatures. The XML
 * (dbus/org.rescap1.xml) and org.rescap1(5) describe the same contract;
 * tests/unit/dbus.t checks the XML against the running daemon.
 */
#pragma once

#include <stdint.h>

#define RESCAP_BUS_NAME          "org.rescap1"
#define RESCAP_BUS_PATH          "/org/rescap1"
#define RESCAP_BUS_MANAGER_IFACE "org.rescap1.Manager"
#define RESCAP_BUS_UNIT_IFACE    "org.rescap1.Unit"
#define RESCAP_BUS_UNIT_PREFIX   "/org/rescap1/unit"

/* The polkit action of every change, and of reading other users' processes. */
#define RESCAP_BUS_POLKIT_MANAGE "org.rescap1.manage"

/* Register's flags. */
#define RESCAP_BUS_REGISTER_NO_INHERIT UINT64_C(1)

/* Signatures of the signals and of the structured replies. */
/* Killed and CapWarning end with the policy that fired ("process" or
 * "cgroup") and that policy's cgroup ("" for a process policy). */
#define RESCAP_BUS_KILLED_SIG     "usussstts" "ss"
#define RESCAP_BUS_CAPWARNING_SIG "usussstts" "s" "ss"
#define RESCAP_BUS_EXITED_SIG     "ususstt"
#define RESCAP_BUS_TOP_SIG        "a(ust)"
#define RESCAP_BUS_SAMPLE_SIG     "tdttdddttuu" RESCAP_BUS_TOP_SIG RESCAP_BUS_TOP_SIG RESCAP_BUS_TOP_SIG
#define RESCAP_BUS_EVENTS_LOST_SIG "t"
#define RESCAP_BUS_FETCH_SIG      "ussubtttttttsutss"
#define RESCAP_BUS_LIST_ENTRY_SIG "(usuttttsss)"
#define RESCAP_BUS_UNIT_ENTRY_SIG "(ssott)"
/* GetCounters: event ("kill", "warning"), unit ("" outside the units
 * with caps), resource ("heap", "fds"; "unknown" for kills found again
 * after lost events), policy ("process", "cgroup"), kind (warnings:
 * "soft", "notify", "deny"; "" for kills), count. */
#define RESCAP_BUS_COUNTER_ENTRY_SIG "(ssssst)"
/* GetSockets, GetUnitSockets: sockets by family, type and state, with
 * their count; TCP connections: local and peer address, state, bytes
 * sent (acknowledged by the peer) and received. */
#define RESCAP_BUS_SOCK_COUNT_SIG "(sssu)"
#define RESCAP_BUS_TCP_CONN_SIG   "(ssstt)"
