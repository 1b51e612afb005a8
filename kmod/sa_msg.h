/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sa_msg.h - translation between SAs and PF_KEY messages: building an SA
 * from a validated ADD/UPDATE/GETSPI, and the SA messages the kernel
 * sends (GETSPI, UPDATE, ADD, DELETE, GET, DUMP, EXPIRE replies).
 */
#ifndef _NFIPSEC_SA_MSG_H
#define _NFIPSEC_SA_MSG_H

#include <linux/skbuff.h>

#include "sadb.h"

/* What goes into an SA message besides SA, addresses and SA2. */
#define SA_MSG_KEYS		0x1	/* key extensions (GET, DUMP only) */
#define SA_MSG_HARD		0x2	/* LIFETIME_HARD */
#define SA_MSG_SOFT		0x4	/* LIFETIME_SOFT */
#define SA_MSG_CURRENT		0x8	/* LIFETIME_CURRENT */
#define SA_MSG_NFIPSEC		0x10	/* SADB_X_EXT_REPLAY and _COUNTERS */
#define SA_MSG_LIFETIMES	(SA_MSG_HARD | SA_MSG_SOFT | SA_MSG_CURRENT)

/*
 * Fill the identity of @sa (addresses, SPI, proto, mode, reqid, kept
 * extensions) from @m.  Used for GETSPI's larval SAs and for ADD/UPDATE.
 */
int nfipsec_sa_set_identity(struct nfipsec_sa *sa, const struct pfkey_msg *m,
			    struct pfkey_verdict *v);

/*
 * Fill everything ADD/UPDATE carries: algorithms and keys (checked against
 * alg_table and the running kernel's crypto API), replay window, flags,
 * lifetimes.  Only called on SAs already given an identity.
 */
int nfipsec_sa_set_params(struct nfipsec_sa *sa, const struct pfkey_msg *m,
			  struct pfkey_verdict *v);

/* Copy the hard and soft lifetimes of @m into @sa (UPDATE of a live SA). */
void nfipsec_sa_set_lifetimes(struct nfipsec_sa *sa, const struct pfkey_msg *m);

/*
 * UPDATE of listed, live ESP-in-UDP @sa (db->lock held): its ports become
 * those @parsed took from @m, in the packet path and in the NAT-T
 * extensions it returns.  All or nothing: -ENOMEM/-EMSGSIZE change nothing.
 */
int nfipsec_sa_update_natt(struct nfipsec_sa *sa, const struct nfipsec_sa *parsed,
			   const struct pfkey_msg *m);

/*
 * A message about @sa of @type, its header's seq and pid from @seq/@pid,
 * carrying @what (SA_MSG_*).  NULL on ENOMEM.
 */
struct sk_buff *nfipsec_sa_msg(const struct nfipsec_sa *sa, u8 type, u32 seq,
			       u32 pid, unsigned int what, gfp_t gfp);

/*
 * An SADB_EXPIRE for @sa: SA, current lifetime, the lifetime that ran out
 * (@hard: the hard one, else the soft one), addresses.
 */
struct sk_buff *nfipsec_sa_expire_msg(const struct nfipsec_sa *sa, bool hard,
				      gfp_t gfp);

#endif /* _NFIPSEC_SA_MSG_H */
