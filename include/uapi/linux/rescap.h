/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	include/rescap.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_RESCAP_H
#define _UAPI_LINUX_RESCAP_H

#define RESCAP_FAMILY_NAME	"rescap"
#define RESCAP_FAMILY_VERSION	1

#define RESCAP_CAP_MIN			1
#define RESCAP_SOFT_PCT_MAX		99
#define RESCAP_EVENTS_MCGRP_NAME	"events"

/**
 * enum rescap_action - What happens when a process goes over a cap.
 * @RESCAP_ACTION_KILL: SIGKILL to the whole thread group, before it runs
 *   another instruction in user space; a killed event is sent.
 * @RESCAP_ACTION_DENY: The allocation fails (ENOMEM for heap, EMFILE for fds)
 *   and the process goes on; an exceeded event is sent. LSM build only: the
 *   module refuses it with EOPNOTSUPP.
 * @RESCAP_ACTION_NOTIFY: Only an exceeded event, once per crossing of the cap.
 */
enum rescap_action {
	RESCAP_ACTION_KILL = 1,
	RESCAP_ACTION_DENY,
	RESCAP_ACTION_NOTIFY,
};

/**
 * enum rescap_resource - The measure a cap applies to.
 * @RESCAP_RESOURCE_HEAP: VmData (mm->data_vm), in bytes.
 * @RESCAP_RESOURCE_FDS: Open descriptors in the file table.
 */
enum rescap_resource {
	RESCAP_RESOURCE_HEAP = 1,
	RESCAP_RESOURCE_FDS,
};

/**
 * enum rescap_exceed_kind - Why an exceeded event was sent.
 * @RESCAP_EXCEED_KIND_SOFT: Usage reached the soft threshold (soft-pct percent
 *   of the cap).
 * @RESCAP_EXCEED_KIND_NOTIFY: Usage went over the cap and the action is
 *   notify.
 * @RESCAP_EXCEED_KIND_DENY: An allocation over the cap was denied (LSM build).
 */
enum rescap_exceed_kind {
	RESCAP_EXCEED_KIND_SOFT = 1,
	RESCAP_EXCEED_KIND_NOTIFY,
	RESCAP_EXCEED_KIND_DENY,
};

/**
 * enum rescap_policy - Which policy a killed or exceeded event comes from.
 * @RESCAP_POLICY_PROCESS: The caps set on the process itself.
 * @RESCAP_POLICY_CGROUP: The policy of a cgroup (policy-cgroup-id,
 *   policy-cgroup-path): the process's own cgroup or one of its ancestors.
 */
enum rescap_policy {
	RESCAP_POLICY_PROCESS = 1,
	RESCAP_POLICY_CGROUP,
};

/**
 * enum rescap_register_flags - Flags of the register command.
 * @RESCAP_REGISTER_FLAGS_NO_INHERIT: Processes the tracked process forks are
 *   not tracked. By default they are, with the same caps and flags.
 */
enum rescap_register_flags {
	RESCAP_REGISTER_FLAGS_NO_INHERIT = 1,
};

enum {
	RESCAP_A_UNSPEC,
	RESCAP_A_PAD,
	RESCAP_A_PID,
	RESCAP_A_PIDFD,
	RESCAP_A_FLAGS,
	RESCAP_A_HEAP_CAP,
	RESCAP_A_FD_CAP,
	RESCAP_A_ACTION,
	RESCAP_A_SOFT_PCT,
	RESCAP_A_FORCE,
	RESCAP_A_COMM,
	RESCAP_A_STATE,
	RESCAP_A_UID,
	RESCAP_A_HEAP,
	RESCAP_A_HEAP_PEAK,
	RESCAP_A_RSS_ANON,
	RESCAP_A_FDS,
	RESCAP_A_FDS_PEAK,
	RESCAP_A_CGROUP_ID,
	RESCAP_A_CGROUP_PATH,
	RESCAP_A_RESOURCE,
	RESCAP_A_USAGE,
	RESCAP_A_CAP,
	RESCAP_A_KIND,
	RESCAP_A_CGROUP_FD,
	RESCAP_A_POLICY,
	RESCAP_A_POLICY_CGROUP_ID,
	RESCAP_A_POLICY_CGROUP_PATH,
	RESCAP_A_KILLS,
	RESCAP_A_NR_MEMBERS,
	RESCAP_A_MEMBER,
	RESCAP_A_CALLER_PIDFD,
	RESCAP_A_CALLER_AUTHORIZED,
	RESCAP_A_ARMED_PATH,
	RESCAP_A_ATTACHES,
	RESCAP_A_ATTACH_FAILURES,

	__RESCAP_A_MAX,
	RESCAP_A_MAX = (__RESCAP_A_MAX - 1)
};

enum {
	RESCAP_MEMBER_A_UNSPEC,
	RESCAP_MEMBER_A_PAD,
	RESCAP_MEMBER_A_PID,
	RESCAP_MEMBER_A_COMM,
	RESCAP_MEMBER_A_CGROUP_ID,
	RESCAP_MEMBER_A_HEAP,
	RESCAP_MEMBER_A_FDS,

	__RESCAP_MEMBER_A_MAX,
	RESCAP_MEMBER_A_MAX = (__RESCAP_MEMBER_A_MAX - 1)
};

enum {
	RESCAP_CMD_UNSPEC,
	RESCAP_CMD_REGISTER,
	RESCAP_CMD_DEREGISTER,
	RESCAP_CMD_GET,
	RESCAP_CMD_SET_CAP,
	RESCAP_CMD_RESET,
	RESCAP_CMD_KILLED,
	RESCAP_CMD_EXCEEDED,
	RESCAP_CMD_EXITED,
	RESCAP_CMD_LIST_CGROUPS,
	RESCAP_CMD_MAY_CHANGE,
	RESCAP_CMD_ARM,
	RESCAP_CMD_DISARM,
	RESCAP_CMD_LIST_ARMED,

	__RESCAP_CMD_MAX,
	RESCAP_CMD_MAX = (__RESCAP_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_RESCAP_H */
