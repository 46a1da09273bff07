// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	include/rescap.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "nl-gen.h"

#include <uapi/linux/rescap.h>

/* Global operation policy for rescap */
const struct nla_policy rescap_nl_policy[RESCAP_A_ARMED_PATH + 1] = {
	[RESCAP_A_PID] = { .type = NLA_U32, },
	[RESCAP_A_PIDFD] = { .type = NLA_S32, },
	[RESCAP_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x1),
	[RESCAP_A_HEAP_CAP] = NLA_POLICY_MIN(NLA_U64, RESCAP_CAP_MIN),
	[RESCAP_A_FD_CAP] = NLA_POLICY_MIN(NLA_U64, RESCAP_CAP_MIN),
	[RESCAP_A_ACTION] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[RESCAP_A_SOFT_PCT] = NLA_POLICY_MAX(NLA_U32, RESCAP_SOFT_PCT_MAX),
	[RESCAP_A_FORCE] = { .type = NLA_FLAG, },
	[RESCAP_A_CGROUP_ID] = { .type = NLA_U64, },
	[RESCAP_A_CGROUP_FD] = { .type = NLA_S32, },
	[RESCAP_A_CALLER_PIDFD] = { .type = NLA_S32, },
	[RESCAP_A_CALLER_AUTHORIZED] = { .type = NLA_FLAG, },
	[RESCAP_A_ARMED_PATH] = { .type = NLA_NUL_STRING, .len = 1023, },
};

/* Ops table for rescap */
const struct genl_small_ops rescap_nl_ops[10] = {
	{
		.cmd	= RESCAP_CMD_REGISTER,
		.doit	= rescap_nl_register_doit,
	},
	{
		.cmd	= RESCAP_CMD_DEREGISTER,
		.doit	= rescap_nl_deregister_doit,
	},
	{
		.cmd	= RESCAP_CMD_GET,
		.doit	= rescap_nl_get_doit,
		.dumpit	= rescap_nl_get_dumpit,
	},
	{
		.cmd	= RESCAP_CMD_SET_CAP,
		.doit	= rescap_nl_set_cap_doit,
	},
	{
		.cmd	= RESCAP_CMD_RESET,
		.doit	= rescap_nl_reset_doit,
	},
	{
		.cmd	= RESCAP_CMD_LIST_CGROUPS,
		.dumpit	= rescap_nl_list_cgroups_dumpit,
	},
	{
		.cmd	= RESCAP_CMD_MAY_CHANGE,
		.doit	= rescap_nl_may_change_doit,
	},
	{
		.cmd	= RESCAP_CMD_ARM,
		.doit	= rescap_nl_arm_doit,
	},
	{
		.cmd	= RESCAP_CMD_DISARM,
		.doit	= rescap_nl_disarm_doit,
	},
	{
		.cmd	= RESCAP_CMD_LIST_ARMED,
		.dumpit	= rescap_nl_list_armed_dumpit,
	},
};
