/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	include/rescap.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_RESCAP_GEN_H
#define _LINUX_RESCAP_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/rescap.h>

/* Global operation policy for rescap */
extern const struct nla_policy rescap_nl_policy[RESCAP_A_ARMED_PATH + 1];

/* Ops table for rescap */
extern const struct genl_small_ops rescap_nl_ops[10];

int rescap_nl_register_doit(struct sk_buff *skb, struct genl_info *info);
int rescap_nl_deregister_doit(struct sk_buff *skb, struct genl_info *info);
int rescap_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int rescap_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int rescap_nl_set_cap_doit(struct sk_buff *skb, struct genl_info *info);
int rescap_nl_reset_doit(struct sk_buff *skb, struct genl_info *info);
int rescap_nl_list_cgroups_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int rescap_nl_may_change_doit(struct sk_buff *skb, struct genl_info *info);
int rescap_nl_arm_doit(struct sk_buff *skb, struct genl_info *info);
int rescap_nl_disarm_doit(struct sk_buff *skb, struct genl_info *info);
int rescap_nl_list_armed_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);

#endif /* _LINUX_RESCAP_GEN_H */
