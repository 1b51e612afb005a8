/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spd.h - the security policy database of one network namespace: policy
 * objects (KAME's sadb_x_policy with its IPsec requests, a selector,
 * priority, lifetimes) indexed for packets by the lookup engine of
 * spd_engine.c, one engine per direction, and by id for PF_KEY.
 *
 * Locking and references as in the SADB (sadb.h): writers hold spd->lock,
 * packet-path lookups take no lock and return a reference; a removed
 * policy is freed through RCU once its last reference is dropped.
 */
#ifndef _NFIPSEC_SPD_H
#define _NFIPSEC_SPD_H

#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "spd_engine.h"
#include "sadb.h"
#include "walk.h"

/* Linux's XFRM_MAX_DEPTH: at most this many requests in one bundle. */
#define NFIPSEC_MAX_REQS	6
/*
 * unique:N takes N in 1..32767 (setkey(8)); a level unique without a
 * number, or with one above that, gets a generated reqid above it.
 */
#define NFIPSEC_MANUAL_REQID_MAX 0x7fff

/* One IPsec request of a policy (sadb_x_ipsecrequest). */
struct nfipsec_ipsecreq {
	u8 proto;			/* IPPROTO_ESP, IPPROTO_AH, IPPROTO_COMP */
	u8 mode;			/* IPSEC_MODE_TRANSPORT or _TUNNEL */
	u8 level;			/* IPSEC_LEVEL_DEFAULT/USE/REQUIRE/UNIQUE */
	u32 reqid;
	u16 family;			/* of the tunnel endpoints; 0: none */
	union nfipsec_addr src, dst;	/* tunnel endpoints */
	__be16 sport, dport;		/* ESP-in-UDP ports, when given */
};

struct nfipsec_spd;

struct nfipsec_policy {
	struct nfipsec_spd_entry entry;	/* selector, priority: the engine's */
	struct nfipsec_walk_node node;	/* spd->all */
	struct rhash_head by_id;
	struct nfipsec_spd *spd;
	refcount_t ref;
	struct rcu_head rcu;

	u32 id;				/* sadb_x_policy_id */
	/*
	 * An ipsec interface's policy (ipsec_if.c): listed and dumped, but
	 * not in the lookup engine (packets find it through the interface),
	 * and neither removed by SPDFLUSH nor deletable by PF_KEY.
	 */
	int ifindex;
	u8 dir;				/* IPSEC_DIR_INBOUND/OUTBOUND/FWD */
	u16 type;			/* IPSEC_POLICY_DISCARD/NONE/IPSEC */
	u8 nreq;
	struct nfipsec_ipsecreq req[NFIPSEC_MAX_REQS];

	struct nfipsec_lifetime hard, soft;
	time64_t created, created_mono;	/* wall clock / monotonic seconds */
	time64_t lastused, lastused_mono;	/* 0 until a packet matched */
	atomic64_t packets, bytes;
	bool soft_fired;
	struct timer_list timer;
	struct llist_node expire_node;
	unsigned long expire_queued;

	/*
	 * What PF_KEY gave, returned as given: the address extensions and
	 * the security context, then the sadb_x_policy extension with its
	 * requests (policy id and generated reqids filled in).
	 */
	u8 *kept;
	u16 kept_len;
	u16 xpol_off;			/* offset of sadb_x_policy in kept */
};

struct nfipsec_spd_ops {
	/* A policy reached a soft or hard lifetime (under spd->lock). */
	void (*expired)(struct nfipsec_spd *spd, struct nfipsec_policy *pol,
			bool hard);
};

struct nfipsec_spd {
	struct mutex lock;
	struct nfipsec_spd_engine eng[3];	/* by IPSEC_DIR_* - 1 */
	struct rhashtable by_id;
	struct list_head all;
	u32 count;
	u32 idx_gen;			/* policy ids, as XFRM makes them */
	u32 reqid_gen;			/* reqids for unique without a number */
	bool dying;
	struct llist_head expired;
	struct work_struct expire_work;
	const struct nfipsec_spd_ops *ops;
	void *owner;
};

int nfipsec_spd_init(struct nfipsec_spd *spd, const struct nfipsec_spd_ops *ops,
		     void *owner);
void nfipsec_spd_destroy(struct nfipsec_spd *spd);

struct nfipsec_policy *nfipsec_policy_alloc(void);
void nfipsec_policy_put(struct nfipsec_policy *pol);
static inline bool nfipsec_policy_get(struct nfipsec_policy *pol)
{
	return refcount_inc_not_zero(&pol->ref);
}

/* Packet path: the policy for @flow in direction @dir, referenced, or NULL. */
struct nfipsec_policy *nfipsec_spd_lookup(struct nfipsec_spd *spd, u8 dir,
					  const struct nfipsec_flow *flow);
/* Count a packet against @pol: usage time and counters. */
void nfipsec_policy_used(struct nfipsec_policy *pol, unsigned int bytes);

/* Writers (spd->lock held). */
struct nfipsec_policy *nfipsec_spd_find_sel(struct nfipsec_spd *spd, u8 dir,
					    const struct nfipsec_sel *sel);
struct nfipsec_policy *nfipsec_spd_find_id(struct nfipsec_spd *spd, u32 id);
/* List @pol under a new id. */
int nfipsec_spd_insert(struct nfipsec_spd *spd, struct nfipsec_policy *pol);
/* Put @pol in @old's place, with its id, atomically for packets (SPDUPDATE). */
int nfipsec_spd_replace(struct nfipsec_spd *spd, struct nfipsec_policy *old,
			struct nfipsec_policy *pol);
void nfipsec_spd_remove(struct nfipsec_spd *spd, struct nfipsec_policy *pol);
/* A reqid no SA or policy of this SPD uses yet, for unique levels. */
u32 nfipsec_spd_gen_reqid(struct nfipsec_spd *spd);

#define nfipsec_spd_for_each(spd, pol, tmp) \
	nfipsec_walk_for_each(pol, tmp, &(spd)->all, node)

#endif /* _NFIPSEC_SPD_H */
