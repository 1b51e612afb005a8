/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk.h - lists that dumps can walk across many rounds.
 *
 * The SADB and the SPD keep their objects on a list in insertion order.
 * A dump that must stop (the reader's buffer is full) leaves a marker
 * node in the list where it stopped, and resumes after the marker in a
 * later round; objects added or removed meanwhile never invalidate it.
 * Both objects and markers start with this node; iteration skips markers.
 */
#ifndef _NFIPSEC_WALK_H
#define _NFIPSEC_WALK_H

#include <linux/list.h>

struct nfipsec_walk_node {
	struct list_head list;
	bool walker;		/* a dump's position marker, not an object */
};

/* Iterate the objects (type @type, node member @member) of @head safely. */
#define nfipsec_walk_for_each(pos, tmp, head, member)			\
	list_for_each_entry_safe(pos, tmp, head, member.list)		\
		if ((pos)->member.walker) {} else

#endif /* _NFIPSEC_WALK_H */
