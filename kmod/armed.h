/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - armed paths: cgroup policies made with the cgroup
 */

#ifndef _RESCAP_ARMED_H
#define _RESCAP_ARMED_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "policy.h"

struct sk_buff;

/*
 * The longest path that can be armed: the cgroup_mkdir tracepoint gives
 * paths cut at 1024 bytes with their NUL.
 */
#define RESCAP_ARMED_PATH_MAX 1023

/**
 * struct rescap_armed - caps for every cgroup made at a path
 * @node: link in the table, hashed by the path's parent
 * @list: link in the list of all armed paths, in arming order
 * @rcu: for freeing after a grace period
 * @seq: arming sequence number, the cursor of dumps
 * @caps: the caps each new cgroup's policy gets; read locklessly
 * @attaches: cgroups made with a policy from this entry
 * @failures: cgroups made at the path that got no policy (no memory)
 * @spare: memory for the next policy, taken by the mkdir probe with
 *         xchg() and refilled by a work item
 * @parent_len: the length of the path's parent ("/a" in "/a/b")
 * @pattern: the last component holds glob(7) characters
 * @path: the path, from the root of the cgroup v2 hierarchy
 */
struct rescap_armed {
	struct hlist_node node;
	struct list_head list;
	struct rcu_head rcu;
	u64 seq;
	struct rescap_caps caps;
	atomic64_t attaches;
	atomic64_t failures;
	struct rescap_group *spare;
	unsigned int parent_len;
	bool pattern;
	char path[];
};

bool rescap_armed_any(void);
int rescap_armed_attach(void);
void rescap_armed_detach(void);

bool rescap_armed_glob(const char *s, size_t len);
int rescap_armed_set(const char *path, const struct rescap_caps *caps,
		     struct rescap_caps *old, bool *existed);
int rescap_armed_remove(const char *path);
int rescap_armed_dump(struct sk_buff *skb, u64 *cursor,
		      int (*fill)(struct sk_buff *skb,
				  const struct rescap_armed *armed, void *arg),
		      void *arg);

#endif /* _RESCAP_ARMED_H */
