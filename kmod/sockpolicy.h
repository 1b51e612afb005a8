/* SPDX-License-Identifier: GPL-2.0 */
/* sockpolicy.h - per-socket policies through an XFRM key manager (sockpolicy.c). */
#ifndef _NFIPSEC_SOCKPOLICY_H
#define _NFIPSEC_SOCKPOLICY_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <net/sock.h>

#include "spd.h"

struct xfrm_policy;

struct nfipsec_sockpol {
	struct list_head list;		/* the registry, RCU */
	struct rcu_head rcu;
	struct xfrm_policy *xp;		/* referenced; XFRM's, on the socket */
	u16 type;			/* IPSEC_POLICY_DISCARD/NONE/IPSEC/ENTRUST/BYPASS */
	u8 dir;				/* IPSEC_DIR_INBOUND or _OUTBOUND */
	u16 family;			/* the socket's */
	u8 nreq;
	struct nfipsec_ipsecreq req[NFIPSEC_MAX_REQS];
	u16 xpol_len;
	u8 xpol[];			/* the sadb_x_policy as given */
};

int nfipsec_sockpol_init(void);
void nfipsec_sockpol_exit(void);

/* The policy of @sk for XFRM direction @dir (0 in, 1 out), or NULL. RCU. */
const struct nfipsec_sockpol *nfipsec_sockpol_of(const struct sock *sk, int dir);
const struct nfipsec_sockpol *nfipsec_sockpol_find(const struct xfrm_policy *xp);

/* A copy of a per-socket policy, for SPDDUMP. */
struct nfipsec_sockpol_view {
	u32 id;				/* the xfrm_policy's index */
	u32 refcnt;			/* XFRM's references, ours left out */
	time64_t add_time, use_time;	/* the xfrm_policy's, as XFRM keeps them */
	u8 dir;				/* IPSEC_DIR_INBOUND or _OUTBOUND */
	u16 family;
	u16 xpol_len;
	u8 xpol[];
};

/*
 * Copies of the live per-socket policies of @net (an array of pointers in
 * *@out); returns how many, or -ENOMEM.  Free with _free_views().
 */
int nfipsec_sockpol_snapshot(struct net *net, struct nfipsec_sockpol_view ***out);
void nfipsec_sockpol_free_views(struct nfipsec_sockpol_view **v, int n);

#endif /* _NFIPSEC_SOCKPOLICY_H */
